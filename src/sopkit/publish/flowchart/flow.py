"""What a flowchart draws: a :class:`Flow` of lanes, nodes and edges, and the chart's words.

The edges are the handbook model's own (:class:`sopkit.model.flow.Edge`): a procedure's
``edges`` go into a :class:`Flow` as they are. Only ``source``, ``target`` and ``label``
are read; a label of ``None`` is no label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sopkit.model.flow import Edge

__all__ = [
    "DEFAULT_LABELS",
    "MAX_BRANCHES",
    "MAX_EDGES",
    "MAX_STEPS",
    "Flow",
    "Lane",
    "Node",
    "NodeKind",
    "edge_label",
]

NodeKind = Literal["step", "decision", "end"]


@dataclass(frozen=True)
class Lane:
    """A swimlane: one role."""

    id: str
    title: str


@dataclass(frozen=True)
class Node:
    """A step. ``kind == "end"`` is a step that ends the flow (drawn as a step)."""

    id: str
    title: str
    lane: str
    kind: NodeKind
    number: str


@dataclass(frozen=True)
class Flow:
    """What to draw. ``nodes`` are in procedure order; ``ends`` are ids of ending nodes.

    ``edges`` are transitions; a decision's branches carry their ``when`` text as
    ``label``.
    """

    title: str
    description: str
    lanes: tuple[Lane, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    ends: tuple[str, ...]


def edge_label(edge: Edge) -> str:
    """The text of ``edge``'s label, ``""`` when it has none."""
    return edge.label or ""


#: Words drawn or spoken by the chart itself; pass ``labels`` to translate them.
DEFAULT_LABELS: Mapping[str, str] = {
    "end": "End",
    "too_large": "This flowchart has {steps:,} steps and {edges:,} arrows, too many to draw "
                 "legibly; see the steps below.",
}

# Beyond these a flowchart is a picture nobody can read (and a drawing that grows with each
# of them: a row per step, a channel track per long edge, a port per branch), so it is
# replaced by a note. The largest flows of real handbooks are far below.
MAX_STEPS = 150
MAX_EDGES = 300
MAX_BRANCHES = 40
