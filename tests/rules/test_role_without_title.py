from __future__ import annotations

from .helpers import examples, run

RULE = "role-without-title"

ORGANIZATION = """\
# organization.yml
roles:
  - id: hr-manager
    title: HR Manager
  - id: hr-assistant
"""


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 5, 9, "role 'forklift-driver' has no title: add 'title:' to it "
                     "(or define the role with a title in organization.yml)"),
    ]
    assert run(RULE, *good) == []


def test_title_from_organization_yml() -> None:
    source = """\
owner: hr-manager
roles:
  - id: hr-manager
"""
    assert run(RULE, source, ORGANIZATION) == []


def test_no_title_in_either_place() -> None:
    source = """\
owner: hr-manager
roles:
  - id: hr-manager
  - id: hr-assistant
  - id: temp
"""
    assert run(RULE, source, ORGANIZATION) == [
        (RULE, 4, 9, "role 'hr-assistant' has no title, here or in organization.yml: "
                     "add 'title:' to it in either place"),
        (RULE, 5, 9, "role 'temp' has no title and is not in organization.yml: "
                     "add 'title:' to it"),
    ]


def test_blank_title_counts_as_none() -> None:
    source = """\
roles:
  - id: owner
    title: "  "
"""
    assert [(line, col) for _, line, col, _ in run(RULE, source)] == [(2, 9)]
