"""The flow of a procedure's steps as a graph: which step can follow which.

Pure functions over the ``steps`` list of a schema-valid procedure, shared by
the flow rules and the handbook model (its flowcharts and usual path), so that
a flow is read one way only. How a step continues:

- ``end: true`` ends the flow;
- a ``decision`` goes to the ``next`` of each of its branches, and only there;
- a plain step goes to its ``next``, or else to the step below it;
- the last step ends the flow, unless it names a ``next`` or is a decision.

Step ids are taken as written: a ``next`` naming no step stays in the graph
(``unknown-step`` reports it), and the first step with an id wins when an id
is used twice (``duplicate-step-id`` reports that).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sopkit.format.load import JsonPath

Graph = Mapping[str, Sequence[str]]


class Edge(NamedTuple):
    """One way the flow can go from ``source`` to ``target``."""

    source: str
    target: str
    step_index: int
    """Position of the source step in ``steps``."""
    label: str | None = None
    """The branch's ``when`` for a decision, else None."""
    path: JsonPath | None = None
    """Where ``target`` is written, e.g. ``("steps", 1, "next")``; None when implied."""


def edges(steps: Sequence[Mapping[str, Any]]) -> list[Edge]:
    """Every edge of the flow, in step order then branch order."""
    found: list[Edge] = []
    for index, step in enumerate(steps):
        source = step.get("id")
        if not isinstance(source, str) or step.get("end") is True:
            continue
        decision = step.get("decision")
        if isinstance(decision, Mapping):
            branches = decision.get("branches")
            for number, branch in enumerate(branches if isinstance(branches, list) else []):
                if isinstance(branch, Mapping) and isinstance(branch.get("next"), str):
                    when = branch.get("when")
                    found.append(Edge(
                        source, branch["next"], index,
                        label=str(when) if when is not None else None,
                        path=("steps", index, "decision", "branches", number, "next"),
                    ))
        elif isinstance(step.get("next"), str):
            found.append(Edge(source, step["next"], index, path=("steps", index, "next")))
        elif index + 1 < len(steps) and isinstance(steps[index + 1].get("id"), str):
            found.append(Edge(source, steps[index + 1]["id"], index))
    return found


def successors(steps: Sequence[Mapping[str, Any]],
               found: Iterable[Edge] | None = None) -> dict[str, list[str]]:
    """Step id -> ids of the steps that can follow it (distinct, in order).

    Every step id is a key; an end has no successors. ``found`` is the steps'
    :func:`edges` when the caller has them already.
    """
    graph: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for index, step in enumerate(steps):
        if isinstance(step.get("id"), str) and step["id"] not in first:
            first[step["id"]] = index
            graph[step["id"]] = []
    for edge in edges(steps) if found is None else found:
        if first[edge.source] == edge.step_index and edge.target not in graph[edge.source]:
            graph[edge.source].append(edge.target)
    return graph


def end_positions(steps: Sequence[Mapping[str, Any]],
                  found: Iterable[Edge] | None = None) -> list[int]:
    """Positions of the steps where the flow ends: those it cannot go on from.

    That is ``end: true``, and the last step unless it names a ``next`` or is a
    decision (a decision goes on through its branches). ``found`` is the steps'
    :func:`edges` when the caller has them already.
    """
    going_on = {edge.step_index for edge in (edges(steps) if found is None else found)}
    return [index for index in range(len(steps)) if index not in going_on]


def predecessors(graph: Graph) -> dict[str, list[str]]:
    """Step id -> ids of the steps that can come right before it."""
    before: dict[str, list[str]] = {node: [] for node in graph}
    for node, targets in graph.items():
        for target in targets:
            if target in before and node not in before[target]:
                before[target].append(node)
    return before


def reachable(graph: Graph, starts: Iterable[str]) -> set[str]:
    """Steps reachable from ``starts`` (included), following known steps only."""
    seen = {s for s in starts if s in graph}
    todo = list(seen)
    while todo:
        for target in graph[todo.pop()]:
            if target in graph and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def ending(graph: Graph) -> set[str]:
    """Steps from which the flow can end.

    A step ends the flow when it has no successors. A step that goes to an
    unknown step counts as able to end, so one typo is reported once (by
    ``unknown-step``), not again as a trap.
    """
    exits = {node for node, targets in graph.items()
             if not targets or any(t not in graph for t in targets)}
    before = predecessors(graph)
    seen = set(exits)
    todo = list(exits)
    while todo:
        for source in before[todo.pop()]:
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return seen


def traps(graph: Graph) -> list[set[str]]:
    """Groups of steps that loop among themselves and never reach an end.

    Each group is a loop with no way out (a closed strongly connected part of
    the graph); steps that only lead into such a loop are not listed, since
    giving the loop an exit frees them too.
    """
    stuck = set(graph) - ending(graph)
    # Every successor of a stuck step is a known, stuck step (else it could
    # end), so the stuck steps form a graph of their own. Its strongly
    # connected parts that no edge leaves are the traps (Kosaraju, iterative).
    order: list[str] = []
    visited: set[str] = set()
    for root in (node for node in graph if node in stuck):
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(graph[root]))]
        while stack:
            node, rest = stack[-1]
            target = next(rest, None)
            if target is None:
                stack.pop()
                order.append(node)
            elif target not in visited:
                visited.add(target)
                stack.append((target, iter(graph[target])))
    before = predecessors({node: graph[node] for node in stuck})
    part: dict[str, int] = {}
    groups: list[set[str]] = []
    for root in reversed(order):
        if root in part:
            continue
        group = {root}
        part[root] = len(groups)
        todo = [root]
        while todo:
            for source in before[todo.pop()]:
                if source not in part:
                    part[source] = len(groups)
                    group.add(source)
                    todo.append(source)
        groups.append(group)
    closed = [g for g in groups if all(part[t] == part[n] for n in g for t in graph[n])]
    position = {node: index for index, node in enumerate(graph)}
    return sorted(closed, key=lambda g: min(position[n] for n in g))
