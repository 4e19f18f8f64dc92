"""The compact form the cache keeps a file of records in: training records
(``training/**/*.yml``), and any other kind of file that is a list of flat records under
one key (approval records would be one).

A handbook of 2,000 procedures has some 20,000 training records. Kept as a procedure's
extract is (the data, and a dict of positions by path), they were 5.8 MB of a 9.1 MB cache
file that every run reads. Here one file's records are, marshalled after :data:`MARK`:

* the list's key (``records``), the position of the document and of the list;
* the *shapes*: each distinct tuple of keys a record has, in the file's order (a file of
  records written alike has one or two);
* the *rows*: per record, the number of its shape and its values in that order (``-1`` and
  the item itself for an item that is not a mapping);
* the positions, as one array of 32-bit numbers: per record, the line and column of the
  record, then of each of its values, in its shape's order (``0, 0`` for none).

Positions inside a record's values (a list or mapping under an ``x-`` key) are not kept:
a rule that points there is pointed at the value itself (``Document.position`` falls back
to the nearest enclosing value), and no rule points inside a record. Keys' positions and
numbers' source text are not kept either: the rules over records point at values only.

:func:`record_groups` digests the records by the value of one field (the procedure they
name) straight from the rows, without making a dict per record; :func:`records_document`
makes the document the rules read (dicts and a position mapping unpacked when first
needed).
"""

from __future__ import annotations

import marshal
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from sopkit.check.cache.keys import content_digest
from sopkit.format.load import Document, JsonPath

MARK = b"R"
"""The first byte of a packed file of records (marshal never starts with it)."""

_NONE = (0, 0)


def pack_records(document: Document, key: str) -> bytes:
    """``document``'s records (the list under ``key``) in the compact form."""
    shapes: dict[tuple[str, ...], int] = {}
    rows: list[tuple[Any, ...]] = []
    numbers = array("I")
    values = document.values
    items = document.data.get(key)
    for index, item in enumerate(items if isinstance(items, list) else ()):
        numbers.extend(values.get((key, index), _NONE))
        if not isinstance(item, dict):
            rows.append((-1, item))
            continue
        fields = tuple(item)
        shape = shapes.setdefault(fields, len(shapes))
        rows.append((shape, *item.values()))
        for field in fields:
            numbers.extend(values.get((key, index, field), _NONE))
    return MARK + marshal.dumps((key, values.get((), (1, 1)), values.get((key,), _NONE),
                                 tuple(shapes), rows, numbers.tobytes()))


def is_records(packed: bytes) -> bool:
    """``packed`` is a file of records in the compact form."""
    return packed[:1] == MARK


def _unpacked(packed: bytes) -> tuple[str, tuple[int, int], tuple[int, int],
                                      tuple[tuple[str, ...], ...], list[tuple[Any, ...]],
                                      bytes]:
    """The parts of ``packed``; ValueError when it is not in the compact form."""
    parts = marshal.loads(packed[1:]) if is_records(packed) else None
    if not (isinstance(parts, tuple) and len(parts) == 6 and isinstance(parts[0], str)
            and isinstance(parts[3], tuple) and isinstance(parts[4], list)
            and isinstance(parts[5], bytes)):
        raise ValueError("not a packed file of records")
    return parts  # the shape is checked above


def records_document(file: str, packed: bytes) -> Document:
    """The records of ``packed`` as the document ``file`` (its data: the list of records
    under their key; its values' positions; no keys' positions nor numbers)."""
    key, root, head, shapes, rows, numbers = _unpacked(packed)
    items: list[Any] = [dict(zip(shapes[row[0]], row[1:], strict=True)) if row[0] >= 0
                        else row[1] for row in rows]
    positions = RecordPositions(key, root, head, shapes, rows, numbers)
    return Document(file=file, data={key: items}, values=positions, keys={}, numbers={})


def record_groups(packed: bytes, field: str) -> dict[str, bytes]:
    """Value of ``field`` (as text) -> a digest of the records that have it, with their
    indexes and positions: what the rules that read one group's records depend on.
    A record without the field, or an item that is not a record, is in the group
    ``str(None)``, as ``str(item.get(field))`` would put it."""
    _key, _root, _head, shapes, rows, numbers = _unpacked(packed)
    ints = array("I")
    ints.frombytes(numbers)
    where = {shape: fields.index(field) + 1 if field in fields else 0
             for shape, fields in enumerate(shapes)}
    grouped: dict[str, list[Any]] = defaultdict(list)
    start = 0
    for index, row in enumerate(rows):
        shape = row[0]
        end = start + 2 + (2 * len(shapes[shape]) if shape >= 0 else 0)
        column = where.get(shape, 0)
        value = str(row[column]) if column else "None"
        grouped[value].append((index, shapes[shape] if shape >= 0 else (), row,
                               ints[start:end].tobytes()))
        start = end
    # Version 0: the bytes of the content alone (later versions also write which objects
    # are the same object and which strings are interned, which varies with how the
    # rows were read).
    return {value: content_digest(marshal.dumps(items, 0)) for value, items in grouped.items()}


class RecordPositions(Mapping[JsonPath, tuple[int, int]]):
    """The positions of a packed file of records, looked up in its array (most are never
    read: only a finding's)."""

    __slots__ = ("_all", "_head", "_ints", "_key", "_offsets", "_root", "_rows", "_shapes")

    def __init__(self, key: str, root: tuple[int, int], head: tuple[int, int],
                 shapes: tuple[tuple[str, ...], ...], rows: list[tuple[Any, ...]],
                 numbers: bytes) -> None:
        self._key, self._root, self._head = key, tuple(root), tuple(head)
        self._shapes, self._rows = shapes, rows
        self._ints = array("I")
        self._ints.frombytes(numbers)
        self._offsets: list[int] | None = None
        self._all: dict[JsonPath, tuple[int, int]] | None = None

    def _offset(self, index: int) -> int:
        if self._offsets is None:
            offsets, start = [], 0
            for row in self._rows:
                offsets.append(start)
                start += 2 + (2 * len(self._shapes[row[0]]) if row[0] >= 0 else 0)
            self._offsets = offsets
        return self._offsets[index]

    def __getitem__(self, path: JsonPath) -> tuple[int, int]:
        found = self._find(path)
        if found is None or found == _NONE:
            raise KeyError(path)
        return found

    def _find(self, path: JsonPath) -> tuple[int, int] | None:
        if not path:
            return self._root  # type: ignore[return-value]
        if path[0] != self._key:
            return None
        if len(path) == 1:
            return self._head  # type: ignore[return-value]
        index = path[1]
        if (len(path) > 3 or type(index) is not int
                or not 0 <= index < len(self._rows)):
            return None
        start = self._offset(index)
        if len(path) == 3:
            shape = self._rows[index][0]
            if shape < 0 or path[2] not in self._shapes[shape]:
                return None
            start += 2 + 2 * self._shapes[shape].index(path[2])
        return self._ints[start], self._ints[start + 1]

    def __contains__(self, path: object) -> bool:
        found = self._find(path) if isinstance(path, tuple) else None
        return found is not None and found != _NONE

    def _every(self) -> dict[JsonPath, tuple[int, int]]:
        if self._all is None:
            found: dict[JsonPath, tuple[int, int]] = {}
            for path in self._paths():
                where = self._find(path)
                if where is not None and where != _NONE:
                    found[path] = where
            self._all = found
        return self._all

    def _paths(self) -> Iterator[JsonPath]:
        yield ()
        yield (self._key,)
        for index, row in enumerate(self._rows):
            yield (self._key, index)
            if row[0] >= 0:
                for field in self._shapes[row[0]]:
                    yield (self._key, index, field)

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())
