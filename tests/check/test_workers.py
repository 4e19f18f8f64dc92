"""sopkit.check.workers: files checked in worker processes give what one process gives."""

from __future__ import annotations

import pytest
from conftest import REPO

from sopkit.check.file_check import check_file
from sopkit.check.workers import PARALLEL_MIN_FILES, in_parallel, workers_for
from sopkit.format.load import Document, load_file


def test_how_many_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOPKIT_JOBS", raising=False)
    assert workers_for(10, None) == 1  # too few files to pay for a process
    assert workers_for(PARALLEL_MIN_FILES - 1, None) == 1
    assert workers_for(5, 3) == 3 and workers_for(2, 8) == 2 and workers_for(0, 4) == 1
    monkeypatch.setenv("SOPKIT_JOBS", "2")
    assert workers_for(1000, None) == 2
    assert workers_for(1000, 1) == 1  # --jobs wins


def test_workers_answer_in_order_as_one_process_does() -> None:
    files = sorted((REPO / "procedures").rglob("*.yml")) * 3
    jobs = [(f"{path.name}-{number}", path.read_bytes()) for number, path in enumerate(files)]
    organization = load_file(REPO / "organization.yml")
    assert isinstance(organization, Document)
    alone = [check_file(name, raw, organization) for name, raw in jobs]
    spread = list(in_parallel(jobs, organization, 2))
    assert [r.file for r in spread] == [r.file for r in alone]
    assert [(r.diagnostics, r.findings, r.digest) for r in spread] == [
        (r.diagnostics, r.findings, r.digest) for r in alone]
