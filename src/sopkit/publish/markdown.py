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

Python-Markdown's inline parsing rescans a paragraph for each link in it, scans to the end of
the paragraph for each link target that does not close, and copies the paragraph for each
inline element, so hostile text could make a build quadratic. So, in every filter:

- ``](`` opens a link target only where the target closes on the same line, with no quote in
  the address and at most one level of parentheses, optionally a quoted title
  (``[text](url "title")``); elsewhere its ``(`` becomes an entity (it reads the same);
- a paragraph, list item or line keeps at most :data:`LINKS_PER_BLOCK` ``[`` that can open
  a link; later ones become entities;
- :func:`md_block` splits a paragraph longer than :data:`BLOCK_CHARS` characters into
  paragraphs of at most that size; :func:`md_inline` (a heading or a table cell, which
  cannot be split) cuts its value after :data:`INLINE_CHARS` characters, with an ellipsis.

Legitimate text is far below these bounds and renders as before.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from sopkit.publish.titles import safe_title

__all__ = [
    "BLOCK_CHARS",
    "FILTERS",
    "INLINE_CHARS",
    "LINKS_PER_BLOCK",
    "html_text",
    "md_block",
    "md_code",
    "md_inline",
    "md_link",
    "md_text",
    "page_title",
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


#: ``[`` that may open a link in one paragraph: Python-Markdown rescans the paragraph for each.
LINKS_PER_BLOCK = 50
#: The longest paragraph md_block writes: Python-Markdown copies a paragraph per inline element.
BLOCK_CHARS = 10_000
#: The longest value md_inline writes (a title, a table cell): the rest is cut off.
INLINE_CHARS = 10_000

# A link target Python-Markdown reads up to the `)` that closes it: an address with no space,
# no quote and at most one level of parentheses, then maybe a title in quotes, on one line.
# Each match is tried from a `(` and stops at the first unbalanced parenthesis, so the
# attempts over a line take linear time (a failed one never passes the start of another).
_LINK_TARGET = re.compile(
    r"""\([ \t]*(?:[^\s"'()]|\([^\s"'()]*\))*(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)"""
)
# A target that closes on its line with quotes or spaces in its address (no title).
_LOOSE_TARGET = re.compile(r"\((?:[^()\n]|\([^()\n]*\))*\)")
_TARGET_OPEN = re.compile(r"\]\(")
# Container markers at the start of a line of md_block's output: a list item starts a new
# paragraph of its own when its block is a list.
_MARKERS = re.compile(r"^(?:[ \t]*(?:>|([-+*]|\d{1,9}[.)])(?=[ \t]))[ \t]*)*")


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


def _close_links(text: str) -> str:
    """Link targets Python-Markdown reads in linear time (see the module): a target that
    closes is kept, with any quote in its address percent-encoded (a quote there made
    Python-Markdown look for a title up to the end of the paragraph); the ``(`` of one that
    does not close becomes an entity."""
    out: list[str] = []
    position = 0
    for match in _TARGET_OPEN.finditer(text):
        paren = match.end() - 1
        if paren < position:  # inside a target already kept: part of its address
            continue
        target = _LINK_TARGET.match(text, paren)
        if target is not None:
            out.append(text[position:target.end()])
        else:
            target = _LOOSE_TARGET.match(text, paren)
            if target is None:
                out.append(text[position:paren] + "&#40;")
                position = paren + 1
                continue
            address = target.group(0).replace('"', "%22").replace("'", "%27")
            out.append(text[position:paren] + address)
        position = target.end()
    out.append(text[position:])
    return "".join(out)


def _limit_brackets(text: str, allowed: int) -> str:
    """``text`` with every ``[`` after the first ``allowed`` as an entity."""
    position = -1
    for _ in range(max(allowed, 0) + 1):
        position = text.find("[", position + 1)
        if position < 0:
            return text
    return text[:position] + text[position:].replace("[", "&#91;")


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
    joined = _limit_brackets(_close_links(joined), LINKS_PER_BLOCK)
    joined = joined.replace("|", "&#124;")
    if joined.endswith("\\"):
        joined = joined[:-1] + "&#92;"
    if joined.endswith("#"):
        joined = joined[:-1] + "&#35;"
    if len(joined) > INLINE_CHARS:  # far beyond a title or a cell; see the module
        joined = _cut(joined, INLINE_CHARS)[0].rstrip() + "…"
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
    return _bound_paragraphs(_neutralise_links(_close_links("\n".join(out)))).rstrip()


def _paragraph_start(text: str) -> str:
    """``text`` made to start a paragraph where it was the middle of one (nothing opens)."""
    text = text.lstrip(" ")
    if text.startswith("["):  # a reference definition, a task box, [TOC]
        return "&#91;" + text[1:]
    return _escape_leading(text)


def _cut(line: str, limit: int) -> tuple[str, str]:
    """``line`` cut in two at about ``limit`` characters: at a space where there is one near,
    never inside an entity or a tag (``<code>``, ``</code>``, ``<br>``); a code span cut in
    two is closed and opened."""
    cut = line.rfind(" ", limit // 2, limit)
    if cut < 0:
        cut = limit
    amp = line.rfind("&", max(cut - 10, 0), cut)
    if amp >= 0 and line.find(";", amp, cut) < 0:
        cut = amp  # in the middle of an entity (every & of the output starts one)
    tag = line.rfind("<", max(cut - 7, 0), cut)
    if tag >= 0 and line.find(">", tag, cut) < 0:
        cut = tag  # in the middle of <code>, </code> or <br>
    head, tail = line[:cut], line[cut:]
    if head.count("<code>") > head.count("</code>"):
        return head + "</code>", "<code>" + tail
    return head, _paragraph_start(tail)


def _bound_paragraphs(text: str) -> str:
    """At most :data:`LINKS_PER_BLOCK` link openers and :data:`BLOCK_CHARS` characters per
    paragraph (or list item) of md_block's output; see the module."""
    out: list[str] = []
    chars = brackets = 0
    in_list: bool | None = None  # None: at the start of a block
    for line in text.split("\n"):
        if not line.strip():
            out.append(line)
            chars = brackets = 0
            in_list = None
            continue
        markers = _MARKERS.match(line)
        item = bool(markers and markers.group(1))
        if in_list is None:
            in_list = item
        elif in_list and item:  # a new list item: a paragraph of its own
            chars = brackets = 0
        count = line.count("[")
        if brackets + count > LINKS_PER_BLOCK:
            line = _limit_brackets(line, LINKS_PER_BLOCK - brackets)
            count = max(LINKS_PER_BLOCK - brackets, 0)
        brackets += count
        if chars + len(line) > BLOCK_CHARS:
            if chars:  # this line starts the next paragraph
                out.append("")
                line = _paragraph_start(line)
                in_list = False
            while len(line) > BLOCK_CHARS:
                head, line = _cut(line, BLOCK_CHARS)
                out.extend((head, ""))
                in_list = False
            chars, brackets = 0, line.count("[")
        out.append(line)
        chars += len(line) + 1
    return "\n".join(out)


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
    """Text for places MkDocs puts into HTML unescaped (tag names; titles take
    :func:`page_title`)."""
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


def page_title(value: object) -> str:
    """A page's title for its front matter: the text of ``value`` as
    :func:`sopkit.publish.titles.safe_title` makes it, so that the page is safe under any MkDocs
    theme, with or without sopkit's plugin (`sopkit render --out` fed to a plain `mkdocs
    build`)."""
    text = " ".join(_clean(value).split())
    if len(text) > INLINE_CHARS:  # as md_inline cuts the heading
        text = text[:INLINE_CHARS].rstrip() + "…"
    return safe_title(html.escape(text, quote=False))


FILTERS: dict[str, Callable[..., str]] = {
    "md_inline": md_inline,
    "md_block": md_block,
    "md_text": md_text,
    "md_code": md_code,
    "md_link": md_link,
    "slug": slug,
    "html_text": html_text,
    "yaml_str": yaml_str,
    "page_title": page_title,
}
