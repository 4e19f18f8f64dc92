"""Handbook settings: the `sopkit` plugin's options in mkdocs.yml, with defaults.

The same options serve `sopkit validate` (which reads mkdocs.yml itself, without
importing MkDocs) and the MkDocs plugin (which receives them from MkDocs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from sopkit.format.terminal import printable
from sopkit.format.words import did_you_mean

RULE_LEVELS = ("error", "warning", "off")
LOCAL_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
"""A department or role id, as the format has them; use with fullmatch (``$`` would allow
a final newline)."""
CONFIG_FILE = "mkdocs.yml"

OPTIONS: Mapping[str, str] = {
    "procedures": "folder holding the procedures, relative to mkdocs.yml (default: procedures)",
    "training": "folder holding the training records, relative to mkdocs.yml (default: "
                "training)",
    "approvals": "folder holding the approval records, relative to mkdocs.yml (default: "
                 "approvals)",
    "organization": "the organization file, relative to mkdocs.yml (default: organization.yml)",
    "templates": "folder of templates that override sopkit's own (default: templates)",
    "rules": "rule severities, e.g. {review-overdue: error, unused-output: off}",
    "strict": "fail on warnings too (default: false)",
    "today": "the date the review rule counts from, YYYY-MM-DD (default: the real date)",
    "section": "the folder of the site the handbook pages go into (default: the site root)",
    "cache_dir": "the folder of sopkit validate's cache, relative to mkdocs.yml (default: "
                 "the user's cache folder; $SOPKIT_CACHE_DIR overrides both)",
    "handbook_owners": "roles of organization.yml whose people review changes to the "
                       "handbook's own files in CODEOWNERS, e.g. [operations-manager]",
    "print_notice": "the line printed procedures carry, {date} for the day printed (default: "
                    "'Printed {date}: uncontrolled when printed...' in the site language)",
    "versions_from": "where a procedure page's versions in effect come from: git (default; "
                     "the procedure's revision history when the handbook has no whole git "
                     "history) or history (always the revision history)",
}


class ConfigError(Exception):
    """The handbook's configuration cannot be used; the message says how to fix it."""


class Config(NamedTuple):
    """Where a handbook lives and how to check and publish it."""

    root: Path
    procedures: Path
    organization: Path
    templates: Path
    rules: Mapping[str, str] = {}  # shared: never changed (Mapping)
    strict: bool = False
    today: date | None = None
    language: str = "en"
    section: str = ""
    config_file: Path | None = None
    site_dir: Path | None = None
    cache_dir: Path | None = None
    """The cache folder mkdocs.yml names, if any (see sopkit.check.cache.default_cache_dir)."""
    mkdocs: Mapping[str, Any] = {}  # shared: never changed (Mapping)
    """The whole mkdocs.yml as read (empty when there is none)."""
    handbook_owners: tuple[str, ...] = ()
    """Roles whose people review the handbook's own files (sopkit codeowners)."""
    print_notice: str | None = None
    """The line printouts carry (``{date}``: the day printed); None: the site language's."""
    training_option: Path | None = None
    """The training records folder mkdocs.yml names, if any (see :meth:`training`)."""
    versions_from: str = "git"
    """Where the versions in effect on procedure pages come from: "git" or "history"."""

    def training(self) -> Path:
        """The folder of the training records (format 1.1): ``training`` by default."""
        return self.training_option if self.training_option is not None else (
            self.root / "training")

    approvals_option: Path | None = None
    """The approval records folder mkdocs.yml names, if any (see :meth:`approvals`)."""

    def approvals(self) -> Path:
        """The folder of the approval records (format 1.2): ``approvals`` by default."""
        return self.approvals_option if self.approvals_option is not None else (
            self.root / "approvals")

    def __repr__(self) -> str:  # without the whole of mkdocs.yml
        return f"Config(root={self.root!r}, procedures={self.procedures!r})"


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose tags (`!ENV`, `!!python/name:`) are MkDocs' business."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def find_config_file(start: Path) -> Path | None:
    """mkdocs.yml in ``start``, if there is one."""
    for name in (CONFIG_FILE, "mkdocs.yaml"):
        candidate = start / name
        if candidate.is_file():
            return candidate
    return None


def find_handbook(start: Path) -> Path | None:
    """The handbook ``start`` is in, as git finds its repository: the nearest folder, from
    ``start`` up, that holds mkdocs.yml or a procedures folder. The search ends at the top
    of the git repository ``start`` is in (a folder holding ``.git``), so that a handbook
    is never taken from outside the repository. None when there is no such folder."""
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        if find_config_file(candidate) is not None or (candidate / "procedures").is_dir():
            return candidate
        if (candidate / ".git").exists():
            return None
    return None


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the file: {error}") from None
    try:
        data = yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or "not readable as YAML"
        raise ConfigError(f"{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings such as 'site_name:'")
    return data


def plugin_options(mkdocs: Mapping[str, Any], path: Path) -> dict[str, Any] | None:
    """The `sopkit` entry of `plugins:`, or None when the plugin is not listed."""
    plugins = mkdocs.get("plugins")
    if plugins is None:
        return None
    entries: list[tuple[Any, Any]]
    if isinstance(plugins, Mapping):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        entries = []
        for item in plugins:
            if isinstance(item, str):
                entries.append((item, None))
            elif isinstance(item, Mapping):
                entries.extend(item.items())
    else:
        raise ConfigError(f"{path}: 'plugins' must be a list")
    for name, options in entries:
        if name == "sopkit":
            if options is None:
                return {}
            if not isinstance(options, Mapping):
                raise ConfigError(f"{path}: the options of the sopkit plugin must be a mapping")
            return dict(options)
    return None


def load_config(start: Path, config_file: Path | None = None) -> Config:
    """The configuration of the handbook ``start`` is in (see :func:`find_handbook`; ``start``
    itself when it is in none), or of the one ``config_file`` describes."""
    if config_file is None:
        start = find_handbook(start) or start
    path = config_file if config_file is not None else find_config_file(start)
    if path is None:
        return build_config(start, {})
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    mkdocs = read_mkdocs_yml(path)
    options = plugin_options(mkdocs, path) or {}
    theme = mkdocs.get("theme")
    language = theme.get("language", "en") if isinstance(theme, Mapping) else "en"
    site_dir = mkdocs.get("site_dir", "site")
    root = path.parent
    return build_config(
        root, options, language=str(language), config_file=path,
        site_dir=root / str(site_dir), mkdocs=mkdocs,
    )


def build_config(
    root: Path,
    options: Mapping[str, Any],
    *,
    language: str = "en",
    config_file: Path | None = None,
    site_dir: Path | None = None,
    mkdocs: Mapping[str, Any] | None = None,
) -> Config:
    """Check the plugin options and fill in defaults."""
    where = str(config_file) if config_file else "sopkit options"
    for key in options:
        if key not in OPTIONS:
            hint = did_you_mean(str(key), OPTIONS)
            raise ConfigError(f"{where}: unknown sopkit option '{key}'{hint}; "
                              f"the options are {', '.join(OPTIONS)}")
    rules = _rule_levels(options.get("rules") or {}, where)
    strict = options.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{where}: sopkit option 'strict' must be true or false")
    today = _today(options.get("today"), where)
    section = str(options.get("section") or "").strip("/")
    procedures = root / str(options.get("procedures") or "procedures")
    templates = root / str(options.get("templates") or "templates")
    training = root / str(options.get("training") or "training")
    approvals = root / str(options.get("approvals") or "approvals")
    organization = root / str(options.get("organization") or "organization.yml")
    if organization.is_dir():
        raise ConfigError(f"{where}: sopkit option 'organization' names the folder "
                          f"{organization.name}/: name the organization file, like "
                          "organization.yml")
    cache_dir = _cache_dir(options.get("cache_dir"), root, where,
                           watched=(procedures, templates, training, approvals, root / str(
                               (mkdocs or {}).get("docs_dir") or "docs")))
    return Config(
        root=root,
        procedures=procedures,
        organization=organization,
        templates=templates,
        rules=rules,
        strict=strict,
        today=today,
        language=_language(language),
        section=section,
        config_file=config_file,
        site_dir=site_dir if site_dir is not None else root / "site",
        cache_dir=cache_dir,
        mkdocs=mkdocs or {},
        handbook_owners=_roles(options.get("handbook_owners"), "handbook_owners", where),
        print_notice=_print_notice(options.get("print_notice"), where),
        training_option=training,
        versions_from=_versions_from(options.get("versions_from"), where),
        approvals_option=approvals,
    )


def _versions_from(value: Any, where: str) -> str:
    if value is None:
        return "git"
    if value not in ("git", "history"):
        raise ConfigError(f"{where}: sopkit option 'versions_from' must be git or history, "
                          f"not '{printable(str(value))}'")
    return str(value)


def _print_notice(value: Any, where: str) -> str | None:
    """The ``print_notice`` option: one line of text (``{date}`` is the only placeholder;
    it is never formatted as a template)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: sopkit option 'print_notice' must be a line of text, like "
                          "'Printed {date}: uncontrolled when printed'")
    return " ".join(value.split())


def _roles(value: Any, option: str, where: str) -> tuple[str, ...]:
    """An option naming roles: one role id or a list of them."""
    if value is None:
        return ()
    roles = [value] if isinstance(value, str) else value
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise ConfigError(f"{where}: sopkit option '{option}' must list role ids of "
                          "organization.yml, like [operations-manager]")
    for role in roles:
        if LOCAL_ID.fullmatch(role) is None:
            raise ConfigError(f"{where}: sopkit option '{option}' names '{printable(role)}', "
                              "which is not a role id: write lowercase letters and digits "
                              "joined by hyphens, like operations-manager")
    return tuple(dict.fromkeys(roles))


def _cache_dir(value: Any, root: Path, where: str, watched: Sequence[Path]) -> Path | None:
    """The ``cache_dir`` option as a folder; not one that `sopkit serve` or MkDocs watch,
    where each write of the cache would start another build."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: sopkit option 'cache_dir' must be a folder name, like "
                          ".sopkit-cache")
    folder = root / Path(value).expanduser()
    for watched_folder in watched:
        if folder.resolve().is_relative_to(watched_folder.resolve()):
            raise ConfigError(f"{where}: sopkit option 'cache_dir' ({value}) is inside "
                              f"{watched_folder.name}/, which is watched for changes: use "
                              "a folder of its own, like .sopkit-cache")
    return folder


def _language(language: str) -> str:
    """sopkit has English and Chinese labels; `zh-TW`, `zh_CN` and the like read as Chinese."""
    return "zh" if language.lower().startswith("zh") else "en"


def _rule_levels(rules: Any, where: str) -> dict[str, str]:
    if not isinstance(rules, Mapping):
        raise ConfigError(f"{where}: sopkit option 'rules' must map rule names to "
                          "error, warning or off")
    from sopkit.check.repository import RULES  # checks beside the rules (CODEOWNERS...)
    from sopkit.rules import all_rules  # the registry, only once options name rules

    known = {rule.name for rule in all_rules()} | {info.name for info in RULES}
    levels: dict[str, str] = {}
    for name, level in rules.items():
        if name not in known:
            hint = did_you_mean(str(name), known)
            raise ConfigError(f"{where}: unknown rule '{name}'{hint}; "
                              "'sopkit rules' lists them")
        # YAML 1.1 (as mkdocs.yml is read) turns a bare `off` into False.
        text = "off" if level is False else str(level)
        if text not in RULE_LEVELS:
            raise ConfigError(f"{where}: rule '{name}' is set to '{level}': use error, warning "
                              "or off")
        levels[str(name)] = text
    return levels


def _today(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: sopkit option 'today' must be a date like 2026-01-31, "
                          f"not '{value}'") from None
