"""Procedure text -> safe Markdown: the Jinja filters every template applies to user values.

Procedure text is hostile data. It may use Markdown (emphasis, lists, links), but what it
writes must never become HTML markup, a template expression, a link to a script, or a
structure of the page (a heading, a table cell, an admonition, a fence). Each filter here
returns Markdown that is safe on its own when built by Python-Markdown with attr_list,
admonition, pymdownx.details, pymdownx.superfences, pymdownx.tasklist, tables and toc.

How:

- ``&``, ``<`` and ``>`` become entities, so raw HTML, autolinks and snippet markers
  (``--8<--``) show as text;
- ``{`` and ``}`` become entities, so attr_list cannot add attributes (``{: onclick=...}``)
  and nothing later in the chain (a macro plugin) sees ``{{ ... }}``;
- a code span (`` `x` ``) becomes ``<code>`` with every punctuation character as an
  entity, so it reads as written and cannot hide markup; a stray backtick becomes an entity;
- runs of three or more of `` ` ~ ! ? / : = `` become entities: they open fences,
  admonitions (``!!!``), details (``???``), blocks (``///``), mkdocstrings (``:::``) and
  content tabs (``===``) at the start of a line;
- a link or image target (``](...)``, or ``[id]: ...`` definitions) starting with
  ``javascript:``, ``vbscript:`` or ``data:`` (in any case, with any control characters or
  spaces browsers ignore) gets the prefix ``unsafe:``, which no browser runs;
- one-line contexts (:func:`md_inline`) turn line breaks into spaces (or ``<br>``), escape
  ``|`` and the characters that would open a block at the start of the line.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

__all__ = [
    "FILTERS",
    "html_text",
    "md_block",
    "md_code",
    "md_inline",
    "md_link",
    "md_text",
    "safe_url",
    "slug",
    "yaml_str",
]

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f\ufffe\uffff\ud800-\udfff]")
_BACKTICKS = re.compile(r"`+")
_URL_SPACE = re.compile(r"[\x00-\x20]*")
_RUNS = re.compile(r"([`~!?/:=])\1{2,}")
_LINK_START = re.compile(r"\]\(|\]:")
_DANGEROUS = ("javascript:", "vbscript:", "data:")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_SAFE_SCHEMES = ("http", "https", "mailto", "tel", "ftp", "sftp")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

# What may open a block when it starts a line (after up to three spaces).
_LEADING_BLOCK = re.compile(
    r"^(?:#|[-+*](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|\[[ xX]\](?=\s|$)|\[TOC\]\s*$"
    r"|([-*_])(?:\s*\1){2,}\s*$|=+\s*$|:(?=\s))"
)
# A container prefix of a line in md_block: indentation, blockquote markers, list markers.
_CONTAINER = re.compile(r"^(?:[ \t]*(?:&gt;|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*)*[ \t]*")


def _entity(ch: str) -> str:
    return f"&#{ord(ch)};"


_CODE_ESCAPES = {ord(ch): _entity(ch) for ch in "\\`*_{}[]!|~<>&=^:"}


def _entities(text: str) -> str:
    """Code text: every character Markdown or HTML could act on, as a character reference.

    Only for text in the middle of a line: ``-``, ``#``, ``.`` and the like are left
    alone because they act only at the start of a line.
    """
    return text.translate(_CODE_ESCAPES)


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub("", text)


def _escape_plain(text: str) -> str:
    """Text outside code spans: entities for HTML, braces, stray backticks and runs."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("{", "&#123;").replace("}", "&#125;").replace("`", "&#96;")
    return _RUNS.sub(lambda m: "".join(_entity(ch) for ch in m.group(0)), text)


def _code_spans(line: str) -> list[tuple[int, int, int]]:
    """Code spans of one line as (start, end, run length), found in linear time.

    A span opens with a run of backticks and closes at the next run of the same length;
    a run right after a backslash opens nothing.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length)
        last[length] = index
    spans: list[tuple[int, int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        close = following[index]
        if close is None or (start > 0 and line[start - 1] == "\\"):
            index += 1
            continue
        spans.append((start, runs[close][1], end - start))
        index = close + 1
    return spans


def _escape_line(text: str) -> str:
    """One line: code spans to ``<code>``, everything else escaped."""
    out: list[str] = []
    position = 0
    for start, end, ticks in _code_spans(text):
        out.append(_escape_plain(text[position:start]))
        code = text[start + ticks:end - ticks]
        if code.strip(" ") and code.startswith(" ") and code.endswith(" "):
            code = code[1:-1]
        out.append(f"<code>{_entities(code)}</code>")
        position = end
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _neutralise_links(text: str) -> str:
    """Prefix ``unsafe:`` to link targets that a browser would run or load inline."""
    out: list[str] = []
    position = 0
    for match in _LINK_START.finditer(text):
        start = match.end()
        probe = _IGNORED_IN_URL.sub("", text[start:start + 64]).lower()
        if probe.startswith(_DANGEROUS):
            space = _URL_SPACE.match(text, start)
            skipped = space.end() if space else start
            out.append(text[position:skipped] + "unsafe:")
            position = skipped
    out.append(text[position:])
    return "".join(out)


def _escape_leading(text: str) -> str:
    """Escape the character that would make ``text`` open a block at a line start."""
    match = _LEADING_BLOCK.match(text)
    if match is None:
        return text
    if text[0].isdigit():  # `1. ` or `1) `: the dot or parenthesis opens the list
        end = match.end()
        return text[:end] + _entity(text[end]) + text[end + 1:]
    return _entity(text[0]) + text[1:]


def md_inline(value: object, br: bool = False) -> str:
    """One line of Markdown, for headings, table cells and list items.

    Line breaks become spaces (or ``<br>`` with ``br=True``); ``|`` is escaped so a
    table cell stays one cell; nothing can start a block.
    """
    text = _clean(value)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    parts = [_neutralise_links(_escape_line(line)) for line in lines]
    parts = [_escape_leading(part) for part in parts]
    joined = ("<br>" if br else " ").join(parts)
    joined = joined.replace("|", "&#124;")
    if joined.endswith("\\"):
        joined = joined[:-1] + "&#92;"
    if joined.endswith("#"):
        joined = joined[:-1] + "&#35;"
    return joined


def md_block(value: object) -> str:
    """Several lines of Markdown (purpose, descriptions): paragraphs, lists, blockquotes,
    emphasis, code spans and links work; raw HTML, headings, fences and admonitions show
    as text. Indent the result (``|indent(4)``) to put it inside a list item or admonition.
    """
    text = _clean(value).expandtabs(4).strip("\n")
    lines = [_escape_line(line.rstrip()) if line.strip() else "" for line in text.split("\n")]
    out: list[str] = []
    for index, line in enumerate(lines):
        prefix = _CONTAINER.match(line)
        head = prefix.group(0) if prefix else ""
        body = line[len(head):]
        head = head.replace("&gt;", ">")  # blockquote markers stay Markdown
        if body.startswith("#") or (
            body and index > 0 and lines[index - 1] and re.fullmatch(r"[=-]+\s*", body)
        ):
            body = _entity(body[0]) + body[1:]  # an ATX or setext heading
        elif re.fullmatch(r"\[TOC\]\s*", body):
            body = _entity("[") + body[1:]
        out.append(head + body)
    return _neutralise_links("\n".join(out)).rstrip()


def md_text(value: object) -> str:
    """Plain text on one line: no Markdown at all (for link texts and labels of links)."""
    text = md_inline(value)
    return re.sub(r"[\[\]*_\\!]", lambda m: _entity(m.group(0)), text)


def md_code(value: object) -> str:
    """Text shown as code (ids, file names), as an inline ``<code>`` element."""
    return f"<code>{_entities(' '.join(_clean(value).split()))}</code>"


def safe_url(value: object) -> str | None:
    """``value`` as a link target for Markdown, or None when it must not be linked.

    Allowed: http, https, mailto, tel, ftp, sftp, and relative links. The result is safe
    inside ``[text](...)``: spaces, brackets, quotes, ``|`` and ``&`` are encoded.
    """
    # Browsers drop tabs and line breaks anywhere and controls and spaces around a URL.
    text = re.sub(r"[\t\n\r]", "", _clean(value)).strip(_C0_AND_SPACE)
    if not text:
        return None
    compact = _IGNORED_IN_URL.sub("", text)
    match = _SCHEME.match(compact)
    if match is not None and match.group(1).lower() not in _SAFE_SCHEMES:
        return None
    if match is None and ":" in re.split(r"[/?#]", compact, maxsplit=1)[0]:
        return None  # something a browser could still read as a scheme
    encoded = "".join(
        f"%{ord(ch):02X}" if ch in ' ()<>[]{}"\'|`\\^' or ord(ch) < 0x20 or ord(ch) == 0x7F
        else ch
        for ch in text
    )
    return encoded.replace("&", "&amp;")


def md_link(value: object, url: object) -> str:
    """``[value](url)`` when ``url`` is safe, else the text with the address after it."""
    target = safe_url(url)
    if target is None:
        if url is None or not str(url).strip():
            return md_text(value)
        return f"{md_text(value)} ({md_code(url)})"
    return f"[{md_text(value)}]({target})"


def slug(value: object) -> str:
    """An anchor or file-name part: lowercase letters, digits and single hyphens."""
    text = re.sub(r"[^a-z0-9]+", "-", _clean(value).lower()).strip("-")
    return text or "x"


def html_text(value: object) -> str:
    """Text for places MkDocs puts into HTML unescaped (titles of the nav, tag names)."""
    return html.escape(" ".join(_clean(value).split()), quote=True)


def yaml_str(value: object) -> str:
    """A YAML double-quoted string (for front matter), printable ASCII plus safe Unicode."""
    text = " ".join(_clean(value).split())
    encoded = json.dumps(text, ensure_ascii=False)
    return re.sub(
        r"[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]",
        lambda m: json.dumps(m.group(0))[1:-1],
        encoded,
    )


FILTERS: dict[str, Callable[..., str]] = {
    "md_inline": md_inline,
    "md_block": md_block,
    "md_text": md_text,
    "md_code": md_code,
    "md_link": md_link,
    "slug": slug,
    "html_text": html_text,
    "yaml_str": yaml_str,
}
