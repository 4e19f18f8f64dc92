"""The handbook built from schema-valid documents and organization.yml. No I/O.

:func:`build_handbook` turns the plain data of the procedure documents (and of
organization.yml) into the values of :mod:`sopkit.model.types` that templates can
read without guessing: role ids are resolved to roles with a title
(:mod:`sopkit.model.roles`), steps are numbered, the review date is computed, and the
flow of the steps is worked out once, by :mod:`sopkit.model.flow` as the flow rules
read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sopkit.format.dates import add_months, parse_date
from sopkit.format.fields import mappings, text_or_none, texts
from sopkit.format.load import Document
from sopkit.model import flow
from sopkit.model.approval import Approval
from sopkit.model.approval_view import build_approvals
from sopkit.model.durations import parse_duration
from sopkit.model.handbook import Handbook
from sopkit.model.roles import RoleResolver, role_title
from sopkit.model.training import Record as TrainingRecord
from sopkit.model.training_view import build_training
from sopkit.model.types import (
    LEVELS,
    Branch,
    Decision,
    Definition,
    Department,
    HistoryEntry,
    Input,
    Metric,
    Objective,
    Organization,
    OrgRole,
    Output,
    Person,
    Procedure,
    ProcedureScope,
    Record,
    Reference,
    Resource,
    Review,
    Risk,
    Step,
    StepKind,
    Training,
)
from sopkit.model.usual_path import usual_path


def build_handbook(procedures: Sequence[Document], organization: Document | None,
                   today: date, records: Sequence[TrainingRecord] = (),
                   approvals: Sequence[Approval] = ()) -> Handbook:
    """The handbook from schema-valid procedure documents and organization.yml (if any),
    with the training ``records`` (format 1.1) and the ``approvals`` (1.2)."""
    org = build_organization(organization.data) if organization is not None else None
    built = [_kept.procedure(doc.data, org, today, doc.file) for doc in procedures]
    built.sort(key=lambda p: (p.id, p.file))
    training = build_training([doc.data for doc in procedures], org,
                              organization.data if organization is not None else {},
                              records, today)
    signed = build_approvals([doc.data for doc in procedures], org, approvals)
    return Handbook(tuple(built), org, today, training, signed)


class _Kept:
    """Procedures built before in this process, for the same data (the same object: the
    loader keeps unchanged files' documents), organization and date. `sopkit serve`
    builds the handbook again after every save, and only the saved file changed."""

    def __init__(self) -> None:
        self._built: dict[int, tuple[Mapping[str, Any], str, Procedure]] = {}
        self._context: tuple[Organization | None, date] | None = None

    def procedure(self, data: Mapping[str, Any], organization: Organization | None,
                  today: date, file: str) -> Procedure:
        if self._context != (organization, today):
            self._built.clear()  # everything depends on the organization and the date
            self._context = (organization, today)
        kept = self._built.get(id(data))
        if kept is not None and kept[0] is data and kept[1] == file:
            return kept[2]
        if len(self._built) > 50_000:
            self._built.clear()
        built = build_procedure(data, organization, today, file)
        self._built[id(data)] = (data, file, built)
        return built


_kept = _Kept()


def build_organization(data: Mapping[str, Any]) -> Organization:
    return Organization(
        departments=tuple(
            Department(str(d.get("id", "")), str(d.get("name") or d.get("id", "")),
                       str(d.get("description") or ""))
            for d in mappings(data.get("departments"))
        ),
        roles=tuple(
            OrgRole(
                id=str(r.get("id", "")),
                title=role_title(str(r.get("id", "")), text_or_none(r.get("title"))),
                department=text_or_none(r.get("department")),
                responsibilities=texts(r.get("responsibilities")),
                authority=texts(r.get("authority")),
            )
            for r in mappings(data.get("roles"))
        ),
        people=tuple(
            Person(
                id=str(p.get("id", "")),
                name=str(p.get("name") or p.get("id", "")),
                github=text_or_none(p.get("github")),
                email=text_or_none(p.get("email")),
                roles=texts(p.get("roles")),
            )
            for p in mappings(data.get("people"))
        ),
    )


def build_review(data: object, today: date) -> Review | None:
    if not isinstance(data, Mapping):
        return None
    try:
        interval = int(data.get("interval_months") or 0)
    except (TypeError, ValueError):
        interval = 0
    last = text_or_none(data.get("last_reviewed"))
    last_date = parse_date(last) if last is not None else None
    next_date = add_months(last_date, interval) if last_date is not None and interval else None
    days_left = (next_date - today).days if next_date is not None else None
    return Review(interval, last, next_date, days_left is not None and days_left < 0, days_left)


def build_procedure(data: Mapping[str, Any], organization: Organization | None, today: date,
                    file: str = "") -> Procedure:
    """One procedure from its schema-valid data."""
    roles = RoleResolver(mappings(data.get("roles")), organization)
    raw_steps = mappings(data.get("steps"))
    edges = flow.edges(raw_steps)
    steps = _build_steps(raw_steps, set(flow.end_positions(raw_steps, edges)), roles)
    scope = data.get("scope") if isinstance(data.get("scope"), Mapping) else {}
    assert isinstance(scope, Mapping)
    return Procedure(
        id=str(data.get("id", "")),
        title=str(data.get("title", "")),
        summary=text_or_none(data.get("summary")),
        language=text_or_none(data.get("language")),
        version=str(data.get("version", "")),
        status=str(data.get("status", "draft")),
        department=_department(text_or_none(data.get("department")), organization),
        owner=roles(data.get("owner", "")),
        approvers=roles.many(data.get("approvers")),
        effective_date=text_or_none(data.get("effective_date")),
        review=build_review(data.get("review"), today),
        tags=texts(data.get("tags")),
        purpose=str(data.get("purpose", "")),
        objectives=tuple(Objective(str(o.get("description", "")), text_or_none(o.get("target")))
                         for o in mappings(data.get("objectives"))),
        scope=ProcedureScope(texts(scope.get("includes")), texts(scope.get("excludes"))),
        definitions=tuple(Definition(str(d.get("term", "")), str(d.get("definition", "")))
                          for d in mappings(data.get("definitions"))),
        roles=tuple(roles.own.values()),
        inputs=tuple(Input(str(i.get("id", "")), str(i.get("name", "")),
                           text_or_none(i.get("source")))
                     for i in mappings(data.get("inputs"))),
        outputs=tuple(Output(str(o.get("id", "")), str(o.get("name", "")),
                             text_or_none(o.get("recipient")), o.get("internal") is True)
                      for o in mappings(data.get("outputs"))),
        resources=tuple(Resource(str(r.get("name", "")), text_or_none(r.get("kind")),
                                 text_or_none(r.get("link")))
                        for r in mappings(data.get("resources"))),
        prerequisites=texts(data.get("prerequisites")),
        steps=steps,
        metrics=tuple(Metric(str(m.get("name", "")), text_or_none(m.get("definition")),
                             text_or_none(m.get("target")), text_or_none(m.get("frequency")),
                             roles.maybe(m.get("owner")))
                      for m in mappings(data.get("metrics"))),
        risks=_risks(mappings(data.get("risks")), roles),
        training=tuple(Training(roles.many(t.get("audience")), str(t.get("topic", "")),
                                text_or_none(t.get("method")), text_or_none(t.get("frequency")))
                       for t in mappings(data.get("training"))),
        records=tuple(Record(str(r.get("name", "")), text_or_none(r.get("retention")),
                             text_or_none(r.get("location")))
                      for r in mappings(data.get("records"))),
        related=texts(data.get("related")),
        references=tuple(Reference(str(r.get("title", "")), str(r.get("url", "")))
                         for r in mappings(data.get("references"))),
        history=tuple(HistoryEntry(str(h.get("version", "")), str(h.get("date", "")),
                                   text_or_none(h.get("author")), str(h.get("summary", "")))
                      for h in mappings(data.get("history"))),
        edges=tuple(edges),
        ends=tuple(s.id for s in steps if s.kind == "end"),
        usual_path=usual_path(steps, flow.successors(raw_steps, edges)),
        file=file,
    )


def _department(department_id: str | None, organization: Organization | None
                ) -> Department | None:
    """The procedure's department: organization.yml's, else one named by its id alone."""
    if department_id is None:
        return None
    return ((organization.department(department_id) if organization else None)
            or Department(department_id, department_id))


def _build_steps(raw_steps: Sequence[Mapping[str, Any]], ends: set[int],
                 roles: RoleResolver) -> tuple[Step, ...]:
    """The steps, numbered; ``ends`` are the positions where the flow ends."""
    steps: list[Step] = []
    for index, s in enumerate(raw_steps):
        decision = None
        raw_decision = s.get("decision")
        if isinstance(raw_decision, Mapping):
            decision = Decision(
                question=str(raw_decision.get("question") or s.get("title", "")),
                branches=tuple(Branch(str(b.get("when", "")), str(b.get("next", "")),
                                      b.get("usual") is True)
                               for b in mappings(raw_decision.get("branches"))),
            )
        kind: StepKind = ("decision" if decision is not None
                          else "end" if index in ends else "step")
        duration = text_or_none(s.get("duration"))
        steps.append(Step(
            id=str(s.get("id", "")),
            number=index + 1,
            title=str(s.get("title", "")),
            role=roles(s.get("role", "")),
            accountable=roles.maybe(s.get("accountable")),
            consulted=roles.many(s.get("consulted")),
            informed=roles.many(s.get("informed")),
            description=text_or_none(s.get("description")),
            inputs=texts(s.get("inputs")),
            outputs=texts(s.get("outputs")),
            duration=duration,
            minutes=parse_duration(duration),
            deadline=text_or_none(s.get("deadline")),
            checklist=texts(s.get("checklist")),
            caution=text_or_none(s.get("caution")),
            substeps=texts(s.get("substeps")),
            next=text_or_none(s.get("next")),
            decision=decision,
            end=s.get("end") is True,
            kind=kind,
        ))
    return tuple(steps)


def _risks(entries: Sequence[Mapping[str, Any]], roles: RoleResolver) -> tuple[Risk, ...]:
    """The risks, most severe first (score, then impact, then likelihood; ties keep
    file order)."""
    risks = [
        Risk(str(r.get("description", "")), text_or_none(r.get("likelihood")),
             text_or_none(r.get("impact")), text_or_none(r.get("mitigation")),
             roles.maybe(r.get("owner")))
        for r in entries
    ]

    def severity(item: tuple[int, Risk]) -> tuple[int, int, int, int]:
        index, risk = item
        return (-risk.score, -LEVELS.get(risk.impact or "medium", 2),
                -LEVELS.get(risk.likelihood or "medium", 2), index)

    return tuple(r for _, r in sorted(enumerate(risks), key=severity))
