from __future__ import annotations

from .helpers import examples, problems

RULE = "unknown-department"

ORGANIZATION = """\
# organization.yml
departments:
  - {id: finance, name: Finance}
  - {id: hr, name: 人力资源部}
roles:
  - {id: controller, title: Controller, department: finance}
  - {id: recruiter, title: Recruiter, department: people}
"""


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("procedures/finance/invoices.yml", RULE, 3, 13,
         "department 'finanse' is not declared in organization.yml (did you mean 'finance'?)"),
    ]
    assert problems(RULE, *good) == []


def test_organization_roles_name_declared_departments() -> None:
    assert problems(RULE, "department: hr\n", ORGANIZATION) == [
        ("organization.yml", RULE, 7, 51,
         "role 'recruiter' belongs to department 'people', which is not declared under "
         "departments: use one of the department ids of organization.yml, or add it there"),
    ]


def test_without_a_close_match() -> None:
    found = problems(RULE, "department: legal\n", ORGANIZATION.replace("people", "hr"))
    assert found == [
        ("p.yml", RULE, 1, 13,
         "department 'legal' is not declared in organization.yml: use one of the department "
         "ids of organization.yml, or add it there"),
    ]


def test_no_organization_yml() -> None:
    assert problems(RULE, "department: anything\n") == []


def test_no_department() -> None:
    assert problems(RULE, "id: FIN-001\n", ORGANIZATION.replace("people", "hr")) == []
