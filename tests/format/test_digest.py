"""The content digest approvals are bound to (format 1.2): golden digests pin the
canonicalisation (key order, Unicode, numbers as the loader reads them), and the keys left
out are exactly status, effective_date, review (top level) and x- keys (any level)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sopkit.format.digest import canonical_json, procedure_digest
from sopkit.format.load import Document, load_bytes

DATA = Path(__file__).parent.parent / "data"
SPEC = (DATA / "spec" / "procedure.yml").read_text(encoding="utf-8")


def digest(text: str) -> str:
    document = load_bytes(text.encode("utf-8"), "p.yml")
    assert isinstance(document, Document), document
    return procedure_digest(document.data)


def test_canonical_json_sorts_keys_keeps_unicode_and_writes_numbers_as_loaded() -> None:
    text = ("title: 入职 ‘引导’ é\nid: A-1\nb:\n  - z: 1\n    a: 1.50\nn: 1e3\nm: -0\n"
            "t: true\ne:\nday: 2026-01-15\nq: '2026-01-15'\nv: 1.2.0\nstatus: approved\n"
            "x-k: 1\nsteps:\n  - x-note: n\n    id: s\n    status: kept\n"
            "review:\n  interval_months: 12\neffective_date: 2026-01-01\n")
    document = load_bytes(text.encode("utf-8"), "p.yml")
    assert isinstance(document, Document)
    expected = ('{"b":[{"a":1.5,"z":1}],"day":"2026-01-15","e":null,"id":"A-1","m":0,'
                '"n":1000.0,"q":"2026-01-15","steps":[{"id":"s","status":"kept"}],"t":true,'
                '"title":"入职 ‘引导’ é","v":"1.2.0"}')
    assert canonical_json(document.data) == expected.encode("utf-8")
    assert procedure_digest(document.data) == (
        "sha256:" + hashlib.sha256(expected.encode("utf-8")).hexdigest())


@pytest.mark.parametrize(("file", "expected"), [
    ("spec/procedure.yml",
     "sha256:c53c3c56645b1f2c2631948ce7bbdbc135ef8776fa741a67b27302087dc88adb"),
    ("render/zh/procedures/cs/CS-001.yml",
     "sha256:f80a5f9385892547076e2e3355ad77708cd108455cd32504f931afeb2dff94ee"),
])
def test_golden_digests(file: str, expected: str) -> None:
    assert digest((DATA / file).read_text(encoding="utf-8")) == expected


def test_layout_comments_quoting_and_key_order_are_not_content() -> None:
    moved = SPEC.replace("title: New employee onboarding\n", "") + (
        "title: 'New employee onboarding'   # moved to the end\n")
    assert digest(moved) == digest(SPEC)


@pytest.mark.parametrize(("old", "new"), [
    ("status: approved", "status: retired"),
    ("effective_date: 2026-01-15", "effective_date: 2026-02-01"),
    ("  interval_months: 12", "  interval_months: 6"),
    ("  last_reviewed: 2026-01-10", "  last_reviewed: 2026-06-30"),
    ("tags: [onboarding, people]", "tags: [onboarding, people]\nx-ticket: HR-7"),
    ("    title: Prepare onboarding documents",
     "    title: Prepare onboarding documents\n    x-owner-note: kept out"),
])
def test_approving_and_reviewing_keep_the_digest(old: str, new: str) -> None:
    assert old in SPEC
    assert digest(SPEC.replace(old, new, 1)) == digest(SPEC)


@pytest.mark.parametrize(("old", "new"), [
    ("title: New employee onboarding", "title: New employee onboarding!"),
    ("version: 1.2.0", "version: 1.2.1"),
    ("    role: hr-specialist", "    role: hr-manager"),
    ("    duration: 2h", "    duration: 3h"),
    ("    date: 2026-01-10", "    date: 2026-01-11"),
    ("tags: [onboarding, people]", "tags: [people, onboarding]"),
    ("approvers: [coo]", "approvers: [coo, hr-manager]"),
    ("Never email ID copies unencrypted.", "Never email ID copies unencrypted"),
])
def test_any_other_edit_changes_it(old: str, new: str) -> None:
    assert old in SPEC
    assert digest(SPEC.replace(old, new, 1)) != digest(SPEC)
