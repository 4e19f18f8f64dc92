"""`sopkit diff`'s report: a handbook diff and the change rules' findings, as text.
Formatting only: what changed and what the rules found are given (sopkit.review.diff).

- ``markdown``: for a pull-request comment or ``$GITHUB_STEP_SUMMARY``;
- ``json``: for scripts;
- ``text``: for people at a terminal.

Procedure text is hostile input here: it can hold ``|``, ``<``, backticks,
newlines, control characters and ``@mentions``. In Markdown every value is a
code span (never HTML, never a mention or link) and every other piece of
procedure text is escaped; in text and Markdown, control and bidirectional
characters are shown as escapes, and JSON writes them as ``\\uNNNN`` (one policy
with `sopkit validate`'s reports: :mod:`sopkit.format.terminal`).
Role ids are shown by their titles (the procedure's, else organization.yml's); a long
text that changed is shown as the words removed and added, with some context
(:mod:`sopkit.report.words`); nothing is cut inside a word.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sopkit.check.diagnostics import Diagnostic
from sopkit.format.terminal import json_escaped, valid_unicode, visible
from sopkit.model.training import Record
from sopkit.report.approval_diff import json_approvals, md_approvals, text_approvals
from sopkit.report.validation import counts, plural
from sopkit.report.values import is_long as _long
from sopkit.report.values import md_code, md_text
from sopkit.report.values import pair as _pair
from sopkit.report.values import plain as _plain
from sopkit.report.values import shorten as _shorten
from sopkit.report.values import shown_values as _values
from sopkit.report.values import visible_line as _visible_line
from sopkit.report.values import words_shown as _words
from sopkit.review.compare import FieldChange
from sopkit.review.diff import HandbookDiff, ProcedureDiff
from sopkit.review.training_diff import Retraining

FORMATS = ("markdown", "json", "text")

COMMENT_LIMIT = 65_536
"""Characters GitHub takes in a pull-request comment or a step summary: longer Markdown is
cut at a line (see :func:`fit_comment`)."""

_LABELS = {"added": "added", "removed": "removed", "modified": "modified",
           "unchanged": "unchanged", "invalid": "invalid"}


def format_diff(diff: HandbookDiff, fmt: str, diagnostics: Sequence[Diagnostic] = ()) -> str:
    """``diff`` and the change rules' ``diagnostics`` in format ``fmt``, ending with a newline."""
    formatters: dict[str, Callable[[HandbookDiff, Sequence[Diagnostic]], str]] = {
        "markdown": _markdown, "json": _json, "text": _text,
    }
    if fmt not in formatters:
        raise ValueError(f"unknown diff format {fmt!r}; expected one of {', '.join(FORMATS)}")
    text = valid_unicode(formatters[fmt](diff, diagnostics))
    return fit_comment(text) if fmt == "markdown" else text


def fit_comment(markdown: str, limit: int = COMMENT_LIMIT) -> str:
    """``markdown`` as it is when it fits in ``limit`` characters; else its first lines
    and a last one that says the rest was left out and how to see it."""
    if len(markdown) <= limit:
        return markdown
    lines = markdown.splitlines()
    kept: list[str] = []
    size = 0
    for line in lines:
        note = _cut_note(len(lines) - len(kept))
        if size + len(line) + 1 + len(note) > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + "\n" + _cut_note(len(lines) - len(kept))


def _cut_note(left_out: int) -> str:
    return (f"\n**The report is cut here**: {left_out} more lines do not fit in a GitHub "
            "comment. Run `sopkit diff --format text` with the same revisions for all of it.\n")


# -- shared ------------------------------------------------------------------------------------


def _version(procedure: ProcedureDiff) -> tuple[str, str]:
    return procedure.base_version or "–", procedure.head_version or "–"


def _change_label(procedure: ProcedureDiff) -> str:
    label = _LABELS[procedure.change]
    if procedure.moved:
        label = "moved" if procedure.change == "unchanged" else f"{label}, moved"
    return label


def _findings(diagnostics: Sequence[Diagnostic]) -> str:
    errors, warnings = counts(diagnostics)
    parts = [plural(errors, "error")] if errors else []
    if warnings:
        parts.append(plural(warnings, "warning"))
    return " and ".join(parts) if parts else "no findings"


def _where(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.column}" if d.line > 0 else d.file


def _for(procedure: ProcedureDiff, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    files = {procedure.head_file, procedure.base_file} - {None}
    return [d for d in diagnostics if d.file in files]


def _head_name(diff: HandbookDiff) -> str:
    if diff.head is None:
        return "the working tree"
    return f"{diff.head} ({diff.head_commit[:12] if diff.head_commit else '?'})"


def _uncommitted_note(diff: HandbookDiff, name: Callable[[str], str]) -> str:
    """A note on procedure files with edits not committed yet, each shown by ``name``."""
    files = diff.uncommitted
    if not files:
        return ""
    shown = ", ".join(name(file) for file in files[:5])
    if len(files) > 5:
        shown += f" and {len(files) - 5} more"
    edits = f"{plural(len(files), 'procedure file')} with edits not committed yet ({shown})"
    if diff.head is None:
        return (f"Note: {edits}: compared here as they are on disk, but a pull request has "
                "only what is committed: commit them.")
    return (f"Note: {edits}: not compared here, only what is committed: commit them, or run "
            "`sopkit diff` without a HEAD revision to compare the files on disk.")


# -- markdown ----------------------------------------------------------------------------------


_MD_MARKS: dict[str, Callable[[str], str]] = {
    "removed": lambda text: f"<del>{md_text(text)}</del>",
    "added": lambda text: f"<ins>{md_text(text)}</ins>",
    "gap": lambda text: text, "more": lambda text: f"*{md_text(text.strip())}*",
}


def _md_change(change: FieldChange, titles: Mapping[str, str]) -> str:
    path = md_code(change.path)
    before, after = _values(change, titles)
    if change.change == "changed" and _long(before, after):
        return f"{path}: {_words(before, after, md_text, _MD_MARKS)}"
    if change.change == "changed":
        old, new = _pair(before, after)
        return f"{path}: {md_code(old)} → {md_code(new)}"
    if change.change == "reordered":
        old, new = _pair(before, after)
        return f"{path} reordered: {md_code(old)} → {md_code(new)}"
    value = after if change.change == "added" else before
    return f"{path} {change.change}: {md_code(_shorten(_plain(value)))}"


def _md_organization(diff: HandbookDiff) -> list[str]:
    """organization.yml's changes, when it changed: who holds which role, which
    departments there are. Procedures that name a removed role are reported by
    validation (unknown-role)."""
    org = diff.organization
    if org is None or org.change == "unchanged":
        return []
    lines = ["", f"### {md_code(org.file)} {_ORGANIZATION_CHANGE[org.change]}", ""]
    lines += _md_problems("at the base revision", org.base_problems)
    lines += _md_problems("now", org.head_problems)
    lines += [f"- {_md_change(change, org.role_titles)}" for change in org.changes]
    return lines


_ORGANIZATION_CHANGE = {"added": "added", "removed": "removed", "modified": "changed",
                        "invalid": "is not valid", "unchanged": "unchanged"}


def _md_table(changed: Sequence[ProcedureDiff]) -> list[str]:
    lines = ["| Procedure | Title | Change | Version | Material |",
             "| --- | --- | --- | --- | --- |"]
    for p in changed:
        before, after = _version(p)
        ident = md_code(p.id, table=True) if p.id else md_text(p.head_file or p.base_file or "")
        material = "**yes**" if p.is_material else ""
        cell = md_text(_shorten(p.title))
        lines.append(f"| {ident} | {cell} | {_change_label(p)} | "
                     f"{md_text(before)} → {md_text(after)} | {material} |")
    return lines


def _md_problems(side: str, problems: Sequence[Diagnostic]) -> list[str]:
    return [f"- {side}: {md_code(_where(d))} {md_text(d.message)}" for d in problems]


def _md_procedure(p: ProcedureDiff, found: Sequence[Diagnostic]) -> list[str]:
    name = md_text(p.id or p.head_file or p.base_file or "")
    lines = ["", f"### {name} {md_text(_shorten(p.title))}".rstrip(), ""]
    facts = []
    if p.moved:
        facts.append(f"Moved from {md_code(p.base_file or '')} to {md_code(p.head_file or '')}.")
    if p.change == "modified":
        before, after = _version(p)
        entry = "with a new history entry" if p.history_added else "no new history entry."
        if p.history_added:
            entry += (f": “{md_text(p.history_summary.strip())}”" if p.history_summary
                      else ".")
        version = (f"Version {md_text(before)} → {md_text(after)}" if before != after
                   else f"Version {md_text(after)}, not raised")
        facts.append(f"{version}, {entry}")
    if p.change == "invalid":
        facts.append("Cannot be compared: the file does not load or breaks the procedure format "
                     "(`sopkit validate` says more).")
    if facts:
        lines += [" ".join(facts), ""]
    if p.base_problems or p.head_problems:
        lines += [*_md_problems("at the base revision", p.base_problems),
                  *_md_problems("now", p.head_problems), ""]
    if found:
        lines += ["**Findings**", ""]
        lines += [f"- **{d.severity}** `{d.rule}` {md_code(_where(d))}: {md_text(d.message)}"
                  for d in found]
        lines.append("")
    if p.material:
        lines += ["**Material changes**", "",
                  *(f"- {_md_change(c, p.role_titles)}" for c in p.material), ""]
    if p.other:
        lines += ["**Other changes**", "",
                  *(f"- {_md_change(c, p.role_titles)}" for c in p.other), ""]
    return lines[:-1] if lines[-1] == "" else lines


def _markdown(diff: HandbookDiff, diagnostics: Sequence[Diagnostic]) -> str:
    changed = diff.changed
    base = f"{md_code(diff.base)} at {md_code(diff.base_commit[:12])}"
    head = (md_text(_head_name(diff)) if diff.head is None
            else f"{md_code(diff.head)} at {md_code((diff.head_commit or '')[:12])}")
    lines = ["## sopkit: procedure changes", "",
             f"Compared {base} (the merge base) with {head}."]
    note = _uncommitted_note(diff, md_code)
    if note:
        lines += ["", f"> **{note.replace(':', ':**', 1)}"]
    if not changed:
        lines += ["", f"No procedure changed ({plural(len(diff.unchanged), 'procedure')} "
                      "compared)."]
        lines += _md_organization(diff)
        lines += _md_training(diff)
        lines += md_approvals(diff.approvals, md_text)
        return "\n".join(lines) + "\n"
    errors, warnings = counts(diagnostics)
    summary = f"{plural(len(changed), 'procedure')} changed, {len(diff.unchanged)} unchanged"
    if errors or warnings:
        summary += f"; the change rules report **{_findings(diagnostics)}**"
    lines += ["", summary + ".", "", *_md_table(changed)]
    shown: set[Diagnostic] = set()
    for p in changed:
        found = _for(p, diagnostics)
        shown.update(found)
        if p.change == "added" and not found:
            continue
        if p.change == "removed" and not p.base_problems:
            continue
        lines += _md_procedure(p, found)
    lines += _md_organization(diff)
    lines += _md_training(diff)
    lines += md_approvals(diff.approvals, md_text)
    rest = [d for d in diagnostics if d not in shown]
    if rest:
        lines += ["", "### Other findings", ""]
        lines += [f"- **{d.severity}** `{d.rule}` {md_code(_where(d))}: {md_text(d.message)}"
                  for d in rest]
    return "\n".join(lines) + "\n"


def _trained(record: Record) -> str:
    """``li-na trained on HR-001 1.2.0 (2026-02-01)``, plain (escaped by the caller)."""
    failed = ", failed" if not record.passed else ""
    return (f"{record.person} trained on {record.procedure} {record.version} "
            f"({record.date.isoformat()}{failed})")


def _retrain(item: Retraining) -> tuple[str, str]:
    """What changed and who must be trained again, plain (escaped by the caller)."""
    people = ", ".join(f"{name} ({person})" if name != person else person
                       for person, name in item.people)
    return f"{item.procedure} {item.base_version} → {item.head_version}", people


def _md_training(diff: HandbookDiff) -> list[str]:
    training = diff.training
    if training is None or training.empty:
        return []
    lines = ["", "### Training", ""]
    if training.retraining:
        lines += ["Needs training on the new version once this merges (a minor or major "
                  "raise):", ""]
        for item in training.retraining:
            change, people = _retrain(item)
            lines.append(f"- {md_text(change)} {md_text(_shorten(item.title))}: "
                         f"{md_text(people)}")
        lines.append("")
    if training.added:
        lines += [f"Training records added ({len(training.added)}):", ""]
        lines += [f"- {md_text(_trained(record))}" for record in training.added]
    return lines


def _text_training(diff: HandbookDiff) -> list[str]:
    training = diff.training
    if training is None or training.empty:
        return []
    lines = [""]
    for item in training.retraining:
        change, people = _retrain(item)
        lines.append(f"needs training on {visible(change)}: {visible(people)}")
    lines += [f"record added: {visible(_trained(record))}" for record in training.added]
    return lines


def _json_training(diff: HandbookDiff) -> dict[str, Any] | None:
    training = diff.training
    if training is None:
        return None
    return {
        "retraining": [{"procedure": item.procedure, "title": item.title,
                        "version": {"before": item.base_version, "after": item.head_version},
                        "people": [person for person, _ in item.people]}
                       for item in training.retraining],
        "records_added": [{"person": r.person, "procedure": r.procedure, "version": r.version,
                           "date": r.date.isoformat(), "passed": r.passed}
                          for r in training.added],
    }


# -- json --------------------------------------------------------------------------------------


def _json_change(change: FieldChange, titles: Mapping[str, str]) -> dict[str, Any]:
    found = {"path": change.path, "change": change.change, "before": change.before,
             "after": change.after, "material": change.material or None}
    if change.roles:
        named = [v for value in (change.before, change.after)
                 for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
        found["titles"] = {role: titles[role] for role in sorted(set(named)) if role in titles}
    return found


def _json_diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"file": d.file, "line": d.line, "column": d.column, "severity": d.severity,
            "rule": d.rule, "message": d.message}


def _json_procedure(p: ProcedureDiff) -> dict[str, Any]:
    return {
        "id": p.id, "title": p.title, "change": p.change, "moved": p.moved,
        "base_file": p.base_file, "head_file": p.head_file,
        "version": {"before": p.base_version, "after": p.head_version},
        "history_added": p.history_added, "material": p.is_material,
        "history_summary": p.history_summary,
        "material_changes": [_json_change(c, p.role_titles) for c in p.material],
        "other_changes": [_json_change(c, p.role_titles) for c in p.other],
        "problems": {"base": [_json_diagnostic(d) for d in p.base_problems],
                     "head": [_json_diagnostic(d) for d in p.head_problems]},
    }


def _json(diff: HandbookDiff, diagnostics: Sequence[Diagnostic]) -> str:
    errors, warnings = counts(diagnostics)
    data = {
        "base": {"revision": diff.base, "commit": diff.base_commit},
        "head": {"revision": diff.head, "commit": diff.head_commit,
                 "working_tree": diff.head is None},
        "uncommitted": list(diff.uncommitted),
        "procedures": [_json_procedure(p) for p in diff.changed],
        "unchanged": [p.id for p in diff.unchanged],
        "organization": None if diff.organization is None else {
            "file": diff.organization.file, "change": diff.organization.change,
            "changes": [_json_change(c, diff.organization.role_titles)
                        for c in diff.organization.changes],
            "problems": {"base": [_json_diagnostic(d) for d in diff.organization.base_problems],
                         "head": [_json_diagnostic(d) for d in diff.organization.head_problems]},
        },
        "training": _json_training(diff),
        "approvals": json_approvals(diff.approvals),
        "diagnostics": [_json_diagnostic(d) for d in diagnostics],
        "summary": {"changed": len(diff.changed), "unchanged": len(diff.unchanged),
                    "material": sum(1 for p in diff.changed if p.is_material),
                    "errors": errors, "warnings": warnings},
    }
    return json_escaped(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n"


# -- text --------------------------------------------------------------------------------------


_TEXT_MARKS: dict[str, Callable[[str], str]] = {
    "removed": lambda text: f"[-{text}-]", "added": lambda text: f"{{+{text}+}}",
}


def _text_change(change: FieldChange, titles: Mapping[str, str]) -> str:
    before, after = _values(change, titles)
    if change.change == "changed" and _long(before, after):
        return f"{visible(change.path)}: {_words(before, after, visible, _TEXT_MARKS)}"
    if change.change in ("changed", "reordered"):
        old, new = _pair(before, after)
        verb = ": " if change.change == "changed" else " reordered: "
        return f"{visible(change.path)}{verb}{old} → {new}"
    value = after if change.change == "added" else before
    return f"{visible(change.path)} {change.change}: {_shorten(_plain(value))}"


def _text(diff: HandbookDiff, diagnostics: Sequence[Diagnostic]) -> str:
    lines = [f"Compared {visible(diff.base)} (merge base {diff.base_commit[:12]}) with "
             f"{visible(_head_name(diff))}."]
    note = _uncommitted_note(diff, visible)
    if note:
        lines.append(note)
    for p in diff.changed:
        before, after = _version(p)
        name = visible(p.id or p.head_file or p.base_file or "")
        material = ", material" if p.is_material else ""
        version = (f", version {visible(before)} → {visible(after)}" if before != after
                   else f", version {visible(after)}" if after != "–" else "")
        lines += ["", f"{name} {_visible_line(_shorten(p.title))}".rstrip(),
                  f"  {_change_label(p)}{material}{version}"]
        if p.moved:
            lines.append(f"  moved from {visible(p.base_file or '')} to "
                         f"{visible(p.head_file or '')}")
        if p.change == "modified" and p.head_version != p.base_version:
            entry = "new entry" if p.history_added else "no new entry"
            if p.history_summary is not None:
                entry += f": {_visible_line(p.history_summary.strip())}"
            lines.append(f"  history: {entry}")
        for side, problems in (("at the base revision", p.base_problems),
                               ("now", p.head_problems)):
            lines += [f"  {side}: {visible(_where(d))}: {visible(d.message)}"
                      for d in problems]
        lines += [f"  material: {_text_change(c, p.role_titles)}" for c in p.material]
        lines += [f"  {_text_change(c, p.role_titles)}" for c in p.other]
    org = diff.organization
    if org is not None and org.change != "unchanged":
        lines += ["", f"{visible(org.file)} {_ORGANIZATION_CHANGE[org.change]}"]
        for side, problems in (("at the base revision", org.base_problems),
                               ("now", org.head_problems)):
            lines += [f"  {side}: {visible(_where(d))}: {visible(d.message)}"
                      for d in problems]
        lines += [f"  {_text_change(c, org.role_titles)}" for c in org.changes]
    lines += _text_training(diff)
    lines += text_approvals(diff.approvals)
    if diagnostics:
        lines.append("")
        lines += [f"{visible(_where(d))}: {d.severity} {d.rule}: {visible(d.message)}"
                  for d in diagnostics]
    lines += ["", f"{plural(len(diff.changed), 'procedure')} changed, "
                  f"{len(diff.unchanged)} unchanged; {_findings(diagnostics)}"]
    return "\n".join(lines) + "\n"
