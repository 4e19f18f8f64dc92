"""The semantic rules: what the schema cannot say.

Each rule is a small registered unit, one module per rule in this package, named after
the rule's id: a stable kebab-case name, a default severity, a one-line summary and a doc
(the function's docstring, with a failing and a fixed example). A rule reads schema-valid
documents through a :class:`HandbookView` and yields :class:`Problem` values; it never
decides severity and never prints. :mod:`sopkit.check.runner` runs the rules,
:mod:`sopkit.check.findings` gives their findings the severity the handbook's settings
give the rule.

A rule is registered by the decorator that says what its function is given:

- ``@procedure_rule(...)``: ``check(document, view)``, for each procedure of the view;
- ``@handbook_rule(...)``: ``check(view)``, once, across the view's procedures;
- ``@change_rule(...)``: ``check(change)`` for each :class:`ProcedureChange` (review only);
- ``@organization_check(name)``: what rule ``name`` (registered above it) finds in
  organization.yml itself, ``check(organization)``.

and declares, in ``depends_on``, what its findings depend on, in words that say what the
cache may keep (:data:`DependsOn`):

- ``"file"``: the procedure's file alone. The findings are kept with the file's answer and
  the rule runs again only when the file's bytes change.
- ``"file-and-organization"``: that file and organization.yml. Kept with the file's answer
  too (the cache holds the answers of one organization.yml); skipped when organization.yml
  is broken, which would otherwise make every role and department unknown.
- ``"organization"``: organization.yml alone (``@organization_check``): run once.
- ``"extracts"``: the date and, of every procedure, the keys named in ``extract=``. The
  rule runs over a small extract of each procedure, kept with its file, whenever an
  extract or the date changed.
- ``"change"``: one procedure at a base revision and now (``@change_rule``).

Declare the narrowest that is true: tests/check/test_cache.py runs each rule both ways (one file
at a time, or over extracts, against the whole handbook) and fails when a declaration does
not hold.
"""

from __future__ import annotations

from sopkit.rules.registry import (
    DEPENDS_ON,
    REGISTRY,
    AnyCheck,
    ChangeCheck,
    Check,
    DependsOn,
    HandbookCheck,
    HandbookView,
    OrganizationCheck,
    Problem,
    ProcedureChange,
    ProcedureCheck,
    Rule,
    Takes,
    all_checks,
    all_rules,
    change_rule,
    clean_doc,
    handbook_rule,
    organization_check,
    procedure_rule,
)

__all__ = [
    "DEPENDS_ON",
    "REGISTRY",
    "AnyCheck",
    "ChangeCheck",
    "Check",
    "DependsOn",
    "HandbookCheck",
    "HandbookView",
    "OrganizationCheck",
    "Problem",
    "ProcedureChange",
    "ProcedureCheck",
    "Rule",
    "Takes",
    "all_checks",
    "all_rules",
    "change_rule",
    "clean_doc",
    "handbook_rule",
    "organization_check",
    "procedure_rule",
]
