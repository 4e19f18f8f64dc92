"""The cache changes nothing but the time: every run reports what a cold run reports.

A cached run is compared with the reference, every file checked afresh and
every rule run over whole documents (as sopkit did before it had a cache), after
each kind of change that could make a kept answer stale: a file, organization.yml,
the schema, a rule's setting, the date. A damaged cache file is ignored, two
runs may share the cache, and the split of the rules into those kept with a
file and those run every time is checked rule by rule. No timings here: see
benchmarks/ for those.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Container, Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import DATA, REPO
from helpers.fuzz import mutated_procedure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules.helpers import compose, examples

import sopkit.check.cache
import sopkit.check.files
import sopkit.check.handbook
import sopkit.check.training_groups
import sopkit.format.schema
from sopkit.check.cache import Cache, decode, default_cache_dir, encode
from sopkit.check.cache.entries import Extract
from sopkit.check.diagnostics import Diagnostic, Severity
from sopkit.check.discover import discover, display_name
from sopkit.check.file_check import procedure_extract
from sopkit.check.files import ProcedureFile
from sopkit.check.findings import diagnostics, info_levels
from sopkit.check.handbook import CheckResult, FileChangedError, check_handbook
from sopkit.check.repository import RULES as REPOSITORY_RULES
from sopkit.check.repository import repository_findings
from sopkit.check.runner import (
    approval_checks,
    extract_keys,
    file_checks,
    handbook_checks,
    training_checks,
)
from sopkit.check.runner import problems as check_problems
from sopkit.cli.validate import show_notes
from sopkit.config import Config, build_config, load_config
from sopkit.format.load import Document, load_file
from sopkit.format.schema import check_schema
from sopkit.rules import HandbookView, Problem, Rule, all_rules

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # type: ignore[import-not-found]

TODAY = date(2026, 6, 1)


# -- the reference: everything afresh, every rule over whole documents -------------------------


def reference(config: Config, today: date = TODAY) -> list[Diagnostic]:
    """What `sopkit validate` reports, computed the plain way (no cache, no extracts)."""
    found: list[Diagnostic] = []
    organization = None
    if config.organization.is_file():
        loaded = load_file(config.organization, display_name(config.organization))
        if isinstance(loaded, Diagnostic):
            found.append(loaded)
        else:
            problems = check_schema(loaded, "organization")
            found.extend(problems)
            organization = None if problems else loaded
    procedures: list[Document] = []
    invalid: set[str] = set()
    for path in discover(config.procedures):
        loaded = load_file(path, display_name(path))
        if isinstance(loaded, Diagnostic):
            found.append(loaded)
            continue
        problems = check_schema(loaded, "procedure")
        found.extend(problems)
        if not problems:
            procedures.append(loaded)
        elif isinstance(loaded.data.get("id"), str):
            invalid.add(loaded.data["id"])
    training: list[Document] = []
    if config.training().is_dir():
        for path in discover(config.training()):
            loaded = load_file(path, display_name(path))
            if isinstance(loaded, Diagnostic):
                found.append(loaded)
                continue
            problems = check_schema(loaded, "training")
            found.extend(problems)
            if not problems:
                training.append(loaded)
    approvals: list[Document] = []
    if config.approvals().is_dir():
        for path in discover(config.approvals()):
            loaded = load_file(path, display_name(path))
            if isinstance(loaded, Diagnostic):
                found.append(loaded)
                continue
            problems = check_schema(loaded, "approval")
            found.extend(problems)
            if not problems:
                approvals.append(loaded)
    book = whole_handbook(procedures, organization, today)._replace(
        invalid_ids=frozenset(invalid), training_records=tuple(training),
        approval_records=tuple(approvals))
    broken = config.organization.is_file() and organization is None
    for rule in all_rules():
        if rule.takes == "change" or (broken and reads_organization(rule)):
            continue
        level = config.rules.get(rule.name, rule.info.severity)
        if level == "off":
            continue
        severity: Severity = "warning" if level == "warning" else "error"
        for problem in run_rule(rule, book):
            file, line, column = problem.document.at(problem.path, key=problem.key)
            found.append(Diagnostic(file, line, column, severity, rule.name, problem.message))
    # what validate checks beside the rules (a folder, a schema comment, CODEOWNERS), uncached
    files = [ProcedureFile(str(path), display_name(path)) for path in discover(config.procedures)]
    around, _ = repository_findings(config, files, {d.file for d in procedures}, organization,
                                    None)
    found.extend(diagnostics(around, info_levels(config, REPOSITORY_RULES)))
    return sorted(found)


def reads_organization(rule: Rule) -> bool:
    """The rule's findings about procedures depend on organization.yml (skipped when it is
    broken)."""
    return any(check.depends_on == "file-and-organization" for check in rule.checks)


def whole_handbook(procedures: list[Document], organization: Document | None,
                   today: date) -> HandbookView:
    by_id: dict[str, list[Document]] = defaultdict(list)
    for document in procedures:
        by_id[document.data["id"]].append(document)
    return HandbookView(tuple(procedures), organization, today, dict(by_id))


def run_rule(rule: Rule, book: HandbookView) -> Iterator[Problem]:
    for check in rule.checks:
        yield from check_problems(check, book)


# -- handbooks to check ---------------------------------------------------------------------------


def write(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
    return root


def rule_examples_handbook(root: Path) -> Path:
    """Every failing and fixed example of every rule's doc, as one handbook."""
    files: dict[str, bytes | str] = {}
    organization: list[str] = []
    for rule in all_rules():
        if rule.takes == "change":
            continue
        bad, good = examples(rule.name)
        for number, snippet in enumerate([*bad, *good]):
            default = f"procedures/{rule.name}-{number}.yml"
            file, text = compose(snippet, default)
            if file.endswith("organization.yml"):
                organization.append(text)
            elif file.startswith("approvals/"):
                files[f"approvals/{rule.name}-{number}.yml"] = text
            else:
                files[f"procedures/{rule.name}-{number}-{Path(file).name}"] = text
    files["organization.yml"] = organization[0] if organization else ""
    files["mkdocs.yml"] = "site_name: x\nplugins:\n  - sopkit:\n      today: 2026-03-01\n"
    return write(root, files)


HANDBOOKS = ["cli", "render-en", "render-zh", "generated", "rule-examples", "demo"]


def make_handbook(kind: str, root: Path) -> Path:
    if kind == "cli":
        shutil.copytree(DATA / "cli" / "handbook", root)
    elif kind == "render-en":
        shutil.copytree(DATA / "render" / "en", root)
    elif kind == "render-zh":
        shutil.copytree(DATA / "render" / "zh", root)
    elif kind == "generated":
        generate(40, root, seed=7, invalid=0.25, approvals=80)
    elif kind == "rule-examples":
        rule_examples_handbook(root)
    else:
        root.mkdir()
        shutil.copytree(REPO / "procedures", root / "procedures")
        shutil.copy(REPO / "organization.yml", root / "organization.yml")
    return root


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def opened(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Config]:
    """A handbook of ``kind`` (see make_handbook), made the current folder, and its config."""
    root = make_handbook(kind, tmp_path / "hb")
    monkeypatch.chdir(root)
    return root, load_config(root)


def backdated(path: Path) -> os.stat_result:
    """``path`` made ten seconds old, old enough for the cache to trust its stat."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**10))
    return path.stat()


def checked(config: Config, cache_dir: Path | None, today: date = TODAY,
            **options: object) -> CheckResult:
    """The check, its notes shown as the command line shows them (on stderr)."""
    if cache_dir is None:
        result = check_handbook(config, today=today, cache=False, **options)  # type: ignore[arg-type]
    else:
        result = check_handbook(config, today=today, cache_dir=cache_dir, **options)  # type: ignore[arg-type]
    show_notes(result)
    return result


def assert_same(config: Config, cache_dir: Path, today: date = TODAY) -> list[Diagnostic]:
    expected = reference(config, today)
    cold = checked(config, None, today)
    first = checked(config, cache_dir, today)
    second = checked(config, cache_dir, today)
    assert list(cold.diagnostics) == expected
    assert list(first.diagnostics) == expected
    assert list(second.diagnostics) == expected
    assert [d.data for d in second.procedures] == [d.data for d in cold.procedures]
    return expected


# -- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HANDBOOKS)
def test_a_cached_run_reports_what_a_cold_run_reports(
    kind: str, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_handbook(kind, tmp_path / "hb")
    monkeypatch.chdir(root)
    config = load_config(root)
    expected = assert_same(config, cache_dir)
    if kind in ("cli", "generated", "rule-examples"):
        assert expected, "this handbook is meant to have problems"
    assert list(cache_dir.glob("*.sopkit-cache"))
    # Another day: the date-dependent rules are not kept with the files.
    assert_same(config, cache_dir, date(2031, 1, 1))


@pytest.mark.parametrize("kind", ["generated", "rule-examples", "cli"])
def test_after_one_file_changes_only_that_file_is_checked_again(
    kind: str, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_handbook(kind, tmp_path / "hb")
    monkeypatch.chdir(root)
    config = load_config(root)
    assert_same(config, cache_dir)
    files = discover(config.procedures)
    changed = files[len(files) // 2]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("id: ", "id: X", 1) + "\n# edited\n", encoding="utf-8")

    seen: list[str] = []
    original = sopkit.check.files.check_file

    def counting(file: str, raw: bytes, *args: object, **kwargs: object) -> object:
        seen.append(file)
        return original(file, raw, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sopkit.check.files, "check_file", counting)
    result = checked(config, cache_dir)
    assert seen == [display_name(changed)]
    assert list(result.diagnostics) == reference(config)
    seen.clear()
    assert list(checked(config, cache_dir).diagnostics) == reference(config)
    assert seen == []


def test_training_findings_are_kept_per_procedure(tmp_path: Path, cache_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a record re-runs the training rules for the procedure it names only; what
    is reported stays what the plain way reports, whatever changes (a record, the lines
    above the records, a procedure's version, a record naming no procedure)."""
    root, config = opened("generated", tmp_path, monkeypatch)
    assert_same(config, cache_dir)
    files = sorted((root / "training").rglob("*.yml"))
    first = files[0].read_text(encoding="utf-8")
    procedure = first.split("procedure: ", 1)[1].split("\n", 1)[0]
    ran: list[str] = []
    original = sopkit.check.training_groups.group_findings

    def counting(procedures: list[Document], *args: object, **kwargs: object) -> object:
        ran.append(procedures[0].data["id"] if procedures else "?")
        return original(procedures, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sopkit.check.training_groups, "group_findings", counting)
    files[0].write_text(first + f"  - person: nobody\n    procedure: {procedure}\n"
                        "    version: 9.9.9\n    date: 2026-05-01\n", encoding="utf-8")
    checked(config, cache_dir)
    assert ran == [procedure]
    assert_same(config, cache_dir)
    ran.clear()
    files[0].write_text("# moved down\n" + files[0].read_text(encoding="utf-8"),
                        encoding="utf-8")
    assert_same(config, cache_dir)  # the positions of every record of the file changed
    files[-1].write_text(files[-1].read_text(encoding="utf-8")
                         + "  - person: nobody\n    procedure: NOPE-001\n"
                         "    version: 1.0.0\n    date: 2026-05-01\n", encoding="utf-8")
    assert_same(config, cache_dir)
    victim = next(path for path in discover(config.procedures)
                  if f"id: {procedure}\n" in path.read_text(encoding="utf-8"))
    text = victim.read_text(encoding="utf-8")
    version = text.split("\nversion: ", 1)[1].split("\n", 1)[0]
    major, minor, _ = version.split(".")
    raised = f"{major}.{int(minor) + 1}.0"
    victim.write_text(text.replace(f"\nversion: {version}\n", f"\nversion: {raised}\n")
                      .replace("history:\n", f"history:\n  - version: {raised}\n"
                               "    date: 2026-05-30\n    author: x\n    summary: y\n", 1),
                      encoding="utf-8")
    ran.clear()
    assert any(d.rule == "training-outdated" for d in assert_same(config, cache_dir))


def test_after_organization_yml_changes(tmp_path: Path, cache_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root, config = opened("generated", tmp_path, monkeypatch)
    assert_same(config, cache_dir)
    organization = root / "organization.yml"
    text = organization.read_text(encoding="utf-8")
    # Drop a role that procedures use, and a department: unknown-role, unknown-department.
    organization.write_text(text.replace("- id: hr-manager", "- id: hr-boss")
                            .replace("- id: finance\n", "- id: money\n"), encoding="utf-8")
    changed = assert_same(config, cache_dir)
    assert any(d.rule == "unknown-role" for d in changed)
    organization.write_text("roles: [oops", encoding="utf-8")  # broken: its rules are skipped
    assert_same(config, cache_dir)
    organization.unlink()
    assert_same(config, cache_dir)


def test_after_a_rule_setting_changes(tmp_path: Path, cache_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root, config = opened("rule-examples", tmp_path, monkeypatch)
    before = assert_same(config, cache_dir)
    names = sorted({d.rule for d in before if d.rule not in ("schema", "syntax")})
    assert len(names) > 5
    options = {"today": "2026-03-01", "rules": {names[0]: "off", names[1]: "warning",
                                                 "unused-output": "error"}}
    changed = build_config(root, options)
    after = assert_same(changed, cache_dir)
    assert after != before


def test_after_the_schema_changes(tmp_path: Path, cache_dir: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _, config = opened("generated", tmp_path, monkeypatch)
    before = assert_same(config, cache_dir)

    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    procedure = json.loads((schemas / "procedure.schema.json").read_text(encoding="utf-8"))
    procedure["required"] = [*procedure["required"], "x-reviewed-by"]
    (schemas / "procedure.schema.json").write_text(json.dumps(procedure), encoding="utf-8")
    monkeypatch.setattr(sopkit.format.schema, "_schema_folder", lambda: schemas)
    clear_schema_caches()
    try:
        after = assert_same(config, cache_dir)
    finally:
        monkeypatch.undo()
        clear_schema_caches()
    assert after != before


def clear_schema_caches() -> None:
    for function in (sopkit.format.schema.load_schema, sopkit.format.schema.validator,
                     sopkit.format.schema.compiled_validator, sopkit.check.cache.code_fingerprint):
        function.cache_clear()


def test_a_file_edited_without_changing_its_size_or_time_is_read_again(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, config = opened("cli", tmp_path, monkeypatch)
    good = root / "procedures" / "HR-001-good.yml"
    backdated(good)
    assert_same(config, cache_dir)
    text = good.read_text(encoding="utf-8")
    broken = text.replace("title:", "titel:", 1)
    assert len(broken) == len(text)
    stat = good.stat()
    good.write_text(broken, encoding="utf-8")
    os.utime(good, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    result = assert_same(config, cache_dir)
    assert any(d.file == "procedures/HR-001-good.yml" for d in result)


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"\x00garbage" * 100)


@pytest.mark.parametrize("how", ["truncated", "flipped", "empty", "garbage"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(
    how: str, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    expected = assert_same(config, cache_dir)
    [stored] = cache_dir.glob("*.sopkit-cache")
    good = stored.read_bytes()
    damage(stored, how)
    assert list(checked(config, cache_dir).diagnostics) == expected
    assert stored.read_bytes() == good  # rewritten whole


def test_a_malformed_entry_is_ignored(tmp_path: Path, cache_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    expected = assert_same(config, cache_dir)
    [stored] = cache_dir.glob("*.sopkit-cache")
    # Rewrite every entry with a well-formed file but nonsense answers.
    decoded = decode(stored.read_bytes())
    assert decoded is not None
    (fmt, context, entries, (key, _), _), _, packed = decoded
    answer = 40 + 20  # after the stat and the content's digest
    broken = {name: kept[:answer] + b"nonsense" for name, kept in entries.items()}
    stored.write_bytes(encode((fmt, context, broken, (key, (("nonsense",), 1)),
                               {"training": (b"", "nonsense", {b"x": 1}, {b"y": (1,)}),
                                "organization": b"nonsense"}),
                              packed))
    assert list(checked(config, cache_dir).diagnostics) == expected
    assert list(checked(config, cache_dir).diagnostics) == expected


def test_an_answer_whose_extract_is_missing_is_checked_again(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    expected = assert_same(config, cache_dir)
    [stored] = cache_dir.glob("*.sopkit-cache")
    decoded = decode(stored.read_bytes())
    assert decoded is not None
    answers, extracts, _ = decoded
    assert extracts  # the clean files' extracts are kept apart from their answers
    stored.write_bytes(encode((*answers[:3], (b"", ()), {}), marshal.dumps({})))
    assert list(checked(config, cache_dir).diagnostics) == expected
    again = decode(stored.read_bytes())
    assert again is not None and again[1] == extracts  # written anew


def test_an_edit_that_keeps_the_extract_writes_the_extracts_back_as_they_were(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, config = opened("generated", tmp_path, monkeypatch)
    assert_same(config, cache_dir)
    [stored] = cache_dir.glob("*.sopkit-cache")
    before = decode(stored.read_bytes())
    victim = discover(root / "procedures")[0]
    victim.write_bytes(victim.read_bytes() + b"\n# a comment changes no extract\n")
    assert_same(config, cache_dir)
    after = decode(stored.read_bytes())
    assert before is not None and after is not None
    assert after[0][2] != before[0][2]  # the edited file's answer was replaced
    assert after[2] == before[2]  # the extracts' bytes were not packed again


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert list(checked(config, blocker / "cache").diagnostics) == reference(config)


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, cache_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_handbook("cli", tmp_path / "hb")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(cache_dir))
    config = load_config(root)
    assert list(check_handbook(config, today=TODAY, cache=False).diagnostics) == reference(config)
    assert not cache_dir.exists()
    assert list(check_handbook(config, today=TODAY).diagnostics) == reference(config)
    assert list(cache_dir.glob("*.sopkit-cache"))


def test_the_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("SOPKIT_CACHE_DIR")
    import platformdirs

    assert default_cache_dir() == Path(platformdirs.user_cache_dir("sopkit"))
    assert default_cache_dir(tmp_path / "named") == tmp_path / "named"
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir(tmp_path / "named") == tmp_path / "mine"  # the variable wins


def test_the_cache_folder_named_in_mkdocs_yml(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_handbook("cli", tmp_path / "hb")
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text(encoding="utf-8").replace(
        "  - sopkit:\n", "  - sopkit:\n      cache_dir: .sopkit-cache\n", 1), encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOPKIT_CACHE_DIR")
    config = load_config(root)
    assert config.cache_dir == root / ".sopkit-cache"
    expected = reference(config)
    assert list(check_handbook(config, today=TODAY).diagnostics) == expected
    assert list((root / ".sopkit-cache").glob("*.sopkit-cache"))
    assert list(check_handbook(config, today=TODAY).diagnostics) == expected


def test_old_handbook_files_are_pruned(tmp_path: Path, cache_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir.mkdir()
    old = cache_dir / ("0" * 24 + ".v1.sopkit-cache")
    leftover = cache_dir / ".tmp-123-0123456789ab"
    theirs = [cache_dir / "notes.sopkit-cache", cache_dir / ".tmp-mine", cache_dir / "a.txt"]
    for path in (old, leftover, *theirs):
        path.write_bytes(b"")
        os.utime(path, (1, 1))
    root = make_handbook("cli", tmp_path / "hb")
    monkeypatch.chdir(root)
    checked(load_config(root), cache_dir)
    assert not old.exists() and not leftover.exists()
    assert all(path.exists() for path in theirs)  # not sopkit's: never touched
    assert len(list(cache_dir.glob("*.v*.sopkit-cache"))) == 1


def test_two_processes_sharing_the_cache_both_succeed(tmp_path: Path, cache_dir: Path) -> None:
    root = make_handbook("generated", tmp_path / "hb")
    environment = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(cache_dir)}
    environment.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "sopkit", "validate", "--format", "json"]

    def cold() -> object:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False,
                              env={**environment, "SOPKIT_CACHE_DIR": str(tmp_path / "fresh")})
        return json.loads(done.stdout)["diagnostics"]

    expected = cold()
    for round_ in range(4):
        if round_ == 2:  # a file changes between rounds
            first = discover(root / "procedures")[0]
            first.write_text(first.read_text(encoding="utf-8").replace("id: ", "id: Z", 1),
                             encoding="utf-8")
            expected = cold()
        running = [subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for process in running:
            out, err = process.communicate(timeout=120)
            assert process.returncode in (0, 1), err
            assert "Traceback" not in err
            assert json.loads(out)["diagnostics"] == expected


def test_spreading_the_files_over_processes_changes_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, config = opened("generated", tmp_path, monkeypatch)
    serial = checked(config, None, jobs=1)
    parallel = checked(config, None, jobs=2)
    cached = checked(config, cache_dir, jobs=2)
    assert serial.diagnostics == parallel.diagnostics == cached.diagnostics
    assert [d.file for d in serial.procedures] == [d.file for d in parallel.procedures]
    assert list(serial.procedures) == list(parallel.procedures) == list(cached.procedures)
    again = checked(config, cache_dir, jobs=2)  # from the cache: loaded when asked for
    assert list(again.procedures) == list(serial.procedures)
    for document in again.procedures:
        assert document.values and document.position(("id",)) != (1, 1)


def test_documents_from_the_cache_load_the_same_in_worker_processes(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, config = opened("generated", tmp_path, monkeypatch)
    serial = list(checked(config, None, jobs=1).procedures)
    checked(config, cache_dir)
    monkeypatch.setenv("SOPKIT_JOBS", "2")  # load them in two processes, few as they are
    spread = list(checked(config, cache_dir).procedures)
    assert spread == serial
    assert [document.keys for document in spread] == [document.keys for document in serial]
    contents = checked(config, cache_dir).contents()  # for publishing: data, no positions
    assert [(d.file, d.data) for d in contents] == [(d.file, d.data) for d in serial]
    assert not any(d.values or d.keys or d.numbers for d in contents)
    monkeypatch.setenv("SOPKIT_JOBS", "1")
    assert checked(config, cache_dir).contents() == contents
    assert checked(config, None).contents() == contents  # from documents at hand


def test_documents_from_the_cache_are_the_checked_ones(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, config = opened("cli", tmp_path, monkeypatch)
    good = root / "procedures" / "HR-001-good.yml"
    backdated(good)
    checked(config, cache_dir)
    result = checked(config, cache_dir)  # the cache vouches for the file unread
    good.write_text(good.read_text(encoding="utf-8") + "\n# edited later\n", encoding="utf-8")
    with pytest.raises(FileChangedError):
        list(result.procedures)


def test_the_cache_keeps_answers_per_file_and_context(tmp_path: Path) -> None:
    file = tmp_path / "a.yml"
    file.write_text("id: A\n", encoding="utf-8")
    old = file.stat().st_mtime_ns - 10**10
    os.utime(file, ns=(old, old))
    stat = file.stat()
    store = Cache(tmp_path, "handbook", b"context")
    store.put("a.yml", b"d" * 20, stat, old + 10**10, b"answer")
    store.save()
    again = Cache(tmp_path, "handbook", b"context")
    assert again.unchanged("a.yml", stat) == (b"d" * 20, b"answer")
    os.utime(file, ns=(old + 1, old + 1))
    assert again.unchanged("a.yml", file.stat()) is None
    assert again.get("a.yml", b"o" * 20, None, 0) is None
    assert again.get("a.yml", b"d" * 20, None, 0) == b"answer"
    assert Cache(tmp_path, "handbook", b"another context").get("a.yml", b"d" * 20, None, 0) is None
    recent = Cache(tmp_path, "recent", b"context")
    recent.put("a.yml", b"d" * 20, stat, old + 1, b"answer")  # modified just now: stat not kept
    recent.save()
    assert Cache(tmp_path, "recent", b"context").unchanged("a.yml", stat) is None


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(mutated_procedure(), min_size=1, max_size=3))
def test_mutated_procedures_through_the_cache(tmp_path_factory: pytest.TempPathFactory,
                                              raws: list[bytes]) -> None:
    root = tmp_path_factory.mktemp("hb")
    shutil.copy(DATA / "fuzz" / "organization.yml", root / "organization.yml")
    (root / "procedures").mkdir()
    for path in sorted((DATA / "fuzz").glob("[A-Z]*.yml")):
        shutil.copy(path, root / "procedures" / path.name)
    cache = root / "cache"
    previous = Path.cwd()
    os.chdir(root)
    try:
        config = load_config(root)
        for number, raw in enumerate(raws):
            (root / "procedures" / f"mutated-{number % 2}.yml").write_bytes(raw)
            expected = reference(config)
            assert list(checked(config, None).diagnostics) == expected
            assert list(checked(config, cache).diagnostics) == expected
            assert list(checked(config, cache).diagnostics) == expected
    finally:
        os.chdir(previous)


# -- which rules may be kept with a file ----------------------------------------------------------


def corpus(tmp_path: Path) -> list[tuple[list[Document], Document | None]]:
    """Handbooks of schema-valid procedures to try the rules on."""
    books = []
    for kind in ["cli", "render-en", "render-zh", "generated", "rule-examples", "demo"]:
        root = make_handbook(kind, tmp_path / kind)
        config = load_config(root)
        procedures = []
        for path in discover(config.procedures):
            loaded = load_file(path)
            if isinstance(loaded, Document) and not check_schema(loaded, "procedure"):
                procedures.append(loaded)
        organization = None
        if config.organization.is_file():
            loaded = load_file(config.organization)
            if isinstance(loaded, Document) and not check_schema(loaded, "organization"):
                organization = loaded
        books.append((procedures, organization))
        books.append((procedures, None))
    return books


def findings(rule: Rule, book: HandbookView) -> list[tuple[str, int, int, str]]:
    rows = []
    for problem in run_rule(rule, book):
        file, line, column = problem.document.at(problem.path, key=problem.key)
        rows.append((file, line, column, problem.message))
    return sorted(rows)


def test_every_rule_declares_what_it_reads() -> None:
    """Each of sopkit's own rules says whether its findings may be kept with a file.

    A check the runner does not place (in neither file_checks() nor handbook_checks())
    would never run.
    """
    placed = (set(file_checks()) | set(handbook_checks()) | set(training_checks())
              | set(approval_checks()))
    unplaced = [rule.name for rule in all_rules() if rule.takes != "change"
                and not set(rule.checks) <= placed]
    assert not unplaced, f"{unplaced}: declare depends_on= when registering them"


def test_rules_kept_with_a_file_read_nothing_else(tmp_path: Path) -> None:
    kept = [rule for rule in all_rules() if set(rule.checks) & set(file_checks())]
    for procedures, organization in corpus(tmp_path):
        book = whole_handbook(procedures, organization, TODAY)
        for rule in kept:
            one_at_a_time: list[tuple[str, int, int, str]] = []
            for check in rule.checks:
                if check.depends_on == "organization":  # organization.yml on its own, once
                    on_its_own = whole_handbook([], organization, TODAY)
                    one_at_a_time.extend((*p.document.at(p.path, key=p.key), p.message)
                                         for p in check_problems(check, on_its_own))
                    continue
                for document in procedures:
                    alone = whole_handbook([document], organization, date(1999, 1, 1))
                    one_at_a_time.extend(
                        (*document.at(p.path, key=p.key), p.message)
                        for p in check_problems(check, alone) if p.document is document)
            assert sorted(one_at_a_time) == findings(rule, book), rule.name


def test_context_rules_read_only_their_keys(tmp_path: Path) -> None:
    for procedures, organization in corpus(tmp_path):
        packed = [(document.file, procedure_extract(document)) for document in procedures]
        # As the cache gives them back: packed, unpacked when read.
        extracts = [Extract(extract.digest, extract.packed).document(file)
                    for file, extract in packed]
        names = {spec.partition("[].")[0] for spec in extract_keys()}
        assert all(set(e.data) <= names for e in extracts)
        for today in (TODAY, date(2035, 1, 1)):
            book = whole_handbook(procedures, organization, today)
            small = whole_handbook(extracts, organization, today)
            for rule in all_rules():
                if any(check.depends_on in ("extracts", "training", "approvals")
                       for check in rule.checks):
                    assert findings(rule, small) == findings(rule, book), rule.name


def test_stats_beyond_64_bits_are_kept_too(tmp_path: Path) -> None:
    # 128-bit inodes (Windows ReFS), negative devices, times before 1970.
    odd = os.stat_result((0o100644, 2**70 + 5, -5, 1, 0, 0, 10, 1, 2, 3, 1.0, 2.0, 3.0,
                          10**9, -2 * 10**9, 3 * 10**9))
    store = Cache(tmp_path, "odd", b"context")
    store.put("a.yml", b"d" * 20, odd, 10**12, b"answer")
    store.save()
    assert Cache(tmp_path, "odd", b"context").unchanged("a.yml", odd) == (b"d" * 20, b"answer")


# -- a cache others cannot forge, and reads that cannot hang or exhaust memory --------------------


GOOD = "procedures/HR-001-good.yml"


def forge_clean_answer(cache_dir: Path, root: Path) -> None:
    """Break HR-001-good.yml, and write into the cache, as another user could, the answer it
    had while clean, under the digest of its broken bytes (and no stat: it is read)."""
    [stored] = cache_dir.glob("*.sopkit-cache")
    decoded = decode(stored.read_bytes())
    assert decoded is not None
    (fmt, context, entries, findings, aside), _, packed = decoded
    path = root / GOOD
    path.write_text(path.read_text(encoding="utf-8") + "secret-token: forged\n",
                    encoding="utf-8")
    clean_answer = entries[GOOD][40 + 20:]
    entries[GOOD] = bytes(40) + sopkit.check.cache.content_digest(path.read_bytes()) + clean_answer
    stored.write_bytes(encode((fmt, context, entries, findings, aside), packed))


def test_a_cache_folder_others_can_write_is_not_trusted(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, config = opened("cli", tmp_path, monkeypatch)
    checked(config, cache_dir)
    assert cache_dir.stat().st_mode & 0o777 == 0o700  # made the user's only
    forge_clean_answer(cache_dir, root)
    expected = reference(config)
    assert any(d.file == GOOD for d in expected)  # the broken file has an error
    forged = list(checked(config, cache_dir).diagnostics)
    assert forged == [d for d in expected if d.file != GOOD]  # the user's own folder: trusted
    capsys.readouterr()
    cache_dir.chmod(0o777)  # a shared folder: anyone could have written that answer
    assert list(checked(config, cache_dir).diagnostics) == expected
    warning = capsys.readouterr().err
    assert warning.count("\n") == 1 and warning.startswith(
        f"sopkit: warning: not using the cache folder {cache_dir}: other users can write to it")


@pytest.mark.parametrize("how", ["group-writable", "another user's", "a link",
                                 "under a folder others can write"])
def test_a_cache_folder_that_is_not_the_users_alone_is_refused_with_a_warning(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    if how == "group-writable":
        folder.chmod(0o770)
        problem = "other users can write to it"
    elif how == "another user's":
        if os.geteuid() == 0:
            os.chown(folder, 65534, 65534)
        else:
            folder = Path("/")  # root's, and not writable: refused before any write is tried
        problem = "it belongs to another user"
    elif how == "a link":
        linked = tmp_path / "linked-cache"
        linked.symlink_to(folder, target_is_directory=True)
        folder = linked
        problem = "it is a symbolic link"
    else:
        shared = tmp_path / "shared"
        shared.mkdir()
        shared.chmod(0o777)  # not sticky: others may rename the folder in it
        folder = shared / "cache"
        problem = f"other users can write to the folder above it, {shared}"
    assert list(checked(config, folder).diagnostics) == reference(config)
    warning = capsys.readouterr().err
    assert warning == (f"sopkit: warning: not using the cache folder {folder}: {problem}, so its "
                       "answers could be forged; checking without it (set SOPKIT_CACHE_DIR, or "
                       "cache_dir in mkdocs.yml, to a folder of yours that only you can write "
                       "to)\n")
    if how != "another user's" or os.geteuid() == 0:
        assert not list(Path(os.path.realpath(folder)).glob("*.sopkit-cache"))  # nor written


def test_the_check_returns_its_warning_for_the_caller_to_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    folder.chmod(0o770)
    result = check_handbook(config, today=TODAY, cache_dir=folder)
    assert capsys.readouterr().err == ""  # the check prints nothing itself
    [note] = result.notes
    assert note.startswith(f"sopkit: warning: not using the cache folder {folder}: ")
    assert check_handbook(config, today=TODAY, cache=False).notes == ()


def test_a_cache_folder_under_a_sticky_shared_folder_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    _, config = opened("cli", tmp_path, monkeypatch)
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp: others cannot rename what is not theirs
    assert list(checked(config, shared / "cache").diagnostics) == reference(config)
    assert capsys.readouterr().err == ""
    assert list((shared / "cache").glob("*.sopkit-cache"))


def validate_in(root: Path, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    """`sopkit validate` in a process that cannot hang the tests (a timeout) nor exhaust the
    machine's memory (2 GB of address space at most)."""
    import resource

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    environment = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(cache_dir)}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "sopkit", "validate"], cwd=root,
                          env=environment, capture_output=True, text=True, timeout=60,
                          check=False, preexec_fn=limit_memory)


@pytest.mark.parametrize("replacement", ["a link to /dev/zero", "a FIFO",
                                         "a link to a good cache file"])
def test_a_cache_file_that_is_not_a_regular_file_is_ignored_not_read(
    replacement: str, tmp_path: Path, cache_dir: Path,
) -> None:
    root = make_handbook("cli", tmp_path / "hb")
    first = validate_in(root, cache_dir)
    assert first.returncode == 1 and first.stderr == ""
    [stored] = cache_dir.glob("*.sopkit-cache")
    elsewhere = tmp_path / "elsewhere.sopkit-cache"
    shutil.copy(stored, elsewhere)
    stored.unlink()
    if replacement == "a FIFO":
        os.mkfifo(stored)  # no writer: reading it would wait forever
    else:
        stored.symlink_to("/dev/zero" if "zero" in replacement else elsewhere)
    again = validate_in(root, cache_dir)
    assert (again.returncode, again.stdout, again.stderr) == (1, first.stdout, "")
    assert stored.is_file() and not stored.is_symlink()  # replaced by a cache file of its own
    assert elsewhere.read_bytes() != b""  # what the link named was left alone


def test_read_private_reads_only_the_users_small_regular_files(tmp_path: Path) -> None:
    from sopkit.check.cache import read_private

    path = tmp_path / "answers"
    path.write_bytes(b"0123456789")
    path.chmod(0o600)
    assert read_private(path, limit=10) == b"0123456789"
    assert read_private(path, limit=9) is None  # larger than the bound: not read at all
    path.chmod(0o666)
    assert read_private(path, limit=10) is None  # others could have written it
    path.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
        assert read_private(path, limit=10) is None  # another user's
    link = tmp_path / "link"
    link.symlink_to(path)
    assert read_private(link) is None
    assert read_private(tmp_path) is None  # a folder
    assert read_private(tmp_path / "missing") is None


# -- warm runs after each kind of change to training records and their context (issue 13) -------


def _last_record(text: str) -> tuple[int, str]:
    """Where the last record of a training file starts, and the record."""
    start = text.rindex("\n  - person: ") + 1
    return start, text[start:]


def _a_record(text: str, valid: Container[str]) -> tuple[int, int, str]:
    """Where the last record of a training file on a valid procedure (one the rules can
    judge), by a person who is not an approval signer, starts and ends, and the record."""
    starts = [match.start() + 1 for match in re.finditer(r"\n  - person: ", text)]
    for start, end in reversed(list(zip(starts, [*starts[1:], len(text)], strict=True))):
        record = text[start:end]
        procedure = record.split("procedure: ", 1)[1].split("\n", 1)[0]
        if procedure in valid and "person: signer-" not in record:
            return start, end, record
    raise AssertionError("no record on a valid procedure")


def test_a_warm_run_after_each_change_to_training_records_reports_what_a_cold_run_does(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, config = opened("generated", tmp_path, monkeypatch)
    assert_same(config, cache_dir)
    valid = {document.data["id"] for document in checked(config, None).procedures}
    files = sorted((root / "training").rglob("*.yml"))
    assert files, "the generated handbook has training records"
    target = files[len(files) // 2]
    text = target.read_text(encoding="utf-8")
    start, end, last = _a_record(text, valid)
    # A record added: a copy of the last one with a date never used, then an exact copy
    # (training-duplicate).
    target.write_text(text + last.replace("date: 20", "date: 19", 1), encoding="utf-8")
    assert_same(config, cache_dir)
    target.write_text(text + last, encoding="utf-8")
    assert any(d.rule == "training-duplicate" for d in assert_same(config, cache_dir))
    # A record edited: a version its procedure never had, then a person nobody knows.
    version = last.split("version: ", 1)[1].split("\n", 1)[0]
    target.write_text(text[:start] + last.replace(f"version: {version}", "version: 77.0.0")
                      + text[end:], encoding="utf-8")
    assert any(d.rule == "training-unknown-version" for d in assert_same(config, cache_dir))
    person = last.split("person: ", 1)[1].split("\n", 1)[0]
    target.write_text(text[:start] + last.replace(f"person: {person}", "person: no-one-x")
                      + text[end:], encoding="utf-8")
    assert any(d.rule == "training-unknown-person" for d in assert_same(config, cache_dir))
    # A record deleted, then the whole file.
    target.write_text(text[:start] + text[end:], encoding="utf-8")
    assert_same(config, cache_dir)
    target.unlink()
    assert_same(config, cache_dir)
    target.write_text(text, encoding="utf-8")
    assert_same(config, cache_dir)
    # A person who has records removed from organization.yml.
    organization = root / "organization.yml"
    people = organization.read_text(encoding="utf-8")
    assert f"- id: {person}\n" in people
    organization.write_text(people.replace(f"- id: {person}\n", "- id: someone-else-x\n"),
                            encoding="utf-8")
    assert any(d.rule == "training-unknown-person" for d in assert_same(config, cache_dir))
    # Another day: expiry counts from it.
    assert_same(config, cache_dir, date(2031, 1, 1))


def test_a_run_with_paths_shares_the_plain_runs_cross_file_findings(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The files named first or not, a check with paths reads the procedures in the
    handbook's order: the same cross-file findings, and the same keys in the cache, as a
    check without (pre-commit names files, CI does not)."""
    _root, config = opened("generated", tmp_path, monkeypatch)
    files = discover(config.procedures)
    named = [files[-1], files[0], files[len(files) // 2]]
    plain = checked(config, cache_dir)
    expected = check_handbook(config, named, today=TODAY, cache=False)
    assert set(expected.diagnostics) == {d for d in plain.diagnostics
                                         if d.file in {display_name(p) for p in named}}
    ran: list[int] = []
    original = sopkit.check.handbook.handbook_findings

    def counting(extracts: list[Document], *args: object, **kwargs: object) -> object:
        ran.append(len(extracts))
        return original(extracts, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sopkit.check.handbook, "handbook_findings", counting)
    warm = check_handbook(config, named, today=TODAY, cache_dir=cache_dir)
    assert warm.diagnostics == expected.diagnostics
    assert ran == []  # the plain run's findings, from the cache
    assert checked(config, cache_dir).diagnostics == plain.diagnostics
    assert ran == []


@pytest.mark.parametrize("options", [
    ["--format", "github"],
    ["--format", "json", "--today", "2031-01-01"],
    ["--strict", "--format", "sarif"],
    ["--format", "github", "FILE"],
])
def test_the_command_lines_option_path_warm_reports_what_it_reports_cold(
    options: list[str], tmp_path: Path, cache_dir: Path,
) -> None:
    root = make_handbook("generated", tmp_path / "hb")
    files = discover(root / "procedures")
    options = [os.fspath(files[3].relative_to(root)) if option == "FILE" else option
               for option in options]
    environment = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": os.fspath(cache_dir)}
    environment.pop("GITHUB_ACTIONS", None)

    def run(*arguments: str) -> tuple[int, str, str]:
        done = subprocess.run([sys.executable, "-m", "sopkit", "validate", *arguments],
                              cwd=root, env=environment, capture_output=True, text=True,
                              timeout=300, check=False)
        return done.returncode, done.stdout, done.stderr

    cold = run("--no-cache", *options)
    assert cold[0] == 1 and cold[1], cold  # the generated handbook has problems
    run()  # the plain way fills the cache
    records = sorted((root / "training").rglob("*.yml"))[0]
    text = records.read_text(encoding="utf-8")
    records.write_text(text + _last_record(text)[1].replace("date: 20", "date: 19", 1),
                       encoding="utf-8")
    files[3].write_text(files[3].read_text(encoding="utf-8") + "\n# edited\n",
                        encoding="utf-8")
    assert run(*options) == run("--no-cache", *options)
    assert run(*options) == run("--no-cache", *options)  # and again, all from the cache
