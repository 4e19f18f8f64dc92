"""Approval records files (format 1.2) in the check of a handbook: read like training
records, their rules' findings kept per procedure id in the cache; what is reported is what
running every rule over the whole handbook reports."""

from __future__ import annotations

from pathlib import Path

import pytest

import sopkit.check.handbook
import sopkit.check.training_groups
from sopkit.format.load import Document

from .test_cache import assert_same, checked, opened


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def record(procedure: str, version: str, person: str, role: str, day: str) -> str:
    return (f"  - procedure: {procedure}\n    version: {version}\n"
            f"    digest: sha256:{'ab' * 32}\n    person: {person}\n    role: {role}\n"
            f"    meaning: approved\n    date: {day}\n")


def test_approval_findings_are_kept_per_procedure(tmp_path: Path, cache_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root, config = opened("demo", tmp_path, monkeypatch)
    (root / "approvals").mkdir()
    approvals = root / "approvals" / "2026.yml"
    approvals.write_text("# signed\nrecords:\n" + record("HR-001", "2.1.0", "zhang-wei", "coo",
                                                         "2026-02-01"), encoding="utf-8")
    found = assert_same(config, cache_dir)
    assert {d.rule for d in found} >= {"approval-stale", "approval-missing"}
    ran: list[str] = []
    original = sopkit.check.training_groups.group_findings

    def counting(procedures: list[Document], *args: object, **kwargs: object) -> object:
        if kwargs.get("kind") == "approval":
            ran.append(procedures[0].data["id"] if procedures else "?")
        return original(procedures, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sopkit.check.training_groups, "group_findings", counting)
    with approvals.open("a", encoding="utf-8") as stream:
        stream.write(record("IT-001", "1.4.0", "nobody", "coo", "2026-02-02"))
    checked(config, cache_dir)
    assert ran == ["IT-001"]
    found = assert_same(config, cache_dir)
    assert any(d.rule == "approval-unknown-person" for d in found)
    approvals.write_text("# moved down\n" + approvals.read_text(encoding="utf-8"),
                         encoding="utf-8")
    assert_same(config, cache_dir)  # the positions of every record changed


def test_no_records_no_approval_findings(tmp_path: Path, cache_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root, config = opened("demo", tmp_path, monkeypatch)
    (root / "approvals").mkdir()
    (root / "approvals" / "2026.yml").write_text("records: []\n", encoding="utf-8")
    assert not [d for d in assert_same(config, cache_dir) if d.rule.startswith("approval-")]


def test_an_edit_of_content_alone_runs_only_that_procedures_approval_checks(
        tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The content digest is in each procedure's extract, but the handbook-wide findings
    and the training checks are kept under the extract without it: editing a step's text
    re-runs the approval checks of that one procedure, and nothing else across files."""
    root, config = opened("demo", tmp_path, monkeypatch)
    (root / "approvals").mkdir()
    (root / "approvals" / "zhang-wei.yml").write_text(
        "records:\n" + record("IT-001", "1.4.0", "zhang-wei", "coo", "2026-02-01"),
        encoding="utf-8")
    assert_same(config, cache_dir)
    across: list[str] = []
    grouped: list[tuple[str, object]] = []
    original_across = sopkit.check.handbook.handbook_findings
    original_group = sopkit.check.training_groups.group_findings

    def counting_across(*args: object, **kwargs: object) -> object:
        across.append("ran")
        return original_across(*args, **kwargs)  # type: ignore[arg-type]

    def counting_group(procedures: list[Document], *args: object, **kwargs: object) -> object:
        grouped.append((procedures[0].data["id"] if procedures else "?", kwargs.get("kind")))
        return original_group(procedures, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sopkit.check.handbook, "handbook_findings", counting_across)
    monkeypatch.setattr(sopkit.check.training_groups, "group_findings", counting_group)
    path = next(config.procedures.rglob("IT-001*.yml"))
    text = path.read_text(encoding="utf-8")
    first = text.split("purpose: |\n", 1)[1].split("\n", 1)[0]  # its lines stay where they are
    path.write_text(text.replace(first, first + " Restored first.", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    checked(config, cache_dir)
    assert across == []
    assert grouped == [("IT-001", "approval")]
    assert_same(config, cache_dir)
