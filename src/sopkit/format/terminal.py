"""Text that reaches a terminal, a log or a report: one policy for the characters that never
reach them as they are.

File names and procedure text are the handbook authors' input. A control
character (C0, tab and newline included; DEL; C1) can drive a terminal: colours,
cursor moves, a line that overwrites another. A bidirectional mark, embedding,
override or isolate (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
makes a terminal, a CI log or a review page show text in another order than it
is; the line and paragraph separators (U+2028, U+2029) start new lines in some
viewers. These are :data:`UNSAFE`.

Every report written for people (`sopkit validate`'s text and github formats,
`sopkit diff`'s text and Markdown, the command line's one-line problems) shows them
as escapes with :func:`visible`. The JSON and SARIF formats carry the text as data:
they keep the exact value, with these characters written as JSON's own ``\\uXXXX``
escapes (:func:`json_escaped`), bidirectional controls included. A script that
parses the JSON gets the real file name or message back, while the JSON text itself
holds nothing raw, so a log or a terminal that shows it unparsed is not reordered
either. A procedure file whose name holds one of them is an error of its own (see
sopkit.check.diagnostics.UNSAFE_NAME).

A value quoted back where it must stay one printable line whatever it holds (a
comment of CODEOWNERS, an id given to `sopkit new`, a role named in mkdocs.yml)
goes through :func:`printable`, which escapes every character Python does not
print (those above and the invisible ones, such as U+200B), as Python writes
them (``\\n``, ``\\x1b``, ``\\u2028``); :func:`visible` writes every escape as
``\\xNN`` or ``\\uNNNN`` (a newline is ``\\x0a``). Both spellings are kept: each
is what its messages have always said, and tests and users match on them. Text
written as UTF-8 for machines and pull requests goes through :func:`valid_unicode`.

This module sits in sopkit.format, beside the other helpers every stage shares, so
that the check, the review and the command line can quote a file name without
importing the reporters (sopkit.report), which import them.
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""The characters shown as escapes."""

_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""The characters of :data:`UNSAFE` that ``json.dumps(..., ensure_ascii=False)`` writes raw
(it escapes C0 itself)."""


def visible(text: str) -> str:
    """``text`` with each character of :data:`UNSAFE` as ``\\xNN`` (up to U+00FF) or
    ``\\uNNNN``. Applying it twice changes nothing more."""
    return UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_escaped(dumped: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters of
    :data:`UNSAFE` written as ``\\uNNNN`` escapes: the same data once parsed. Outside its
    strings JSON text holds only ASCII, so every such character is inside a string."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def printable(text: str) -> str:
    """``text`` on one printable line: a character that is not printable (a line break
    above all) as its escape, a byte that is not UTF-8 as U+FFFD."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                   for char in valid_unicode(text))


def single_spaced(text: str) -> str:
    """``text`` with every run of white space (line breaks and tabs included) as one
    space, and none at either end: a message from a library, made one line."""
    return " ".join(text.split())


def valid_unicode(text: str) -> str:
    """``text`` as valid Unicode for machines and pull requests: a file name whose bytes
    are not UTF-8 (kept by Python as lone surrogates) shows a replacement character, as a
    UTF-8 stream must. SARIF's artifact URIs keep the exact bytes, percent-encoded."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # another lone surrogate (a "\\ud800" escape in the YAML)
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")
