"""How `sopkit diff`'s reports show procedure values: on one line, inert, shortened between
words, role ids by their titles, and long texts word by word (:mod:`sopkit.report.words`).

Procedure text is hostile input: in Markdown a value is a code span or escaped text (never
HTML, never a mention or a link); control and bidirectional characters show as escapes
(:mod:`sopkit.format.terminal`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from sopkit.format.terminal import visible
from sopkit.report.words import Part, tokens, word_changes
from sopkit.review.compare import FieldChange

WIDTH = 60
"""Longest value shown, in characters; longer ones are shortened around the change."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$])")
def visible_line(text: str) -> str:
    """Procedure text as one line: a line break shows as ``⏎``, a tab as a space, control
    and bidi characters as escapes (so a value cannot break the report's layout)."""
    return visible(text.replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " "))


def plain(value: Any) -> str:
    """A loaded value as one line of text."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return visible_line(value.rstrip("\n"))
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dict):
        for key in ("title", "name", "term", "summary", "description"):
            if isinstance(value.get(key), str):
                return visible_line(value[key])
    return visible_line(json.dumps(value, ensure_ascii=False))


def shorten(text: str, start: int = 0) -> str:
    """``text`` in about :data:`WIDTH` characters from about ``start``, with ellipses,
    cut only between words (a CJK character is a word of its own): a word longer than
    the width is shown whole."""
    if len(text) <= WIDTH:
        return text
    words = tokens(text)
    first, position = 0, 0
    while first < len(words) - 1 and position + len(words[first]) <= start:
        position += len(words[first])
        first += 1
    kept: list[str] = []
    size = 0
    for word in words[first:]:
        if kept and size + len(word) > WIDTH - 2:
            break
        kept.append(word)
        size += len(word)
    shown = "".join(kept).strip()
    more = first + len(kept) < len(words)
    return ("…" if first else "") + shown + ("…" if more else "")


def _titled(value: Any, titles: Mapping[str, str]) -> Any:
    """Role ids (a value or a list of them) as their titles, where they have one."""
    if isinstance(value, str):
        return titles.get(value, value)
    if isinstance(value, list):
        return [_titled(item, titles) for item in value]
    return value


def shown_values(change: FieldChange, titles: Mapping[str, str]) -> tuple[Any, Any]:
    """The change's before and after values as shown (role ids by their titles)."""
    if not change.roles:
        return change.before, change.after
    return _titled(change.before, titles), _titled(change.after, titles)


def is_long(before: Any, after: Any) -> bool:
    """Two texts that a word-by-word comparison shows better than the two values."""
    return (isinstance(before, str) and isinstance(after, str)
            and max(len(plain(before)), len(plain(after))) > WIDTH)


def words_shown(before: Any, after: Any, same: Callable[[str], str],
           marks: Mapping[str, Callable[[str], str]]) -> str:
    """What changed between two long texts, word by word, each part shown by ``same``
    or ``marks[kind]``."""
    parts: list[Part] = word_changes(plain(before), plain(after))
    return "".join(marks[part.kind](part.text) if part.kind in marks else same(part.text)
                   for part in parts)


def pair(before: Any, after: Any) -> tuple[str, str]:
    """Before and after as short texts, both cut around where they first differ."""
    old, new = plain(before), plain(after)
    if len(old) <= WIDTH and len(new) <= WIDTH:
        return old, new
    common = 0
    while common < min(len(old), len(new)) and old[common] == new[common]:
        common += 1
    start = max(0, common - WIDTH // 3)
    return shorten(old, start), shorten(new, start)


def md_text(text: str) -> str:
    """Procedure text made inert in Markdown: escaped, on one line, no @mentions."""
    escaped = _MD_SPECIAL.sub(r"\\\1", visible_line(text))
    # a zero-width space after @, :// and www.: no mention, no e-mail or web link
    return (escaped.replace("@", "@\u200b").replace("://", ":\u200b//")
            .replace("www.", "www\u200b."))


def md_code(text: str, *, table: bool = False) -> str:
    """``text`` as a code span, with a fence longer than any run of backticks in it (and
    control and bidi characters as escapes, as everywhere: file names reach here)."""
    text = visible(text)
    if text == "":
        return '`""`'
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if table else span
