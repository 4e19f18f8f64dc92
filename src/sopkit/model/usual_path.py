"""The usual path through a procedure's steps, and how long it takes."""

from __future__ import annotations

from collections.abc import Sequence

from sopkit.model.flow import Graph
from sopkit.model.types import Step, UsualPath


def usual_path(steps: Sequence[Step], graph: Graph) -> UsualPath:
    """From the first step along the flow, taking each decision's usual branch (the one
    marked ``usual: true``, else the first), until a step the flow cannot go on from; cut
    where the path would loop.

    ``graph`` is the steps' :func:`sopkit.model.flow.successors`: a step goes on to
    the first of its successors (its ``next``, the step below, or a decision's first
    branch), and a target naming no step ends the path.
    """
    by_id: dict[str, Step] = {}
    for step in steps:
        by_id.setdefault(step.id, step)
    path: list[Step] = []
    seen: set[str] = set()
    current = steps[0] if steps else None
    loops = False
    while current is not None:
        if current.id in seen:
            loops = True
            break
        seen.add(current.id)
        path.append(current)
        targets = graph.get(current.id, ())
        usual = [branch.next for branch in current.decision.branches
                 if branch.usual] if current.decision is not None else []
        current = by_id.get(usual[0] if usual else targets[0]) if targets else None
    minutes = sum(s.minutes for s in path if s.minutes is not None)
    missing = tuple(s for s in path if s.minutes is None and s.kind != "decision")
    return UsualPath(tuple(path), minutes, missing, loops)
