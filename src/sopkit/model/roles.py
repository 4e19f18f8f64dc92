"""Role ids to :class:`~sopkit.model.types.Role` values, and the one rule for a role's title.

A role's title is the first one written among the places that may name it, else its
id. Which places, in which order, is the caller's: a procedure's page prefers the
procedure's own title, the handbook's roles directory prefers organization.yml's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sopkit.format.fields import text_or_none, texts
from sopkit.model.types import Organization, Role


def role_title(role_id: str, *titles: str | None) -> str:
    """The first of ``titles`` that is written (not None, not empty), else ``role_id``."""
    return next((title for title in titles if title), role_id)


class RoleResolver:
    """A procedure's role ids as roles: its own ``roles`` entry, else organization.yml's,
    else just the id."""

    def __init__(self, entries: Sequence[Mapping[str, Any]], org: Organization | None) -> None:
        self.org = org
        self.own: dict[str, Role] = {}
        """The procedure's ``roles``, by id (the first entry of an id wins)."""
        for entry in entries:
            role_id = str(entry.get("id", ""))
            if role_id in self.own:
                continue
            org_role = org.role(role_id) if org else None
            self.own[role_id] = Role(
                id=role_id,
                title=role_title(role_id, text_or_none(entry.get("title")),
                                 org_role.title if org_role else None),
                department=org_role.department if org_role else None,
                responsibilities=texts(entry.get("responsibilities")),
                authority=texts(entry.get("authority")),
            )

    def __call__(self, role_id: object) -> Role:
        key = str(role_id)
        if key in self.own:
            return self.own[key]
        org_role = self.org.role(key) if self.org else None
        if org_role is not None:
            return Role(key, role_title(key, org_role.title), org_role.department)
        return Role(key, key)

    def maybe(self, role_id: object) -> Role | None:
        """The role, or None when no role is named."""
        return None if role_id is None else self(role_id)

    def many(self, role_ids: object) -> tuple[Role, ...]:
        """The roles of a list of ids."""
        return tuple(self(r) for r in texts(role_ids))
