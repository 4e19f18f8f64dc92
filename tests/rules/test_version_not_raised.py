from __future__ import annotations

from .test_change_catalog import change_examples, run_change

RULE = "version-not-raised"

STEPS = """\
version: {version}
steps:
  - id: prepare
    title: Prepare
    role: owner
  - id: check
    title: Check
    role: owner
"""


def test_doc_example() -> None:
    bad, good = change_examples(RULE)
    assert run_change(RULE, *bad) == [
        (RULE, 2, 10, "the procedure changed but version is still '1.2.0': raise it (1.2.1 for "
                      "a correction, 1.3.0 for a changed way of working), and add a history "
                      "entry for it"),
    ]
    assert run_change(RULE, *good) == []


def test_a_material_change_asks_for_a_minor_raise() -> None:
    before = STEPS.format(version="1.0.0")
    after = before.replace("""  - id: check
    title: Check
    role: owner
""", "")
    assert run_change(RULE, before, after) == [
        (RULE, 1, 10, "the procedure changed but version is still '1.0.0': raise it to 1.1.0 "
                      "at least (step 'check' was removed), and add a history entry for it"),
    ]


def test_a_version_that_goes_down_is_reported_even_without_other_changes() -> None:
    before = "version: 1.2.0\n"
    assert run_change(RULE, before, "version: 1.1.9\n") == [
        (RULE, 1, 10, "version went down from '1.2.0' to '1.1.9': a version only goes up; "
                      "use one higher than '1.2.0'"),
    ]
    assert run_change(RULE, "version: 1.2.0\n", "version: 1.2.0-rc.1\n")  # pre-release is lower


def test_build_metadata_is_not_a_raise() -> None:
    assert run_change(RULE, "version: 1.0.0+a\npurpose: One.\n",
                      "version: 1.0.0+b\npurpose: Two.\n") != []


def test_a_raise_of_any_size_passes() -> None:
    before = "version: 1.0.0\npurpose: One.\n"
    for version in ("1.0.1", "1.1.0", "2.0.0", "1.0.1-rc.1"):
        assert run_change(RULE, before, f"version: {version}\npurpose: Two.\n") == []


def test_recording_a_review_or_a_history_fix_is_not_a_content_change() -> None:
    before = "review:\n  interval_months: 12\n  last_reviewed: 2026-01-01\n"
    after = "review:\n  interval_months: 12\n  last_reviewed: 2026-02-01\n"
    assert run_change(RULE, before, after) == []
    typo = """\
history:
  - version: 1.0.0
    date: 2025-01-01
    author: Test Author
    summary: First relase.
"""
    assert run_change(RULE, typo, typo.replace("relase", "release")) == []
    changed_interval = after.replace("12", "6")
    assert run_change(RULE, before, changed_interval) != []
