"""Reading values out of loaded procedure and organization data, one way for every stage.

The schemas say what each key holds, so callers do not check the schema's work again
with their own ``isinstance`` walks. A value of another kind (possible only in a
document the schema rejected, which the rules still read) gives the empty answer
rather than an error.

Kept light on purpose: the rules import it on ``sopkit validate``'s quick path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def text_or_none(value: object) -> str | None:
    """The value as text, or None when it is absent."""
    return None if value is None else str(value)


def texts(value: object) -> tuple[str, ...]:
    """A list's items as text (absent items left out); anything but a list gives ``()``."""
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if v is not None)


def mappings(value: object) -> list[Mapping[str, Any]]:
    """A list's mappings (``steps``, ``roles``, ...); anything else in it is skipped."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def indexed_mappings(value: object) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(position, mapping)`` for each mapping of a list, positions counting every item."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                yield index, item


def ids(items: object) -> list[str]:
    """The string ``id`` of each mapping in a list (anything else is skipped)."""
    if not isinstance(items, list):
        return []
    return [item["id"] for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)]


def strings(value: Any) -> list[str]:
    """A string or a list of strings as a list (anything else gives ``[]``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return [v for v in value if isinstance(v, str)]
    return []
