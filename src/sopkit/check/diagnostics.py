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
# reporters (SARIF, GitHub) can group them and users can look them up: the file
# cannot be read (syntax, io), breaks the format (schema), or is not taken as it
# is (unsafe-file-name, link-outside-handbook: see sopkit.check.discover).
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

UNSAFE_NAME = RuleInfo(
    name="unsafe-file-name",
    severity="error",
    summary="A procedure's file name holds a control or bidirectional character.",
    doc="""\
The name of a procedure file, or of a folder it is in, holds a control
character (a newline, a tab, ESC, DEL, a C1 control) or a bidirectional mark or
override (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), or a line or
paragraph separator (U+2028, U+2029). Terminals, CI logs and reviews would show
another name, or text in another order, than the file has; sopkit shows such
characters as escapes (`\\x1b`, `\\u202e`) and reports the file.

Rename the file (or the folder) with visible characters only, for example
`git mv $'procedures/hr/onboarding\\u202e.yml' procedures/hr/onboarding.yml`.
""",
)

OUTSIDE_LINK = RuleInfo(
    name="link-outside-handbook",
    severity="error",
    summary="A procedure file (or folder, or organization.yml) is a link out of the "
            "handbook.",
    doc="""\
A symbolic link inside the handbook (the folder of mkdocs.yml) leads to a file
or folder outside it. sopkit never reads what such a link leads to: a pull
request could otherwise have it quote or publish any file of the machine that
checks or builds the handbook. The file is reported and nothing is published
until it is fixed. `sopkit diff` reports such links found in git the same way.

A link to another place inside the handbook is fine. A linked folder inside the
handbook is not entered (its files are found where they are).

Copy the procedure into the handbook (or move the folder into it), and remove
the link:

```sh
cp --remove-destination "$(readlink -f procedures/hr/shared.yml)" procedures/hr/shared.yml
```
""",
)
