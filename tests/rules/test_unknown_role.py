from __future__ import annotations

from .helpers import examples, problems, run

RULE = "unknown-role"

ORGANIZATION = """\
# organization.yml
departments:
  - {id: finance, name: Finance}
roles:
  - {id: controller, title: Controller, department: finance}
  - {id: coo, title: Chief Operating Officer}
people:
  - {id: li-na, name: Li Na, github: lina, roles: [controler, coo]}
"""


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 10, 11, "step 'enter-invoice' names role 'acounts-clerk', which is not declared "
                       "in this procedure's roles (did you mean 'accounts-clerk'?)"),
    ]
    assert run(RULE, *good) == []


def test_every_place_a_role_is_used() -> None:
    source = """\
owner: boss
approvers: [owner, board]
steps:
  - id: work
    title: Work
    role: worker
    accountable: lead
    consulted: [owner, advisor]
    informed: [audience]
metrics:
  - {name: Speed, definition: Fast, target: fast, frequency: monthly, owner: analyst}
risks:
  - {description: Slow, likelihood: low, impact: low, owner: risk-officer}
training:
  - {audience: [trainee], topic: Basics, method: class, frequency: once}
history:
  - {version: 1.0.0, date: 2025-01-01, author: nobody-in-particular, summary: First.}
"""
    found = run(RULE, source)
    assert [(line, col, msg.split(", which")[0]) for _, line, col, msg in found] == [
        (1, 8, "owner names role 'boss'"),
        (2, 20, "approvers names role 'board'"),
        (6, 11, "step 'work' names role 'worker'"),
        (7, 18, "step 'work' (accountable) names role 'lead'"),
        (8, 24, "step 'work' (consulted) names role 'advisor'"),
        (9, 16, "step 'work' (informed) names role 'audience'"),
        (11, 78, "metric 'Speed' (owner) names role 'analyst'"),
        (13, 62, "risk 1 (owner) names role 'risk-officer'"),
        (15, 17, "training 'Basics' (audience) names role 'trainee'"),
    ]


def test_a_role_defined_only_in_organization_yml() -> None:
    source = """\
owner: controller
approvers: [coo]
"""
    assert problems(RULE, source, ORGANIZATION.replace("controler", "controller")) == []


def test_with_organization_yml_the_message_names_both_places() -> None:
    found = problems(RULE, "owner: cfo\n", ORGANIZATION.replace("controler", "controller"))
    assert found == [
        ("p.yml", RULE, 1, 8,
         "owner names role 'cfo', which is declared neither in this procedure's roles nor in "
         "organization.yml: add it to this procedure's roles or to organization.yml, "
         "or fix the id"),
    ]


def test_no_organization_yml() -> None:
    assert run(RULE, "owner: cfo\n") == [
        (RULE, 1, 8, "owner names role 'cfo', which is not declared in this procedure's roles: "
                     "add it to roles with a title, or fix the id"),
    ]


def test_people_roles_must_be_organization_roles() -> None:
    found = problems(RULE, "id: FIN-001\n", ORGANIZATION)
    assert found == [
        ("organization.yml", RULE, 8, 52,
         "person 'li-na' has role 'controler', which is not one of the roles in "
         "organization.yml (did you mean 'controller'?)"),
    ]


def test_a_procedure_role_does_not_make_a_person_role_valid() -> None:
    source = """\
roles:
  - {id: owner, title: Owner}
  - {id: controler, title: Controller}
"""
    assert [file for file, *_ in problems(RULE, source, ORGANIZATION)] == ["organization.yml"]
