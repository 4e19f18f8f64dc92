"""Compare the handbook at a base revision with HEAD, procedure by procedure.

Procedures are matched by ``id``, not by file: a procedure moved to another file
is the same procedure, an ``id`` that disappears is *removed* (never silently
renamed), and a file whose ``id`` changed is one procedure removed and another
added. Files that cannot be matched by ``id`` (they do not load, or have no
``id``) are matched by path. Loaded data is compared, not text, so comments,
quoting and layout never count, and neither do ``x-`` keys.

For a modified procedure the changes are listed material first (steps added,
removed or reordered; a step's role or RACI; owner, approvers, status), then
every other changed field, addressed by ids rather than list positions:
``steps[prepare].duration``, ``metrics[Time to productive].target``. List items
are addressed by their ``id``, ``name``, ``term`` or ``version`` where every
item has a distinct one, else by position, counted from 1.

The comparison itself (:func:`compare`, :func:`content_changed`, ...) is pure;
:func:`diff_handbook` reads the two revisions through :mod:`sopkit.review.git`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal, cast

from sopkit.check.diagnostics import Diagnostic, Severity
from sopkit.check.discover import (
    LINKED_FILE,
    YAML_SUFFIXES,
    Boundary,
    Paths,
    discover_names,
    display_name,
    outside_link,
)
from sopkit.config import Config
from sopkit.format.load import (
    MAX_BYTES,
    Document,
    JsonPath,
    load_bytes,
    load_file,
    read_file,
    too_large,
)
from sopkit.format.schema import check_schema
from sopkit.review import git
from sopkit.rules import Change, ChangeCheck, Problem, all_rules

ChangeKind = Literal["added", "removed", "modified", "unchanged", "invalid"]
FieldKind = Literal["changed", "added", "removed", "reordered"]

STEP_ADDED = "step added"
STEP_REMOVED = "step removed"
STEPS_REORDERED = "steps reordered"
STEP_ROLE = "step role"
STEP_RACI = "step RACI"
OWNER = "owner"
APPROVERS = "approvers"
STATUS = "status"

MATERIAL_ORDER = (STEP_REMOVED, STEPS_REORDERED, STEP_ADDED, STEP_ROLE, STEP_RACI, OWNER,
                  APPROVERS, STATUS)
"""The kinds of material change, in the order a review summary lists them."""

NEEDS_MINOR = frozenset({STEP_REMOVED, STEPS_REORDERED, STEP_ROLE, OWNER})
"""Material changes that need at least a minor version raise (the spec's change rules)."""

NOT_CONTENT: tuple[JsonPath, ...] = (("version",), ("history",), ("review", "last_reviewed"))
"""Fields whose change alone is not a change of content: the version and its change log,
and the date of the last review (recording a review changes nothing in the procedure)."""

_LIST_KEYS = ("id", "name", "term", "version")
_RACI = ("accountable", "consulted", "informed")


@dataclass(frozen=True)
class FieldChange:
    """One changed field of a procedure."""

    path: str
    """Where, in words a reviewer can find: ``steps[prepare].duration``, ``purpose``."""
    change: FieldKind
    before: Any = None
    """The value at the base revision (the removed item, for ``removed``)."""
    after: Any = None
    """The value at HEAD (the added item, for ``added``)."""
    material: str = ""
    """The kind of material change (one of :data:`MATERIAL_ORDER`), or "" when not material."""
    head_path: JsonPath = ()
    """Where the change is in the HEAD document (its parent, for a removal)."""


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


# -- pure comparison ---------------------------------------------------------------------------


def strip_extensions(value: Any) -> Any:
    """``value`` without ``x-`` keys, at any depth: they are the user's, not sopkit's."""
    if isinstance(value, dict):
        return {key: strip_extensions(item) for key, item in value.items()
                if not (isinstance(key, str) and key.startswith("x-"))}
    if isinstance(value, list):
        return [strip_extensions(item) for item in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Equal as loaded data, with types (``1``, ``1.0`` and ``true`` all differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _without(data: Mapping[str, Any], paths: Iterable[JsonPath]) -> dict[str, Any]:
    copy: dict[str, Any] = strip_extensions(dict(data))  # new mappings all the way down
    for path in paths:
        node: Any = copy
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return copy


def content_changed(base: Mapping[str, Any], head: Mapping[str, Any]) -> bool:
    """Whether the procedure itself changed: anything but :data:`NOT_CONTENT` and ``x-`` keys."""
    return not same(_without(base, NOT_CONTENT), _without(head, NOT_CONTENT))


def history_versions(data: Mapping[str, Any]) -> list[str]:
    history = data.get("history")
    if not isinstance(history, list):
        return []
    return [entry["version"] for entry in history
            if isinstance(entry, dict) and isinstance(entry.get("version"), str)]


def history_added(base: Mapping[str, Any], head: Mapping[str, Any]) -> bool:
    """HEAD's history starts with a new entry for HEAD's version, above the base's entries.

    An entry of the base's version relabelled with the new one is not a new entry,
    unless the base's version was a pre-release (whose entries may be folded into
    the release).
    """
    version, before = head.get("version"), base.get("version")
    versions, earlier = history_versions(head), history_versions(base)
    if not versions or versions[0] != version or version == before or version in earlier:
        return False
    folded = isinstance(before, str) and "-" in before.split("+", 1)[0]
    return folded or not earlier or earlier[0] in versions


def compare(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Every changed field between two procedures' data, material changes first.

    ``version`` is left out (it is reported on its own), and so is the history
    entry added for HEAD's version.
    """
    found: list[FieldChange] = []
    _walk(strip_extensions(dict(base)), strip_extensions(dict(head)), "", (), (), found)
    skip = {"version"}
    if history_added(base, head):
        skip.add(f"history[{head.get('version')}]")
    kept = [change for change in found if change.path not in skip]
    order = {kind: index for index, kind in enumerate(MATERIAL_ORDER)}
    material = sorted((c for c in kept if c.material), key=lambda c: order[c.material])
    return (*material, *(c for c in kept if not c.material))


def _material(trail: tuple[str, ...], change: FieldKind) -> str:
    if trail == ("owner",):
        return OWNER
    if trail[:1] == ("approvers",):
        return APPROVERS
    if trail == ("status",):
        return STATUS
    if trail == ("steps",) and change == "reordered":
        return STEPS_REORDERED
    if trail == ("steps", "[]") and change in ("added", "removed"):
        return STEP_ADDED if change == "added" else STEP_REMOVED
    if trail[:3] == ("steps", "[]", "role"):
        return STEP_ROLE
    if len(trail) >= 3 and trail[:2] == ("steps", "[]") and trail[2] in _RACI:
        return STEP_RACI
    return ""


def _join(address: str, key: str) -> str:
    return f"{address}.{key}" if address else key


def _walk(before: Any, after: Any, address: str, trail: tuple[str, ...], head_path: JsonPath,
          out: list[FieldChange]) -> None:
    def note(kind: FieldKind, where: str, sub: tuple[str, ...], old: Any, new: Any,
             at: JsonPath) -> None:
        out.append(FieldChange(where, kind, old, new, _material(sub, kind), at))

    if same(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*after, *(k for k in before if k not in after)]:
            where, sub = _join(address, key), (*trail, key)
            if key not in before:
                note("added", where, sub, None, after[key], (*head_path, key))
            elif key not in after:
                note("removed", where, sub, before[key], None, head_path)
            else:
                _walk(before[key], after[key], where, sub, (*head_path, key), out)
        return
    if isinstance(before, list) and isinstance(after, list):
        if _all_scalars(before) and _all_scalars(after):
            note("changed", address, trail, before, after, head_path)
            return
        key = _list_key(before, after)
        if key is not None:
            _walk_keyed(before, after, key, address, trail, head_path, out)
            return
        for index in range(max(len(before), len(after))):
            where, sub = f"{address}[{index + 1}]", (*trail, "[]")
            if index >= len(before):
                note("added", where, sub, None, after[index], (*head_path, index))
            elif index >= len(after):
                note("removed", where, sub, before[index], None, head_path)
            else:
                _walk(before[index], after[index], where, sub, (*head_path, index), out)
        return
    note("changed", address, trail, before, after, head_path)


def _walk_keyed(before: list[Any], after: list[Any], key: str, address: str,
                trail: tuple[str, ...], head_path: JsonPath, out: list[FieldChange]) -> None:
    old = {item[key]: item for item in before}
    new = {item[key]: index for index, item in enumerate(after)}
    sub = (*trail, "[]")
    for name, item in old.items():
        if name not in new:
            out.append(FieldChange(f"{address}[{name}]", "removed", item, None,
                                   _material(sub, "removed"), head_path))
    kept_before = [item[key] for item in before if item[key] in new]
    kept_after = [item[key] for item in after if item[key] in old]
    if kept_before != kept_after:
        out.append(FieldChange(address, "reordered", [item[key] for item in before],
                               [item[key] for item in after], _material(trail, "reordered"),
                               head_path))
    for index, item in enumerate(after):
        name = item[key]
        where = f"{address}[{name}]"
        if name not in old:
            out.append(FieldChange(where, "added", None, item, _material(sub, "added"),
                                   (*head_path, index)))
        else:
            _walk(old[name], item, where, sub, (*head_path, index), out)


def _all_scalars(items: list[Any]) -> bool:
    return not any(isinstance(item, dict | list) for item in items)


def _list_key(before: list[Any], after: list[Any]) -> str | None:
    """The key that names every item of both lists, distinctly: id, name, term or version."""
    items = [*before, *after]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in _LIST_KEYS:
        if all(isinstance(item.get(key), str) for item in items) and all(
            len({item[key] for item in side}) == len(side) for side in (before, after)
        ):
            return key
    return None


def describe(change: FieldChange) -> str:
    """A material change in words: ``step 'prepare' was removed``; else ``path change``."""
    step = change.path[len("steps["):change.path.find("]")] if change.path.startswith(
        "steps[") else ""
    if change.material == STEP_REMOVED:
        return f"step '{step}' was removed"
    if change.material == STEP_ADDED:
        return f"step '{step}' was added"
    if change.material == STEPS_REORDERED:
        return "the steps were reordered"
    if change.material == STEP_ROLE and change.change == "changed":
        return f"the role of step '{step}' changed from '{change.before}' to '{change.after}'"
    if change.material == OWNER and change.change == "changed":
        return f"the owner changed from '{change.before}' to '{change.after}'"
    return f"{change.path} {change.change}"


# -- reading the two revisions -----------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    path: str
    """Relative to the repository root, '/' separated: how the two sides are matched."""
    file: str
    """As messages name it (relative to the current folder)."""
    document: Document | None
    problems: tuple[Diagnostic, ...]

    @property
    def id(self) -> str | None:
        value = self.document.data.get("id") if self.document is not None else None
        return value if isinstance(value, str) and value else None

    @property
    def valid(self) -> Document | None:
        return self.document if not self.problems else None


def _loaded(raw: bytes, file: str, path: str,
            kind: Literal["procedure", "organization"] = "procedure") -> _Entry:
    document = load_bytes(raw, file)
    if isinstance(document, Diagnostic):
        return _Entry(path, file, None, (document,))
    return _Entry(path, file, document, tuple(check_schema(document, kind)))


def _is_procedure(path: str, folder: str) -> bool:
    relative = PurePosixPath(path).relative_to(folder) if folder else PurePosixPath(path)
    *folders, name = relative.parts
    return (name.endswith(YAML_SUFFIXES) and not name.startswith(("_", "."))
            and not any(part.startswith(("_", ".")) for part in folders))


def _read_revision(root: Path, commit: str, folder: str,
                   within: Sequence[str]) -> list[_Entry]:
    """The procedures at ``commit``. A link is followed as far as ``within`` (the handbook's
    folders): one that leads out of them is reported, as sopkit validate reports it on
    disk, and one to another procedure file is left out (that file is compared)."""
    blobs = [blob for blob in git.list_blobs(root, commit, folder)
             if _is_procedure(blob.path, folder)]
    regular = {blob.path for blob in blobs if not blob.link}
    targets: dict[str, git.Blob | Diagnostic | None] = {
        blob.path: _link_target(root, commit, blob, within, regular)
        for blob in blobs if blob.link}
    read = [target for target in (blob if not blob.link else targets[blob.path]
                                  for blob in blobs)
            if isinstance(target, git.Blob) and target.size <= MAX_BYTES]
    contents = git.read_blobs(root, (blob.oid for blob in read))
    entries: list[_Entry] = []
    for blob in blobs:
        file = display_name(root / blob.path)
        target = targets[blob.path] if blob.link else blob
        if target is None:
            continue
        if isinstance(target, Diagnostic):
            entries.append(_Entry(blob.path, file, None, (target._replace(file=file),)))
        elif target.size > MAX_BYTES:
            entries.append(_Entry(blob.path, file, None, (too_large(file, target.size),)))
        else:
            entries.append(_loaded(contents[target.oid], file, blob.path))
    return entries


def _link_target(root: Path, commit: str, link: git.Blob, within: Sequence[str],
                 procedures: Container[str]) -> git.Blob | Diagnostic | None:
    """The file ``link`` leads to; a finding when it leads out of the handbook or nowhere;
    None when it leads to one of ``procedures`` (compared at its own path)."""
    followed = git.follow_link(root, commit, link, within)
    if followed.end == "outside":
        return outside_link(link.path, LINKED_FILE)
    if followed.blob is None:
        return Diagnostic(link.path, 0, 0, "error", "io",
                          f"this file is a link to {followed.path}, which is not a file at "
                          "this revision" + (" (links without end)" if followed.end == "loop"
                                             else "") + ": point the link at a file")
    return None if followed.path in procedures else followed.blob


def _handbook_folders(root: Path, config: Config) -> tuple[str, ...]:
    """The handbook's folders relative to the repository root ("" when the handbook holds
    all of it): where its links may lead, as for :class:`sopkit.check.discover.Boundary`."""
    folders: list[str] = []
    for folder in (config.root, config.procedures):
        try:
            relative = folder.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return ("",)
        relative = "" if relative == "." else relative
        if not folders or not (folders[0] == "" or relative == folders[0]
                               or relative.startswith(folders[0] + "/")):
            folders.append(relative)
    return tuple(folders)


def _read_worktree(root: Path, config: Config) -> list[_Entry]:
    """The procedures on disk, with sopkit validate's policy for links: one out of the
    handbook is reported and never read (a linked folder too); one to another procedure
    file is left out (that file is compared)."""
    procedures = config.procedures
    boundary = Boundary(config.root, procedures)
    files = Paths(boundary.inside)
    names = discover_names(os.fspath(procedures), files) if procedures.is_dir() else []
    leaving = {name for name in files.suspects if boundary.leaves(name, files.resolve(name))}
    own = {files.resolve(name) for name in names if name not in files.suspects}
    entries: list[_Entry] = []
    for folder in dict.fromkeys(files.linked_folders):
        if boundary.leaves(folder):
            file = display_name(Path(folder))
            entries.append(_Entry(_relative(root, Path(folder), file), file, None,
                                  (outside_link(file, boundary.describe(folder)),)))
    for name in names:
        if name in files.suspects and name not in leaving and files.resolve(name) in own:
            continue  # a link to another procedure file: compared once, as that file
        path = Path(name)
        file = display_name(path)
        relative = _relative(root, path, file)
        if name in leaving:
            entries.append(_Entry(relative, file, None,
                                  (outside_link(file, boundary.describe(name)),)))
            continue
        document = load_file(path, file)
        if isinstance(document, Diagnostic):
            entries.append(_Entry(relative, file, None, (document,)))
        else:
            entries.append(_Entry(relative, file, document,
                                  tuple(check_schema(document, "procedure"))))
    return entries


def _relative(root: Path, path: Path, file: str) -> str:
    """``path`` relative to the repository root, '/' separated: the folder resolved, not the
    file (a linked file keeps its own name); ``file`` when outside the repository."""
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


def _match(base: Sequence[_Entry], head: Sequence[_Entry],
           ) -> list[tuple[_Entry | None, _Entry | None]]:
    """Pairs of the same procedure: by id, then by path for files without a usable id."""
    base_left, base_by_id = _by_id(base)
    head_left, head_by_id = _by_id(head)
    pairs: list[list[_Entry | None]] = [
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


def _lone(pairs: list[list[_Entry | None]], path: str, side: int) -> list[_Entry | None] | None:
    """The pair that has only its ``side`` (0 base, 1 head), at ``path``."""
    for pair in pairs:
        entry = pair[side]
        if entry is not None and pair[1 - side] is None and entry.path == path:
            return pair
    return None


def _by_id(entries: Sequence[_Entry]) -> tuple[list[_Entry], dict[str, _Entry]]:
    """Entries keyed by id (the first, by path, of a duplicated id), and the others."""
    by_id: dict[str, _Entry] = {}
    left: list[_Entry] = []
    for entry in sorted(entries, key=lambda e: e.path):
        key = entry.id
        if key is None:
            left.append(entry)
        elif key in by_id:
            line, column = entry.document.position(("id",)) if entry.document else (1, 1)
            problem = Diagnostic(entry.file, line, column, "error", "duplicate-procedure-id",
                                 f"procedure id '{key}' is also used by {by_id[key].file}: "
                                 "give each procedure its own id")
            left.append(_Entry(entry.path, entry.file, entry.document,
                               (*entry.problems, problem)))
        else:
            by_id[key] = entry
    return left, by_id


def _procedure(old: _Entry | None, new: _Entry | None) -> ProcedureDiff:
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
    }
    if (old is not None and base is None) or (new is not None and head is None):
        return ProcedureDiff(change="invalid", **common)
    if base is None:
        return ProcedureDiff(change="added", **common)
    if head is None:
        return ProcedureDiff(change="removed", **common)
    if same(strip_extensions(base.data), strip_extensions(head.data)):
        return ProcedureDiff(change="unchanged", **common)
    return ProcedureDiff(change="modified", history_added=history_added(base.data, head.data),
                         changes=compare(base.data, head.data), **common)


def _version(entry: _Entry | None) -> str | None:
    if entry is None or entry.document is None:
        return None
    version = entry.document.data.get("version")
    return version if isinstance(version, str) else None


def _folder(root: Path, procedures: Path) -> str:
    try:
        relative = procedures.resolve().relative_to(root.resolve())
    except ValueError:
        raise git.GitError(f"the procedures folder {procedures} is outside the git repository "
                           f"at {root}") from None
    text = relative.as_posix()
    return "" if text == "." else text


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
    folder = _folder(root, config.procedures)
    head_commit = git.resolve(root, head) if head is not None else None
    base_name = base if base is not None else git.default_branch(root)
    base_tip = git.resolve(root, base_name)
    base_commit = git.merge_base(root, base_tip, head_commit or git.resolve(root, "HEAD"))
    within = _handbook_folders(root, config)
    old = _read_revision(root, base_commit, folder, within)
    new = (_read_revision(root, head_commit, folder, within) if head_commit is not None
           else _read_worktree(root, config))
    procedures = [_procedure(a, b) for a, b in _match(old, new)]
    procedures.sort(key=lambda p: (p.id is None, p.id or "", p.head_file or p.base_file or ""))
    return HandbookDiff(base=base_name, base_commit=base_commit, head=head,
                        head_commit=head_commit, procedures=tuple(procedures),
                        organization=_organization(root, config, base_commit, head_commit,
                                                   within))


def _organization(root: Path, config: Config, base_commit: str, head_commit: str | None,
                  within: Sequence[str]) -> OrganizationDiff | None:
    """organization.yml compared, field by field, as procedures are."""
    path = config.organization
    try:
        relative = (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return None  # outside the repository: nothing to compare with
    file = display_name(path)
    old_raw = _organization_at(root, base_commit, relative, within)
    new_raw: bytes | Diagnostic | None
    if head_commit is not None:
        new_raw = _organization_at(root, head_commit, relative, within)
    elif not os.path.lexists(path):
        new_raw = None
    else:
        boundary = Boundary(config.root, config.procedures)
        new_raw = (outside_link(file, boundary.describe(os.fspath(path)))
                   if boundary.leaves(os.fspath(path)) else read_file(path, file))
    if old_raw is None and new_raw is None:
        return None
    old = (None if old_raw is None
           else _Entry(relative, file, None, (old_raw._replace(file=file),))
           if isinstance(old_raw, Diagnostic)
           else _loaded(old_raw, file, relative, "organization"))
    new = (None if new_raw is None
           else _Entry(relative, file, None, (new_raw._replace(file=file),))
           if isinstance(new_raw, Diagnostic)
           else _loaded(new_raw, file, relative, "organization"))
    base_problems = old.problems if old is not None else ()
    head_problems = new.problems if new is not None else ()
    if old is None or new is None:
        return OrganizationDiff(file, "added" if old is None else "removed",
                                base_problems=base_problems, head_problems=head_problems)
    if old.valid is None or new.valid is None:
        return OrganizationDiff(file, "invalid", base_problems=base_problems,
                                head_problems=head_problems)
    changes = tuple(replace(change, material="")
                    for change in compare(old.valid.data, new.valid.data))
    return OrganizationDiff(file, "modified" if changes else "unchanged", changes)


def _organization_at(root: Path, commit: str, relative: str,
                     within: Sequence[str]) -> bytes | Diagnostic | None:
    """organization.yml's bytes at ``commit``, following a link as procedures' are."""
    blob = git.blob_at(root, commit, relative)
    if blob is not None and blob.link:
        target = _link_target(root, commit, blob, within, ())
        if not isinstance(target, git.Blob):
            return target
        blob = target
    if blob is None:
        return None
    if blob.size > MAX_BYTES:
        return too_large(relative, blob.size)
    return git.read_blobs(root, [blob.oid])[blob.oid]


# -- the change rules --------------------------------------------------------------------------


def change_problems(check: ChangeCheck, procedures: Iterable[ProcedureDiff]) -> Iterator[Problem]:
    """What one change rule finds in the procedures that can be compared."""
    for procedure in procedures:
        if procedure.change == "invalid":
            continue
        yield from check(Change(procedure.base, procedure.head))


def change_diagnostics(config: Config, diff: HandbookDiff) -> list[Diagnostic]:
    """The change rules' findings, with the severities ``config`` gives them.

    Positions are in the HEAD files (the files as they are in the pull request).
    """
    found: list[Diagnostic] = []
    for rule in all_rules():
        if rule.scope != "change":
            continue
        level = config.rules.get(rule.name, rule.info.severity)
        if level == "off":
            continue
        severity: Severity = "warning" if level == "warning" else "error"
        for problem in change_problems(cast(ChangeCheck, rule.check), diff.procedures):
            file, line, column = problem.document.at(problem.path, key=problem.key)
            found.append(Diagnostic(file, line, column, severity, rule.name, problem.message))
    return sorted(set(found))
