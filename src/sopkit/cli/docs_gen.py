"""docs/rules.md, generated from the rule registry so that the docs cannot drift from the code.

Each rule's page section is its name, default severity, when it is checked,
its summary and its doc (the rule function's docstring), and how to change its
severity in mkdocs.yml::

    python -m sopkit.cli.docs_gen           # print the page
    python -m sopkit.cli.docs_gen --write   # update docs/rules.md in a source checkout

``tests/cli/test_docs.py`` fails when the committed page differs from this output.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from sopkit.check.diagnostics import RuleInfo

COMMAND = "python -m sopkit.cli.docs_gen --write"
RULES_PAGE = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
"""docs/rules.md of the source checkout this module lives in."""

_WHEN = {
    "builtin": "always, on every file; its severity cannot be changed or switched off",
    "procedure": "on each procedure, with the rest of the handbook as context",
    "handbook": "across the whole handbook",
    "change": "only in review, against a base revision, by `sopkit diff` and "
              "`sopkit validate --base REV`",
}

_INTRO = """\
# Rules

`sopkit validate` (and `sopkit build`, and the MkDocs plugin) check every file in three
stages: the YAML must be readable (`syntax`, `io`), it must have the shape of the procedure
format (`schema`), and then the semantic rules below look at what a schema cannot say.
Change rules compare a procedure with its version at a base revision, in pull-request
review. Every finding names its rule, the file, line and column.

`sopkit rules` lists the rules in the terminal; `sopkit rules NAME` explains one.

## Changing a rule's severity

Each rule has a default severity. A handbook can make a rule an `error` (fails the check),
a `warning` (reported, fails only with `--strict`) or switch it `off`, in mkdocs.yml's
sopkit plugin options:

```yaml
plugins:
  - sopkit:
      rules:
        review-overdue: error
        unused-output: off
```

`syntax`, `schema` and `io` are always errors: a file that cannot be read cannot be
checked further.
"""

_ADDING = """\
## Adding a rule

A rule is a module of `src/sopkit/rules/` named after its id (`unknown-role` in
`unknown_role.py`, listed in `_catalog.py`), with one function registered by a decorator
that says what it is given, and whose docstring is the rule's section above:

```python
@procedure_rule("unknown-related", "error",
                "A related id is not the id of a procedure in the handbook.",
                depends_on="extracts", extract=("id", "related"))
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    ...
```

`@procedure_rule` calls it for each procedure, `@handbook_rule` once with the whole
`HandbookView`, `@change_rule` for each `ProcedureChange` in review;
`@organization_check(name)` adds what a rule finds in organization.yml itself. A rule
yields `Problem`s (a document, a path in it, a message); the handbook's settings give
them their severity. `depends_on` says what its findings depend on, which is what
`sopkit validate`'s cache may keep them with:

- `file`: the procedure's file alone. Kept with the file's answer: the rule runs again
  only when the file changes.
- `file-and-organization`: that file and organization.yml. Kept with the file's answer
  too (the cache holds the answers of one organization.yml); skipped while
  organization.yml is broken.
- `organization`: organization.yml alone (`@organization_check`), run once.
- `extracts`: the date and, of every procedure, the keys named in `extract=`. The rule
  runs over a small extract of each file, kept with it, when an extract or the date
  changed.
- `change`: a procedure at a base revision and now (`@change_rule`): review only.

Declare the narrowest that is true: `tests/check/test_cache.py` runs each rule both ways and
fails when a declaration does not hold. A change rule may name, in `superseded_by`, the
rules whose finding on the same file says the same thing (then its own is left out of
`sopkit validate --base`).
"""


def _scope(info: RuleInfo, scopes: dict[str, str]) -> str:
    return scopes.get(info.name, "builtin")


def demote(markdown: str, levels: int = 1) -> str:
    """Markdown with every heading ``levels`` deeper; code blocks are left alone."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker.group(1)[0] * len(marker.group(1))
            elif stripped.startswith(fence) and not stripped[len(fence):].strip("`~").strip():
                fence = None
        elif fence is None and re.match(r"#{1,6} ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


def _table_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(info: RuleInfo, scope: str) -> Iterator[str]:
    yield f"## {info.name}"
    yield ""
    yield f"**Default severity:** {info.severity}. **Checked:** {_WHEN[scope]}."
    yield ""
    yield info.summary
    yield ""
    doc = info.doc.strip()
    if doc and doc != info.summary.strip():
        yield demote(doc)
        yield ""
    if scope != "builtin":
        other = "warning" if info.severity == "error" else "error"
        yield "Change its severity in mkdocs.yml (`error`, `warning` or `off`):"
        yield ""
        yield "```yaml"
        yield "plugins:"
        yield "  - sopkit:"
        yield "      rules:"
        yield f"        {info.name}: {other}"
        yield "```"
        yield ""


def render(infos: Sequence[RuleInfo] | None = None, scopes: dict[str, str] | None = None) -> str:
    """The whole rules page (Markdown), from the registry unless ``infos`` are given."""
    if infos is None or scopes is None:
        from sopkit.check.handbook import rule_infos
        from sopkit.rules import all_rules

        infos = rule_infos()
        scopes = {rule.name: str(rule.takes) for rule in all_rules()}
    lines = [
        f"<!-- Generated from sopkit's rule registry by `{COMMAND}`: do not edit. -->",
        "",
        _INTRO,
        "## All rules",
        "",
        "| Rule | Default | Checked | Summary |",
        "|---|---|---|---|",
    ]
    short = {"builtin": "always", "procedure": "procedure", "handbook": "handbook",
             "change": "review (`--base`)"}
    for info in infos:
        scope = _scope(info, scopes)
        lines.append(f"| [{info.name}](#{info.name}) | {info.severity} | {short[scope]} | "
                     f"{_table_cell(info.summary)} |")
    lines.append("")
    for info in infos:
        lines.extend(_section(info, _scope(info, scopes)))
    lines.append(_ADDING)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sopkit.cli.docs_gen",
        description="Print docs/rules.md, generated from sopkit's rule registry.",
    )
    parser.add_argument("--write", action="store_true",
                        help=f"write it to {RULES_PAGE} instead of printing it")
    args = parser.parse_args(argv)
    text = render()
    if not args.write:
        sys.stdout.write(text)
        return 0
    if not RULES_PAGE.parent.is_dir():
        print(f"{RULES_PAGE.parent} does not exist: --write works in a source checkout of "
              "sopkit", file=sys.stderr)
        return 2
    current = RULES_PAGE.read_text(encoding="utf-8") if RULES_PAGE.is_file() else None
    if current == text:
        print(f"{RULES_PAGE} is up to date", file=sys.stderr)
        return 0
    with RULES_PAGE.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    print(f"wrote {RULES_PAGE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
