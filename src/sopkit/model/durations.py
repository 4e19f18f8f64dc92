"""Step durations as written (``2h``, ``1.5d``) to minutes, and minutes back to parts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|h|d|w)\s*$")
MINUTES: Mapping[str, int] = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
"""Minutes per duration unit: calendar days (24 h) and weeks (7 d)."""


def parse_duration(text: str | None) -> float | None:
    """Minutes in ``2h``, ``1.5d``, ``30m``, ``1w``; None when empty or unreadable."""
    if not text:
        return None
    match = _DURATION.match(text)
    if match is None:
        return None
    return float(match.group(1)) * MINUTES[match.group(2)]


UNITS = ("w", "d", "h", "m")
"""The units, largest first."""


def written_duration(text: str | None) -> tuple[str, str] | None:
    """A duration as its writer wrote it: ``"1.5d"`` is ``("1.5", "d")``; None when
    empty or unreadable."""
    match = _DURATION.match(text) if text else None
    return (match.group(1), match.group(2)) if match else None


def largest_unit(texts: Iterable[str | None]) -> str:
    """The largest unit the writer used among ``texts`` (``m`` when none is readable): a
    total of durations written in hours and days is told in days and hours, never weeks."""
    used = {written[1] for text in texts if (written := written_duration(text))}
    return next((unit for unit in UNITS if unit in used), "m")


def split_duration(minutes: float, largest: str = "w") -> tuple[tuple[str, int], ...]:
    """Minutes as whole weeks, days, hours and minutes (from ``largest`` down), largest
    first, zeros left out.

    ``split_duration(3060)`` is ``(("d", 2), ("h", 3))``; ``split_duration(14400, "d")`` is
    ``(("d", 10),)`` where the default gives a week and three days. Less than a minute (but
    more than nothing) counts as one minute.
    """
    total = round(minutes)
    if minutes > 0 and total == 0:
        total = 1
    parts: list[tuple[str, int]] = []
    for unit in UNITS[UNITS.index(largest):]:
        count, total = divmod(total, MINUTES[unit])
        if count:
            parts.append((unit, count))
    return tuple(parts) or (("m", 0),)
