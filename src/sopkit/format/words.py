"""Small pieces of wording shared by every message sopkit writes."""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` when one of ``choices`` is close to ``word``, else ``""``."""
    import difflib  # only when there is something to explain: a clean run does without it

    pool = sorted({choice for choice in choices if choice != word})
    close = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""
