from __future__ import annotations

from .helpers import examples, problems, run

RULE = "duplicate-id"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 4, 9, "input id 'purchase-order' is already used in inputs on line 2 of this "
                     "procedure: give each input its own id, or merge the two entries"),
    ]
    assert run(RULE, *good) == []


def test_roles_and_outputs() -> None:
    source = """\
roles:
  - {id: owner, title: Owner}
  - {id: owner, title: Owner again}
outputs:
  - {id: report, name: Report}
  - {id: report, name: Report}
"""
    assert [(line, col, msg.split(" is ")[0]) for _, line, col, msg in run(RULE, source)] == [
        (3, 10, "role id 'owner'"),
        (6, 10, "output id 'report'"),
    ]


def test_same_id_in_different_lists_is_fine() -> None:
    source = """\
inputs:
  - {id: invoice, name: Invoice}
outputs:
  - {id: invoice, name: Checked invoice}
"""
    assert run(RULE, source) == []


def test_organization_lists_are_checked_in_organization_yml() -> None:
    organization = """\
# organization.yml
departments:
  - {id: hr, name: HR}
  - {id: hr, name: People}
roles:
  - {id: hr-manager, title: HR Manager}
  - {id: hr-manager, title: Head of HR}
people:
  - {id: li-na, name: Li Na, roles: [hr-manager]}
  - {id: li-na, name: Li Na, roles: [hr-manager]}
"""
    found = problems(RULE, "id: HR-001\n", organization)
    assert [(file, line, col) for file, _, line, col, _ in found] == [
        ("organization.yml", 4, 10), ("organization.yml", 7, 10), ("organization.yml", 10, 10),
    ]
    assert found[0][4] == (
        "department id 'hr' is already used in departments on line 3 of organization.yml: "
        "give each department its own id, or merge the two entries"
    )
    assert found[2][4].startswith("person id 'li-na'")


def test_no_organization_yml() -> None:
    assert run(RULE, "id: HR-001\n") == []
