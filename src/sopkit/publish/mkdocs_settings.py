"""The MkDocs settings of a handbook: sopkit's own (no mkdocs.yml), the Markdown extensions
its pages are written for, and the handbook's mkdocs.yml with the sopkit plugin added.

Nothing here imports MkDocs at import time.
"""

from __future__ import annotations

import contextlib
import copy
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sopkit.config import Config
from sopkit.publish.output import SiteError

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


FOOTERS = {"en": "Standard operating procedures, published with sopkit",
           "zh": "标准操作流程，由 sopkit 发布"}
"""The footer line in the site's language: Material's own ("Made with Material for MkDocs")
is English whatever the language, so the generated sites and `sopkit init` turn it off
(``extra.generator: false``) and say this instead."""


def default_mkdocs(config: Config, docs_dir: Path) -> dict[str, Any]:
    """The MkDocs settings sopkit uses for a handbook without mkdocs.yml."""
    zh = config.language == "zh"
    return {
        "site_name": "标准操作流程" if zh else "Standard operating procedures",
        "docs_dir": str(docs_dir),
        "theme": {
            "name": "material",
            "language": config.language,
            "font": False,
            "features": list(THEME_FEATURES),
        },
        "copyright": FOOTERS["zh" if zh else "en"],
        "extra": {"generator": False},
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
                **({"print_notice": config.print_notice} if config.print_notice else {}),
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


@dataclass(frozen=True)
class Prepared:
    """The mkdocs.yml MkDocs loads, and the settings laid over it."""

    config_file: str
    overrides: dict[str, Any]
    temporary: tuple[str, ...] = ()
    """sopkit's own temporary folders MkDocs is given (an empty docs folder, settings for
    a handbook without mkdocs.yml): not the user's business, so logs leave them out."""


@contextlib.contextmanager
def mkdocs_settings(config: Config, *, strict: bool) -> Iterator[Prepared]:
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
            yield Prepared(str(config.config_file), overrides)
            return
        # A handbook of generated pages only: MkDocs still wants a docs folder.
        with tempfile.TemporaryDirectory(prefix="sopkit-docs-") as empty:
            overrides["docs_dir"] = empty
            yield Prepared(str(config.config_file), overrides, (empty,))
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
        yield Prepared(str(path), overrides, (temp,))


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
