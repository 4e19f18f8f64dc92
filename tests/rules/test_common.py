from __future__ import annotations

from sopkit.rules._common import Suggestions, did_you_mean, duplicates, joined, quoted


def test_did_you_mean() -> None:
    assert did_you_mean("aprove", ["approve", "reject"]) == " (did you mean 'approve'?)"
    assert did_you_mean("budget", ["approve", "reject"]) == ""
    assert did_you_mean("same", ["same"]) == ""


def test_suggestions_stop_when_the_budget_is_spent() -> None:
    suggest = Suggestions(budget=3)
    pool = ["approve", "reject"]
    assert suggest("aprove", pool) == " (did you mean 'approve'?)"
    assert suggest("aprove", pool) == ""


def test_joined_and_quoted() -> None:
    assert joined([]) == ""
    assert joined(["a.yml"]) == "a.yml"
    assert quoted(["a", "b", "c"]) == "'a', 'b' and 'c'"


def test_duplicates() -> None:
    items = [{"id": "a"}, {"id": "b"}, {"id": "a"}, "x", {"id": "a"}]
    assert list(duplicates(items)) == [(2, "a", 0), (4, "a", 0)]
    assert list(duplicates(None)) == []
