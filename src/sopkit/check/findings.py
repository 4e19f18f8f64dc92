"""From what a rule found to what a report shows: positions, then the configured severity.

A :class:`~sopkit.rules.Problem` names a document and a JSON path; :func:`finding` turns it
into a :class:`Finding` (file, line, column), which has no severity yet, so that the cache
can keep it whatever the handbook's settings are. :func:`severities` reads those settings
(which rules are off, which are warnings), and :func:`diagnostics` gives each finding its
severity. Both the check and ``sopkit diff`` (sopkit.review.diff) go through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

from sopkit.check.diagnostics import Diagnostic, RuleInfo, Severity

if TYPE_CHECKING:
    from sopkit.config import Config
    from sopkit.rules import Problem, Rule


class Finding(NamedTuple):
    """What a rule found, where: a diagnostic before the handbook's settings give it a
    severity (the form the cache keeps)."""

    rule: str
    file: str
    line: int
    column: int
    message: str


def finding(rule: str, problem: Problem) -> Finding:
    """Where ``problem`` (found by ``rule``) is, in its file."""
    file, line, column = problem.document.at(problem.path, key=problem.key)
    return Finding(rule, file, line, column, problem.message)


def severities(config: Config, rules: Iterable[Rule]) -> dict[str, Severity]:
    """Rule name -> the severity ``config`` gives it, for ``rules``; the rules that are off
    are left out."""
    levels: dict[str, Severity] = {}
    for rule in rules:
        level = config.rules.get(rule.name, rule.info.severity)
        if level != "off":
            levels[rule.name] = "warning" if level == "warning" else "error"
    return levels


def info_levels(config: Config, infos: Iterable[RuleInfo]) -> dict[str, Severity]:
    """As :func:`severities`, for checks that are not rules of the registry (their
    :class:`RuleInfo` only: see sopkit.check.repository)."""
    levels: dict[str, Severity] = {}
    for info in infos:
        level = config.rules.get(info.name, info.severity)
        if level != "off":
            levels[info.name] = "warning" if level == "warning" else "error"
    return levels


def diagnostics(findings: Iterable[Finding],
                levels: Mapping[str, Severity]) -> Iterator[Diagnostic]:
    """The findings of the rules in ``levels`` (see :func:`severities`), with their
    severity; the others are off."""
    for rule, file, line, column, message in findings:
        if rule in levels:
            yield Diagnostic(file, line, column, levels[rule], rule, message)


def merged(*groups: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """The diagnostics of ``groups``, each once, sorted; without those a rule's
    ``superseded_by`` leaves out (another rule reported the same file)."""
    from sopkit.rules import all_rules

    found = {diagnostic for group in groups for diagnostic in group}
    superseded = {rule.name: rule.superseded_by for rule in all_rules() if rule.superseded_by}
    if superseded:
        reported = {(diagnostic.rule, diagnostic.file) for diagnostic in found}
        found = {diagnostic for diagnostic in found
                 if not any((other, diagnostic.file) in reported
                            for other in superseded.get(diagnostic.rule, ()))}
    return tuple(sorted(found))
