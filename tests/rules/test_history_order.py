from __future__ import annotations

from .helpers import examples, run

RULE = "history-order"


def history(*entries: tuple[str, str]) -> str:
    lines = [f"version: {entries[0][0]}", "history:"]
    lines += [f"  - {{version: {v}, date: {d}, author: A, summary: S}}" for v, d in entries]
    return "\n".join(lines) + "\n"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 11, 14, "history entry 3 (version '1.1.0') is newer than the entry above it "
                       "('1.0.0'): list history newest first"),
    ]
    assert run(RULE, *good) == []


def test_version_listed_twice() -> None:
    assert run(RULE, history(("1.1.0", "2025-06-01"), ("1.1.0", "2025-05-01"))) == [
        (RULE, 4, 15, "version '1.1.0' is listed twice in history (entries 1 and 2): "
                      "keep one entry per version"),
    ]


def test_date_after_the_entry_above() -> None:
    assert run(RULE, history(("1.1.0", "2025-06-01"), ("1.0.0", "2025-07-01"))) == [
        (RULE, 4, 28, "history entry 2 (version '1.0.0') is dated 2025-07-01, after the entry "
                      "above it (2025-06-01): list history newest first, or correct the date"),
    ]


def test_same_day_is_fine() -> None:
    assert run(RULE, history(("1.0.1", "2025-06-01"), ("1.0.0", "2025-06-01"))) == []


def test_versions_compare_as_numbers_not_text() -> None:
    assert run(RULE, history(("1.10.0", "2025-06-01"), ("1.9.0", "2025-05-01"))) == []
    assert [line for _, line, _, _ in
            run(RULE, history(("1.9.0", "2025-06-01"), ("1.10.0", "2025-05-01")))] == [4]


def test_prereleases_come_before_their_release() -> None:
    ordered = history(
        ("2.0.0", "2025-09-01"),
        ("2.0.0-rc.10", "2025-08-01"),
        ("2.0.0-rc.2", "2025-07-01"),
        ("2.0.0-beta", "2025-06-01"),
        ("2.0.0-alpha.1", "2025-05-01"),
        ("2.0.0-alpha", "2025-04-01"),
        ("1.0.0", "2025-03-01"),
    )
    assert run(RULE, ordered) == []
    wrong = history(("2.0.0-rc.1", "2025-09-01"), ("2.0.0", "2025-08-01"))
    assert [line for _, line, _, _ in run(RULE, wrong)] == [4]


def test_build_metadata_does_not_order() -> None:
    found = run(RULE, history(("1.0.0+b2", "2025-06-01"), ("1.0.0+b1", "2025-05-01")))
    assert [msg.split(":")[0] for *_, msg in found] == [
        "version '1.0.0+b1' is listed twice in history (entries 1 and 2)",
    ]
