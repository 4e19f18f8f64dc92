from __future__ import annotations

from .helpers import examples, run

RULE = "history-version-mismatch"


def history(version: str, *entries: str) -> str:
    lines = [f"version: {version}", "history:"]
    for number, entry in enumerate(entries):
        lines.append(f"  - {{version: {entry}, date: 2025-0{9 - number}-01, author: A, "
                     "summary: S}")
    return "\n".join(lines) + "\n"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 3, 14, "the procedure is version '1.3.0', but the newest history entry is "
                      "'1.2.0': add an entry for '1.3.0' at the top of history (newest first)"),
    ]
    assert run(RULE, *good) == []


def test_history_ahead_of_version() -> None:
    assert run(RULE, history("1.2.0", "1.3.0", "1.2.0")) == [
        (RULE, 3, 15, "the procedure is version '1.2.0', but the newest history entry is "
                      "'1.3.0': raise version to '1.3.0', or correct the entry"),
    ]


def test_entry_for_the_version_is_not_on_top() -> None:
    found = run(RULE, history("1.2.0", "1.0.0", "1.2.0"))
    assert [msg.split(": ", 1)[1] for *_, msg in found] == [
        "the entry for '1.2.0' is number 2; move it to the top (history is newest first)",
    ]


def test_matching_versions() -> None:
    assert run(RULE, history("2.0.0-rc.1", "2.0.0-rc.1", "1.0.0")) == []
