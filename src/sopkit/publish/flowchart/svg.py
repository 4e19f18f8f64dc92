"""The flowchart's SVG markup, written from a finished :class:`~.layout.Layout`.

:func:`render_flowchart` lays the flow out (:mod:`~sopkit.publish.flowchart.layout`) and
writes what the layout says, in this order: the lanes, the edges (lines under the nodes),
the nodes, the end markers, and last the branch labels, on top of everything. A flow too
large to draw becomes a note (:func:`_note_chart`). Numbers are written by
:func:`fmt_number` (one decimal at most), so the same flow always gives the same bytes.

All user text goes through :func:`escape`; links through :func:`safe_href`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from sopkit.publish.flowchart.flow import DEFAULT_LABELS, Flow, edge_label
from sopkit.publish.flowchart.layout import (
    BADGE_FONT_SIZE,
    BADGE_HEIGHT,
    BOX_WIDTH,
    END_RADIUS,
    HEADER_FONT_SIZE,
    HEX_INDENT,
    LABEL_FONT_SIZE,
    LABEL_HEIGHT,
    LANE_WIDTH,
    LINE_HEIGHT,
    MARGIN,
    NOTE_WIDTH,
    Box,
    EndMarker,
    LaneColumn,
    Layout,
    Route,
    TooLarge,
    lay_out,
    lay_out_note,
)
from sopkit.publish.flowchart.summary import summary
from sopkit.publish.flowchart.text import FONT_SIZE, clean

__all__ = ["FONT_FAMILY", "escape", "fmt_number", "render_flowchart", "safe_href"]

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", '
    '"Microsoft YaHei", sans-serif'
)

STROKE = "#1a1a1a"
STEP_FILL = "#f2f6fb"
DECISION_FILL = "#fff6dc"
LANE_FILLS = ("#fafafa", "#ffffff")
"""Alternating, from the first lane."""
HEADER_FILL = "#e9e9e9"
LANE_STROKE = "#8a8a8a"

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
    ord("{"): "&#123;",
    ord("}"): "&#125;",
    ord("["): "&#91;",
    ord("]"): "&#93;",
    ord("*"): "&#42;",
    ord("_"): "&#95;",
    ord("`"): "&#96;",
    ord("\\"): "&#92;",
}


def escape(text: str) -> str:
    """Escape ``text`` for XML content and attribute values (either quote style)."""
    return _INVALID_XML.sub("\ufffd", text).translate(_ESCAPES)


def fmt_number(value: float) -> str:
    """Fixed number format: integers bare, else one decimal."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}"


def _path_data(points: Sequence[tuple[float, float]]) -> str:
    """The ``d`` of a ``<path>`` through ``points``."""
    first, *rest = points
    data = f"M{fmt_number(first[0])} {fmt_number(first[1])}"
    for x, y in rest:
        data += f" L{fmt_number(x)} {fmt_number(y)}"
    return data


_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*:")


def safe_href(prefix: str, node_id: str) -> str:
    """The link to a node: ``prefix + node_id``, never a javascript:, data: or external one."""
    href = prefix + node_id
    if _SCHEME.match(href):
        href = "#" + href
    return href


def _id_prefix(flow: Flow) -> str:
    """The prefix of the chart's element ids, unique to the flow's content."""
    slug = re.sub(r"[^a-z0-9]+", "-", flow.title.lower()).strip("-")[:24].strip("-")
    material = "\x1f".join(
        [flow.title]
        + [f"{lane.id}\x1e{lane.title}" for lane in flow.lanes]
        + [f"{node.id}\x1e{node.lane}\x1e{node.title}" for node in flow.nodes]
        + [f"{edge.source}\x1e{edge.target}\x1e{edge_label(edge)}" for edge in flow.edges]
    )
    digest = hashlib.sha1(material.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"sopfc-{slug}-{digest}" if slug else f"sopfc-{digest}"


def render_flowchart(
    flow: Flow, *, link_prefix: str = "#step-", labels: Mapping[str, str] | None = None
) -> str:
    """Draw ``flow`` as a swimlane flowchart; return the ``<svg>...</svg>`` markup.

    ``link_prefix`` + a node id is the link target of each node (``#step-ID`` by default).
    ``labels`` overrides words of :data:`DEFAULT_LABELS` (e.g. ``{"end": "结束"}``;
    ``too_large`` is formatted with ``steps`` and ``edges``, the counts drawn otherwise).
    Edges whose source or target is not a node, and ends that are not nodes, are skipped.
    """
    words = {**DEFAULT_LABELS, **(labels or {})}
    prefix = _id_prefix(flow)
    layout = lay_out(flow)
    if isinstance(layout, TooLarge):
        note = words["too_large"].format(steps=layout.steps, edges=layout.edges)
        return _note_chart(flow, note, prefix)
    arrow = f"{prefix}-arrow"
    end_word = clean(words["end"])
    description = " ".join(
        part for part in (clean(flow.description), summary(layout, end_word)) if part
    )
    markup = [
        *_svg_start(flow, prefix, layout.width, layout.height),
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0 0 L10 5 L0 10 Z" fill="{STROKE}"/></marker></defs>',
    ]
    for column in layout.lanes:
        markup += _lane(column, layout)
    markup += (_edge(route, arrow) for route in layout.routes)
    for box in layout.boxes:
        markup += _node(box, link_prefix)
    markup += (_end_marker(marker, arrow, end_word) for marker in layout.ends)
    markup += (_edge_label(route) for route in layout.routes if route.label is not None)
    markup.append("</svg>")
    return "\n".join(markup)


PHONE_SCALE = 0.85
"""The chart is drawn at least this part of its own size: the text (13 px) stays 11 px or
more on a phone, where the chart scrolls sideways in its box instead of shrinking to a
size nobody can read (the box: ``.sopkit-flowchart`` in the site's style sheet). Printed,
it shrinks to the page."""


def _svg_start(flow: Flow, prefix: str, width: float, height: float) -> list[str]:
    """The opening ``<svg>`` tag of a chart ``width`` by ``height``, and its ``<title>``."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sop-flowchart" '
        f'viewBox="0 0 {fmt_number(width)} {fmt_number(height)}" width="100%" '
        f'style="max-width:{fmt_number(width)}px;min-width:{fmt_number(width * PHONE_SCALE)}px" '
        f'role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{fmt_number(FONT_SIZE)}">',
        f'<title id="{prefix}-title">{escape(clean(flow.title))}</title>',
    ]


def _text_block(center_x: float, center_y: float, lines: Sequence[str], size: float,
                bold: bool) -> str:
    """Lines of text centred on (``center_x``, ``center_y``)."""
    first = center_y - (len(lines) - 1) * LINE_HEIGHT / 2 + size * 0.36
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{fmt_number(center_x)}" y="{fmt_number(first + i * LINE_HEIGHT)}">'
        f"{escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" font-size="{fmt_number(size)}"{weight} fill="#111111">'
        f"{spans}</text>"
    )


def _lane(column: LaneColumn, layout: Layout) -> list[str]:
    """A lane: its column the chart's whole height, its header on top."""
    left = fmt_number(column.left)
    return [
        f'<g class="sop-lane" data-lane="{escape(column.lane.id)}">',
        f"<title>{escape(clean(column.lane.title))}</title>",
        f'<rect x="{left}" y="{MARGIN}" width="{LANE_WIDTH}" '
        f'height="{fmt_number(layout.height - 2 * MARGIN)}" '
        f'fill="{LANE_FILLS[column.index % 2]}" stroke="{LANE_STROKE}" stroke-width="1"/>',
        f'<rect x="{left}" y="{MARGIN}" width="{LANE_WIDTH}" '
        f'height="{fmt_number(layout.header_height)}" '
        f'fill="{HEADER_FILL}" stroke="{LANE_STROKE}" stroke-width="1"/>',
        _text_block(column.left + LANE_WIDTH / 2, MARGIN + layout.header_height / 2,
                    column.header_lines, HEADER_FONT_SIZE, True),
        "</g>",
    ]


def _edge_attributes(route: Route) -> str:
    return (f'data-from="{escape(route.source.node.id)}" '
            f'data-to="{escape(route.target.node.id)}"')


def _edge(route: Route, arrow: str) -> str:
    """An edge's line, ending in the ``arrow`` marker."""
    return (
        f'<g class="sop-edge" {_edge_attributes(route)}>'
        f'<path d="{_path_data(route.points)}" fill="none" stroke="{STROKE}" '
        f'stroke-width="1.4" stroke-linejoin="round" marker-end="url(#{arrow})"/></g>'
    )


def _edge_label(route: Route) -> str:
    """A branch label on a white background."""
    label = route.label
    assert label is not None
    return (
        f'<g class="sop-edge-label" {_edge_attributes(route)}>'
        f'<rect x="{fmt_number(label.left)}" y="{fmt_number(label.middle - LABEL_HEIGHT / 2)}" '
        f'width="{fmt_number(label.width)}" height="{LABEL_HEIGHT}" rx="3" fill="#ffffff"/>'
        f'<text x="{fmt_number(label.left + 3)}" '
        f'y="{fmt_number(label.middle + LABEL_FONT_SIZE * 0.36)}" '
        f'font-size="{fmt_number(LABEL_FONT_SIZE)}" font-style="italic" fill="#000000">'
        f"{escape(label.text)}</text></g>"
    )


def _node(box: Box, link_prefix: str) -> list[str]:
    """A step: its outline, number badge and title, all one link to the step."""
    node = box.node
    kind_class = "sop-decision" if box.is_decision else "sop-step"
    markup = [
        f'<g class="sop-node {kind_class}" data-step="{escape(node.id)}" '
        f'data-kind="{escape(node.kind)}">',
        f'<a href="{escape(safe_href(link_prefix, node.id))}">',
        f"<title>{escape(clean(node.number))}. {escape(clean(node.title))}</title>",
        _outline(box),
    ]
    if box.badge is not None:
        badge = box.badge
        markup.append(
            f'<rect class="sop-badge" x="{fmt_number(badge.left)}" '
            f'y="{fmt_number(box.top - BADGE_HEIGHT / 2)}" width="{fmt_number(badge.width)}" '
            f'height="{BADGE_HEIGHT}" rx="{BADGE_HEIGHT // 2}" fill="{STROKE}"/>'
        )
        markup.append(
            f'<text x="{fmt_number(badge.left + badge.width / 2)}" '
            f'y="{fmt_number(box.top + BADGE_FONT_SIZE * 0.36)}" '
            f'text-anchor="middle" font-size="{fmt_number(BADGE_FONT_SIZE)}" '
            f'font-weight="bold" fill="#ffffff">{escape(badge.text)}</text>'
        )
    markup.append(_text_block(box.center_x, box.center_y, box.lines, FONT_SIZE, False))
    markup.append("</a></g>")
    return markup


def _outline(box: Box) -> str:
    """A decision's hexagon, or a step's rounded rectangle."""
    if box.is_decision:
        points = [
            (box.left, box.center_y),
            (box.left + HEX_INDENT, box.top),
            (box.right - HEX_INDENT, box.top),
            (box.right, box.center_y),
            (box.right - HEX_INDENT, box.bottom),
            (box.left + HEX_INDENT, box.bottom),
        ]
        corners = " ".join(f"{fmt_number(x)},{fmt_number(y)}" for x, y in points)
        return (
            f'<polygon points="{corners}" fill="{DECISION_FILL}" stroke="{STROKE}" '
            'stroke-width="1.5" stroke-linejoin="round"/>'
        )
    return (
        f'<rect x="{fmt_number(box.left)}" y="{fmt_number(box.top)}" width="{BOX_WIDTH}" '
        f'height="{fmt_number(box.height)}" rx="8" fill="{STEP_FILL}" stroke="{STROKE}" '
        'stroke-width="1.5"/>'
    )


def _end_marker(marker: EndMarker, arrow: str, end_word: str) -> str:
    """An arrow down to a ring with a dot: the flow ends here."""
    center = f'cx="{fmt_number(marker.x)}" cy="{fmt_number(marker.ring_y)}"'
    arrow_line = _path_data([(marker.x, marker.top), (marker.x, marker.ring_y - END_RADIUS)])
    return (
        f'<g class="sop-end" data-from="{escape(marker.node_id)}"><title>{escape(end_word)}'
        f'</title><path d="{arrow_line}" fill="none" stroke="{STROKE}" stroke-width="1.4" '
        f'marker-end="url(#{arrow})"/>'
        f'<circle {center} r="{END_RADIUS}" fill="#ffffff" stroke="{STROKE}" stroke-width="1.5"/>'
        f'<circle {center} r="{END_RADIUS - 4}" fill="{STROKE}"/></g>'
    )


def _note_chart(flow: Flow, note: str, prefix: str) -> str:
    """A flow too large to draw: its title and ``note``, in a figure of a fixed size."""
    figure = lay_out_note(flow.title, note)
    description = " ".join(part for part in (clean(flow.description), clean(note)) if part)
    center_x = MARGIN + NOTE_WIDTH / 2
    note_top = MARGIN + figure.title_height
    return "\n".join([
        *_svg_start(flow, prefix, figure.width, figure.height),
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
        '<g class="sop-note">',
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{NOTE_WIDTH}" '
        f'height="{fmt_number(figure.title_height)}" '
        f'fill="{HEADER_FILL}" stroke="{LANE_STROKE}" stroke-width="1"/>',
        _text_block(center_x, MARGIN + figure.title_height / 2, figure.title_lines,
                    HEADER_FONT_SIZE, True),
        f'<rect x="{MARGIN}" y="{fmt_number(note_top)}" width="{NOTE_WIDTH}" '
        f'height="{fmt_number(figure.note_height)}" fill="{LANE_FILLS[0]}" '
        f'stroke="{LANE_STROKE}" stroke-width="1"/>',
        _text_block(center_x, note_top + figure.note_height / 2, figure.note_lines,
                    FONT_SIZE, False),
        "</g>",
        "</svg>",
    ])
