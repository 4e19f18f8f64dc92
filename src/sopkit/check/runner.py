"""The rule runner: the one place the rules of a check run.

:func:`run` gives what some checks find in a :class:`~sopkit.rules.HandbookView`, each
check called once, as its decorator says (for each procedure, once over the view, or on
organization.yml). What a check may read is what it declares in ``depends_on``, so the
check of a handbook runs each check where it depends on no more than it is given:

- :func:`file_checks` (``file``, ``file-and-organization``) on a view of one procedure, as
  each file is checked (:func:`sopkit.check.file_check.check_file`); their findings are
  kept with the file's answer in the cache;
- :func:`handbook_checks` (``extracts``, ``organization``) once per check of the
  handbook, on a view of the extracts of every procedure (:func:`extract_keys`) and on
  organization.yml; their findings are kept under a key of all the extracts;
- :func:`training_checks` (``training``) once per procedure id (:func:`group_findings`),
  on the training records that name it and the extracts of the procedures with that id
  (sopkit.check.training_groups); their findings are kept per id;
- :func:`approval_checks` (``approvals``) the same way, on the approval records.

Every check runs once: tests/check/test_cache.py compares the result with running every rule
over the whole handbook.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import cache
from typing import cast

from sopkit.check.findings import Finding, finding
from sopkit.format.load import Document
from sopkit.rules import (
    Check,
    HandbookCheck,
    HandbookView,
    OrganizationCheck,
    Problem,
    ProcedureCheck,
    all_checks,
)


def run(checks: Iterable[Check], view: HandbookView) -> Iterator[Finding]:
    """What ``checks`` find in ``view``."""
    for check in checks:
        for problem in problems(check, view):
            yield finding(check.rule, problem)


def problems(check: Check, view: HandbookView) -> Iterator[Problem]:
    """The problems ``check`` finds in ``view``, calling it as it takes (change checks
    compare two revisions: sopkit.review.diff runs them)."""
    if check.takes == "procedure":
        function = cast(ProcedureCheck, check.function)
        for document in view.procedures:
            yield from function(document, view)
    elif check.takes == "handbook":
        yield from cast(HandbookCheck, check.function)(view)
    elif check.takes == "organization" and view.organization is not None:
        yield from cast(OrganizationCheck, check.function)(view.organization)


def view_of(procedures: Sequence[Document], organization: Document | None, today: date,
            invalid_ids: frozenset[str] = frozenset(),
            training_records: Sequence[Document] = ()) -> HandbookView:
    """The view of ``procedures`` (with their index by id) the rules are given."""
    by_id: dict[str, list[Document]] = defaultdict(list)
    for document in procedures:
        by_id[document.data["id"]].append(document)
    return HandbookView(procedures=tuple(procedures), organization=organization, today=today,
                        by_id=dict(by_id), invalid_ids=invalid_ids,
                        training_records=tuple(training_records))


def group_findings(procedures: Sequence[Document], organization: Document | None,
                   today: date, *, by_id: dict[str, Sequence[Document]],
                   invalid_ids: frozenset[str], records: Sequence[Document],
                   kind: str = "training") -> list[Finding]:
    """What the :func:`training_checks` (``kind`` approval: the :func:`approval_checks`)
    find about one procedure id: ``procedures`` (those with the id), the ``records`` files
    cut down to the records that name it, in a handbook that has such records."""
    view = HandbookView(procedures=tuple(procedures), organization=organization, today=today,
                        by_id=by_id, invalid_ids=invalid_ids)
    if kind == "training":
        view = view._replace(training_records=tuple(records), has_training_records=True)
        return list(run(training_checks(), view))
    view = view._replace(approval_records=tuple(records), has_approval_records=True)
    return list(run(approval_checks(), view))


@cache
def file_checks(broken_organization: bool = False) -> tuple[Check, ...]:
    """The checks whose findings depend on one file (and organization.yml): run on each file
    on its own. When organization.yml is there but broken, its own errors are reported and
    the checks that read it are left out: judged against no organization they would flag
    every role and department of the handbook."""
    kept = ("file",) if broken_organization else ("file", "file-and-organization")
    return tuple(check for check in all_checks() if check.depends_on in kept)


@cache
def handbook_checks() -> tuple[Check, ...]:
    """The checks run once per check of the handbook: over the extracts of every procedure,
    and on organization.yml (when it is there and valid)."""
    return tuple(check for check in all_checks()
                 if check.depends_on in ("extracts", "organization"))


@cache
def training_checks() -> tuple[Check, ...]:
    """The checks run per procedure id, over the training records that name it (see
    sopkit.check.training_groups)."""
    return tuple(check for check in all_checks() if check.depends_on == "training")


@cache
def approval_checks() -> tuple[Check, ...]:
    """The checks run per procedure id, over the approval records that name it (format
    1.2: grouped as the training records are, see sopkit.check.training_groups)."""
    return tuple(check for check in all_checks() if check.depends_on == "approvals")


@cache
def extract_keys() -> frozenset[str]:
    """The keys of a procedure the ``extracts`` and ``training`` checks read (``id`` for
    ``by_id``; ``name[].field`` for one field of each item of a list, see
    :meth:`sopkit.check.cache.entries.Extract.of`)."""
    return frozenset({"id"}).union(*(check.extract
                                     for check in (*handbook_checks(), *training_checks(),
                                                   *approval_checks())))


def file_findings(document: Document, organization: Document | None,
                  checks: Sequence[Check]) -> tuple[Finding, ...]:
    """What the checks of one file (see :func:`file_checks`) find in ``document``."""
    return tuple(run(checks, view_of([document], organization, date.today())))


def handbook_findings(extracts: Sequence[Document], organization: Document | None,
                      today: date, invalid_ids: frozenset[str]) -> list[Finding]:
    """What the :func:`handbook_checks` find in the extracts of every procedure and in
    organization.yml, on ``today``."""
    return list(run(handbook_checks(), view_of(extracts, organization, today, invalid_ids)))
