"""Compare two versions of a procedure's (or organization.yml's) data: which fields changed.

Pure functions on loaded data, with no git, no configuration and no rules: the change
rules (:mod:`sopkit.rules`) import this module when ``sopkit validate`` starts, so it
stays light (no ``dataclasses``, no ``subprocess``). :mod:`sopkit.review.diff` reads the
two revisions and calls it.

Loaded data is compared, not text, so comments, quoting and layout never count, and
neither do ``x-`` keys. The changes are listed material first (steps added, removed or
reordered; a step's role or RACI; owner, approvers, status), then every other changed
field, addressed by ids rather than list positions: ``steps[prepare].duration``,
``metrics[Time to productive].target``. List items are addressed by their ``id``,
``name``, ``term`` or ``version`` where every item has a distinct one, else by position,
counted from 1.
"""

# No `from __future__ import annotations` here: with it, creating the FieldChange
# NamedTuple compiles each field's annotation string, about a millisecond on every
# `sopkit validate` start (the change rules import this module).
import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

from sopkit.format.load import JsonPath

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
_ROLE_FIELDS = frozenset({
    ("owner",), ("approvers",), ("steps", "[]", "role"),
    *(("steps", "[]", key) for key in _RACI),
    ("metrics", "[]", "owner"), ("risks", "[]", "owner"), ("training", "[]", "audience"),
    ("people", "[]", "roles"),
})
"""Fields whose values are role ids, by their trail (list items as ``[]``)."""


class FieldChange(NamedTuple):
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
    roles: bool = False
    """The values are role ids (an owner, approvers, a step's role or RACI, a training
    audience, a person's roles): a review shows them by their titles."""


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
        out.append(FieldChange(where, kind, old, new, _material(sub, kind), at,
                               sub in _ROLE_FIELDS))

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
