"""Small helpers shared by the rule modules: did-you-mean hints, quoting, duplicates.

``ids`` and ``strings`` are the format's accessors (:mod:`sopkit.format.fields`), named here
too for the rules that read them from this module.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from sopkit.format import words
from sopkit.format.fields import ids, strings

__all__ = ["Suggestions", "did_you_mean", "duplicates", "ids", "joined", "quoted", "strings"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when one id is close to ``word``; ids are short, so the bar is
    higher than for keys."""
    return words.did_you_mean(word, candidates, cutoff=0.75)


class Suggestions:
    """:func:`did_you_mean` with a budget of comparisons, so that a file full of
    unknown ids (thousands of them) is still checked in bounded time: once the
    budget is spent, messages simply come without a hint. Use one per document.
    """

    def __init__(self, budget: int = 50_000) -> None:
        self.budget = budget

    def __call__(self, word: str, candidates: Collection[str]) -> str:
        if len(candidates) > self.budget:
            self.budget = 0
            return ""
        self.budget -= len(candidates)
        return did_you_mean(word, candidates)


def joined(words: Iterable[object]) -> str:
    """``a, b and c`` for a message."""
    items = [str(w) for w in words]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def quoted(words: Iterable[object]) -> str:
    """``'a', 'b' and 'c'`` for a message."""
    return joined(f"'{w}'" for w in words)


def duplicates(items: object) -> Iterator[tuple[int, str, int]]:
    """``(index, id, first_index)`` for every item whose ``id`` an earlier item already has."""
    if not isinstance(items, list):
        return
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        if item["id"] in first:
            yield index, item["id"], first[item["id"]]
        else:
            first[item["id"]] = index
