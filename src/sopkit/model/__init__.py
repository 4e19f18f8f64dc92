"""The handbook as the publishing stage reads it: its types, how it is built from
schema-valid documents, and the flow of a procedure's steps.

- :mod:`~sopkit.model.types`: the frozen dataclasses templates read (a procedure and its
  parts, the organization);
- :mod:`~sopkit.model.handbook`: the handbook and its views across procedures;
- :mod:`~sopkit.model.build`: building them from documents (roles by
  :mod:`~sopkit.model.roles`);
- :mod:`~sopkit.model.flow`: how the flow of steps goes on and ends (the flow rules read it
  too); :mod:`~sopkit.model.usual_path` and :mod:`~sopkit.model.durations` on top of it.

The names below are imported on first use: the flow rules import :mod:`sopkit.model.flow`
on ``sopkit validate``'s quick path, which must not pay for the rest of the model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sopkit.model.build import build_handbook, build_organization, build_procedure
    from sopkit.model.durations import parse_duration, split_duration
    from sopkit.model.flow import Edge
    from sopkit.model.handbook import (
        DepartmentGroup,
        Handbook,
        RecentChange,
        RoleDuty,
        RoleEntry,
        StepDuty,
    )
    from sopkit.model.types import (
        Department,
        HistoryEntry,
        Organization,
        Person,
        Procedure,
        Role,
        Step,
        UsualPath,
    )

_HOMES = {
    "build_handbook": "build", "build_organization": "build", "build_procedure": "build",
    "parse_duration": "durations", "split_duration": "durations",
    "Edge": "flow",
    "DepartmentGroup": "handbook", "Handbook": "handbook", "RecentChange": "handbook",
    "RoleDuty": "handbook", "RoleEntry": "handbook", "StepDuty": "handbook",
    "Department": "types", "HistoryEntry": "types", "Organization": "types",
    "Person": "types", "Procedure": "types", "Role": "types", "Step": "types",
    "UsualPath": "types",
}
"""Public name -> the module of this package that defines it."""

__all__ = [
    "Department", "DepartmentGroup", "Edge", "Handbook", "HistoryEntry", "Organization",
    "Person", "Procedure", "RecentChange", "Role", "RoleDuty", "RoleEntry", "Step", "StepDuty",
    "UsualPath", "build_handbook", "build_organization", "build_procedure", "parse_duration",
    "split_duration",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
