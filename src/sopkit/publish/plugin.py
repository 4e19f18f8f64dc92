"""The MkDocs adapter: the `sopkit` plugin. The only module of sopkit that imports MkDocs.

.. code-block:: yaml

    plugins:
      - search
      - sopkit:
          procedures: procedures
          rules: {review-overdue: error}

What it does, event by event:

- ``on_config``: checks the handbook (the same checks and messages as
  ``sopkit validate``; under ``sopkit build``, the check it already ran); errors, and
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
  theme's own HTML is not touched).
- ``on_serve``: `mkdocs serve` rebuilds when procedures, organization.yml or the
  handbook's templates change.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import nest_paths

from sopkit.config import OPTIONS, ConfigError, build_config
from sopkit.publish.sanitize import sanitize_html
from sopkit.publish.titles import safe_meta, safe_nav, safe_title

if TYPE_CHECKING:
    from jinja2 import Environment

    from sopkit.publish.render import LazySite

log = get_plugin_logger(__name__)


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


class SopkitPlugin(BasePlugin[SopkitPluginConfig]):  # type: ignore[no-untyped-call]
    """Checks the handbook and adds its pages to the MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._site: LazySite | None = None
        self._pages: frozenset[str] = frozenset()
        self._nav: list[Any] = []
        self._user_nav = False
        self._watch: list[Path] = []
        self._command: str | None = None
        self._frozen = False
        self._sopkit_build = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        from sopkit.check.handbook import check_handbook, rule_infos
        from sopkit.publish.render import LazySite, build_model
        from sopkit.publish.site import checked
        from sopkit.report.validation import format_report

        self._close()

        config_file = Path(config.config_file_path) if config.config_file_path else None
        root = config_file.parent if config_file is not None else Path.cwd()
        options = {key: value for key, value in self.config.items()
                   if key in OPTIONS and value is not None}
        language = config.theme.get("language") or "en"
        try:
            handbook = build_config(root, options, language=str(language),
                                    config_file=config_file, site_dir=Path(config.site_dir),
                                    mkdocs=dict(config))
        except ConfigError as error:
            raise PluginError(str(error)) from None

        earlier = checked(handbook)  # by `sopkit build`, which ran the check already
        self._sopkit_build = earlier is not None
        result = earlier or check_handbook(handbook)
        report = format_report("text", result.diagnostics, files=result.files,
                               rules=rule_infos())
        if result.failed(handbook.strict):
            raise PluginError(f"sopkit: the handbook has problems:\n{report.rstrip()}")
        for line in report.splitlines()[:-2]:  # the diagnostics, without the summary
            if line:
                log.warning(line)

        model = build_model(handbook, result.contents(), result.organization)
        # The pages are rendered when MkDocs reads them; when building (not serving),
        # a second process renders them ahead while MkDocs converts the ones before.
        self._site = LazySite(handbook, model, clean_flowcharts=True)
        if self._command != "serve":
            self._site.start_worker()
            # What is alive now (the checked documents, the model, MkDocs' settings) lives
            # through the build: no collection needs to walk it again and again while
            # MkDocs builds the pages. `_close` gives it back to the collector.
            gc.freeze()
            self._frozen = True
        self._pages = frozenset(self._site.paths)  # inside the `section` folder already
        self._nav = safe_nav(self._site.nav)
        self._user_nav = config.nav is not None
        self._watch = [handbook.procedures, handbook.organization, handbook.templates]
        add_markdown_extensions(config)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        handwritten = [file.src_uri for file in files.documentation_pages()]
        by_dest = {file.dest_uri: file for file in files}
        site = self._site
        for src_uri in site.paths if site is not None else ():
            generated = _RenderedFile.generated(config, src_uri, content="")
            assert isinstance(generated, _RenderedFile) and site is not None
            generated.source = functools.partial(site.take_for_mkdocs, src_uri)
            generated.forget()
            # The same source path, or the same page in the site (README.md is index.md).
            existing = files.get_file_from_path(src_uri) or by_dest.get(generated.dest_uri)
            if existing is not None:
                where = existing.abs_src_path or existing.src_uri
                raise PluginError(
                    f"{where}: this page has the path of the page sopkit generates as "
                    f"'{src_uri}'; MkDocs would silently replace one with the other. "
                    "Rename the hand-written page, or set the sopkit option 'section' "
                    "to put the handbook in a folder of its own"
                )
            files.append(generated)
        if not self._user_nav:
            config.nav = self._full_nav(handwritten)
        return files

    def _full_nav(self, handwritten: Sequence[str]) -> list[Any]:
        """The handbook's nav, with the hand-written pages MkDocs would have listed."""
        others: list[Any] = nest_paths(  # type: ignore[no-untyped-call]
            sorted(handwritten, key=_page_order))
        if not self._nav:
            return others
        section = self.config.section
        if section:
            title = section.strip("/").replace("-", " ").replace("_", " ").capitalize()
            return [*others, {title: self._nav}]
        return [*self._nav, *others]

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
            return sanitize_html(html, cleaned)
        return html

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

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._close()

    def on_build_error(self, *, error: Exception) -> None:
        self._close()

    def on_shutdown(self) -> None:
        self._close()

    def _close(self) -> None:
        """Stop the rendering process; pages not read yet are rendered here if asked for."""
        if self._site is not None:
            self._site.close()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer | None:
        for path in self._watch:
            if path.exists():
                server.watch(str(path))
        return server


class _RenderedFile(File):
    """A generated page or flowchart whose text is rendered when it is first read.

    Once MkDocs has read a page (``on_page_markdown``), the file forgets its text: it
    would otherwise be held twice for the whole build. Read again, it is rendered again.
    """

    source: Callable[[], str] | None = None

    def _get_content(self) -> str | bytes | None:
        text: str | bytes | None = self.__dict__.get("_text")
        if text is None and self.source is not None:
            text = self.__dict__["_text"] = self.source()
        return text

    def _set_content(self, value: str | bytes | None) -> None:
        self.__dict__["_text"] = value
        self.source = None  # content set from outside is the content from now on

    _content = property(_get_content, _set_content)

    def forget(self) -> None:
        if self.source is not None:
            self.__dict__.pop("_text", None)


def add_markdown_extensions(config: MkDocsConfig) -> None:
    """Add the Markdown extensions sopkit's pages are written for that mkdocs.yml leaves out.

    Without them a page shows ``{#step-...}`` and ``[ ]`` as text and its step links lead
    nowhere. An extension mkdocs.yml sets keeps the options it is given there.
    """
    from sopkit.publish.site import markdown_extensions

    present = {_extension_name(name) for name in config.markdown_extensions}
    for item in markdown_extensions():
        name, options = (item, None) if isinstance(item, str) else next(iter(item.items()))
        if name not in present:
            config.markdown_extensions.append(name)
            if options:
                config.mdx_configs[name] = dict(options)


def _extension_name(name: object) -> str:
    """An extension's short name: ``markdown.extensions.tables`` is ``tables``."""
    return str(name).removeprefix("markdown.extensions.")


def _page_order(src_uri: str) -> tuple[Any, ...]:
    """MkDocs' own order: index pages first in their folder, then by name."""
    parts = src_uri.split("/")
    return (*(part for part in parts[:-1]), not parts[-1].startswith(("index.", "README.")),
            parts[-1])
