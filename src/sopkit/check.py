"""load -> schema -> rules -> severities: the whole check of a handbook, in one place."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from sopkit.config import Config
from sopkit.diagnostics import Diagnostic, RuleInfo, Severity
from sopkit.load import Document, load_file
from sopkit.rules import Handbook, HandbookCheck, Problem, ProcedureCheck, Rule, all_rules
from sopkit.schema import SchemaKind, check_schema

YAML_SUFFIXES = (".yml", ".yaml")

# Rules that read organization.yml. When that file exists but is broken, its own
# errors are reported and these rules are skipped: judged against an empty
# organization they would flag every role and department in the handbook.
ORGANIZATION_RULES = frozenset({"unknown-role", "role-without-title", "unknown-department"})

Progress = Callable[[int, int], None]


class PathError(Exception):
    """A path given on the command line does not exist or cannot be listed."""


@dataclass(frozen=True)
class CheckResult:
    diagnostics: tuple[Diagnostic, ...]
    procedures: tuple[Document, ...]
    """The procedure documents that passed the schema, in file order."""
    organization: Document | None
    """organization.yml when it exists and passed the schema."""
    files: int

    @property
    def errors(self) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


def rule_infos() -> list[RuleInfo]:
    """Every rule sopkit can report, including the syntax and schema checks."""
    from sopkit.diagnostics import IO, SCHEMA, SYNTAX

    return [SYNTAX, SCHEMA, IO, *(rule.info for rule in all_rules())]


def display_name(path: Path) -> str:
    """A file as messages name it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    if relative.startswith(".."):
        return path.as_posix()
    return Path(relative).as_posix()


def discover(folder: Path) -> list[Path]:
    """Procedure files under ``folder``: *.yml and *.yaml, not starting with '_' or '.'."""
    found: list[Path] = []
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith((".", "_")))
        found.extend(
            Path(directory) / name for name in sorted(files)
            if name.endswith(YAML_SUFFIXES) and not name.startswith(("_", "."))
        )
    return found


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files and folders from the command line, as a list of files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(discover(path))
        elif path.is_file() or path.exists():
            files.append(path)
        else:
            raise PathError(f"{path}: no such file or folder")
    return files


def check_handbook(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check the handbook of ``config``; report on ``paths`` only, when given.

    The whole handbook is read either way, because rules such as unique ids
    and related procedures need the other procedures as context.
    """
    organization_path = config.organization.resolve()
    handbook_files = discover(config.procedures) if config.procedures.is_dir() else []
    selected = expand_paths(paths) if paths else handbook_files
    report_on = {path.resolve() for path in selected}
    wants_organization = not paths or organization_path in report_on

    procedure_files = _unique(
        [path for path in selected if path.resolve() != organization_path]
        + [path for path in handbook_files if path.resolve() not in report_on]
    )

    diagnostics: list[Diagnostic] = []
    organization: Document | None = None
    if config.organization.is_file():
        loaded, found = _load_and_validate(config.organization, "organization")
        diagnostics.extend(found if wants_organization else ())
        organization = loaded

    procedures: list[Document] = []
    total = len(procedure_files)
    for index, path in enumerate(procedure_files, start=1):
        loaded, found = _load_and_validate(path, "procedure")
        diagnostics.extend(found)
        if loaded is not None:
            procedures.append(loaded)
        if progress is not None:
            progress(index, total)

    handbook = _handbook(procedures, organization, today or config.today or date.today())
    broken_organization = config.organization.is_file() and organization is None
    skip = ORGANIZATION_RULES if broken_organization else frozenset()
    diagnostics.extend(_run_rules(handbook, config, skip))

    reported = {display_name(path) for path in selected}
    if wants_organization:
        reported.add(display_name(config.organization))
    kept = sorted(d for d in diagnostics if d.file in reported)
    return CheckResult(
        diagnostics=tuple(kept),
        procedures=tuple(procedures),
        organization=organization,
        files=len(selected) + (1 if wants_organization and config.organization.is_file() else 0),
    )


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _load_and_validate(path: Path, kind: SchemaKind) -> tuple[Document | None, list[Diagnostic]]:
    loaded = load_file(path, display_name(path))
    if isinstance(loaded, Diagnostic):
        return None, [loaded]
    problems = check_schema(loaded, kind)
    return (None if problems else loaded), problems


def _handbook(procedures: Sequence[Document], organization: Document | None,
              today: date) -> Handbook:
    by_id: dict[str, list[Document]] = defaultdict(list)
    for document in procedures:
        by_id[document.data["id"]].append(document)
    return Handbook(procedures=tuple(procedures), organization=organization, today=today,
                    by_id=dict(by_id))


def _run_rules(handbook: Handbook, config: Config,
               skip: frozenset[str]) -> Iterable[Diagnostic]:
    for rule in all_rules():
        if rule.scope == "change" or rule.name in skip:  # change rules need a base: diff.py
            continue
        level = config.rules.get(rule.name, rule.info.severity)
        if level == "off":
            continue
        severity: Severity = "warning" if level == "warning" else "error"
        for problem in _problems(rule, handbook):
            file, line, column = problem.document.at(problem.path, key=problem.key)
            yield Diagnostic(file, line, column, severity, rule.name, problem.message)


def _problems(rule: Rule, handbook: Handbook) -> Iterable[Problem]:
    if rule.scope == "handbook":
        yield from cast(HandbookCheck, rule.check)(handbook)
        return
    check = cast(ProcedureCheck, rule.check)
    for document in handbook.procedures:
        yield from check(document, handbook)
