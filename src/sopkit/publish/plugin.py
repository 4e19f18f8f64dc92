"""The MkDocs adapter: the `sopkit` plugin. What it adds to the site is worked out without
MkDocs (:mod:`sopkit.publish.plan`); the pages come from :mod:`sopkit.publish.lookahead`.

.. code-block:: yaml

    plugins:
      - search
      - sopkit:
          procedures: procedures
          rules: {review-overdue: error}

What it does, event by event:

- ``on_config``: checks the handbook (the same checks and messages as
  ``sopkit validate``; under ``sopkit build``, the check `build_site` gave it with
  :meth:`SopkitPlugin.use_check`); errors, and
  warnings with ``strict: true``, stop the build. It lays out the pages, and when
  mkdocs.yml has no ``nav:`` it provides one. It adds the Markdown extensions the
  pages are written for that mkdocs.yml leaves out (:func:`add_markdown_extensions`).
  When building (not serving) a large handbook on more than one core, a forked
  process starts rendering the pages.
- ``on_files``: adds the pages and flowcharts to the site from memory; nothing is
  written into the docs folder. Each is rendered when MkDocs first reads it (or taken
  from the rendering process), and forgotten once MkDocs has its Markdown
  (``on_page_markdown``). A generated page whose path is taken by a hand-written page
  is an error naming both.
- ``on_page_markdown`` and ``on_page_content``: every title and front-matter value of a
  generated page, and every title of sopkit's nav, reaches MkDocs and the theme with
  nothing a theme could make markup of (:func:`safe_title`); the HTML of rendered
  pages is sanitised with nh3, a second wall behind the renderer's escaping (the
  theme's own HTML is not touched). When building with the rendering process, and no
  other plugin would see the HTML in between, that process cleans it while MkDocs
  converts the next pages, and ``on_page_context`` (before any other plugin's) puts the
  cleaned HTML in the page.
- ``on_serve``: `mkdocs serve` rebuilds when procedures, organization.yml or the
  handbook's templates change.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from sopkit.config import OPTIONS, Config, ConfigError, build_config, read_mkdocs_yml
from sopkit.publish.plan import SiteFile, full_nav, nav_paths, taken_place
from sopkit.publish.sanitize import sanitize_html
from sopkit.publish.titles import safe_meta, safe_nav, safe_title

if TYPE_CHECKING:
    from jinja2 import Environment

    from sopkit.check.handbook import CheckResult
    from sopkit.publish.lookahead import LazySite
    from sopkit.publish.templating import TemplateProblem

log = get_plugin_logger(__name__)


@dataclass(frozen=True)
class GivenCheck:
    """The check `sopkit build` ran before it built the site, given to the plugin
    (:meth:`SopkitPlugin.use_check`) so that it need not run it again: used only for the
    handbook it was run on (the same folders, rules and date)."""

    key: tuple[Any, ...]
    result: CheckResult

    @classmethod
    def of(cls, config: Config, result: CheckResult) -> GivenCheck:
        return cls(_check_key(config), result)

    def result_for(self, config: Config) -> CheckResult | None:
        return self.result if self.key == _check_key(config) else None


def _check_key(config: Config) -> tuple[Any, ...]:
    return (config.procedures.resolve(), config.organization.resolve(),
            tuple(sorted(config.rules.items())), config.today)


# MkDocs' __init_subclass__ hooks are untyped.
class SopkitPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options; the defaults are sopkit's (see :data:`sopkit.config.OPTIONS`)."""

    procedures = c.Optional(c.Type(str))
    """Folder holding the procedures, relative to mkdocs.yml (default: procedures)."""
    organization = c.Optional(c.Type(str))
    """The organization file, relative to mkdocs.yml (default: organization.yml)."""
    templates = c.Optional(c.Type(str))
    """Folder of templates that override sopkit's own (default: templates)."""
    rules = c.Optional(c.Type(dict))
    """Rule severities, e.g. ``{review-overdue: error, unused-output: off}``."""
    strict = c.Optional(c.Type(bool))
    """Fail the build on warnings too (default: false)."""
    today = c.Optional(c.Type((str, date)))
    """The date the review rule counts from, YYYY-MM-DD (default: the real date)."""
    section = c.Optional(c.Type(str))
    """The folder of the site the handbook pages go into (default: the site root)."""
    cache_dir = c.Optional(c.Type(str))
    """The folder of `sopkit validate`'s cache, relative to mkdocs.yml."""
    handbook_owners = c.Optional(c.Type((str, list)))
    """Roles whose people review the handbook's own files in CODEOWNERS."""
    print_notice = c.Optional(c.Type(str))
    """The line printed procedures carry; ``{date}`` is the day printed."""
    training = c.Optional(c.Type(str))
    """Folder holding the training records, relative to mkdocs.yml (default: training)."""
    versions_from = c.Optional(c.Choice(("git", "history")))
    """Where the versions in effect on procedure pages come from (default: git)."""
    approvals = c.Optional(c.Type(str))
    """Folder holding the approval records, relative to mkdocs.yml (default: approvals)."""


class SopkitPlugin(BasePlugin[SopkitPluginConfig]):  # type: ignore[no-untyped-call]
    """Checks the handbook and adds its pages to the MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._given: GivenCheck | None = None
        self._site: LazySite | None = None
        self._pages: frozenset[str] = frozenset()
        self._nav: list[Any] = []
        self._user_nav = False
        self._watch: list[Path] = []
        self._command: str | None = None
        self._sopkit_build = False
        self._clean_ahead = False
        self._cleaning: dict[str, tuple[Future[str], tuple[str, str] | None]] = {}

    def use_check(self, config: Config, result: CheckResult) -> None:
        """Take the check `sopkit build` already ran on the handbook of ``config``; the
        plugin then does not run it again (if its options name the same handbook), and a
        template problem is raised as it is, for `sopkit build` to say."""
        self._given = GivenCheck.of(config, result)

    def template_problem(self) -> TemplateProblem | None:
        """The first template that failed on a page read so far (the page was left empty)."""
        return self._site.problem if self._site is not None else None

    def page_titles(self) -> dict[str, str]:
        """The titles of the pages of sopkit's nav that are listed by their path alone,
        known before the pages are rendered (for `sopkit serve`, which builds a page
        only when it is asked for)."""
        if self._site is None:
            return {}
        return {path: safe_title(title) for path, title in self._site.titles().items()}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        from sopkit.check.handbook import check_handbook, rule_infos
        from sopkit.publish.lookahead import LazySite
        from sopkit.publish.render import build_model
        from sopkit.report.validation import format_report

        self._close()
        self._cleaning.clear()  # a new build: its pages, not the last build's
        handbook = self._handbook(config)
        given = self._given.result_for(handbook) if self._given is not None else None
        self._given = None  # for this build only: MkDocs keeps the plugin for the next one
        self._sopkit_build = given is not None
        result = given or check_handbook(handbook)
        if given is None:  # `sopkit build` showed the notes of the check it gave
            for note in result.notes:  # about the check itself (an untrusted cache folder)
                print(note, file=sys.stderr, flush=True)
        report = format_report("text", result.diagnostics, files=result.files,
                               rules=rule_infos())
        if result.failed(handbook.strict):
            raise PluginError(f"sopkit: the handbook has problems:\n{report.rstrip()}")
        for line in report.splitlines()[:-2]:  # the diagnostics, without the summary
            if line:
                log.warning(line)

        model = build_model(handbook, result.contents(), result.organization, result.training,
                            result.approvals)
        # The pages are rendered when MkDocs reads them; when building (not serving),
        # a second process renders them ahead while MkDocs converts the ones before.
        self._site = LazySite(handbook, model, clean_flowcharts=True)
        if self._command != "serve":
            self._site.prepare_for_build()
        self._clean_ahead = self._command != "serve" and _sees_html_alone(self, config)
        self._pages = frozenset(self._site.paths)  # inside the `section` folder already
        self._nav = safe_nav(self._site.nav)
        self._user_nav = config.nav is not None
        self._watch = [handbook.procedures, handbook.organization, handbook.templates,
                       handbook.training(), handbook.approvals()]
        add_markdown_extensions(config)
        add_print_assets(config, self.config.section)
        return config

    def _handbook(self, config: MkDocsConfig) -> Config:
        """sopkit's configuration: the plugin's options, relative to mkdocs.yml."""
        config_file = Path(config.config_file_path) if config.config_file_path else None
        root = config_file.parent if config_file is not None else Path.cwd()
        options = {key: value for key, value in self.config.items()
                   if key in OPTIONS and value is not None}
        language = config.theme.get("language") or "en"
        try:
            # mkdocs.yml as written, as the command line reads it: MkDocs' loaded settings
            # hold what sopkit laid over them (a temporary docs folder when the handbook
            # has none), and CODEOWNERS is made from the file's own words.
            mkdocs = read_mkdocs_yml(config_file) if config_file is not None else dict(config)
            return build_config(root, options, language=str(language),
                                config_file=config_file, site_dir=Path(config.site_dir),
                                mkdocs=mkdocs)
        except ConfigError as error:
            raise PluginError(str(error)) from None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        site = self._site
        generated = ([_RenderedFile.rendered(config, path, site.take_for_mkdocs)
                      for path in site.paths] if site is not None else [])
        problem = taken_place(
            (SiteFile(file.src_uri, file.dest_uri) for file in generated),
            [SiteFile(file.src_uri, file.dest_uri, file.abs_src_path or "") for file in files])
        if problem is not None:
            raise PluginError(problem)
        handwritten = [file.src_uri for file in files.documentation_pages()]
        listed = nav_paths(self._nav)
        for file in generated:
            if file.is_documentation_page() and file.src_uri not in listed:
                file.inclusion = InclusionLevel.NOT_IN_NAV  # run sheets: linked, not listed
            files.append(file)
        if not self._user_nav:
            config.nav = full_nav(self._nav, handwritten, self.config.section)
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        if isinstance(page.file, _RenderedFile):
            page.file.forget()  # MkDocs has its own copy now
        if page.file.src_uri in self._pages:
            page.meta = safe_meta(page.meta)
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if page.file.src_uri in self._pages:
            # A title from a nav (sopkit's is safe already, mkdocs.yml's is the user's own)
            # is an attribute of the page; the others MkDocs takes from the first heading.
            if "title" not in vars(page) and page.title is not None:
                page.title = safe_title(page.title)
            # The flowchart was cleaned by the process that rendered the page, ahead.
            cleaned = self._site.cleaned_part(page.file.src_uri) if self._site else None
            # Building, the second process cleans the page while this one converts the
            # next ones; the HTML is not used before on_page_context, which takes it.
            ahead = (self._site.run_ahead(sanitize_html, html, cleaned)
                     if self._clean_ahead and self._site is not None else None)
            if ahead is None:
                return sanitize_html(html, cleaned)
            self._cleaning[page.file.src_uri] = (ahead, cleaned)
            ahead.add_done_callback(functools.partial(_put_cleaned, page))
        return html

    @event_priority(100)  # before any other plugin reads the page's HTML (the search index)
    def on_page_context(self, context: TemplateContext, /, *, page: Page,
                        config: MkDocsConfig, nav: Navigation) -> TemplateContext | None:
        pending = self._cleaning.pop(page.file.src_uri, None)
        if pending is not None:
            ahead, cleaned = pending
            try:
                page.content = ahead.result()
            except Exception:  # the second process is gone: clean the page here
                page.content = sanitize_html(page.content or "", cleaned)
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        # The running footer of a printed procedure (its id and version): a style of its
        # own page, every character of it escaped (sopkit.publish.printing).
        footer = self._site.footers.get(page.file.src_uri) if self._site else None
        if footer is None or "</head>" not in output:
            return output
        from sopkit.publish.printing import footer_style

        head, _, rest = output.partition("</head>")
        return f"{head}{footer_style(footer)}</head>{rest}"

    def on_env(self, env: Environment, /, *, config: MkDocsConfig,
               files: Files) -> Environment | None:
        # A page whose template failed was left empty (LazySite.take_for_mkdocs): every
        # page is read now, the build stops with the template's one line. `sopkit build`
        # says it itself (exit 2); MkDocs would print the PluginError's line.
        problem = self._site.problem if self._site is not None else None
        if problem is not None:
            if self._sopkit_build:
                raise problem
            raise PluginError(str(problem))
        return env

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._close()
        from sopkit.publish.search_index import utf8_search_index

        utf8_search_index(Path(config.site_dir))

    def on_build_error(self, *, error: Exception) -> None:
        self._close()

    def on_shutdown(self) -> None:
        self._close()

    def _close(self) -> None:
        """Stop rendering ahead; pages not read yet are rendered here if asked for, and a
        page handed over for cleaning is cleaned here if it is written after all."""
        if self._site is not None:
            self._site.close()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer | None:
        for path in self._watch:
            if path.exists():
                server.watch(str(path))
        return server


def _put_cleaned(page: Page, ahead: Future[str]) -> None:
    """The cleaned HTML in the page as soon as the second process sends it, so that the
    page's HTML is not held twice until it is written (on_page_context puts it there in
    any case, should MkDocs have set the uncleaned HTML after this)."""
    if not ahead.cancelled() and ahead.exception() is None:
        page.content = ahead.result()


def _sees_html_alone(plugin: SopkitPlugin, config: MkDocsConfig) -> bool:
    """Whether no other plugin sees a page's HTML after ``plugin`` has had it in
    on_page_content and before its on_page_context: ``plugin`` is the last to handle the
    one and the first to handle the other. Only then may the cleaning of the HTML wait
    until the page is written (nothing else would see it uncleaned)."""
    content = config.plugins.events.get("page_content") or []
    context = config.plugins.events.get("page_context") or []
    return (bool(content) and bool(context)
            and getattr(content[-1], "__self__", None) is plugin
            and getattr(context[0], "__self__", None) is plugin)


def sopkit_plugin(config: MkDocsConfig) -> SopkitPlugin | None:
    """The sopkit plugin of loaded MkDocs settings; None if they do not enable it."""
    for plugin in config.plugins.values():
        if isinstance(plugin, SopkitPlugin):
            return plugin
    return None


class _RenderedFile(File):
    """A generated page or flowchart whose text is rendered when it is first read.

    Once MkDocs has read a page (``on_page_markdown``), the file forgets its text: it
    would otherwise be held twice for the whole build. Read again, it is rendered again.
    Content set from outside (by another plugin) is the content from then on.
    """

    _render: Callable[[], str] | None = None
    _text: str | None = None

    @classmethod
    def rendered(cls, config: MkDocsConfig, src_uri: str,
                 render: Callable[[str], str]) -> _RenderedFile:
        """The file ``src_uri``, whose text is ``render(src_uri)``."""
        file = cls.generated(config, src_uri, content="")  # the content is given when read
        assert isinstance(file, cls)
        file._render = functools.partial(render, src_uri)
        return file

    @property
    def content_string(self) -> str:
        if self._render is None:
            return str(File.content_string.fget(self))  # type: ignore[attr-defined]
        if self._text is None:
            self._text = self._render()
        return self._text

    @content_string.setter
    def content_string(self, value: str) -> None:
        self._render = self._text = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_bytes(self) -> bytes:
        if self._render is None:
            return bytes(File.content_bytes.fget(self))  # type: ignore[attr-defined]
        return self.content_string.encode()

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self._render = self._text = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]

    def copy_file(self, dirty: bool = False) -> None:
        """A flowchart is written by MkDocs with the text it is given now."""
        if self._render is not None:
            self.content_string = self.content_string
        super().copy_file(dirty)

    def forget(self) -> None:
        if self._render is not None:
            self._text = None


def add_markdown_extensions(config: MkDocsConfig) -> None:
    """Add the Markdown extensions sopkit's pages are written for that mkdocs.yml leaves out.

    Without them a page shows ``{#step-...}`` and ``[ ]`` as text and its step links lead
    nowhere. An extension mkdocs.yml sets keeps the options it is given there.
    """
    from sopkit.publish.mkdocs_settings import markdown_extensions

    present = {_extension_name(name) for name in config.markdown_extensions}
    for item in markdown_extensions():
        name, options = (item, None) if isinstance(item, str) else next(iter(item.items()))
        if name not in present:
            config.markdown_extensions.append(name)
            if options:
                config.mdx_configs[name] = dict(options)


def add_print_assets(config: MkDocsConfig, section: str | None) -> None:
    """Add sopkit's print style sheet and its script (sopkit.publish.printing) to the site."""
    from sopkit.publish.printing import PRINT_CSS, PRINT_JS

    prefix = f"{section.strip('/')}/" if section and section.strip("/") else ""
    if prefix + PRINT_CSS not in config.extra_css:
        config.extra_css.append(prefix + PRINT_CSS)
    if all(str(script) != prefix + PRINT_JS for script in config.extra_javascript):
        config.extra_javascript.append(prefix + PRINT_JS)


def _extension_name(name: object) -> str:
    """An extension's short name: ``markdown.extensions.tables`` is ``tables``."""
    return str(name).removeprefix("markdown.extensions.")
