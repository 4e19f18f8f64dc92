"""Publishing a checked handbook: `sopkit render`, `sopkit build` and `sopkit serve`.

This module never imports MkDocs at import time; `build_site` and `serve_site`
import it when they run. The MkDocs side of the work (adding pages, the nav,
sanitising page HTML) lives in :mod:`sopkit.publish.plugin`.

What sopkit may write and delete, and how (marker files, never through a symbolic
link), is :mod:`sopkit.publish.output`'s business.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import logging
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from sopkit.config import Config
from sopkit.format.terminal import visible
from sopkit.publish.output import (
    RENDER_MARKER,
    SITE_MARKER,
    SiteError,
    Terminated,
    build_folder,
    check_site_dir,
    previous_render,
    publish,
    refuse_overwrites,
    relative_parts,
    remove_file,
    render_folder,
    sigterm_stops_cleanly,
    write_marker,
)

# Where callers found them before sopkit.publish.output held them.
__all__ = ["RENDER_MARKER", "SITE_MARKER", "SiteError", "Terminated", "check_site_dir"]

if TYPE_CHECKING:
    from sopkit.check.handbook import CheckResult
    from sopkit.publish.render import RenderedSite

NAV_FILE = ".nav.yml"

SEARCH_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"
"""Word separators of the search index: white space, the zero-width space that
jieba's segmentation inserts between Chinese words, and Chinese punctuation."""


THEME_FEATURES = ("navigation.prune", "navigation.indexes", "search.suggest", "content.code.copy")
"""The Material features of sopkit's own settings (and of ``sopkit init``'s mkdocs.yml).

``navigation.prune`` puts only the visible part of the nav into each page: the top
level and the current department's procedures. Without it every page carries the
whole nav, so the build grows with the square of the number of procedures (at 1,000
procedures, 1,000 links in each of 1,000 pages). ``navigation.sections`` is left out:
it shows every top-level section expanded on every page, which defeats pruning.
See docs/publishing.md."""


class BuildFailed(Exception):
    """MkDocs stopped the build; what it said was already logged (exit 1)."""


# -- render --out -----------------------------------------------------------------------------


def nav_text(nav: Sequence[Any]) -> str:
    """The ``.nav.yml`` written beside rendered pages: MkDocs' ``nav:`` setting."""
    header = (
        "# Written by `sopkit render`. The handbook's navigation, in the form of MkDocs'\n"
        "# `nav:` setting (paths relative to this folder). Copy it into mkdocs.yml, or let\n"
        "# a plugin that reads .nav.yml files (mkdocs-awesome-nav) pick it up.\n"
    )
    body = yaml.safe_dump({"nav": list(nav)}, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=1000)
    return header + body


def write_render(rendered: RenderedSite, out: Path, *, force: bool = False) -> list[str]:
    """Write ``rendered`` into ``out`` with its nav file and marker; return the paths written.

    ``out`` must be missing, empty, or a folder an earlier render wrote (it holds
    the marker), unless ``force``. No file an earlier render did not write is
    overwritten or deleted, and nothing is written or deleted through a symbolic
    link (see :mod:`sopkit.publish.output`). Files that an earlier render wrote and this one
    does not are removed.
    """
    from sopkit.publish.render import RenderedSite, write_tree

    files = {_safe_relative(name): content for name, content in rendered.files.items()}
    files[NAV_FILE] = nav_text(rendered.nav)
    top = render_folder(out)
    previous = previous_render(top, out, force)
    refuse_overwrites(top, out, files, previous)
    top.mkdir(parents=True, exist_ok=True)
    # Listed before they are written: a render stopped half-way leaves no file that the
    # next render would take for someone else's.
    write_marker(top, sorted(previous | set(files)))
    write_tree(RenderedSite(dict(sorted(files.items())), rendered.nav), top)
    for name in sorted(previous - set(files)):
        remove_file(top, name)
    written = sorted(files)
    write_marker(top, written)
    return written


def _safe_relative(name: str) -> str:
    try:
        return PurePosixPath(*relative_parts(name)).as_posix()
    except ValueError:
        raise SiteError(f"the renderer produced a file outside the output folder: {name!r}") \
            from None


# -- MkDocs settings --------------------------------------------------------------------------


def search_options(language: str) -> dict[str, Any]:
    """mkdocs-material's search settings for a handbook in ``language`` (en or zh).

    jieba, when installed, splits Chinese text into words joined by U+200B while
    the index is built; the separator must therefore include U+200B. English words
    are indexed too, since handbooks mix both. The pipeline is the English one in
    both languages: with the Chinese interface's default (``stemmer``), English
    words typed into the search box are not found (tried in Chromium).
    """
    lang = ["zh", "en"] if language == "zh" else ["en"]
    return {"lang": lang, "separator": SEARCH_SEPARATOR, "pipeline": ["stopWordFilter"]}


def default_mkdocs(config: Config, docs_dir: Path) -> dict[str, Any]:
    """The MkDocs settings sopkit uses for a handbook without mkdocs.yml."""
    zh = config.language == "zh"
    return {
        "site_name": "标准作业程序" if zh else "Standard operating procedures",
        "docs_dir": str(docs_dir),
        "theme": {
            "name": "material",
            "language": config.language,
            "font": False,
            "features": list(THEME_FEATURES),
        },
        "markdown_extensions": markdown_extensions(),
        "plugins": [
            {"search": search_options(config.language)},
            "tags",
            {"sopkit": {
                "procedures": str(config.procedures.resolve()),
                "organization": str(config.organization.resolve()),
                "templates": str(config.templates.resolve()),
                **({"rules": dict(config.rules)} if config.rules else {}),
                **({"strict": True} if config.strict else {}),
                **({"today": config.today.isoformat()} if config.today else {}),
            }},
        ],
    }


def markdown_extensions() -> list[Any]:
    """The Markdown extensions the generated pages are written for."""
    return [
        "attr_list",
        "admonition",
        "pymdownx.details",
        "pymdownx.superfences",
        {"pymdownx.tasklist": {"custom_checkbox": True}},
        "tables",
        {"toc": {"permalink": True}},
    ]


def with_sopkit(plugins: Any, options: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
    """``plugins`` (as written in mkdocs.yml) with the sopkit plugin, and ``options`` set on it.

    MkDocs' default when ``plugins`` is missing is ``[search]``; it is kept.
    """
    if plugins is None:
        plugins = ["search"]
    if isinstance(plugins, Mapping):
        mapping = dict(plugins)
        current = mapping.get("sopkit")
        mapping["sopkit"] = {**(current if isinstance(current, Mapping) else {}), **options}
        return mapping
    if not isinstance(plugins, list):
        raise SiteError("mkdocs.yml: 'plugins' must be a list")
    result: list[Any] = []
    found = False
    for item in plugins:
        if item == "sopkit":
            found = True
            result.append({"sopkit": dict(options)} if options else item)
        elif isinstance(item, Mapping) and "sopkit" in item:
            found = True
            current = item["sopkit"]
            merged = {**(current if isinstance(current, Mapping) else {}), **options}
            result.append({**item, "sopkit": merged})
        else:
            result.append(item)
    if not found:
        result.append({"sopkit": dict(options)} if options else "sopkit")
    return result


# -- the check, shared with the plugin ---------------------------------------------------------

_CHECKED: ContextVar[tuple[tuple[Any, ...], CheckResult] | None] = ContextVar(
    "sopkit_checked", default=None
)


def _check_key(config: Config) -> tuple[Any, ...]:
    return (config.procedures.resolve(), config.organization.resolve(),
            tuple(sorted(config.rules.items())), config.today)


def checked(config: Config) -> CheckResult | None:
    """The check `sopkit build` already ran on this handbook, so the plugin need not repeat it."""
    entry = _CHECKED.get()
    if entry is not None and entry[0] == _check_key(config):
        return entry[1]
    return None


# -- build and serve --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    config_file: str
    overrides: dict[str, Any]


@contextlib.contextmanager
def _mkdocs_settings(config: Config, *, strict: bool) -> Iterator[_Prepared]:
    """The mkdocs.yml to load and the settings to lay over it, for the handbook of ``config``."""
    options: dict[str, Any] = {}
    if config.today is not None:
        options["today"] = config.today.isoformat()
    if strict:
        options["strict"] = True
    overrides: dict[str, Any] = {}
    if strict:
        overrides["strict"] = True
    if config.config_file is not None:
        raw = _raw_mkdocs(config.config_file)
        overrides["plugins"] = _FreshPlugins.of(with_sopkit(raw.get("plugins"), options))
        docs_dir = config.config_file.parent / str(raw.get("docs_dir") or "docs")
        if docs_dir.is_dir():
            yield _Prepared(str(config.config_file), overrides)
            return
        # A handbook of generated pages only: MkDocs still wants a docs folder.
        with tempfile.TemporaryDirectory(prefix="sopkit-docs-") as empty:
            overrides["docs_dir"] = empty
            yield _Prepared(str(config.config_file), overrides)
        return
    # No mkdocs.yml: sopkit's own settings, in a temporary folder with an empty docs
    # folder (MkDocs requires one). Nothing is written into the handbook's folder.
    with tempfile.TemporaryDirectory(prefix="sopkit-mkdocs-") as temp:
        docs = Path(temp) / "docs"
        docs.mkdir()
        settings = default_mkdocs(config, docs)
        if strict:
            settings["plugins"][-1]["sopkit"]["strict"] = True
        path = Path(temp) / "mkdocs.yml"
        path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        yield _Prepared(str(path), overrides)


class _FreshPlugins(list[Any]):
    """The ``plugins`` setting laid over mkdocs.yml, handed out as a fresh copy on every read.

    MkDocs takes the items apart while it loads its settings (``dict.popitem``, and
    ``pop("enabled")`` from a plugin's options), and `mkdocs serve` loads them again, from
    the same value, on every rebuild: without fresh copies the first rebuild finds empty
    items ("Invalid Plugins configuration") and the server never recovers.
    """

    @classmethod
    def of(cls, plugins: list[Any] | dict[str, Any]) -> _FreshPlugins:
        """``plugins`` in either of MkDocs' forms; the mapping becomes the equivalent list."""
        if isinstance(plugins, dict):
            return cls({name: options} for name, options in plugins.items())
        return cls(plugins)

    def __iter__(self) -> Iterator[Any]:
        return iter(copy.deepcopy(list(super().__iter__())))


def _raw_mkdocs(path: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it (``INHERIT``, ``!ENV``), before MkDocs validates it."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with path.open("rb") as stream:
            data = yaml_load(stream)
    except (OSError, ConfigurationError) as error:
        raise SiteError(f"{path}: {error}") from None
    return data if isinstance(data, dict) else {}


class _LogFormatter(logging.Formatter):
    """MkDocs' messages quote procedure text (link targets): each line with control and
    bidirectional characters escaped, as every other output of sopkit (sopkit.format.terminal)."""

    def format(self, record: logging.LogRecord) -> str:
        message = "\n".join(visible(line) for line in record.getMessage().split("\n"))
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return message


_LINK_CHECKS = "mkdocs.structure.pages"
"""The logger of MkDocs' checks of links and anchors in pages."""


class _ShownRecords(logging.Filter):
    """MkDocs' messages at ``level`` and up, and its findings about links and anchors.

    MkDocs reports a link to a missing anchor at INFO unless mkdocs.yml's ``validation``
    says otherwise, and `mkdocs build` shows it; `sopkit build` shows it too, without
    the rest of INFO (progress and timings).
    """

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or (
            record.levelno >= logging.INFO and record.name == _LINK_CHECKS)


@contextlib.contextmanager
def _mkdocs_logging(level: int) -> Iterator[None]:
    """Show what MkDocs logs (``level`` and up, and its link checks) on stderr, a line each."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter())
    handler.addFilter(_ShownRecords(level))
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(min(level, logging.INFO))
    logger.propagate = False
    # jieba (used by the search plugin for Chinese) reports loading its dictionary; it
    # sets its logger's level when imported, hence the import first.
    with contextlib.suppress(ImportError):
        importlib.import_module("jieba")
    jieba = logging.getLogger("jieba")
    old_jieba = jieba.level
    jieba.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
        jieba.setLevel(old_jieba)


def _load_mkdocs(prepared: _Prepared, **kwargs: Any) -> Any:
    from mkdocs import exceptions
    from mkdocs.config import load_config

    try:
        return load_config(config_file=prepared.config_file, **prepared.overrides, **kwargs)
    except exceptions.Abort as error:  # MkDocs logged the details
        raise BuildFailed(str(error)) from None
    except exceptions.ConfigurationError as error:
        raise SiteError(str(error)) from None


def build_site(config: Config, result: CheckResult, *, force: bool = False,
               strict: bool = False) -> Path:
    """Build the MkDocs site of the handbook ``config``, already checked as ``result``.

    The site is built into a temporary folder beside the site folder and moved into
    place only when MkDocs succeeds, so a failed build leaves the last good site; a
    build stopped by Ctrl+C or SIGTERM leaves no temporary folder either (SIGTERM
    raises :class:`Terminated`). Returns the site folder.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    site_dir = config.site_dir if config.site_dir is not None else config.root / "site"
    check_site_dir(config, site_dir, force=force)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    token = _CHECKED.set((_check_key(config), result))
    try:
        with sigterm_stops_cleanly(), build_folder(site_dir) as temp:
            with _mkdocs_logging(logging.WARNING), \
                    _mkdocs_settings(config, strict=strict) as prep:
                mkdocs_config = _load_mkdocs(prep, site_dir=str(temp))
                mkdocs_config.plugins.on_startup(command="build", dirty=False)
                try:
                    build(mkdocs_config)
                except Abort as error:
                    raise BuildFailed(str(error)) from None
                finally:
                    mkdocs_config.plugins.on_shutdown()
            publish(temp, site_dir)
    finally:
        _CHECKED.reset(token)
    return site_dir


def serve_site(config: Config, *, dev_addr: str | None = None, strict: bool = False) -> None:
    """Serve the handbook with MkDocs' development server until interrupted."""
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort, ConfigurationError

    with _mkdocs_logging(logging.INFO), _mkdocs_settings(config, strict=strict) as prep:
        try:
            serve(config_file=prep.config_file, dev_addr=dev_addr, **prep.overrides)
        except Abort as error:
            raise BuildFailed(str(error)) from None
        except ConfigurationError as error:
            raise SiteError(str(error)) from None


def with_options(config: Config, *, today: date | None, strict: bool) -> Config:
    """``config`` with the command line's --today and --strict laid over it."""
    return config._replace(today=today or config.today, strict=strict or config.strict)
