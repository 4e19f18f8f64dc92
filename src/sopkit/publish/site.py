"""Building and serving a checked handbook with MkDocs: `sopkit build` and `sopkit serve`.

This module never imports MkDocs at import time; `build_site` and `serve_site`
import it when they run. The settings MkDocs is given are
:mod:`sopkit.publish.mkdocs_settings`'; the MkDocs side of the work (adding pages, the
nav, sanitising page HTML) lives in :mod:`sopkit.publish.plugin`, which `build_site`
hands the check it was given. `sopkit render --out` is :mod:`sopkit.publish.render_out`.

What sopkit may write and delete, and how (marker files, never through a symbolic
link), is :mod:`sopkit.publish.output`'s business.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopkit.config import Config
from sopkit.format.terminal import visible
from sopkit.publish.mkdocs_settings import Prepared, mkdocs_settings
from sopkit.publish.output import (
    SiteError,
    build_folder,
    check_site_dir,
    publish,
    sigterm_stops_cleanly,
)

if TYPE_CHECKING:
    from sopkit.check.handbook import CheckResult


class BuildFailed(Exception):
    """MkDocs stopped the build; what it said was already logged (exit 1)."""


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


class _HiddenFolders(logging.Filter):
    """Leaves sopkit's temporary folders out of MkDocs' messages: `sopkit serve` says
    "Watching paths for changes: 'procedures', ..." without the empty docs folder sopkit
    made (a path under /tmp would only puzzle the reader)."""

    def __init__(self, folders: tuple[str, ...]) -> None:
        super().__init__()
        self.folders = tuple(folder.rstrip("/\\") for folder in folders if folder)

    def _hidden(self, path: str) -> bool:
        return any(path == folder or path.startswith((folder + "/", folder + "\\"))
                   for folder in self.folders)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not any(folder in message for folder in self.folders):
            return True
        head, colon, listed = message.partition(": ")
        paths = re.findall(r"'([^']*)'", listed)
        if colon and paths and re.fullmatch(r"('[^']*'(, )?)+", listed):
            kept = [path for path in paths if not self._hidden(path)]
            message = head + colon + ", ".join(f"'{path}'" for path in kept)
        for folder in self.folders:
            message = message.replace(folder, "(sopkit's temporary folder)")
        record.msg, record.args = message, None
        return True


@contextlib.contextmanager
def _mkdocs_logging(level: int, hidden: tuple[str, ...] = ()) -> Iterator[None]:
    """Show what MkDocs logs (``level`` and up, and its link checks) on stderr, a line each."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter())
    handler.addFilter(_ShownRecords(level))
    handler.addFilter(_HiddenFolders(hidden))
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


def _load_mkdocs(prepared: Prepared, **kwargs: Any) -> Any:
    from mkdocs import exceptions
    from mkdocs.config import load_config

    try:
        return load_config(config_file=prepared.config_file, **prepared.overrides, **kwargs)
    except exceptions.Abort as error:  # MkDocs logged the details
        raise BuildFailed(str(error)) from None
    except exceptions.ConfigurationError as error:
        raise SiteError(str(error)) from None


def build_site(config: Config, result: CheckResult, *, force: bool = False,
               strict: bool = False, directory_urls: bool | None = None) -> Path:
    """Build the MkDocs site of the handbook ``config``, already checked as ``result``.

    The site is built into a temporary folder beside the site folder and moved into
    place only when MkDocs succeeds, so a failed build leaves the last good site; a
    build stopped by Ctrl+C or SIGTERM leaves no temporary folder either (SIGTERM
    raises :class:`Terminated`). ``directory_urls`` False builds pages as ``name.html``
    linked as such (MkDocs' ``use_directory_urls: false``), so that the site works opened
    from disk; None keeps mkdocs.yml's setting. Returns the site folder.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    from sopkit.publish.plugin import sopkit_plugin

    site_dir = config.site_dir if config.site_dir is not None else config.root / "site"
    check_site_dir(config, site_dir, force=force)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with sigterm_stops_cleanly(), build_folder(site_dir) as temp:
        with _mkdocs_logging(logging.WARNING), \
                mkdocs_settings(config, strict=strict) as prep:
            urls = {} if directory_urls is None else {"use_directory_urls": directory_urls}
            mkdocs_config = _load_mkdocs(prep, site_dir=str(temp), **urls)
            plugin = sopkit_plugin(mkdocs_config)  # None if mkdocs.yml disables it
            if plugin is not None:
                plugin.use_check(config, result)  # the plugin need not check it again
            mkdocs_config.plugins.on_startup(command="build", dirty=False)
            try:
                build(mkdocs_config)
            except Abort as error:
                raise BuildFailed(str(error)) from None
            finally:
                mkdocs_config.plugins.on_shutdown()
        publish(temp, site_dir)
    return site_dir


def serve_site(config: Config, result: CheckResult, *, dev_addr: str | None = None,
               strict: bool = False) -> None:
    """Serve the handbook ``config``, already checked as ``result``, until interrupted:
    each page built when it is asked for (:mod:`sopkit.publish.preview`)."""
    from sopkit.publish.preview import serve_preview

    with mkdocs_settings(config, strict=strict) as prep, \
            _mkdocs_logging(logging.INFO, prep.temporary):
        serve_preview(prep, (config, result), dev_addr=dev_addr, load=_load_mkdocs)
