"""Which words of a long text changed, for `sopkit diff`'s reports.

A long value that changed is shown as the words removed and the words added, with a
few words of context around each change, instead of the two values cut at a width
(which cut words in half and hid the change in the middle of a paragraph). Texts are
compared as sequences of words (:func:`tokens`): Latin and other spaced scripts by the
runs between spaces, Chinese, Japanese and Korean, which have no spaces between words,
character by character, so that one changed character does not mark a whole sentence.
Nothing here cuts inside a word: every piece shown is a run of whole tokens.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

_CJK = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef")
_TOKEN = re.compile(rf"[{_CJK}]|\s+|[^\s{_CJK}]+")

CONTEXT = 24
"""Characters of unchanged text kept (in whole words) on each side of a change."""
PIECE = 160
"""Characters of removed or added text shown at most (in whole words) per change."""
CHANGES = 6
"""Changes shown at most; a note counts the others."""

PartKind = Literal["same", "removed", "added", "gap", "more"]


class Part(NamedTuple):
    """A piece of the shown text: unchanged, removed, added, an elision, or a count."""

    kind: PartKind
    text: str


def tokens(text: str) -> list[str]:
    """``text`` as words, runs of spaces and single CJK characters (joined: ``text``)."""
    return _TOKEN.findall(text)


def _fit(words: list[str], limit: int) -> int:
    """How many of ``words``, from the front, fit in about ``limit`` characters (one at
    least, so a long word is shown whole rather than cut)."""
    size = 0
    for count, word in enumerate(words):
        size += len(word)
        if count and size > limit:
            return count
    return len(words)


def _same(words: list[str], first: bool, last: bool) -> list[Part]:
    """An unchanged run: whole when short, else the words next to the changes around a
    gap (only the end next to a change, for the first and the last run)."""
    text = "".join(words)
    if first and last:
        return [Part("same", text)]
    if first and len(text) > CONTEXT:
        count = _fit(words[::-1], CONTEXT)
        return [Part("gap", "…"), Part("same", "".join(words[-count:]).lstrip())]
    if last and len(text) > CONTEXT:
        count = _fit(words, CONTEXT)
        return [Part("same", "".join(words[:count]).rstrip()), Part("gap", "…")]
    if len(text) > 2 * CONTEXT + 8:
        head, tail = _fit(words, CONTEXT), _fit(words[::-1], CONTEXT)
        return [Part("same", "".join(words[:head]).rstrip()), Part("gap", " … "),
                Part("same", "".join(words[-tail:]).lstrip())]
    return [Part("same", text)]


def _changed(kind: PartKind, words: list[str]) -> list[Part]:
    """Removed or added words, marked without the spaces around them (shown unmarked)."""
    text = "".join(words)
    core = text.strip()
    if not core:
        return [Part(kind, text)] if text else []
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    inner = tokens(core)
    count = _fit(inner, PIECE)
    shown = "".join(inner[:count]).rstrip() + (" …" if count < len(inner) else "")
    return [part for part in (Part("same", lead), Part(kind, shown), Part("same", trail))
            if part.text]


Code = tuple[str, int, int, int, int]


def _merged(codes: list[Code], before: list[str]) -> list[Code]:
    """The changes, with a single unchanged word between two changes taken into them (so
    ``on the`` → ``by the end of their`` reads as one change, not three)."""
    merged: list[Code] = []
    for code in codes:
        if (code[0] != "equal" and len(merged) >= 2 and merged[-1][0] == "equal"
                and merged[-2][0] != "equal" and _single(merged[-1], before)):
            merged.pop()
            start = merged.pop()
            code = ("replace", start[1], code[2], start[3], code[4])
        merged.append(code)
    return merged


def _single(code: Code, before: list[str]) -> bool:
    """An unchanged run of one word (and the spaces around it)."""
    words = [word for word in before[code[1]:code[2]] if not word.isspace()]
    return len(words) <= 1 and len("".join(words)) <= 12


def word_changes(old: str, new: str) -> list[Part]:
    """What changed from ``old`` to ``new``, word by word, with context."""
    before, after = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    codes = _merged([(op, i1, i2, j1, j2) for op, i1, i2, j1, j2 in matcher.get_opcodes()],
                    before)
    parts: list[Part] = []
    changes = 0
    for index, (op, i1, i2, j1, j2) in enumerate(codes):
        if op == "equal":
            parts += _same(before[i1:i2], first=index == 0, last=index == len(codes) - 1)
            continue
        changes += 1
        if changes > CHANGES:
            continue
        parts += _changed("removed", before[i1:i2])
        if i2 > i1 and j2 > j1:
            parts.append(Part("same", " "))
        parts += _changed("added", after[j1:j2])
    if changes > CHANGES:
        while parts and parts[-1].kind in ("same", "gap"):
            parts.pop()
        parts.append(Part("more", f" (and {changes - CHANGES} more changes)"))
    return parts
