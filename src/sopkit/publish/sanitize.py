"""The second wall: the HTML of sopkit's pages cleaned of anything it should not hold.

Procedure text is escaped where the templates write it (the first wall,
sopkit.publish.markdown); whatever an escaping mistake let through is removed here, on
the HTML MkDocs makes of each generated page, with nh3 (the Rust ammonia
library): only the tags, attributes and URL schemes that sopkit's Markdown and
flowcharts legitimately produce are kept.
"""

from __future__ import annotations

import functools
import os
import re

import nh3

_HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul",
}
_SVG_TAGS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "polygon", "line", "polyline", "text",
    "tspan", "title", "desc", "defs", "marker", "a",
}
# SVG attribute names are case-sensitive (viewBox, refX): nh3 compares them exactly.
_SVG_ATTRIBUTES = {
    "xmlns", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2",
    "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "d", "points", "transform", "fill",
    "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linejoin", "stroke-linecap",
    "stroke-dasharray", "stroke-opacity", "opacity", "marker-start", "marker-mid",
    "marker-end", "text-anchor", "dominant-baseline", "font-family", "font-size",
    "font-weight", "font-style", "refX", "refY", "markerWidth", "markerHeight",
    "markerUnits", "orient", "style", "href",
}
_GENERIC_ATTRIBUTES = {"class", "id", "title", "role", "lang", "dir"}
_HTML_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"checked"},
    "th": {"align", "colspan", "rowspan", "scope", "style"},
    "td": {"align", "colspan", "rowspan", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
}
_URL_VALUE = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL_VALUE = re.compile(r"^\s*url\(\s*#[\w.:-]+\s*\)\s*$")
# An address with a scheme or a host (`//host`, and `\\host` as browsers read it).
_REMOTE_URL = re.compile(r"^[\x00-\x20]*(?:[a-z][a-z0-9+.-]*:|[/\\]{2})", re.IGNORECASE)
_URL_BLANKS = str.maketrans("", "", "\t\n\r")


def _attributes() -> dict[str, set[str]]:
    attributes: dict[str, set[str]] = {"*": set(_GENERIC_ATTRIBUTES)}
    for tag in _SVG_TAGS - {"a"}:
        attributes[tag] = set(_SVG_ATTRIBUTES) - {"href"}
    for tag, names in _HTML_ATTRIBUTES.items():
        attributes[tag] = set(names)
    attributes["a"] = {"href", "name"}
    return attributes


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Paint and marker references may point into the page (``url(#id)``), nowhere else;
    images come from the site itself."""
    # Every reader's browser would fetch an image from another host: the site loads
    # nothing from elsewhere, and the host would learn who reads which procedure.
    # Browsers drop tabs and line breaks anywhere in an address: `ht\ntps:` is `https:`.
    if element == "img" and attribute == "src" and _REMOTE_URL.match(
            value.translate(_URL_BLANKS)):
        return None
    if "(" not in value:  # most values: no regular expression needed
        return value
    if _URL_VALUE.search(value) and not _LOCAL_URL_VALUE.match(value):
        return None
    return value


@functools.lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    """The sanitiser, set up once: a large handbook has thousands of pages to clean."""
    return nh3.Cleaner(
        tags=_HTML_TAGS | _SVG_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_attributes(),
        attribute_filter=_filter_attribute,
        generic_attribute_prefixes={"data-", "aria-"},
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        set_tag_attribute_values={"input": {"disabled": "disabled"}},
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align", "max-width", "min-width"},
        link_rel=None,
        strip_comments=True,
    )


def sanitize_html(html: str, cleaned_part: tuple[str, str] | None = None) -> str:
    """The HTML of a rendered page, with only what sopkit's Markdown legitimately produces.

    Kept: headings with ids, tables, lists, disabled task-list checkboxes, admonitions,
    details, code, links to http, https, mailto and relative URLs, and the inline
    flowchart SVG with its geometry, ``viewBox``, ids, classes, ``data-*``, ``role``
    and ``aria-*``. Gone: scripts and styles with their content, event handlers,
    ``javascript:`` and other URL schemes, forms, frames, embedded objects.

    ``cleaned_part`` is a piece of markup of ``html`` and that piece already cleaned
    (the flowchart, cleaned by the render process while this one was busy): it stands
    aside, behind a random token, while the rest is cleaned. The result is the same
    (tests/publish/test_sanitize.py); a token nobody can guess means the page's own text
    cannot bring the cleaned piece anywhere else.
    """
    if cleaned_part is not None and cleaned_part[0] and cleaned_part[0] in html:
        markup, cleaned = cleaned_part
        token = f"sopkit{os.urandom(16).hex()}"
        swapped: str = _cleaner().clean(html.replace(markup, token))
        if swapped.count(token) == html.count(markup):
            return swapped.replace(token, cleaned)
    whole: str = _cleaner().clean(html)
    return whole
