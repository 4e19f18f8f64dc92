"""How a rule registers itself, and what it declares: see the package's docstring."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Literal, NamedTuple

from sopkit.check.diagnostics import RuleInfo, Severity
from sopkit.format.load import Document, JsonPath

DependsOn = Literal["file", "file-and-organization", "organization", "extracts", "training",
                    "approvals", "change"]
"""What a check's findings depend on, which is what the cache may keep them with:

- ``file``: the procedure's file alone (kept with that file's answer);
- ``file-and-organization``: that file and organization.yml (kept with the file's answer,
  in a cache valid for one organization.yml; skipped when organization.yml is broken);
- ``organization``: organization.yml alone: what a rule finds in organization.yml itself
  (:func:`organization_check`), run once;
- ``extracts``: the date and the keys named in ``extract`` of every procedure (run over a
  small extract of each file, again whenever an extract or the date changes);
- ``training``: the training records that name one procedure id, the keys named in
  ``extract`` of the procedures with that id, organization.yml and the date (run once
  per procedure id, again when one of these changes: sopkit.check.training_groups; for
  an id no procedure has, the ids of all procedures too);
- ``approvals``: the same as ``training``, with the approval records (format 1.2);
- ``change``: one procedure at a base revision and now (review only: sopkit.review.diff).
"""

Takes = Literal["procedure", "handbook", "organization", "change"]
"""What a check function is given (set by the decorator that registers it): one procedure
with the handbook's view, the view once, organization.yml, or one change."""

DEPENDS_ON: tuple[DependsOn, ...] = ("file", "file-and-organization", "organization",
                                     "extracts", "training", "approvals", "change")


class Problem(NamedTuple):
    """A rule's finding: where (document and JSON path) and what, in plain words."""

    document: Document
    path: JsonPath
    message: str
    key: bool = False
    """Point at the key rather than the value (for example, a duplicate key)."""


class HandbookView(NamedTuple):
    """Everything a rule may look at. Documents here passed the schema.

    Which of it a check may read is what it declares in ``depends_on``: a check of one
    file is given a view of that procedure alone, an ``extracts`` check a view of the
    extracts of every procedure.
    """

    procedures: Sequence[Document]
    organization: Document | None
    today: date
    by_id: Mapping[str, Sequence[Document]] = {}  # shared: never changed (Mapping)
    """Procedure id -> the documents that declare it (more than one is a duplicate)."""
    invalid_ids: frozenset[str] = frozenset()
    """The ids of the procedures that are in the handbook but break the format: they are
    not in ``procedures`` (their own errors say what is wrong), yet they exist."""
    training_records: Sequence[Document] = ()
    """The training records files (format 1.1) that passed the schema, in file order: read
    by the ``training`` checks, which the check runs per procedure id (see
    sopkit.check.training_groups): then each file holds only the records that name it."""
    has_training_records: bool | None = None
    """Whether the handbook has at least one training record (the training rules are
    opt-in by writing records); None: whether ``training_records`` hold one."""
    approval_records: Sequence[Document] = ()
    """The approval records files (format 1.2) that passed the schema, read by the
    ``approvals`` checks (run per procedure id, as the training checks are)."""
    has_approval_records: bool | None = None
    """Whether the handbook has at least one approval record (the approval rules are
    opt-in); None: whether ``approval_records`` hold one."""


class ProcedureChange(NamedTuple):
    """One procedure at a base revision and now (pull-request review).

    ``base`` is None for an added procedure, ``head`` None for a removed one.
    Both passed the schema when present.
    """

    base: Document | None
    head: Document | None


ProcedureCheck = Callable[[Document, HandbookView], Iterable[Problem]]
HandbookCheck = Callable[[HandbookView], Iterable[Problem]]
OrganizationCheck = Callable[[Document], Iterable[Problem]]
ChangeCheck = Callable[[ProcedureChange], Iterable[Problem]]
AnyCheck = ProcedureCheck | HandbookCheck | OrganizationCheck | ChangeCheck


class Check(NamedTuple):
    """One check function of a rule: what it is given and what its findings depend on."""

    rule: str
    function: AnyCheck
    takes: Takes
    depends_on: DependsOn
    extract: frozenset[str] = frozenset()
    """With ``depends_on="extracts"`` or ``"training"``: the keys of each procedure the check
    reads (``steps[].role``: of each step, only its ``role``)."""


class Rule(NamedTuple):
    """A rule: its name, severity and docs, and its checks (most have one: the function
    registered with the rule, whose docstring is the rule's doc)."""

    info: RuleInfo
    checks: tuple[Check, ...]
    superseded_by: frozenset[str] = frozenset()
    """Rules whose finding on the same file says what this rule's would: when one of them
    reports a file, this rule's findings on that file are left out (see
    sopkit.check.findings.merged)."""

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def check(self) -> AnyCheck:
        """The function registered with the rule (its docstring is the rule's doc)."""
        return self.checks[0].function

    @property
    def takes(self) -> Takes:
        """What the rule's function is given: ``procedure``, ``handbook`` or ``change``."""
        return self.checks[0].takes


REGISTRY: dict[str, Rule] = {}


def procedure_rule(name: str, severity: Severity, summary: str, *, depends_on: DependsOn,
                   extract: Iterable[str] = ()) -> Callable[[ProcedureCheck], ProcedureCheck]:
    """Register a rule that looks at one procedure at a time (with the handbook's view).

    ``depends_on`` says what its findings depend on (see :data:`DependsOn`): declare the
    narrowest that is true; tests/check/test_cache.py checks it.
    """

    def register(check: ProcedureCheck) -> ProcedureCheck:
        _register(_rule(name, severity, summary, check, "procedure", depends_on, extract))
        return check

    return register


def handbook_rule(name: str, severity: Severity, summary: str, *, depends_on: DependsOn,
                  extract: Iterable[str] = ()) -> Callable[[HandbookCheck], HandbookCheck]:
    """Register a rule that looks across the procedures of the handbook's view."""

    def register(check: HandbookCheck) -> HandbookCheck:
        _register(_rule(name, severity, summary, check, "handbook", depends_on, extract))
        return check

    return register


def organization_check(name: str) -> Callable[[OrganizationCheck], OrganizationCheck]:
    """Register what rule ``name`` (registered above it) finds in organization.yml itself:
    run once on organization.yml, when the handbook has a valid one; its findings depend
    on that file alone."""

    def register(check: OrganizationCheck) -> OrganizationCheck:
        rule = REGISTRY[name]
        REGISTRY[name] = rule._replace(
            checks=(*rule.checks, Check(name, check, "organization", "organization")))
        return check

    return register


def change_rule(name: str, severity: Severity, summary: str, *,
                superseded_by: Iterable[str] = ()) -> Callable[[ChangeCheck], ChangeCheck]:
    """Register a rule that compares a procedure with its version at a base revision.

    ``superseded_by`` names rules whose finding on the same file says the same thing (then
    this rule's is left out)."""

    def register(check: ChangeCheck) -> ChangeCheck:
        rule = _rule(name, severity, summary, check, "change", "change", ())
        _register(rule._replace(superseded_by=frozenset(superseded_by)))
        return check

    return register


def _rule(name: str, severity: Severity, summary: str, check: AnyCheck, takes: Takes,
          depends_on: DependsOn, extract: Iterable[str]) -> Rule:
    if depends_on not in DEPENDS_ON:
        raise ValueError(f"rule {name!r}: depends_on must be one of {DEPENDS_ON}")
    info = RuleInfo(name=name, severity=severity, summary=summary,
                    doc=clean_doc(check.__doc__ or summary))
    return Rule(info, (Check(name, check, takes, depends_on, frozenset(extract)),))


def clean_doc(doc: str) -> str:
    """A docstring without its indentation, as inspect.cleandoc gives it (importing inspect
    costs `sopkit validate` 4 ms at every start)."""
    lines = doc.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()),
                 default=0)
    lines = [lines[0].lstrip(), *(line[margin:] for line in lines[1:])]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def _register(rule: Rule) -> None:
    if rule.name in REGISTRY:
        raise ValueError(f"rule {rule.name!r} registered twice")
    REGISTRY[rule.name] = rule


def all_rules() -> list[Rule]:
    """Every rule, in name order, with the rule modules imported."""
    from sopkit.rules import _catalog  # noqa: F401  (imports every rule module)

    return [REGISTRY[name] for name in sorted(REGISTRY)]


def all_checks() -> list[Check]:
    """Every check of every rule, in rule name order."""
    return [check for rule in all_rules() for check in rule.checks]
