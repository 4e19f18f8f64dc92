"""Dates as the procedure format writes them (ISO text) and review arithmetic."""

from __future__ import annotations

import calendar
from datetime import date


def parse_date(value: object) -> date | None:
    """An ISO date (``2026-01-31``), or None when ``value`` is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of the month.

    Reviewed on 31 January, due one month later: 28 (or 29) February.
    """
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
