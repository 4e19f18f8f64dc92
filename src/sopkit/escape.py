"""One policy for the characters that never reach a terminal or a log as they are.

File names and procedure text are the handbook authors' input. A control
character (C0, tab and newline included; DEL; C1) can drive a terminal: colours,
cursor moves, a line that overwrites another. A bidirectional mark, embedding,
override or isolate (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
makes a terminal, a CI log or a review page show text in another order than it
is; the line and paragraph separators (U+2028, U+2029) start new lines in some
viewers.

Every report written for people (`sopkit validate`'s text and github formats,
`sopkit diff`'s text and Markdown) shows them as escapes with :func:`visible`.
The JSON and SARIF formats keep the exact value, written with JSON's own
``\\uXXXX`` escapes (:func:`json_escaped`), so that a script still gets the real
file name and nothing raw is written either. A procedure file whose name holds
one of them is an error of its own (see sopkit.diagnostics.UNSAFE_NAME).
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
