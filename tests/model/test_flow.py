"""sopkit.model.flow: the reading of a procedure's steps as a graph, which the flow rules and
the handbook model share."""

from __future__ import annotations

from typing import Any

from conftest import DATA

from sopkit.format.load import Document, load_bytes
from sopkit.model.flow import (
    Edge,
    edges,
    end_positions,
    ending,
    predecessors,
    reachable,
    successors,
    traps,
)

SPEC = DATA / "rules" / "spec-procedure.yml"


def steps_of_spec() -> list[dict[str, Any]]:
    document = load_bytes(SPEC.read_bytes(), "spec.yml")
    assert isinstance(document, Document)
    steps: list[dict[str, Any]] = document.data["steps"]
    return steps


def test_successors_of_the_spec_example() -> None:
    assert successors(steps_of_spec()) == {
        "prepare-documents": ["documents-complete"],
        "documents-complete": ["create-accounts", "request-missing"],
        "request-missing": ["documents-complete"],
        "create-accounts": [],
    }


def test_edges_carry_labels_and_paths() -> None:
    assert edges(steps_of_spec()) == [
        Edge("prepare-documents", "documents-complete", 0),
        Edge("documents-complete", "create-accounts", 1, "Yes",
             ("steps", 1, "decision", "branches", 0, "next")),
        Edge("documents-complete", "request-missing", 1, "No",
             ("steps", 1, "decision", "branches", 1, "next")),
        Edge("request-missing", "documents-complete", 2, None, ("steps", 2, "next")),
    ]


def test_first_step_with_a_repeated_id_defines_the_flow() -> None:
    steps = [
        {"id": "a", "next": "c"},
        {"id": "a", "next": "b"},
        {"id": "b"},
        {"id": "c"},
    ]
    assert successors(steps) == {"a": ["c"], "b": ["c"], "c": []}


def test_distinct_successors() -> None:
    steps: list[dict[str, Any]] = [
        {"id": "q", "decision": {"branches": [{"when": "x", "next": "r"},
                                              {"when": "y", "next": "r"}]}},
        {"id": "r"},
    ]
    assert successors(steps) == {"q": ["r"], "r": []}


def test_reachable_predecessors_ending_traps() -> None:
    graph = {"a": ["b"], "b": ["c", "x"], "c": ["b"], "x": [], "t": ["u"], "u": ["t"]}
    assert reachable(graph, ["a"]) == {"a", "b", "c", "x"}
    assert reachable(graph, ["nope"]) == set()
    assert predecessors(graph)["b"] == ["a", "c"]
    assert ending(graph) == {"a", "b", "c", "x"}
    assert traps(graph) == [{"t", "u"}]


def test_unknown_targets_count_as_exits() -> None:
    graph = {"a": ["b"], "b": ["a", "gone"]}
    assert reachable(graph, ["a"]) == {"a", "b"}
    assert ending(graph) == {"a", "b"}
    assert traps(graph) == []


def test_end_positions_are_the_steps_the_flow_cannot_go_on_from() -> None:
    assert end_positions(steps_of_spec()) == [3]
    steps: list[dict[str, Any]] = [
        {"id": "a", "end": True, "next": "b"},  # end wins over next
        {"id": "b"},
        {"id": "c", "next": "a"},  # the last step goes on when it names a next
    ]
    assert end_positions(steps) == [0]
    assert end_positions([{"id": "a"}, {"id": "b"}]) == [1]


def test_edges_worked_out_once_give_the_same_answers() -> None:
    steps = steps_of_spec()
    found = edges(steps)
    assert successors(steps, found) == successors(steps)
    assert end_positions(steps, found) == end_positions(steps)
