"""Semantic versions (semver.org 2.0.0) ordered by precedence."""

from __future__ import annotations

import re
from typing import NamedTuple

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


class Version(NamedTuple):
    """A parsed version; comparison follows semver precedence, so build metadata (which
    takes no part in it) is not kept.

    ``1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0 < 1.0.1``.
    """

    major: int
    minor: int
    patch: int
    release: tuple[tuple[int, int | str], ...] = ((1, 0),)
    """Sort key of the pre-release part: a release sorts after every pre-release."""

    @property
    def is_prerelease(self) -> bool:
        return self.release[0][0] == 0

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        if not self.is_prerelease:
            return core
        return core + "-" + ".".join(str(part) for _, part in self.release[1:])


def parse(text: object) -> Version | None:
    """The version written in ``text``, or None when it is not a semantic version."""
    if not isinstance(text, str):
        return None
    match = _SEMVER.match(text.strip())
    if match is None:
        return None
    major, minor, patch, pre, _build = match.groups()
    release: tuple[tuple[int, int | str], ...] = ((1, 0),)
    if pre is not None:
        # (0, ...) sorts before a release's (1, 0); numeric identifiers sort
        # numerically and before alphanumeric ones; more identifiers sort later.
        release = ((0, 0), *(
            (0, int(part)) if part.isdigit() else (1, part) for part in pre.split(".")
        ))
    return Version(int(major), int(minor), int(patch), release)
