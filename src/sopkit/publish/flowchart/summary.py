"""The whole flow told as one line of text, for screen readers (the chart's ``<desc>``).

Each step reads ``NUMBER. TITLE (LANE)``; where the flow does not simply go on to the
next row, the ways on follow: ``: Yes → 6, No → 3``, and ``→ End`` for an ending step.
"""

from __future__ import annotations

from collections.abc import Sequence, Set

from sopkit.publish.flowchart.flow import edge_label
from sopkit.publish.flowchart.layout import Box, Layout, Route
from sopkit.publish.flowchart.text import clean

__all__ = ["summary"]


def summary(layout: Layout, end_word: str) -> str:
    """Every step of ``layout`` and where it leads; ``end_word`` names the end."""
    lane_titles = {column.lane.id: clean(column.lane.title) for column in layout.lanes}
    ends = {marker.node_id for marker in layout.ends}
    outgoing: dict[int, list[Route]] = {}
    for route in layout.routes:
        outgoing.setdefault(route.source.row, []).append(route)
    parts: list[str] = []
    for box in layout.boxes:
        node = box.node
        text = f"{clean(node.number)}. {clean(node.title)} ({lane_titles[node.lane]})"
        ways_on = _ways_on(box, outgoing.get(box.row, []), ends, end_word)
        if ways_on:
            text += ": " + ", ".join(ways_on)
        parts.append(text)
    return "; ".join(parts)


def _ways_on(box: Box, routes: Sequence[Route], ends: Set[str], end_word: str) -> list[str]:
    """Where the flow goes on from ``box`` (by its ``routes``); none when that is only
    the next row, with no label."""
    ending = box.node.id in ends
    if (len(routes) == 1 and not edge_label(routes[0].edge)
            and routes[0].target.row == box.row + 1 and not ending):
        return []
    ways_on = []
    for route in routes:
        label = clean(edge_label(route.edge))
        arrow = f"→ {clean(route.target.node.number)}"
        ways_on.append(f"{label} {arrow}" if label else arrow)
    if ending:
        ways_on.append(f"→ {end_word}")
    return ways_on
