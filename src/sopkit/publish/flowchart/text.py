"""Measuring and wrapping the flowchart's text, with no font at hand.

Widths are estimates from character classes (:func:`char_em`): CJK and other wide
characters 1em, Latin letters about 0.55em. :func:`wrap_text` breaks Latin text between
words and CJK text between characters, keeps closing punctuation on the line before
(kinsoku), and ends what does not fit with an ellipsis (:func:`ellipsize`).
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = [
    "FONT_SIZE",
    "MAX_LINES",
    "char_em",
    "clean",
    "ellipsize",
    "is_wide",
    "text_width",
    "wrap_text",
]

FONT_SIZE = 13.0
"""The size of a step's text, and the default of :func:`text_width` and :func:`wrap_text`."""
MAX_LINES = 3
"""The lines of a step's title at most."""


def clean(text: str) -> str:
    """Collapse whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


_NARROW = set("il.,:;'!|()[]{}`\"")


@functools.lru_cache(maxsize=4096)  # measured for every character of every label
def char_em(ch: str) -> float:
    """The estimated width of the character ``ch``, in em."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    if ch == " ":
        return 0.3
    if ch in _NARROW:
        return 0.32
    if ch in "mwMW@%":
        return 0.86
    if ch.isupper():
        return 0.68
    return 0.56


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Estimated rendered width of ``text``: CJK and other wide characters 1em, Latin ~0.55em."""
    return sum(char_em(ch) for ch in text) * font_size


@functools.lru_cache(maxsize=4096)
def is_wide(ch: str) -> bool:
    """Whether ``ch`` is a wide (CJK) character, a word of its own when breaking lines."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


# Characters that must not start a line (kinsoku): they stick to the preceding token.
_NO_LINE_START = set("，。、；：？！）」』】》〉…,.;:?!)]}%")


def _tokens(text: str) -> list[str]:
    """Split into spaces, Latin words and single wide characters."""
    tokens: list[str] = []
    word: list[str] = []  # the token being built: joined once, so a long word stays linear
    for ch in text:
        if ch == " ":
            if word:
                tokens.append("".join(word))
                word = []
            tokens.append(" ")
        elif word and (ch in _NO_LINE_START or (not is_wide(ch) and not is_wide(word[-1]))):
            word.append(ch)
        else:
            if word:
                tokens.append("".join(word))
            word = [ch]
    if word:
        tokens.append("".join(word))
    return tokens


def ellipsize(text: str, max_width: float, font_size: float) -> str:
    """``text``, or its longest beginning that fits with an ellipsis after it.

    One pass over running widths (the sums :func:`text_width` makes, in its order), not a
    measure of the whole text per character dropped, which was quadratic in long titles.
    """
    text = text.rstrip()
    if text_width(text, font_size) <= max_width:
        return text
    ellipsis = char_em("…")
    total: float = 0
    end = 0
    for ch in text:
        total += char_em(ch)
        if (total + ellipsis) * font_size > max_width:
            break
        end += 1
    return text[:end].rstrip() + "…"


def wrap_text(
    text: str, max_width: float, font_size: float = FONT_SIZE, max_lines: int = MAX_LINES
) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``max_width``.

    Latin text breaks between words (a word too long for a line is split); CJK text
    breaks between characters. What does not fit ends with an ellipsis.
    """
    text = clean(text)
    if not text:
        return [""]
    lines = _break_lines(text, max_width, font_size)
    if len(lines) > max_lines:
        rest = lines[max_lines - 1 :]
        joined = rest[0]
        for part in rest[1:]:
            separator = "" if is_wide(joined[-1]) or is_wide(part[0]) else " "
            joined += separator + part
        lines = [*lines[: max_lines - 1], ellipsize(joined, max_width, font_size)]
    return lines


def _break_lines(text: str, max_width: float, font_size: float) -> list[str]:
    """All the lines of ``text`` (cleaned, not empty) no wider than ``max_width``."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if token == " ":
            if line:
                line += " "
            continue
        if text_width((line + token).rstrip(), font_size) <= max_width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for ch in token:  # a token too wide for a whole line is split by characters
            if line and text_width(line + ch, font_size) > max_width:
                lines.append(line)
                line = ""
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines
