"""Titles as sopkit hands them to MkDocs and the theme: nothing a theme can make markup of.

Themes print titles as HTML in some places and through Jinja's `striptags` in others
(Material's <title>): `striptags` turns `&lt;` back into `<`, so an escaped
`</title><script>` in a title runs. So every title of a generated page, every title of
sopkit's nav and every front-matter value (:func:`safe_nav`, :func:`safe_meta`) goes
through :func:`safe_title`, in the templates too (the ``page_title`` filter of
:mod:`sopkit.publish.markdown`), so that rendered pages built without the plugin are safe as well.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["safe_meta", "safe_nav", "safe_title"]

# A title sopkit hands over holds no `<` or `>`, escaped or not: they become their
# fullwidth forms (＜ ＞), which read as the same signs (Chinese text uses them anyway);
# stripping them would change what a title says ("a < b" would read "a  b"). An `&` that
# starts a character reference (`&lt;` written in a title) becomes ＆ as well, so that
# unescaping, however often, leaves the same text; any other `&` (R&D, Legal & Compliance)
# stays as it is, escaped once. `"` becomes a curly quote, since some themes (MkDocs'
# readthedocs) print titles into attributes unescaped.
_LOOKALIKES = str.maketrans({"<": "\uff1c", ">": "\uff1e"})
# Bidirectional controls reorder the text around them (the browser's tab, the nav) and
# show nothing themselves: a title drops them.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                        "\u2066\u2067\u2068\u2069"))
# What may be a character reference, as `html.unescape` looks for them.
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# A straight quote at the start or after a space or an opening bracket opens a quotation.
_OPENING_QUOTE = re.compile(r'(?<![^\s(\[{])"')


def safe_title(title: str) -> str:
    """The text of ``title`` (HTML, as MkDocs takes it from a heading) as a title for MkDocs
    and the theme: HTML on one line with no ``<``, ``>`` or ``"`` and no character
    reference but ``&amp;``, which unescaped is a plain ``&``, and no bidirectional
    control character.

    Unchanged by a second call.
    """
    text = html.unescape(title).translate(_LOOKALIKES).translate(_BIDI_CONTROLS)
    text = _REFERENCE.sub(_not_a_reference, text)
    text = _OPENING_QUOTE.sub("\u201c", text).replace('"', "\u201d")
    return html.escape(" ".join(text.split()), quote=False)


def _not_a_reference(match: re.Match[str]) -> str:
    reference = match.group()
    return reference if html.unescape(reference) == reference else "\uff06" + reference[1:]


def safe_nav(nav: Sequence[Any]) -> list[Any]:
    """An MkDocs ``nav:`` list whose titles (HTML, as the renderer writes them) are safe."""
    result: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            result.append({safe_title(str(title)): safe_nav(value) if isinstance(value, list)
                           else value for title, value in item.items()})
        else:
            result.append(item)
    return result


def safe_meta(meta: Any, key: str = "") -> Any:
    """A generated page's front matter as the theme may print it.

    Themes print meta values (``title``, ``description``, ...) unescaped, into the
    ``<title>`` and into attributes: each string becomes what a title does.
    ``tags`` are the exception: Material prints tag names as HTML, and sopkit's tags page
    shows them as written, so they stay HTML (escaped once, whatever the template did).
    """
    if isinstance(meta, str):
        return html.escape(html.unescape(meta)) if key == "tags" else safe_title(meta)
    if isinstance(meta, list):
        return [safe_meta(value, key) for value in meta]
    if isinstance(meta, dict):
        return {name: safe_meta(value, key or str(name)) for name, value in meta.items()}
    return meta
