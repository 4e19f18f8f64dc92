"""Where a procedure uses role ids, and where roles are declared."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from sopkit.format.fields import indexed_mappings
from sopkit.format.load import Document, JsonPath


class RoleUse(NamedTuple):
    """One place a procedure names a role."""

    path: JsonPath
    role: str
    where: str
    """Who names it, for messages: ``owner``, ``step 'approve' (consulted)``."""


def role_uses(data: Mapping[str, Any]) -> Iterator[RoleUse]:
    """Every role id a procedure uses, in file order of the keys the format lists.

    Owner, approvers, each step's role and RACI (accountable, consulted,
    informed), metric and risk owners, training audiences. The ids under
    ``roles`` are declarations, not uses; ``history[].author`` is free text.
    """
    yield from _at(data, ("owner",), "owner")
    yield from _at(data, ("approvers",), "approvers")
    for index, step in indexed_mappings(data.get("steps")):
        name = f"step '{step.get('id')}'"
        yield from _at(step, ("role",), name, ("steps", index))
        for part in ("accountable", "consulted", "informed"):
            yield from _at(step, (part,), f"{name} ({part})", ("steps", index))
    for index, metric in indexed_mappings(data.get("metrics")):
        yield from _at(metric, ("owner",), f"metric '{metric.get('name')}' (owner)",
                       ("metrics", index))
    for index, risk in indexed_mappings(data.get("risks")):
        yield from _at(risk, ("owner",), f"risk {index + 1} (owner)", ("risks", index))
    for index, course in indexed_mappings(data.get("training")):
        yield from _at(course, ("audience",), f"training '{course.get('topic')}' (audience)",
                       ("training", index))


def _at(data: Mapping[str, Any], key: tuple[str], where: str,
        prefix: JsonPath = ()) -> Iterator[RoleUse]:
    value = data.get(key[0])
    path = (*prefix, key[0])
    if isinstance(value, str):
        yield RoleUse(path, value, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield RoleUse((*path, index), item, where)


def declared_roles(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Role id -> its entry under the procedure's ``roles`` (the first, if repeated)."""
    return _by_id(data.get("roles"))


def organization_roles(organization: Document | None) -> dict[str, Mapping[str, Any]]:
    """Role id -> its entry in organization.yml; empty when there is no such file."""
    return _by_id(organization.data.get("roles")) if organization is not None else {}


def title_of(role: Mapping[str, Any] | None) -> str | None:
    """The role's title, or None when it has none worth showing."""
    title = role.get("title") if role is not None else None
    return title if isinstance(title, str) and title.strip() else None


def _by_id(items: object) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for _, item in indexed_mappings(items):
        if isinstance(item.get("id"), str):
            found.setdefault(item["id"], item)
    return found
