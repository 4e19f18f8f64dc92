"""Compare the handbook at a base revision with HEAD, procedure by procedure.

Procedures are matched by ``id``, not by file: a procedure moved to another file
is the same procedure, an ``id`` that disappears is *removed* (never silently
renamed), and a file whose ``id`` changed is one procedure removed and another
added. Files that cannot be matched by ``id`` (they do not load, or have no
``id``) are matched by path.

The two revisions are read by :mod:`sopkit.review.revisions` (through
:mod:`sopkit.review.git`); each pair of files is compared by the pure
:mod:`sopkit.review.compare`, which also says what a changed field is called and
which changes are material. The change rules run here, on the pairs that compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from sopkit.check.diagnostics import Diagnostic
from sopkit.check.discover import display_name
from sopkit.check.findings import diagnostics, finding, severities
from sopkit.config import Config
from sopkit.format.load import Document
from sopkit.review import git
from sopkit.review.approval_diff import ApprovalDiff, approval_diff
from sopkit.review.compare import FieldChange, compare, history_added, same, strip_extensions
from sopkit.review.revisions import (
    RevisionFile,
    handbook_folders,
    is_procedure,
    organization_path,
    procedures_folder,
    read_organization,
    read_revision,
    read_worktree,
)
from sopkit.review.training_diff import TrainingDiff, training_diff
from sopkit.rules import ChangeCheck, Problem, ProcedureChange, all_rules

ChangeKind = Literal["added", "removed", "modified", "unchanged", "invalid"]


@dataclass(frozen=True)
class ProcedureDiff:
    """One procedure at the base revision and at HEAD."""

    id: str | None
    """None only for a file that cannot be loaded and has no counterpart with an id."""
    title: str
    change: ChangeKind
    """added, removed, modified, unchanged, or invalid (does not load or fails the schema
    at the base revision or at HEAD: see the problems)."""
    base_file: str | None
    head_file: str | None
    base_version: str | None = None
    head_version: str | None = None
    history_added: bool = False
    """HEAD's history starts with a new entry for HEAD's version."""
    changes: tuple[FieldChange, ...] = ()
    """Material changes first (in :data:`MATERIAL_ORDER`), then the others in file order."""
    base_problems: tuple[Diagnostic, ...] = ()
    head_problems: tuple[Diagnostic, ...] = ()
    base: Document | None = field(default=None, repr=False, compare=False)
    """The base document, when it passed the schema."""
    head: Document | None = field(default=None, repr=False, compare=False)
    """The HEAD document, when it passed the schema."""
    history_summary: str | None = None
    """The summary of HEAD's new history entry (with :attr:`history_added`)."""
    role_titles: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Role id to title, for the roles this procedure names: its own roles' titles (HEAD's
    over the base's), else organization.yml's."""

    @property
    def moved(self) -> bool:
        return (self.base_file is not None and self.head_file is not None
                and self.base_file != self.head_file)

    @property
    def material(self) -> tuple[FieldChange, ...]:
        return tuple(change for change in self.changes if change.material)

    @property
    def other(self) -> tuple[FieldChange, ...]:
        return tuple(change for change in self.changes if not change.material)

    @property
    def is_material(self) -> bool:
        return any(change.material for change in self.changes)


@dataclass(frozen=True)
class OrganizationDiff:
    """organization.yml at the base revision and at HEAD: departments, roles and people
    added, removed or changed (a role's title, its department, a person's roles)."""

    file: str
    """As messages name it."""
    change: ChangeKind
    changes: tuple[FieldChange, ...] = ()
    base_problems: tuple[Diagnostic, ...] = ()
    head_problems: tuple[Diagnostic, ...] = ()
    role_titles: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Role id to title, from organization.yml at HEAD and at the base revision."""


@dataclass(frozen=True)
class HandbookDiff:
    """The handbook's procedures (and organization.yml) at two revisions."""

    base: str
    """The base as named (a branch, tag or commit)."""
    base_commit: str
    """The commit compared with: where HEAD's history left ``base`` (their merge base)."""
    head: str | None
    """The HEAD revision as named, or None for the working tree."""
    head_commit: str | None
    procedures: tuple[ProcedureDiff, ...]
    """Every procedure found at either revision, by id (files without one last)."""
    organization: OrganizationDiff | None = None
    """organization.yml, when it is in the repository at either revision."""
    training: TrainingDiff | None = None
    """Who will need retraining once this merges, and the training records added (format
    1.1); None when the training folder is outside the repository."""
    uncommitted: tuple[str, ...] = ()
    """Procedure files with edits not committed yet (as messages name them), when HEAD is
    the working tree or the commit checked out: a pull request has only what is committed."""
    approvals: ApprovalDiff | None = None
    """Which approvals a change invalidates, and the approval records added (format 1.2);
    None without approval records, or when the folder is outside the repository."""

    @property
    def organization_changed(self) -> bool:
        return self.organization is not None and self.organization.change != "unchanged"

    @property
    def changed(self) -> tuple[ProcedureDiff, ...]:
        """Procedures that were added, removed, modified, moved or are invalid."""
        return tuple(p for p in self.procedures if p.change != "unchanged" or p.moved)

    @property
    def unchanged(self) -> tuple[ProcedureDiff, ...]:
        return tuple(p for p in self.procedures if p.change == "unchanged" and not p.moved)


# -- matching the two revisions' files ------------------------------------------------------


def _match(base: Sequence[RevisionFile], head: Sequence[RevisionFile],
           ) -> list[tuple[RevisionFile | None, RevisionFile | None]]:
    """Pairs of the same procedure: by id, then by path for files without a usable id."""
    base_left, base_by_id = _by_id(base)
    head_left, head_by_id = _by_id(head)
    pairs: list[list[RevisionFile | None]] = [
        [base_by_id.get(key), head_by_id.get(key)]
        for key in [*head_by_id, *(k for k in base_by_id if k not in head_by_id)]
    ]
    unmatched_base = {entry.path: entry for entry in base_left}
    for entry in head_left:
        partner = unmatched_base.pop(entry.path, None)
        if partner is None:
            pair = _lone(pairs, entry.path, side=0)
            if pair is not None:
                pair[1] = entry
                continue
        pairs.append([partner, entry])
    for entry in unmatched_base.values():
        pair = _lone(pairs, entry.path, side=1)
        if pair is not None:
            pair[0] = entry
        else:
            pairs.append([entry, None])
    return [(old, new) for old, new in pairs]


def _lone(pairs: list[list[RevisionFile | None]], path: str,
          side: int) -> list[RevisionFile | None] | None:
    """The pair that has only its ``side`` (0 base, 1 head), at ``path``."""
    for pair in pairs:
        entry = pair[side]
        if entry is not None and pair[1 - side] is None and entry.path == path:
            return pair
    return None


def _by_id(entries: Sequence[RevisionFile]) -> tuple[list[RevisionFile], dict[str, RevisionFile]]:
    """Entries keyed by id (the first, by path, of a duplicated id), and the others."""
    by_id: dict[str, RevisionFile] = {}
    left: list[RevisionFile] = []
    for entry in sorted(entries, key=lambda e: e.path):
        key = entry.id
        if key is None:
            left.append(entry)
        elif key in by_id:
            line, column = entry.document.position(("id",)) if entry.document else (1, 1)
            problem = Diagnostic(entry.file, line, column, "error", "duplicate-procedure-id",
                                 f"procedure id '{key}' is also used by {by_id[key].file}: "
                                 "give each procedure its own id")
            left.append(RevisionFile(entry.path, entry.file, entry.document,
                                     (*entry.problems, problem)))
        else:
            by_id[key] = entry
    return left, by_id


def _procedure(old: RevisionFile | None, new: RevisionFile | None,
               organization: Mapping[str, str]) -> ProcedureDiff:
    base = old.valid if old is not None else None
    head = new.valid if new is not None else None
    procedure_id = (new.id if new is not None else None) or (old.id if old is not None else None)
    documents = [e.document for e in (new, old) if e is not None and e.document is not None]
    titles = [d.data.get("title") for d in documents]
    title = next((t for t in titles if isinstance(t, str)), "")
    versions = [_version(e) for e in (old, new)]
    common: dict[str, Any] = {
        "id": procedure_id, "title": title,
        "base_file": old.file if old is not None else None,
        "head_file": new.file if new is not None else None,
        "base_version": versions[0], "head_version": versions[1],
        "base_problems": old.problems if old is not None else (),
        "head_problems": new.problems if new is not None else (),
        "base": base, "head": head,
        "role_titles": _role_titles(organization, *(d.data for d in reversed(documents))),
    }
    if (old is not None and base is None) or (new is not None and head is None):
        return ProcedureDiff(change="invalid", **common)
    if base is None:
        return ProcedureDiff(change="added", **common)
    if head is None:
        return ProcedureDiff(change="removed", **common)
    if same(strip_extensions(base.data), strip_extensions(head.data)):
        return ProcedureDiff(change="unchanged", **common)
    added = history_added(base.data, head.data)
    return ProcedureDiff(change="modified", history_added=added,
                         history_summary=_new_summary(head.data) if added else None,
                         changes=compare(base.data, head.data), **common)


def _new_summary(data: Mapping[str, Any]) -> str | None:
    """The summary of the first history entry (the newest), if it has one."""
    history = data.get("history")
    entry = history[0] if isinstance(history, list) and history else None
    summary = entry.get("summary") if isinstance(entry, dict) else None
    return summary if isinstance(summary, str) and summary.strip() else None


def _role_titles(organization: Mapping[str, str],
                 *procedures: Mapping[str, Any]) -> dict[str, str]:
    """Role titles: ``organization``'s, then each procedure's own (later ones win)."""
    titles = dict(organization)
    for data in procedures:
        titles.update(_titles(data.get("roles")))
    return titles


def _titles(roles: Any) -> dict[str, str]:
    """id to title of a ``roles`` list, for the entries that have both."""
    if not isinstance(roles, list):
        return {}
    return {role["id"]: role["title"] for role in roles if isinstance(role, dict)
            and isinstance(role.get("id"), str) and isinstance(role.get("title"), str)}


def _version(entry: RevisionFile | None) -> str | None:
    if entry is None or entry.document is None:
        return None
    version = entry.document.data.get("version")
    return version if isinstance(version, str) else None


def diff_handbook(config: Config, base: str | None = None,
                  head: str | None = None) -> HandbookDiff:
    """The handbook's procedures at ``base`` and at ``head``.

    ``head`` None means the working tree (files on disk, committed or not).
    ``base`` None means the default branch (origin/HEAD, else main, else
    master). Either way the base commit compared with is where HEAD's history
    left the base (their merge base, as in ``git diff BASE...HEAD``), so changes
    made on the base branch since do not count as changes of this branch.
    Raises :class:`sopkit.review.git.GitError` when git cannot answer.
    """
    start = config.procedures if config.procedures.exists() else config.root
    root = git.repo_root(start)
    folder = procedures_folder(root, config.procedures)
    head_commit = git.resolve(root, head) if head is not None else None
    checked_out = git.resolve(root, "HEAD")
    base_name = base if base is not None else git.default_branch(root)
    base_tip = git.resolve(root, base_name)
    base_commit = git.merge_base(root, base_tip, head_commit or checked_out)
    within = handbook_folders(root, config)
    old = read_revision(root, base_commit, folder, within)
    new = (read_revision(root, head_commit, folder, within) if head_commit is not None
           else read_worktree(root, config))
    organization = _organizations(root, config, base_commit, head_commit, within)
    titles = _role_titles({}, *(entry.valid.data for entry in organization
                                if entry is not None and entry.valid is not None))
    procedures = [_procedure(a, b, titles) for a, b in _match(old, new)]
    procedures.sort(key=lambda p: (p.id is None, p.id or "", p.head_file or p.base_file or ""))
    head_organization = organization[1].valid if organization[1] is not None else None
    head_data = head_organization.data if head_organization else None
    training = training_diff(root, config, base_commit, head_commit, procedures, head_data,
                             config.today or date.today())
    approvals = approval_diff(root, config, base_commit, head_commit, procedures, head_data)
    edited = (_uncommitted(root, folder) if head_commit in (None, checked_out) else ())
    return HandbookDiff(base=base_name, base_commit=base_commit, head=head,
                        head_commit=head_commit, procedures=tuple(procedures),
                        organization=_organization(config, *organization, titles),
                        training=training, uncommitted=edited, approvals=approvals)


def _uncommitted(root: Path, folder: str) -> tuple[str, ...]:
    """The procedure files under ``folder`` that have edits not committed yet."""
    return tuple(display_name(root / path) for path in git.uncommitted(root, folder)
                 if is_procedure(path, folder))


Organizations = tuple[RevisionFile | None, RevisionFile | None]


def _organizations(root: Path, config: Config, base_commit: str, head_commit: str | None,
                   within: Sequence[str]) -> Organizations:
    """organization.yml at the base revision and at HEAD (None where there is none, or
    where it is outside the repository)."""
    relative = organization_path(root, config)
    if relative is None:
        return None, None
    return (read_organization(root, config, relative, base_commit, within),
            read_organization(root, config, relative, head_commit, within))


def _organization(config: Config, old: RevisionFile | None, new: RevisionFile | None,
                  titles: Mapping[str, str]) -> OrganizationDiff | None:
    """organization.yml compared, field by field, as procedures are."""
    if old is None and new is None:
        return None  # none, or outside the repository: nothing to compare with
    file = display_name(config.organization)
    base_problems = old.problems if old is not None else ()
    head_problems = new.problems if new is not None else ()
    if old is None or new is None:
        return OrganizationDiff(file, "added" if old is None else "removed",
                                base_problems=base_problems, head_problems=head_problems)
    if old.valid is None or new.valid is None:
        return OrganizationDiff(file, "invalid", base_problems=base_problems,
                                head_problems=head_problems)
    changes = tuple(change._replace(material="")
                    for change in compare(old.valid.data, new.valid.data))
    return OrganizationDiff(file, "modified" if changes else "unchanged", changes,
                            role_titles=titles)


# -- the change rules --------------------------------------------------------------------------


def change_problems(check: ChangeCheck, procedures: Iterable[ProcedureDiff]) -> Iterator[Problem]:
    """What one change rule finds in the procedures that can be compared."""
    for procedure in procedures:
        if procedure.change == "invalid":
            continue
        yield from check(ProcedureChange(procedure.base, procedure.head))


def change_diagnostics(config: Config, diff: HandbookDiff) -> list[Diagnostic]:
    """The change rules' findings, with the severities ``config`` gives them.

    Positions are in the HEAD files (the files as they are in the pull request).
    """
    rules = [rule for rule in all_rules() if rule.takes == "change"]
    levels = severities(config, rules)
    found = (finding(rule.name, problem) for rule in rules if rule.name in levels
             for problem in change_problems(cast(ChangeCheck, rule.check), diff.procedures))
    return sorted(set(diagnostics(found, levels)))
