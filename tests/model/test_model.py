"""sopkit.model: review dates, the usual path and its duration, the flow edges, role titles."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from sopkit.format.dates import add_months
from sopkit.format.load import Document, load_file
from sopkit.model import Procedure, build_handbook, build_procedure, parse_duration, split_duration
from sopkit.model.build import build_review
from sopkit.model.roles import role_title

RENDER = DATA / "render"

TODAY = date(2027, 2, 1)


def _doc(path: Path) -> Document:
    doc = load_file(path)
    assert isinstance(doc, Document), doc
    return doc


def _procedure(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "T-001",
        "title": "Test",
        "version": "1.0.0",
        "status": "draft",
        "owner": "lead",
        "purpose": "Test.",
        "scope": {"includes": ["Everything"]},
        "roles": [{"id": "lead", "title": "Lead"}, {"id": "clerk", "title": "Clerk"}],
        "steps": [{"id": "a", "title": "A", "role": "clerk"}],
        "history": [{"version": "1.0.0", "date": "2026-01-01", "summary": "First."}],
    }
    data.update(overrides)
    return data


def _steps(*steps: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": s["id"].upper(), "role": "clerk", **s} for s in steps]


def _edges(procedure: Procedure) -> list[tuple[str, str, str | None]]:
    """The procedure's edges as (source, target, label)."""
    return [(edge.source, edge.target, edge.label) for edge in procedure.edges]


# --- review dates -------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 10), 12, date(2027, 1, 10)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 3, 31), 60, date(2031, 3, 31)),
])
def test_add_months_clamps_to_the_end_of_the_month(day: date, months: int,
                                                   expected: date) -> None:
    assert add_months(day, months) == expected


def test_review_overdue_only_after_the_due_date() -> None:
    review = {"interval_months": 12, "last_reviewed": "2026-01-10"}
    due = build_review(review, date(2027, 1, 10))
    assert due is not None
    assert due.next_date == date(2027, 1, 10)
    assert not due.overdue
    assert due.days_left == 0
    late = build_review(review, date(2027, 1, 11))
    assert late is not None and late.overdue and late.days_left == -1
    early = build_review(review, date(2026, 12, 1))
    assert early is not None and not early.overdue and early.days_left == 40


def test_review_without_last_date_has_no_next_date() -> None:
    review = build_review({"interval_months": 6}, TODAY)
    assert review is not None
    assert review.next_date is None and not review.overdue and review.days_left is None
    assert build_review(None, TODAY) is None


# --- durations ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "minutes"), [
    ("30m", 30), ("2h", 120), ("1.5h", 90), ("1d", 1440), ("1w", 10080), ("0.5d", 720),
    (None, None), ("", None), ("soon", None),
])
def test_parse_duration(text: str | None, minutes: float | None) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(("minutes", "parts"), [
    (3060, (("d", 2), ("h", 3))),
    (90, (("h", 1), ("m", 30))),
    (10080 + 1440, (("w", 1), ("d", 1))),
    (0, (("m", 0),)),
    (0.2, (("m", 1),)),
])
def test_split_duration(minutes: float, parts: tuple[tuple[str, int], ...]) -> None:
    assert split_duration(minutes) == parts


# --- flow ---------------------------------------------------------------------------


def test_flow_edges_of_the_spec_example() -> None:
    handbook = build_handbook([_doc(RENDER / "en/procedures/hr/HR-001.yml")], None, TODAY)
    procedure = handbook.procedures[0]
    assert _edges(procedure) == [
        ("prepare-documents", "documents-complete", None),
        ("documents-complete", "create-accounts", "Yes"),
        ("documents-complete", "request-missing", "No"),
        ("request-missing", "documents-complete", None),
    ]
    assert procedure.ends == ("create-accounts",)
    assert [s.kind for s in procedure.steps] == ["step", "decision", "step", "end"]
    assert [s.number for s in procedure.steps] == [1, 2, 3, 4]


def test_last_step_ends_unless_it_names_next() -> None:
    steps = _steps({"id": "a"}, {"id": "b", "next": "a"})
    looping = build_procedure(_procedure(steps=steps), None, TODAY)
    assert _edges(looping) == [("a", "b", None), ("b", "a", None)]
    assert looping.ends == ()
    plain = build_procedure(_procedure(steps=_steps({"id": "a"}, {"id": "b"})), None, TODAY)
    assert _edges(plain) == [("a", "b", None)]
    assert plain.ends == ("b",)


def test_end_step_has_no_outgoing_edge() -> None:
    steps = _steps({"id": "a", "end": True}, {"id": "b"})
    procedure = build_procedure(_procedure(steps=steps), None, TODAY)
    assert _edges(procedure) == []
    assert procedure.ends == ("a", "b")


def test_usual_path_takes_first_branches_and_sums_durations() -> None:
    handbook = build_handbook([_doc(RENDER / "en/procedures/hr/HR-001.yml")], None, TODAY)
    path = handbook.procedures[0].usual_path
    assert [s.id for s in path.steps] == ["prepare-documents", "documents-complete",
                                          "create-accounts"]
    assert path.minutes == 2 * 60 + 24 * 60
    assert path.missing == ()  # a decision without a duration is not missing one
    assert not path.loops


def test_usual_path_names_steps_without_duration() -> None:
    steps = _steps({"id": "a", "duration": "2h"}, {"id": "b"}, {"id": "c", "duration": "1d"})
    path = build_procedure(_procedure(steps=steps), None, TODAY).usual_path
    assert path.minutes == 26 * 60
    assert [s.id for s in path.missing] == ["b"]


def test_usual_path_stops_on_a_loop() -> None:
    steps = _steps(
        {"id": "a", "duration": "1h"},
        {"id": "check", "decision": {"branches": [{"when": "again", "next": "a"},
                                                  {"when": "done", "next": "z"}]}},
        {"id": "z"},
    )
    path = build_procedure(_procedure(steps=steps), None, TODAY).usual_path
    assert [s.id for s in path.steps] == ["a", "check"]
    assert path.loops
    assert path.minutes == 60


def test_usual_path_follows_next_and_stops_at_unknown_targets() -> None:
    steps = _steps({"id": "a", "next": "c"}, {"id": "b"}, {"id": "c", "next": "nowhere"})
    path = build_procedure(_procedure(steps=steps), None, TODAY).usual_path
    assert [s.id for s in path.steps] == ["a", "c"]
    assert not path.loops


def test_usual_path_follows_the_branch_marked_usual() -> None:
    # A stock count whose first branch is the exception: the usual path is the other one.
    steps = _steps(
        {"id": "count", "duration": "4h"},
        {"id": "match", "decision": {"branches": [
            {"when": "No", "next": "recount"},
            {"when": "Yes", "next": "book", "usual": True}]}},
        {"id": "recount", "duration": "4h", "next": "match"},
        {"id": "book", "duration": "1h", "end": True},
    )
    path = build_procedure(_procedure(steps=steps), None, TODAY).usual_path
    assert [s.id for s in path.steps] == ["count", "match", "book"]
    assert path.minutes == 5 * 60 and not path.loops
    first = build_procedure(_procedure(steps=[
        {**step, "decision": {"branches": [{k: v for k, v in branch.items() if k != "usual"}
                                           for branch in step["decision"]["branches"]]}}
        if "decision" in step else step for step in steps]), None, TODAY).usual_path
    assert [s.id for s in first.steps] == ["count", "match", "recount"]  # first, and loops
    assert first.loops


def test_internal_outputs_are_named_but_not_handed_over() -> None:
    procedure = build_procedure(_procedure(
        outputs=[{"id": "record", "name": "Record", "recipient": "Payroll"},
                 {"id": "sheets", "name": "Count sheets", "internal": True}],
        steps=_steps({"id": "a", "outputs": ["sheets", "record"]},
                     {"id": "b", "inputs": ["sheets"], "end": True})), None, TODAY)
    assert [o.id for o in procedure.handed_over] == ["record"]
    assert procedure.item_name("sheets") == "Count sheets"


# --- roles, risks, handbook views ---------------------------------------------------


def test_role_titles_fall_back_to_the_organization() -> None:
    handbook = build_handbook(
        [_doc(RENDER / "en/procedures/hr/HR-001.yml")], _doc(RENDER / "en/organization.yml"), TODAY)
    procedure = handbook.procedures[0]
    assert procedure.owner.title == "HR Manager"  # only organization.yml names it
    assert procedure.owner.department == "hr"
    assert procedure.steps[0].role.title == "HR Specialist"
    assert procedure.department is not None and procedure.department.name == "Human Resources"
    unknown = build_procedure(_procedure(owner="ghost"), None, TODAY)
    assert unknown.owner.title == "ghost"


def test_raci_letters() -> None:
    handbook = build_handbook([_doc(RENDER / "en/procedures/hr/HR-001.yml")], None, TODAY)
    procedure = handbook.procedures[0]
    first = procedure.steps[0]
    assert first.raci("hr-specialist") == "R"
    assert first.raci("hr-manager") == "A"
    assert first.raci("it-admin") == "C"
    assert first.raci("coo") == ""
    assert procedure.raci("it-admin") == "R/C"
    assert procedure.raci("hr-manager") == "A/I"  # the owner is accountable
    assert [r.id for r in procedure.lanes] == ["hr-specialist", "it-admin"]


def test_risks_most_severe_first() -> None:
    risks = [
        {"description": "small", "likelihood": "low", "impact": "low"},
        {"description": "likely", "likelihood": "high", "impact": "low"},
        {"description": "harmful", "likelihood": "low", "impact": "high"},
        {"description": "worst", "likelihood": "high", "impact": "high"},
    ]
    procedure = build_procedure(_procedure(risks=risks), None, TODAY)
    assert [r.description for r in procedure.risks] == ["worst", "harmful", "likely", "small"]
    assert [(r.score, r.level) for r in procedure.risks] == [
        (9, "high"), (3, "medium"), (3, "medium"), (1, "low")]


def test_handbook_views() -> None:
    docs = [_doc(p) for p in sorted((RENDER / "en/procedures").rglob("*.yml"))]
    handbook = build_handbook(list(reversed(docs)), _doc(RENDER / "en/organization.yml"), TODAY)
    assert [p.id for p in handbook.procedures] == ["HR-001", "HR-002"]
    assert [g.department.id for g in handbook.departments if g.department] == ["hr", "it"]
    assert [p.id for p in handbook.reviews] == ["HR-001", "HR-002"]
    assert [p.id for p in handbook.reviews_due(30)] == ["HR-001", "HR-002"]
    assert [p.id for p in handbook.reviews_due(10)] == ["HR-001"]
    changes = handbook.changes()
    assert [(c.entry.date, c.procedure.id) for c in changes] == [
        ("2026-09-01", "HR-002"), ("2026-01-10", "HR-001"), ("2025-03-01", "HR-001")]
    assert len(handbook.changes(limit=1)) == 1
    assert [(t, [p.id for p in ps]) for t, ps in handbook.tags] == [
        ("onboarding", ["HR-001"]), ("people", ["HR-001", "HR-002"])]
    roles = {r.id: r for r in handbook.roles}
    assert set(roles) == {"coo", "hr-manager", "hr-specialist", "it-admin"}
    manager = roles["hr-manager"]
    assert [p.id for p in manager.owns] == ["HR-001", "HR-002"]
    assert [d.text for d in manager.responsibilities] == ["Owns people procedures"]
    assert [(d.procedure.id, d.step.id, d.raci) for d in manager.steps] == [
        ("HR-001", "prepare-documents", "A"), ("HR-001", "create-accounts", "I"),
        ("HR-002", "revoke-access", "A")]
    assert [p.name for p in manager.people] == ["Jane Doe"]


def test_procedures_without_department_are_grouped_last() -> None:
    docs = [_procedure(id="Z-001"), _procedure(id="A-001", department="ops")]
    handbook = build_handbook(
        [Document(file=f"{d['id']}.yml", data=d, values={}, keys={}, numbers={}) for d in docs],
        None, TODAY)
    groups = handbook.departments
    assert [(g.department.id if g.department else None, [p.id for p in g.procedures])
            for g in groups] == [("ops", ["A-001"]), (None, ["Z-001"])]


def test_one_rule_for_role_titles() -> None:
    assert role_title("lead", None, "Lead", "Boss") == "Lead"
    assert role_title("lead", "", "Boss") == "Boss"
    assert role_title("lead") == "lead"
    assert role_title("lead", None, "") == "lead"


def test_the_roles_directory_prefers_the_organizations_title() -> None:
    organization = {"roles": [{"id": "lead", "title": "Team Lead"}]}
    docs = [Document(file="T-001.yml", data=_procedure(), values={}, keys={}, numbers={})]
    org = Document(file="organization.yml", data=organization, values={}, keys={},
                   numbers={})
    handbook = build_handbook(docs, org, TODAY)
    procedure = handbook.procedures[0]
    assert procedure.owner.title == "Lead"  # the procedure's own title first
    assert procedure.step("a") is not None and procedure.steps[0].role.title == "Clerk"
    titles = {role.id: role.title for role in handbook.roles}
    assert titles == {"lead": "Team Lead", "clerk": "Clerk"}  # organization.yml first


def test_the_roles_directory_takes_a_procedures_title_when_no_one_else_writes_one() -> None:
    """organization.yml lists the role without a title, and the first procedure declares
    it without one too: the title a later procedure writes is the directory's."""
    organization = {"roles": [{"id": "lead"}, {"id": "clerk", "title": ""}]}
    untitled = _procedure(roles=[{"id": "lead"}, {"id": "clerk"}])
    titled = _procedure(id="T-002", roles=[{"id": "lead", "title": "Shift Lead"},
                                           {"id": "clerk", "title": "Clerk"}])
    docs = [Document(file=f"{d['id']}.yml", data=d, values={}, keys={}, numbers={})
            for d in (untitled, titled)]
    org = Document(file="organization.yml", data=organization, values={}, keys={},
                   numbers={})
    handbook = build_handbook(docs, org, TODAY)
    assert {role.id: role.title for role in handbook.roles} == {
        "lead": "Shift Lead", "clerk": "Clerk"}


def test_the_package_names_its_public_types_and_builders() -> None:
    import sopkit.model

    for name in sopkit.model.__all__:
        value = getattr(sopkit.model, name)
        assert value.__name__ == name
    assert sopkit.model.Handbook is type(build_handbook([], None, TODAY))


def test_durations_keep_the_writers_units() -> None:
    from sopkit.model.durations import largest_unit, written_duration

    assert written_duration("10d") == ("10", "d")
    assert written_duration(" 1.5d ") == ("1.5", "d")
    assert written_duration("soon") is None and written_duration(None) is None
    assert largest_unit(["2h", "10d", None, "oops"]) == "d"
    assert largest_unit([None]) == "m"
    assert split_duration(10 * 24 * 60) == (("w", 1), ("d", 3))
    assert split_duration(10 * 24 * 60, "d") == (("d", 10),)  # days stay days
    assert split_duration(26 * 60, "h") == (("h", 26),)
