"""`sopkit serve`: the handbook's site, each page built when a browser asks for it.

`mkdocs serve` builds the whole site before it serves the first page and again after
every save: at a thousand procedures that is minutes a writer waits for each edit. The
preview does the part of MkDocs' build that every page depends on (check the handbook,
lay out its files and nav, copy the theme's assets) when it starts and after each
change, and builds a page (Markdown to HTML in the theme) only when a browser asks for
it. After a save, the open page reloads and is the only one built again; every other
page is built again when it is next opened. What a rebuild redoes and what it costs is
in docs/publishing.md.

An edit that breaks the handbook (a check error, a template that fails) keeps the last
good site served; every page then shows the problem in a banner, and the terminal says
it, until a save fixes it.

The search index holds the pages built since the last change: in the preview, search
finds the pages opened so far. `sopkit build` indexes every page.

MkDocs' own steps are called as `mkdocs.commands.build.build` calls them; its
development server (:class:`mkdocs.livereload.LiveReloadServer`) watches the files,
serves them and reloads the browser.
"""

from __future__ import annotations

import gc
import html
import logging
import posixpath
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.livereload import LiveReloadServer, _serve_url
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation

from sopkit.check.handbook import CheckResult
from sopkit.config import Config
from sopkit.publish.mkdocs_settings import Prepared
from sopkit.publish.plugin import SopkitPlugin, sopkit_plugin
from sopkit.publish.site import BuildFailed
from sopkit.publish.templating import TemplateProblem

__all__ = ["PreviewSite", "serve_preview"]

log = logging.getLogger("mkdocs.sopkit.preview")

_PROBLEMS = (PluginError, ConfigurationError, Abort, TemplateProblem, OSError)
"""What a broken handbook raises while the preview reads it: shown, never fatal."""

SEARCH_INDEX = "search/search_index.json"


@dataclass(frozen=True)
class _Layout:
    """One generation of the site: MkDocs' settings, files, nav and theme, no page built."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    by_dest: Mapping[str, File]
    plugin: SopkitPlugin | None


class PreviewSite:
    """The site `sopkit serve` serves from ``site_dir``: laid out by :meth:`refresh`,
    built page by page by :meth:`ensure`."""

    def __init__(self, load: Callable[[], MkDocsConfig], site_dir: Path) -> None:
        self._load = load
        self.site_dir = site_dir
        self._lock = threading.RLock()
        self._layout: _Layout | None = None
        self._built: set[str] = set()
        self.problem: str | None = None
        """What stops the current handbook from being shown (a banner on every page)."""

    @property
    def config(self) -> MkDocsConfig | None:
        """MkDocs' settings of the site served now (None before the first layout)."""
        return self._layout.config if self._layout is not None else None

    def refresh(self, check: tuple[Config, CheckResult] | None = None) -> bool:
        """Read the handbook again and lay out its site; no page is built yet. A broken
        handbook keeps the last good layout and sets :attr:`problem`. ``check``: the check
        already run on the handbook (the first time), and its configuration. True when
        the layout is new."""
        with self._lock:
            # Laying out makes many objects and no garbage cycles; the collector would
            # walk the whole handbook kept in memory again and again meanwhile.
            enabled = gc.isenabled()
            gc.disable()
            try:
                layout = self._lay_out(check)
            except _PROBLEMS as error:
                self._fail(str(error))
                return False
            finally:
                if enabled:
                    gc.enable()
            self._layout, self._built, self.problem = layout, set(), None
            return True

    def rebuild(self) -> None:
        """After a change: :meth:`refresh`, for MkDocs' server, which then reloads the
        browsers (a broken handbook too: its pages show the banner)."""
        self.refresh()

    def _lay_out(self, check: tuple[Config, CheckResult] | None) -> _Layout:
        config = self._load()
        plugin = sopkit_plugin(config)
        if plugin is not None and check is not None:
            plugin.use_check(*check)  # used only if it is this handbook's
        config.plugins.on_startup(command="serve", dirty=False)
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        _title_unread_pages(nav, config, plugin)
        env = config.plugins.on_env(env, config=config, files=files)
        for file in files:  # the theme's assets and hand-written files; not sopkit's pages
            if not file.is_documentation_page() and not file.generated_by \
                    and _served(file):
                file.copy_file(dirty=True)
        by_dest = {file.dest_uri: file for file in files if _served(file)}
        return _Layout(config, files, nav, env, by_dest, plugin)

    def ensure(self, url_path: str) -> bool:
        """Build what the browser asks for at ``url_path`` (relative to the site), unless
        it was built since the last change. False when the site has nothing there (a page
        of a deleted procedure, left in the folder by an earlier layout, included)."""
        with self._lock:
            layout = self._layout
            if layout is None:
                return False
            dest = _dest(url_path, layout.by_dest, layout.config.theme.static_templates)
            if dest is None:
                return False
            if dest in self._built:
                return True
            if dest == SEARCH_INDEX:
                _write_search_index(layout.config)
                return True  # written again each time: it grows with the pages built
            try:
                self._build(layout, dest)
            except _PROBLEMS as error:
                self._fail(str(error))
                return True  # the last good one, if there is one
            self._built.add(dest)
            return True

    def _build(self, layout: _Layout, dest: str) -> None:
        file = layout.by_dest.get(dest)
        if file is None:  # a template of the theme: 404.html, sitemap.xml
            _build_theme_template(dest, layout.env, layout.files, layout.config, layout.nav)
            return
        if not file.is_documentation_page():
            file.copy_file()
            return
        page = file.page
        if page is None:
            return
        config = layout.config
        _populate_page(page, config, layout.files)
        problem = layout.plugin.template_problem() if layout.plugin is not None else None
        if problem is not None:
            raise problem  # the page was left empty: the last good one stays
        pages = layout.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        _build_page(page, config, pages, layout.nav, layout.env,
                    excluded=file.inclusion.is_excluded())  # type: ignore[no-untyped-call]

    def error_page(self, code: int) -> bytes | None:
        """The theme's page for a missing page (404.html), built when first needed."""
        if code != 404:
            return None
        self.ensure("404.html")
        try:
            return (self.site_dir / "404.html").read_bytes()
        except OSError:
            return None

    def _fail(self, message: str) -> None:
        self.problem = message
        for line in message.splitlines():
            if line.strip():
                log.error(line)
        log.error("The last good version of the site stays served; save a fix to update it.")

    def banner(self) -> bytes:
        """The banner every page shows while :attr:`problem` is set (escaped text)."""
        if self.problem is None:
            return b""
        lines = "<br>".join(html.escape(line) for line in self.problem.splitlines() if line)
        return (b'<div role="alert" class="sopkit-preview-problem" style="background:#b71c1c;'
                b'color:#fff;padding:.8em 1.2em;font:14px/1.5 monospace;white-space:pre-wrap;'
                b'position:relative;z-index:10">' + lines.encode("utf-8") + b"</div>")


def _served(file: File) -> bool:
    """Whether the preview serves ``file`` (drafts too, as `mkdocs serve` does)."""
    return bool(file.inclusion.is_in_serve())  # type: ignore[no-untyped-call]


def _title_unread_pages(nav: Navigation, config: MkDocsConfig,
                        plugin: SopkitPlugin | None) -> None:
    """Give every page of the nav its title before it is built: sopkit's pages from the
    handbook (as their front matter will say), others from their own text."""
    titles = plugin.page_titles() if plugin is not None else {}
    for page in nav.pages:
        if page.title is not None:
            continue
        title = titles.get(page.file.src_uri)
        if title is not None:
            page.title = title
        else:  # a hand-written page, or one sopkit cannot title unread: read it
            page.read_source(config)


def _dest(url_path: str, by_dest: Mapping[str, File],
          templates: Collection[str]) -> str | None:
    """What the site holds at ``url_path``: a file's destination, a template of the
    theme, or the search index; None for anything else."""
    path = posixpath.normpath("/" + url_path).lstrip("/")
    if url_path.endswith("/") or path in ("", "."):
        path = posixpath.join(path, "index.html") if path not in ("", ".") else "index.html"
    if path in by_dest or path in templates or path == SEARCH_INDEX:
        return path
    folder = posixpath.join(path, "index.html")
    return folder if folder in by_dest else None


def _write_search_index(config: MkDocsConfig) -> None:
    """Write the index of the search plugin(s) from the pages built so far."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "search":
            plugin.on_post_build(config=config)


def serve_preview(prepared: Prepared, check: tuple[Config, CheckResult], *,
                  dev_addr: str | None, load: Callable[..., MkDocsConfig]) -> None:
    """Serve the handbook until interrupted (``load``: loads MkDocs' settings)."""
    site_dir = Path(tempfile.mkdtemp(prefix="sopkit-serve-"))
    try:
        _serve(prepared, check, dev_addr, load, site_dir)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve(prepared: Prepared, check: tuple[Config, CheckResult], dev_addr: str | None,
           load: Callable[..., MkDocsConfig], site_dir: Path) -> None:
    extra = {"dev_addr": dev_addr} if dev_addr else {}
    first = load(prepared, site_dir=str(site_dir), **extra)
    host, port = first.dev_addr
    mount_path = urlsplit(first.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)

    def fresh() -> MkDocsConfig:
        config = load(prepared, site_dir=str(site_dir), **extra)
        config.site_url = serve_url
        return config

    site = PreviewSite(fresh, site_dir)
    if not site.refresh(check):
        raise BuildFailed(site.problem or "the site cannot be laid out")  # logged already
    server = LiveReloadServer(builder=site.rebuild, host=host, port=port,
                              root=str(site_dir), mount_path=mount_path)
    server.set_app(_app(server, site, mount_path))
    server.error_handler = site.error_page
    config = site.config
    assert config is not None
    _watch(server, config, prepared)
    try:
        server.serve()  # type: ignore[no-untyped-call]  # MkDocs leaves it untyped
    except KeyboardInterrupt:
        log.info("Stopped.")
    finally:
        server.shutdown()
        (site.config or config).plugins.on_shutdown()


def _watch(server: LiveReloadServer, config: MkDocsConfig, prepared: Prepared) -> None:
    """Watch the handbook's files: mkdocs.yml, the docs folder (unless it is the
    temporary empty one of a handbook without docs) and the plugin's folders."""
    for path in (config.docs_dir, prepared.config_file):
        if not any(Path(path).is_relative_to(folder) for folder in prepared.temporary):
            server.watch(path)
    config.plugins.on_serve(server, config=config, builder=server.builder)


def _app(server: LiveReloadServer, site: PreviewSite,
         mount_path: str) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The server's WSGI application: build what is asked for, then serve it (with the
    problem banner on HTML pages while the handbook is broken)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        if not path.startswith("/livereload/") and (path + "/").startswith(mount_path) \
                and not site.ensure(path[len(mount_path):]):
            start_response("404 Not Found", [("Content-Type", "text/html")])
            return [site.error_page(404) or b"404 Not Found"]
        answer: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], *_: Any) -> Callable[..., None]:
            answer.update(status=status, headers=headers)
            return lambda _data: None

        body = b"".join(server.serve_request(environ, keep))
        headers: list[tuple[str, str]] = answer["headers"]
        banner = site.banner()
        if banner and any(k == "Content-Type" and v.startswith("text/html") for k, v in headers):
            body = _with_banner(body, banner)
            headers = [(k, str(len(body)) if k == "Content-Length" else v) for k, v in headers]
        start_response(answer["status"], headers)
        return [body]

    return app


def _with_banner(page: bytes, banner: bytes) -> bytes:
    start = page.find(b"<body")
    end = page.find(b">", start) if start >= 0 else -1
    if end < 0:
        return banner + page
    return page[: end + 1] + banner + page[end + 1 :]
