"""What every check produces: a finding at a place in a file."""

from __future__ import annotations

from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


class Diagnostic(NamedTuple):
    """One finding. Lines and columns are 1-based; 0 means "the whole file".

    Diagnostics sort by file, line, column, severity, rule and message. This and
    the other records `sopkit validate` loads are NamedTuples: on Python 3.11 the
    dataclasses module imports inspect, and each frozen dataclass compiles its
    methods when defined, some 12 ms of a 100 ms re-run (benchmarks/README.md).
    """

    file: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str


class RuleInfo(NamedTuple):
    """What reporters and docs need to know about a rule, without running it."""

    name: str
    severity: Severity
    summary: str
    doc: str


# Problems that are not semantic rules still get a stable name, so that
# reporters (SARIF, GitHub) can group them and users can look them up.
SYNTAX = RuleInfo(
    name="syntax",
    severity="error",
    summary="The file is not readable YAML, or breaks one of sopkit's safety limits.",
    doc="""\
The file could not be read as a procedure: the bytes are not UTF-8, the YAML is
malformed (a tab used for indentation, an unclosed quote, a bad indent), a key
appears twice, the file is empty or too large, it nests too deeply, its aliases
expand past sopkit's budget, or its top level is not a mapping of keys.

Fix the file at the line and column given; the message says what was found.

Bad:

```yaml
id: HR-001
title: "Onboarding
```

Fixed:

```yaml
id: HR-001
title: "Onboarding"
```
""",
)

SCHEMA = RuleInfo(
    name="schema",
    severity="error",
    summary="A value does not have the shape the procedure format requires.",
    doc="""\
The procedure breaks the format in `schemas/procedure.schema.json` (or
`organization.schema.json`): a required key is missing, a key is unknown, a
value has the wrong type, does not match its pattern, or is not one of the
allowed values. `sopkit schema procedure` prints the whole format.

Bad:

```yaml
purpse: Keep new hires productive.
```

Fixed:

```yaml
purpose: Keep new hires productive.
```
""",
)

IO = RuleInfo(
    name="io",
    severity="error",
    summary="A file or folder could not be read.",
    doc="A path given to sopkit does not exist or cannot be read. Check the path and permissions.",
)
