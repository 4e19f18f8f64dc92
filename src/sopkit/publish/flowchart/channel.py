"""The side channel right of the lanes, where jumps over rows and loops back run.

Such an edge leaves its source box from a port on the box's right side, runs right to its
own vertical track in the channel, along it to the target's row, and back left into a
port of the target box. Both are decided here from rows alone, before any box has a
place: :func:`assign_ports` orders the ports of each row (so their heights follow from a
box's centre), :func:`assign_tracks` gives each edge a track that no edge overlapping it
in rows shares.

A *span* is a side edge's ``(source row, target row)``; spans are given in edge order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Port", "PortPlan", "Span", "TrackSet", "assign_ports", "assign_tracks"]

Span = tuple[int, int]
"""A side edge's source row and target row."""


@dataclass(frozen=True)
class Port:
    """Where a side edge meets a box: the ``slot``-th of the ``count`` ports of ``row``,
    counted from the top."""

    row: int
    slot: int
    count: int

    def offset(self, spacing: float) -> float:
        """Height of the port below the box's centre (above when negative)."""
        return (self.slot - (self.count - 1) / 2) * spacing


@dataclass(frozen=True)
class PortPlan:
    """The ports of every side edge, and how many ports each row has."""

    exits: tuple[Port, ...]
    """Per span, where it leaves its source."""
    entries: tuple[Port, ...]
    """Per span, where it enters its target."""
    counts: Mapping[int, int]
    """Row -> its number of ports (rows without any are left out)."""


def assign_ports(spans: Sequence[Span]) -> PortPlan:
    """Order the ports on each box's right side.

    Top to bottom: ports to rows above (nearest first), self loops, then ports to rows
    below (farthest first); this keeps nested channel tracks from crossing.
    """
    by_row: dict[int, list[tuple[tuple[int, int, int, int], int, bool]]] = {}
    for index, (source, target) in enumerate(spans):
        for row, other, outgoing in ((source, target, True), (target, source, False)):
            group = 0 if other < row else 1 if other == row else 2
            key = (group, -other, 0 if outgoing else 1, index)
            by_row.setdefault(row, []).append((key, index, outgoing))
    exits: list[Port | None] = [None] * len(spans)
    entries: list[Port | None] = [None] * len(spans)
    counts: dict[int, int] = {}
    for row, ports in by_row.items():
        ports.sort(key=lambda port: port[0])
        counts[row] = len(ports)
        for slot, (_, index, outgoing) in enumerate(ports):
            (exits if outgoing else entries)[index] = Port(row, slot, len(ports))
    return PortPlan(_every(exits), _every(entries), counts)


def _every(ports: list[Port | None]) -> tuple[Port, ...]:
    """``ports``, each of which is set by now."""
    done = tuple(port for port in ports if port is not None)
    assert len(done) == len(ports)
    return done


class TrackSet:
    """Which side-channel tracks are taken at which rows.

    A segment tree over the rows; each node keeps, as bit sets, the tracks taken over its
    whole range (``cover``) and at some row of it (``some``). The tracks taken anywhere in a
    span, and taking one over a span, cost O(log rows) set operations, where a scan of every
    track per route made large flows quadratic.
    """

    def __init__(self, rows: int) -> None:
        self.size = 1
        while self.size < rows:
            self.size *= 2
        self.cover = [0] * (2 * self.size)
        self.some = [0] * (2 * self.size)

    def taken(self, lo: int, hi: int, node: int = 1, start: int = 0, end: int = -1) -> int:
        """The tracks taken at some row from ``lo`` to ``hi`` (both included).

        ``node`` is a node of the tree, over the rows ``start`` to ``end``.
        """
        end = self.size - 1 if end < 0 else end
        if hi < start or end < lo:
            return 0
        if lo <= start and end <= hi:
            return self.some[node]
        middle = (start + end) // 2
        return (
            self.cover[node]
            | self.taken(lo, hi, 2 * node, start, middle)
            | self.taken(lo, hi, 2 * node + 1, middle + 1, end)
        )

    def take(self, lo: int, hi: int, bit: int,
             node: int = 1, start: int = 0, end: int = -1) -> None:
        """Mark track ``bit`` (a one-bit set) taken from row ``lo`` to ``hi``."""
        end = self.size - 1 if end < 0 else end
        if hi < start or end < lo:
            return
        self.some[node] |= bit
        if lo <= start and end <= hi:
            self.cover[node] |= bit
            return
        middle = (start + end) // 2
        self.take(lo, hi, bit, 2 * node, start, middle)
        self.take(lo, hi, bit, 2 * node + 1, middle + 1, end)


def assign_tracks(spans: Sequence[Span]) -> tuple[int, ...]:
    """The channel track of each span; spans that overlap in rows never share one.

    Shortest spans first, each on the lowest track that is free over all its rows.
    """
    order = sorted(
        range(len(spans)),
        key=lambda index: (
            abs(spans[index][0] - spans[index][1]),
            min(spans[index]),
            spans[index][0],
            spans[index][1],
        ),
    )
    rows = 1 + max((max(span) for span in spans), default=0)
    taken_rows = TrackSet(rows)
    tracks = [0] * len(spans)
    for index in order:
        lo, hi = sorted(spans[index])
        taken = taken_rows.taken(lo, hi)
        lowest_free = ~taken & (taken + 1)  # the lowest bit that is not set
        tracks[index] = lowest_free.bit_length() - 1
        taken_rows.take(lo, hi, lowest_free)
    return tuple(tracks)
