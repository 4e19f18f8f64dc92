"""The semantic rules: what the schema cannot say.

Each rule is a small registered unit (one module per rule in this package):
a stable kebab-case name, a default severity, a one-line summary and a doc
(the function's docstring, with a failing and a fixed example). A rule reads
schema-valid documents and yields :class:`Problem` values; it never decides
severity and never prints. ``sopkit.check.handbook`` turns problems into diagnostics with
the severity the handbook's config gives the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Literal, NamedTuple

from sopkit.check.diagnostics import RuleInfo, Severity
from sopkit.format.load import Document, JsonPath

Scope = Literal["procedure", "handbook", "change"]

Reads = Literal["procedure", "organization", "context", "handbook"]
"""What a rule's findings about a procedure depend on, so results can be cached safely:

- ``procedure``: that procedure's file alone;
- ``organization``: that file and organization.yml;
- ``context``: the date, and the keys named in ``context`` of every procedure;
- ``handbook``: anything (the default: such a rule runs over every document, every time).
"""


class Problem(NamedTuple):
    """A rule's finding: where (document and JSON path) and what, in plain words."""

    document: Document
    path: JsonPath
    message: str
    key: bool = False
    """Point at the key rather than the value (for example, a duplicate key)."""


class Handbook(NamedTuple):
    """Everything a rule may look at. Documents here passed the schema."""

    procedures: Sequence[Document]
    organization: Document | None
    today: date
    by_id: Mapping[str, Sequence[Document]] = {}  # shared: never changed (Mapping)
    """Procedure id -> the documents that declare it (more than one is a duplicate)."""
    invalid_ids: frozenset[str] = frozenset()
    """The ids of the procedures that are in the handbook but break the format: they are
    not in ``procedures`` (their own errors say what is wrong), yet they exist."""


class Change(NamedTuple):
    """One procedure at a base revision and now (pull-request review).

    ``base`` is None for an added procedure, ``head`` None for a removed one.
    Both passed the schema when present.
    """

    base: Document | None
    head: Document | None


ProcedureCheck = Callable[[Document, Handbook], Iterable[Problem]]
HandbookCheck = Callable[[Handbook], Iterable[Problem]]
ChangeCheck = Callable[[Change], Iterable[Problem]]


class Rule(NamedTuple):
    info: RuleInfo
    scope: Scope
    check: ProcedureCheck | HandbookCheck | ChangeCheck
    reads: Reads = "handbook"
    context: frozenset[str] = frozenset()
    """With ``reads="context"``: the keys of each procedure the rule reads."""

    @property
    def name(self) -> str:
        return self.info.name


REGISTRY: dict[str, Rule] = {}


def procedure_rule(name: str, severity: Severity, summary: str, *,
                   reads: Reads = "handbook", context: Iterable[str] = ()) -> Callable[
    [ProcedureCheck], ProcedureCheck
]:
    """Register a rule that looks at one procedure at a time (with the handbook as context).

    ``reads`` says what its findings depend on (see :data:`Reads`); declare the
    narrowest that is true, or leave the default.
    """

    def register(check: ProcedureCheck) -> ProcedureCheck:
        _register(Rule(_info(name, severity, summary, check), "procedure", check, reads,
                       frozenset(context)))
        return check

    return register


def handbook_rule(name: str, severity: Severity, summary: str, *,
                  reads: Reads = "handbook", context: Iterable[str] = ()) -> Callable[
    [HandbookCheck], HandbookCheck
]:
    """Register a rule that looks across all procedures of the handbook."""

    def register(check: HandbookCheck) -> HandbookCheck:
        _register(Rule(_info(name, severity, summary, check), "handbook", check, reads,
                       frozenset(context)))
        return check

    return register


def change_rule(name: str, severity: Severity, summary: str) -> Callable[
    [ChangeCheck], ChangeCheck
]:
    """Register a rule that compares a procedure with its version at a base revision."""

    def register(check: ChangeCheck) -> ChangeCheck:
        _register(Rule(_info(name, severity, summary, check), "change", check))
        return check

    return register


def _info(name: str, severity: Severity, summary: str, check: Callable[..., object]) -> RuleInfo:
    return RuleInfo(name=name, severity=severity, summary=summary,
                    doc=clean_doc(check.__doc__ or summary))


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
