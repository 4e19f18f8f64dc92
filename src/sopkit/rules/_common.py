"""Small helpers shared by the rule modules: did-you-mean hints, quoting, duplicates."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sopkit.format import words


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


def ids(items: object) -> list[str]:
    """The string ``id`` of each mapping in a list (anything else is skipped)."""
    if not isinstance(items, list):
        return []
    return [item["id"] for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)]


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


def strings(value: Any) -> list[str]:
    """A string or a list of strings as a list (anything else gives ``[]``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return [v for v in value if isinstance(v, str)]
    return []
