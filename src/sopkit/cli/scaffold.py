"""Setting up: `sopkit init` (a new handbook repository) and `sopkit new` (a new procedure).

The files `init` writes live in sopkit's ``templates/scaffold/`` folder:
``handbook/`` for every language and ``handbook.<language>/`` on top of it. A
path part starting with ``dot-`` is written with a leading dot (``dot-github`` ->
``.github``), so the templates are plain files in sopkit's own repository and
wheel. ``%%NAME%%`` tokens are filled in; nothing else is templated, so the
GitHub workflow's ``${{ ... }}`` expressions pass through untouched.

Neither command ever overwrites a file.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import sopkit
from sopkit.cli.editors import editor_files, short_of_sopkits
from sopkit.config import LOCAL_ID, Config
from sopkit.format.load import Document, load_bytes, load_file
from sopkit.format.packaged import data_folder
from sopkit.format.terminal import printable
from sopkit.format.words import did_you_mean

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")
CI = Literal["github", "gitlab", "none"]
CIS: tuple[CI, ...] = ("github", "gitlab", "none")
"""Where the handbook's checks run: templates/scaffold/ci.NAME/ holds the files for each."""

# Use with fullmatch: `$` would also match before a final newline ("HR-001\n").
PROCEDURE_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
DEFAULT_OWNER = "process-owner"
SLUG_LENGTH = 50
COMMENT_COLUMN = 32
"""Where the hint comments of a new procedure start (after this many characters)."""

_SITE_NAMES: Mapping[Language, str] = {
    "en": "Standard operating procedures",
    "zh": "标准操作流程",
}
_SEARCH_LANG: Mapping[Language, str] = {"en": "[en]", "zh": "[zh, en]"}

_GITHUB_WORDS: Mapping[Language, Mapping[str, str]] = {
    "en": {"CHANGE_REQUEST": "pull request", "FORGE": "GitHub",
           "CODEOWNERS": ".github/CODEOWNERS", "CI_FILES": "`.github/`"},
    "zh": {"CHANGE_REQUEST": "拉取请求（pull request）", "FORGE": "GitHub",
           "CODEOWNERS": ".github/CODEOWNERS", "CI_FILES": "`.github/`"},
}
_FORGE_WORDS: Mapping[CI, Mapping[Language, Mapping[str, str]]] = {
    "github": _GITHUB_WORDS,
    "none": _GITHUB_WORDS,
    "gitlab": {
        "en": {"CHANGE_REQUEST": "merge request", "FORGE": "GitLab",
               "CODEOWNERS": ".gitlab/CODEOWNERS", "CI_FILES": "`.gitlab-ci.yml`, `.gitlab/`"},
        "zh": {"CHANGE_REQUEST": "合并请求（merge request）", "FORGE": "GitLab",
               "CODEOWNERS": ".gitlab/CODEOWNERS",
               "CI_FILES": "`.gitlab-ci.yml`、`.gitlab/`"},
    },
}
"""The words of the handbook's README for where it is checked: GitHub's pull requests and
.github/CODEOWNERS, or GitLab's merge requests and .gitlab/CODEOWNERS (where GitLab reads it)."""
_OWNER_TITLES: Mapping[Language, str] = {"en": "Process owner", "zh": "流程负责人"}
_TOKEN = re.compile(r"%%([A-Z_]+)%%")
_BREAKS = {"Cc", "Zl", "Zp"}
"""Unicode categories a one-line title must not have (a tab aside): controls, which YAML
files cannot hold or read as line breaks, and line or paragraph separators."""


class ScaffoldError(Exception):
    """A usage problem: the message says what to change (exit 2)."""


# -- templates --------------------------------------------------------------------------------


def template_folder() -> Path:
    """sopkit's ``templates/scaffold`` folder, in the wheel or in a source checkout."""
    return data_folder("templates") / "scaffold"


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace ``%%NAME%%`` tokens; an unknown token is a bug in the templates."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for the template token %%{name}%%")
        return values[name]

    return _TOKEN.sub(value, text)


def _target_name(relative: PurePosixPath) -> str:
    parts = ["." + part[4:] if part.startswith("dot-") else part for part in relative.parts]
    return PurePosixPath(*parts).as_posix()


def _tree(folder: Path) -> Iterator[tuple[str, Path]]:
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            relative = PurePosixPath(path.relative_to(folder).as_posix())
            yield _target_name(relative), path


# -- init -------------------------------------------------------------------------------------

EXAMPLE_PREFIX = "procedures/"
"""Files under here are example procedures: written only into a handbook without any."""


@dataclass
class InitReport:
    """What `init` did, by path relative to the handbook folder."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files that already existed and were left alone."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Files not written for another reason, with the reason."""


def handbook_files(language: Language, today: date | None = None,
                   ci: CI = "github") -> dict[str, str]:
    """Every file `init` writes for a handbook in ``language``, checked and published on
    ``ci``: path -> content."""
    if language not in LANGUAGES or ci not in CIS:
        raise ScaffoldError(f"no handbook templates for language '{language}' and CI '{ci}': "
                            f"use one of {', '.join(LANGUAGES)} and of {', '.join(CIS)}")
    from sopkit.format.schema import SCHEMA_KINDS, schema_text
    from sopkit.publish.mkdocs_settings import FOOTERS

    values = {
        "LANGUAGE": language,
        "SITE_NAME": _SITE_NAMES[language],
        "FOOTER": FOOTERS[language],
        "SEARCH_LANG": _SEARCH_LANG[language],
        "VERSION": sopkit.__version__,
        "ACTION": sopkit.REPOSITORY,
        "REPOSITORY_URL": f"https://github.com/{sopkit.REPOSITORY}",
        "TODAY": (today or date.today()).isoformat(),
        **_FORGE_WORDS[ci][language],
    }
    folder = template_folder()
    files: dict[str, str] = {}
    for base in (folder / "handbook", folder / f"handbook.{language}", folder / f"ci.{ci}"):
        for name, path in _tree(base):
            files[name] = fill(path.read_text(encoding="utf-8"), values)
    for kind in SCHEMA_KINDS:
        files[f"schemas/{kind}.schema.json"] = schema_text(kind)
    files.update(editor_files(SCHEMA_KINDS))  # .vscode/: the schemas, without the comment
    return dict(sorted(files.items()))


def init_handbook(target: Path, language: Language = "en", *,
                  today: date | None = None, ci: CI = "github") -> InitReport:
    """Write a new handbook into ``target``; never replace a file that exists.

    The example procedure is written only into a handbook that has no procedures
    and no organization.yml of its own, since it relies on the example
    organization (and could clash with an existing id). `.github/CODEOWNERS` is
    generated last, from what is then in the folder.
    """
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} is a file: give a folder for the new handbook")
    files = handbook_files(language, today, ci)
    fresh_procedures = not _has_procedures(target / "procedures")
    fresh_organization = not (target / "organization.yml").exists()
    report = InitReport()
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = target / name
            if path.exists():
                reason = short_of_sopkits(path, name)  # an editor file without the schemas
                if reason is None:
                    report.kept.append(name)
                else:
                    report.skipped.append((name, reason))
            elif not _inside(path.parent, target):
                report.skipped.append((name, "its folder is a link that leads out of the "
                                             "handbook: make it a plain folder"))
            elif name.startswith(EXAMPLE_PREFIX) and not fresh_procedures:
                report.skipped.append((name, "the handbook already has procedures"))
            elif name.startswith(EXAMPLE_PREFIX) and not fresh_organization:
                report.skipped.append((name, "it needs the example organization.yml, and "
                                             "this handbook has its own"))
            elif _create(path, content):
                report.created.append(name)
            else:
                report.kept.append(name)
        _init_codeowners(target, report, ci)
    except OSError as error:
        where = getattr(error, "filename", None) or target
        raise ScaffoldError(f"{where}: cannot write: {error.strerror or error}") from None
    return report


def _inside(folder: Path, target: Path) -> bool:
    """Whether ``folder`` is in ``target`` once links are followed: init writes nothing
    through a link to somewhere else."""
    return folder.resolve().is_relative_to(target.resolve())


def _has_procedures(folder: Path) -> bool:
    from sopkit.check.discover import discover

    return folder.is_dir() and bool(discover(folder))


def _create(path: Path, content: str) -> bool:
    """Create ``path`` with ``content``; False (and no change) when it appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
    except FileExistsError:
        return False
    return True


def _init_codeowners(target: Path, report: InitReport, ci: CI) -> None:
    """Generate .github/CODEOWNERS (.gitlab/CODEOWNERS on GitLab), so that the CI's
    `codeowners --check` passes."""
    from sopkit.config import ConfigError, load_config
    from sopkit.review import codeowners

    # the git repository's, where GitHub (GitLab) reads it
    path = codeowners.default_output(target, None if ci == "none" else ci)
    name = Path(os.path.relpath(path, target.absolute())).as_posix()
    if path.exists():
        report.kept.append(name)
        return
    try:
        codeowners.check_target(path)  # not into a folder that leads out of the handbook
        config = load_config(target)
        text = codeowners.generate(config, codeowners.repository_root(path))
    except (ConfigError, codeowners.CodeownersError) as error:
        report.skipped.append((name, f"{error}; run `sopkit codeowners` once that is fixed"))
        return
    if _create(path, text):
        report.created.append(name)
    else:
        report.kept.append(name)


# -- new --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewProcedure:
    path: Path
    text: str


def slug(title: str) -> str:
    """A file-name slug from an ASCII title ("" for a title in another script).

    Accents are dropped (Café -> cafe); a title with any other non-ASCII letter
    (Chinese, Cyrillic...) gets no slug, since a transliteration would be a guess.
    """
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    if not ascii_text.isascii():
        return ""
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > SLUG_LENGTH:
            break
        result = candidate
    return result or "-".join(words)[:SLUG_LENGTH]


def check_id(procedure_id: str) -> None:
    if PROCEDURE_ID.fullmatch(procedure_id):
        return
    hint = ""
    upper = procedure_id.strip().upper().replace("_", "-").replace(" ", "-")
    if PROCEDURE_ID.fullmatch(upper):
        hint = f" (did you mean '{upper}'?)"
    raise ScaffoldError(
        f"'{printable(procedure_id)}' is not a procedure id{hint}: write capital letters A-Z and "
        "digits in groups joined by single hyphens, starting with a letter, e.g. HR-001"
    )


def plan_procedure(config: Config, procedure_id: str, title: str, *,
                   department: str | None = None, owner: str | None = None,
                   today: date | None = None) -> NewProcedure:
    """The file `sopkit new` would write, after checking its options against the handbook."""
    check_id(procedure_id)
    title = title.strip()
    if not title:
        raise ScaffoldError("the title is empty: give the procedure's name with --title")
    if any(unicodedata.category(char) in _BREAKS and char != "\t" for char in title):
        raise ScaffoldError(f"the title must be one line of text: '{printable(title)}' has a "
                            "line break or a control character")
    organization = _organization(config)
    if department is not None:
        _check_known(department, organization, "department", "departments", "hr")
    owner_known = owner is not None
    if owner is None:
        owner = DEFAULT_OWNER
    else:
        _check_known(owner, organization, "role", "roles", "hr-manager")
    _check_unique(config, procedure_id)

    name = procedure_id
    file_slug = slug(title)
    if file_slug:
        name = f"{procedure_id}-{file_slug}"
    folder = config.procedures / department if department else config.procedures
    path = folder / f"{name}.yml"
    if not _inside(folder, config.procedures) or (
            config.procedures.is_symlink() and not _inside(config.procedures, config.root)):
        # validate would refuse the file (link-outside-handbook): do not write it there.
        raise ScaffoldError(f"{folder} is a link out of the handbook: sopkit new writes "
                            "nothing through it; replace the link with a folder")
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{path} already exists")

    language: Language = "zh" if config.language == "zh" else "en"
    schema = config.root / "schemas" / "procedure.schema.json"
    modeline = ""
    if schema.is_file():
        relative = Path(os.path.relpath(schema.resolve(), folder.resolve())).as_posix()
        modeline = f"# yaml-language-server: $schema={relative}\n"
    declares_title = organization is None or not owner_known
    role_title = _OWNER_TITLES[language] if owner == DEFAULT_OWNER else _role_title(owner)
    department_line = f"department: {department}" if department else "# department: hr"
    values = {
        "MODELINE": modeline,
        "ID": procedure_id,
        "TITLE": scalar(title),
        "DEPARTMENT": department_line,
        "DEPARTMENT_PAD": _pad(department_line),
        "OWNER": owner,
        "OWNER_PAD": _pad(f"owner: {owner}"),
        "OWNER_TITLE": f"\n    title: {scalar(role_title)}" if declares_title else "",
        "TODAY": (today or date.today()).isoformat(),
    }
    template = template_folder() / f"procedure.{language}.yml"
    text = fill(template.read_text(encoding="utf-8"), values)
    return NewProcedure(path, text)


def write_procedure(planned: NewProcedure) -> None:
    try:
        created = _create(planned.path, planned.text)
    except OSError as error:
        raise ScaffoldError(f"{planned.path}: cannot write: {error.strerror or error}") from None
    if not created:
        raise ScaffoldError(f"{planned.path} already exists")


def _pad(text: str) -> str:
    return " " * max(1, COMMENT_COLUMN - len(text))


def _role_title(role: str) -> str:
    return role.replace("-", " ").capitalize()


def scalar(text: str) -> str:
    """``text`` as a YAML value that sopkit reads back as exactly ``text``."""
    loaded = load_bytes(f"v: {text}\n".encode(), "<title>")
    if isinstance(loaded, Document) and loaded.data.get("v") == text and "#" not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _organization(config: Config) -> Document | None:
    if not config.organization.is_file():
        return None
    loaded = load_file(config.organization)
    if not isinstance(loaded, Document):
        raise ScaffoldError(f"{loaded.file}:{loaded.line}:{loaded.column}: {loaded.message} "
                            "(fix organization.yml first; sopkit validate shows the problems)")
    return loaded


def _ids(entries: Any) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [entry["id"] for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("id"), str)]


def _listing(choices: list[str]) -> str:
    shown = ", ".join(sorted(choices)[:12])
    return shown + (", ..." if len(choices) > 12 else "")


def _check_known(value: str, organization: Document | None, kind: str, key: str,
                 example: str) -> None:
    """``value`` is an id of a ``kind`` that organization.yml lists under ``key``."""
    if not LOCAL_ID.fullmatch(value):
        raise ScaffoldError(f"'{printable(value)}' is not a {kind} id: write lowercase "
                            f"letters and digits joined by hyphens, e.g. {example}")
    if organization is None:
        return
    known = _ids(organization.data.get(key))
    if value not in known:
        listed = f"; its {key} are {_listing(known)}" if known else ""
        raise ScaffoldError(f"{kind} '{value}' is not in organization.yml"
                            f"{did_you_mean(value, known)}{listed}; add it there first")


def _check_unique(config: Config, procedure_id: str) -> None:
    from sopkit.check.discover import discover, display_name

    if not config.procedures.is_dir():
        return
    for path in discover(config.procedures):
        loaded = load_file(path)
        if isinstance(loaded, Document) and loaded.data.get("id") == procedure_id:
            raise ScaffoldError(f"procedure id {procedure_id} already exists in "
                                f"{display_name(path)}: choose another id")
