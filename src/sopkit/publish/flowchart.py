"""Swimlane flowcharts of procedures, drawn as self-contained inline SVG.

This module is independent of the rest of sopkit: it takes a small description of a
flow (:class:`Flow`) and returns the markup of an ``<svg>`` element, with no JavaScript,
no external fonts or CSS, and no randomness (the same flow always gives the same bytes).

Layout: one vertical lane (column) per role, lane titles on top; one row per step in
procedure order, each step in its role's column. Edges between consecutive rows go
straight down (with one orthogonal jog when the lane changes); jumps over rows and loops
back are routed orthogonally along a side channel to the right of the lanes, one track
per edge where their spans overlap. Ending steps are followed by an end marker.

A flow too large to read as a picture (more than :data:`MAX_STEPS` steps, :data:`MAX_EDGES`
edges or :data:`MAX_BRANCHES` branches of one step) is drawn as a small figure with a note
instead (the ``too_large`` label), whose size does not grow with the flow.

Hooks for CSS and tests:

* ``<g class="sop-lane" data-lane="ID">`` per lane;
* ``<g class="sop-node sop-step|sop-decision" data-step="ID" data-kind="step|decision|end">``
  per step, wrapping ``<a href="{link_prefix}{ID}">``;
* ``<g class="sop-edge" data-from="A" data-to="B">`` per edge, holding one ``<path>`` with
  ``marker-end``; branch labels are drawn on top in
  ``<g class="sop-edge-label" data-from="A" data-to="B">``;
* ``<g class="sop-end" data-from="ID">`` per end marker;
* ``<g class="sop-note">`` holding the note of a flow too large to draw (then the chart has
  no lanes, nodes or edges).

All user text is XML-escaped; on top of that ``{ } [ ] * _ ` \\`` are written as
character references so that no template engine or Markdown processor that later sees
the markup can interpret procedure text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEFAULT_LABELS",
    "FONT_FAMILY",
    "MAX_BRANCHES",
    "MAX_EDGES",
    "MAX_STEPS",
    "Edge",
    "Flow",
    "Lane",
    "Node",
    "render_flowchart",
    "text_width",
    "wrap_text",
]

NodeKind = Literal["step", "decision", "end"]


@dataclass(frozen=True)
class Lane:
    """A swimlane: one role."""

    id: str
    title: str


@dataclass(frozen=True)
class Node:
    """A step. ``kind == "end"`` is a step that ends the flow (drawn as a step)."""

    id: str
    title: str
    lane: str
    kind: NodeKind
    number: str


@dataclass(frozen=True)
class Edge:
    """A transition; decision branches carry their ``when`` text as ``label``."""

    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Flow:
    """What to draw. ``nodes`` are in procedure order; ``ends`` are ids of ending nodes."""

    title: str
    description: str
    lanes: tuple[Lane, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    ends: tuple[str, ...]


FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "PingFang SC", '
    '"Microsoft YaHei", sans-serif'
)

#: Words drawn or spoken by the chart itself; pass ``labels`` to translate them.
DEFAULT_LABELS: Mapping[str, str] = {
    "end": "End",
    "too_large": "This flowchart has {steps:,} steps and {edges:,} arrows, too many to draw "
                 "legibly; see the steps below.",
}

# Beyond these a flowchart is a picture nobody can read (and a drawing that grows with each
# of them: a row per step, a channel track per long edge, a port per branch), so it is
# replaced by a note. The largest flows of real handbooks are far below.
MAX_STEPS = 150
MAX_EDGES = 300
MAX_BRANCHES = 40

# --- geometry (SVG user units, ~px) -------------------------------------------------

MARGIN = 8
LANE_W = 184
BOX_W = 160
FONT = 13.0
LINE_H = 16
PAD_X = 8
PAD_Y = 12
MIN_BOX_H = 44
MAX_LINES = 3
HEX_INDENT = 14
BADGE_H = 18
BADGE_FONT = 11.0
HEADER_FONT = 13.0
HEADER_LINES = 2
TOP_GAP = 30
ROW_GAP = 46
END_ARROW = 18
END_R = 9
END_GAP = ROW_GAP + END_ARROW + 2 * END_R + 4
BOTTOM_PAD = 18
PORT_SP = 18
CHANNEL_X0 = 30
CHANNEL_SP = 16
CHANNEL_PAD = 16
LABEL_FONT = 11.5
LABEL_H = 15
LABEL_MAX_W = 120.0

STROKE = "#1a1a1a"
STEP_FILL = "#f2f6fb"
DECISION_FILL = "#fff6dc"
LANE_FILLS = ("#fafafa", "#ffffff")
HEADER_FILL = "#e9e9e9"
LANE_STROKE = "#8a8a8a"

# --- text ---------------------------------------------------------------------------

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


def _esc(text: str) -> str:
    """Escape ``text`` for XML content and attribute values (either quote style)."""
    return _INVALID_XML.sub("\ufffd", text).translate(_ESCAPES)


def _clean(text: str) -> str:
    """Collapse whitespace (newlines included) to single spaces."""
    return " ".join(text.split())


_NARROW = set("il.,:;'!|()[]{}`\"")


@functools.lru_cache(maxsize=4096)  # measured for every character of every label
def _char_em(ch: str) -> float:
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


def text_width(text: str, font_size: float = FONT) -> float:
    """Estimated rendered width of ``text``: CJK and other wide characters 1em, Latin ~0.55em."""
    return sum(_char_em(ch) for ch in text) * font_size


@functools.lru_cache(maxsize=4096)
def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


# Characters that must not start a line (kinsoku): they stick to the preceding token.
_NO_LINE_START = set("，。、；：？！）」』】》〉…,.;:?!)]}%")
_TOKEN = re.compile(r" |[^ ]")


def _tokens(text: str) -> list[str]:
    """Split into spaces, Latin words and single wide characters."""
    out: list[str] = []
    word: list[str] = []  # the token being built: joined once, so a long word stays linear
    for ch in text:
        if ch == " ":
            if word:
                out.append("".join(word))
                word = []
            out.append(" ")
        elif word and (ch in _NO_LINE_START or (not _is_wide(ch) and not _is_wide(word[-1]))):
            word.append(ch)
        else:
            if word:
                out.append("".join(word))
            word = [ch]
    if word:
        out.append("".join(word))
    return out


def _ellipsize(text: str, max_width: float, font_size: float) -> str:
    """``text``, or its longest beginning that fits with an ellipsis after it.

    One pass over running widths (the sums :func:`text_width` makes, in its order), not a
    measure of the whole text per character dropped, which was quadratic in long titles.
    """
    text = text.rstrip()
    if text_width(text, font_size) <= max_width:
        return text
    ellipsis = _char_em("…")
    total: float = 0
    end = 0
    for ch in text:
        total += _char_em(ch)
        if (total + ellipsis) * font_size > max_width:
            break
        end += 1
    return text[:end].rstrip() + "…"


def wrap_text(
    text: str, max_width: float, font_size: float = FONT, max_lines: int = MAX_LINES
) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``max_width``.

    Latin text breaks between words (a word too long for a line is split); CJK text
    breaks between characters. What does not fit ends with an ellipsis.
    """
    text = _clean(text)
    if not text:
        return [""]
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        if tok == " ":
            if cur:
                cur += " "
            continue
        if text_width((cur + tok).rstrip(), font_size) <= max_width:
            cur += tok
            continue
        if cur.strip():
            lines.append(cur.rstrip())
        cur = ""
        for ch in tok:  # a token too wide for a whole line is split by characters
            if cur and text_width(cur + ch, font_size) > max_width:
                lines.append(cur)
                cur = ""
            cur += ch
    if cur.strip():
        lines.append(cur.rstrip())
    if len(lines) > max_lines:
        rest = lines[max_lines - 1 :]
        joined = rest[0]
        for part in rest[1:]:
            sep = "" if _is_wide(joined[-1]) or _is_wide(part[0]) else " "
            joined += sep + part
        lines = [*lines[: max_lines - 1], _ellipsize(joined, max_width, font_size)]
    return lines


# --- formatting ---------------------------------------------------------------------


def _n(x: float) -> str:
    """Fixed number format: integers bare, else one decimal."""
    r = round(x, 1)
    if r == int(r):
        return str(int(r))
    return f"{r:.1f}"


def _path(points: Sequence[tuple[float, float]]) -> str:
    first, *rest = points
    d = f"M{_n(first[0])} {_n(first[1])}"
    for x, y in rest:
        d += f" L{_n(x)} {_n(y)}"
    return d


_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*:")


def _href(prefix: str, node_id: str) -> str:
    href = prefix + node_id
    if _SCHEME.match(href):  # never a javascript:, data: or external link
        href = "#" + href
    return href


def _id_prefix(flow: Flow) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", flow.title.lower()).strip("-")[:24].strip("-")
    material = "\x1f".join(
        [flow.title]
        + [f"{lane.id}\x1e{lane.title}" for lane in flow.lanes]
        + [f"{n.id}\x1e{n.lane}\x1e{n.title}" for n in flow.nodes]
        + [f"{e.source}\x1e{e.target}\x1e{e.label}" for e in flow.edges]
    )
    digest = hashlib.sha1(material.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"sopfc-{slug}-{digest}" if slug else f"sopfc-{digest}"


# --- layout -------------------------------------------------------------------------


@dataclass
class _Box:
    node: Node
    row: int
    lane: int
    lines: list[str]
    cx: float = 0.0
    y0: float = 0.0
    h: float = 0.0

    @property
    def x0(self) -> float:
        return self.cx - BOX_W / 2

    @property
    def x1(self) -> float:
        return self.cx + BOX_W / 2

    @property
    def y1(self) -> float:
        return self.y0 + self.h

    @property
    def cy(self) -> float:
        return self.y0 + self.h / 2

    @property
    def decision(self) -> bool:
        return self.node.kind == "decision"

    def right_x(self, y: float) -> float:
        """x of the right outline at height ``y``."""
        if not self.decision:
            return self.x1
        return self.x1 - HEX_INDENT * min(1.0, abs(y - self.cy) / (self.h / 2))


@dataclass
class _Route:
    edge: Edge
    src: _Box
    dst: _Box
    side: bool
    out_y: float = 0.0
    in_y: float = 0.0
    track: int = 0


def _lanes(flow: Flow) -> list[Lane]:
    lanes: list[Lane] = []
    seen: set[str] = set()
    for lane in flow.lanes:
        if lane.id not in seen:
            seen.add(lane.id)
            lanes.append(lane)
    for node in flow.nodes:  # a node in an undeclared lane still gets a column
        if node.lane not in seen:
            seen.add(node.lane)
            lanes.append(Lane(node.lane, node.lane))
    return lanes


def _assign_ports(routes: list[_Route], boxes: list[_Box]) -> dict[int, int]:
    """Place side-channel ports on each box's right side; return port counts per row."""
    ports: dict[int, list[tuple[tuple[int, int, int, int], _Route, bool]]] = {}
    for i, r in enumerate(routes):
        if not r.side:
            continue
        for box, other, outgoing in ((r.src, r.dst, True), (r.dst, r.src, False)):
            # Top to bottom: ports to rows above (nearest first), self loops, then ports to
            # rows below (farthest first); this keeps nested channel tracks from crossing.
            group = 0 if other.row < box.row else 1 if other.row == box.row else 2
            key = (group, -other.row, 0 if outgoing else 1, i)
            ports.setdefault(box.row, []).append((key, r, outgoing))
    counts: dict[int, int] = {}
    for row, plist in ports.items():
        plist.sort(key=lambda p: p[0])
        counts[row] = len(plist)
        box = boxes[row]
        for k, (_, r, outgoing) in enumerate(plist):
            y = box.cy + (k - (len(plist) - 1) / 2) * PORT_SP
            if outgoing:
                r.out_y = y
            else:
                r.in_y = y
    return counts


class _Tracks:
    """Which side-channel tracks are taken at which rows.

    A segment tree over the rows; each node keeps, as bit sets, the tracks taken over its
    whole range (``cover``) and at some row of it (``some``). The tracks taken anywhere in a
    span, and taking one over a span, cost O(log rows) set operations, where a scan of every
    track per route made large flows quadratic.
    """

    def __init__(self, rows: int) -> None:
        self.size = 1
        while self.size < rows:
            self.size *= 2
        self.cover = [0] * (2 * self.size)
        self.some = [0] * (2 * self.size)

    def taken(self, lo: int, hi: int, node: int = 1, a: int = 0, b: int = -1) -> int:
        """The tracks taken at some row from ``lo`` to ``hi`` (both included)."""
        b = self.size - 1 if b < 0 else b
        if hi < a or b < lo:
            return 0
        if lo <= a and b <= hi:
            return self.some[node]
        mid = (a + b) // 2
        return (
            self.cover[node]
            | self.taken(lo, hi, 2 * node, a, mid)
            | self.taken(lo, hi, 2 * node + 1, mid + 1, b)
        )

    def take(self, lo: int, hi: int, bit: int, node: int = 1, a: int = 0, b: int = -1) -> None:
        """Mark track ``bit`` (a one-bit set) taken from row ``lo`` to ``hi``."""
        b = self.size - 1 if b < 0 else b
        if hi < a or b < lo:
            return
        self.some[node] |= bit
        if lo <= a and b <= hi:
            self.cover[node] |= bit
            return
        mid = (a + b) // 2
        self.take(lo, hi, bit, 2 * node, a, mid)
        self.take(lo, hi, bit, 2 * node + 1, mid + 1, b)


def _assign_tracks(routes: list[_Route]) -> int:
    """Give each side route a channel track; overlapping spans never share one.

    Shortest spans first, each on the lowest track that is free over all its rows.
    """
    side = [r for r in routes if r.side]
    side.sort(
        key=lambda r: (
            abs(r.src.row - r.dst.row),
            min(r.src.row, r.dst.row),
            r.src.row,
            r.dst.row,
        )
    )
    rows = 1 + max((max(r.src.row, r.dst.row) for r in side), default=0)
    tracks = _Tracks(rows)
    count = 0
    for r in side:
        lo, hi = sorted((r.src.row, r.dst.row))
        taken = tracks.taken(lo, hi)
        lowest_free = ~taken & (taken + 1)  # the lowest bit that is not set
        r.track = lowest_free.bit_length() - 1
        tracks.take(lo, hi, lowest_free)
        count = max(count, r.track + 1)
    return count


# --- drawing ------------------------------------------------------------------------


def _label_origin(r: _Route) -> tuple[float, float]:
    """Left end and vertical centre of a branch label: just after the edge leaves its source."""
    if r.side:
        return r.src.right_x(r.out_y) + 5, r.out_y
    # Right of the vertical stub under the box, above the jog of a lane change.
    return r.src.cx + 6, r.src.y1 + 11


def _label_text(text: str) -> tuple[str, float]:
    shown = _ellipsize(_clean(text), LABEL_MAX_W, LABEL_FONT)
    return shown, text_width(shown, LABEL_FONT) + 6


def _label(x: float, y: float, text: str) -> list[str]:
    """A branch label with a white background; ``x`` is its left end, ``y`` its centre."""
    shown, w = _label_text(text)
    return [
        f'<rect x="{_n(x)}" y="{_n(y - LABEL_H / 2)}" width="{_n(w)}" '
        f'height="{LABEL_H}" rx="3" fill="#ffffff"/>',
        f'<text x="{_n(x + 3)}" y="{_n(y + LABEL_FONT * 0.36)}" font-size="{_n(LABEL_FONT)}" '
        f'font-style="italic" fill="#000000">{_esc(shown)}</text>',
    ]


def _text_block(cx: float, cy: float, lines: Sequence[str], size: float, bold: bool) -> str:
    first = cy - (len(lines) - 1) * LINE_H / 2 + size * 0.36
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{_n(cx)}" y="{_n(first + i * LINE_H)}">{_esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" font-size="{_n(size)}"{weight} fill="#111111">{spans}</text>'
    )


def _summary(
    boxes: list[_Box],
    outgoing: Mapping[int, list[_Route]],
    lanes: list[Lane],
    ends: set[str],
    end_word: str,
) -> str:
    """The whole procedure as text, for screen readers; ``outgoing``: routes by source row."""
    titles = {lane.id: _clean(lane.title) for lane in lanes}
    parts: list[str] = []
    for box in boxes:
        node = box.node
        text = f"{_clean(node.number)}. {_clean(node.title)} ({titles[node.lane]})"
        outs = outgoing.get(box.row, [])
        default = (
            len(outs) == 1
            and not outs[0].edge.label
            and outs[0].dst.row == box.row + 1
            and node.id not in ends
        )
        if not default:
            targets = []
            for r in outs:
                label = _clean(r.edge.label)
                arrow = f"→ {_clean(r.dst.node.number)}"
                targets.append(f"{label} {arrow}" if label else arrow)
            if node.id in ends:
                targets.append(f"→ {end_word}")
            if targets:
                text += ": " + ", ".join(targets)
        parts.append(text)
    return "; ".join(parts)


def _too_large(boxes: list[_Box], routes: list[_Route]) -> bool:
    """Whether the flow is beyond :data:`MAX_STEPS`, :data:`MAX_EDGES` or :data:`MAX_BRANCHES`."""
    if len(boxes) > MAX_STEPS or len(routes) > MAX_EDGES:
        return True
    branches: dict[int, int] = {}
    for r in routes:
        branches[r.src.row] = branches.get(r.src.row, 0) + 1
    return max(branches.values(), default=0) > MAX_BRANCHES


NOTE_W = 480
NOTE_LINES = 6


def _svg_start(flow: Flow, prefix: str, width: float, height: float) -> list[str]:
    """The opening ``<svg>`` tag of a chart ``width`` by ``height``, and its ``<title>``."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sop-flowchart" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'style="max-width:{_n(width)}px" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="{_esc(FONT_FAMILY)}" font-size="{_n(FONT)}">',
        f'<title id="{prefix}-title">{_esc(_clean(flow.title))}</title>',
    ]


def _note_chart(flow: Flow, note: str, prefix: str) -> str:
    """A flow too large to draw: its title and ``note``, in a figure of a fixed size."""
    title_lines = wrap_text(flow.title, NOTE_W - 2 * PAD_X, HEADER_FONT, HEADER_LINES)
    note_lines = wrap_text(note, NOTE_W - 2 * PAD_X, FONT, NOTE_LINES)
    title_h = len(title_lines) * LINE_H + 16
    note_h = len(note_lines) * LINE_H + 2 * PAD_Y
    width = NOTE_W + 2 * MARGIN
    height = title_h + note_h + 2 * MARGIN
    desc = " ".join(p for p in (_clean(flow.description), _clean(note)) if p)
    return "\n".join([
        *_svg_start(flow, prefix, width, height),
        f'<desc id="{prefix}-desc">{_esc(desc)}</desc>',
        '<g class="sop-note">',
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{NOTE_W}" height="{_n(title_h)}" '
        f'fill="{HEADER_FILL}" stroke="{LANE_STROKE}" stroke-width="1"/>',
        _text_block(MARGIN + NOTE_W / 2, MARGIN + title_h / 2, title_lines, HEADER_FONT, True),
        f'<rect x="{MARGIN}" y="{_n(MARGIN + title_h)}" width="{NOTE_W}" '
        f'height="{_n(note_h)}" fill="{LANE_FILLS[0]}" stroke="{LANE_STROKE}" '
        'stroke-width="1"/>',
        _text_block(MARGIN + NOTE_W / 2, MARGIN + title_h + note_h / 2, note_lines, FONT, False),
        "</g>",
        "</svg>",
    ])


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
    lanes = _lanes(flow)
    lane_index = {lane.id: i for i, lane in enumerate(lanes)}

    boxes: list[_Box] = []
    by_id: dict[str, _Box] = {}
    for node in flow.nodes:
        if node.id in by_id:
            continue
        inner = BOX_W - 2 * PAD_X - (2 * HEX_INDENT if node.kind == "decision" else 0)
        box = _Box(node, len(boxes), lane_index[node.lane], wrap_text(node.title, inner))
        boxes.append(box)
        by_id[node.id] = box

    routes: list[_Route] = []
    for edge in flow.edges:
        src, dst = by_id.get(edge.source), by_id.get(edge.target)
        if src is None or dst is None:
            continue
        routes.append(_Route(edge, src, dst, side=dst.row != src.row + 1))
    ends: list[str] = []
    for end in flow.ends:
        if end in by_id and end not in ends:
            ends.append(end)
    end_set = set(ends)
    if _too_large(boxes, routes):
        note = words["too_large"].format(steps=len(boxes), edges=len(routes))
        return _note_chart(flow, note, prefix)
    outgoing: dict[int, list[_Route]] = {}
    for r in routes:
        outgoing.setdefault(r.src.row, []).append(r)

    # Vertical layout.
    header_lines = [wrap_text(lane.title, LANE_W - 12, HEADER_FONT, HEADER_LINES) for lane in lanes]
    header_h = max((len(ls) for ls in header_lines), default=1) * LINE_H + 16
    port_counts = _assign_ports(routes, boxes)  # only needs rows; y is fixed below
    y: float = MARGIN + header_h + TOP_GAP
    for box in boxes:
        box.cx = MARGIN + box.lane * LANE_W + LANE_W / 2
        box.h = max(
            MIN_BOX_H,
            len(box.lines) * LINE_H + 2 * PAD_Y,
            (port_counts.get(box.row, 0) + 1) * PORT_SP,
        )
        box.y0 = y
        y = box.y1 + (END_GAP if box.node.id in end_set else ROW_GAP)
    _assign_ports(routes, boxes)  # again, now that the boxes have their final place
    n_tracks = _assign_tracks(routes)

    lanes_right = MARGIN + len(lanes) * LANE_W
    width: float = (
        lanes_right
        + (CHANNEL_X0 + (n_tracks - 1) * CHANNEL_SP + CHANNEL_PAD if n_tracks else 0)
        + MARGIN
    )
    for r in routes:  # labels near the right edge widen the chart rather than being cut
        if r.edge.label.strip():
            lx, _ = _label_origin(r)
            width = max(width, lx + _label_text(r.edge.label)[1] + MARGIN)
    if boxes:
        last = boxes[-1]
        bottom = last.y1 + (END_ARROW + 2 * END_R if last.node.id in end_set else 0)
    else:
        bottom = MARGIN + header_h
    height = bottom + BOTTOM_PAD + MARGIN

    arrow = f"{prefix}-arrow"
    out = _svg_start(flow, prefix, width, height)
    summary = _summary(boxes, outgoing, lanes, end_set, _clean(words["end"]))
    desc = " ".join(p for p in (_clean(flow.description), summary) if p)
    out.append(f'<desc id="{prefix}-desc">{_esc(desc)}</desc>')
    out.append(
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0 0 L10 5 L0 10 Z" fill="{STROKE}"/></marker></defs>'
    )

    # Lanes.
    lane_h = height - 2 * MARGIN
    for i, lane in enumerate(lanes):
        x = MARGIN + i * LANE_W
        out.append(f'<g class="sop-lane" data-lane="{_esc(lane.id)}">')
        out.append(f"<title>{_esc(_clean(lane.title))}</title>")
        out.append(
            f'<rect x="{_n(x)}" y="{MARGIN}" width="{LANE_W}" height="{_n(lane_h)}" '
            f'fill="{LANE_FILLS[i % 2]}" stroke="{LANE_STROKE}" stroke-width="1"/>'
        )
        out.append(
            f'<rect x="{_n(x)}" y="{MARGIN}" width="{LANE_W}" height="{_n(header_h)}" '
            f'fill="{HEADER_FILL}" stroke="{LANE_STROKE}" stroke-width="1"/>'
        )
        out.append(
            _text_block(x + LANE_W / 2, MARGIN + header_h / 2, header_lines[i], HEADER_FONT, True)
        )
        out.append("</g>")

    # Edges (lines under the nodes; labels drawn last, on top of everything).
    label_parts: list[str] = []
    for r in routes:
        src, dst, edge = r.src, r.dst, r.edge
        if r.side:
            sx = src.right_x(r.out_y)
            tx = dst.right_x(r.in_y)
            cx = lanes_right + CHANNEL_X0 + r.track * CHANNEL_SP
            points = [(sx, r.out_y), (cx, r.out_y), (cx, r.in_y), (tx, r.in_y)]
        else:
            if src.cx == dst.cx:
                points = [(src.cx, src.y1), (dst.cx, dst.y0)]
            else:
                mid = dst.y0 - ROW_GAP / 2
                points = [(src.cx, src.y1), (src.cx, mid), (dst.cx, mid), (dst.cx, dst.y0)]
        out.append(
            f'<g class="sop-edge" data-from="{_esc(src.node.id)}" '
            f'data-to="{_esc(dst.node.id)}">'
            f'<path d="{_path(points)}" fill="none" stroke="{STROKE}" stroke-width="1.4" '
            f'stroke-linejoin="round" marker-end="url(#{arrow})"/></g>'
        )
        if edge.label.strip():
            lx, ly = _label_origin(r)
            label_parts.append(
                f'<g class="sop-edge-label" data-from="{_esc(src.node.id)}" '
                f'data-to="{_esc(dst.node.id)}">' + "".join(_label(lx, ly, edge.label)) + "</g>"
            )

    # Nodes.
    for box in boxes:
        node = box.node
        kind_class = "sop-decision" if box.decision else "sop-step"
        out.append(
            f'<g class="sop-node {kind_class}" data-step="{_esc(node.id)}" '
            f'data-kind="{_esc(node.kind)}">'
        )
        out.append(f'<a href="{_esc(_href(link_prefix, node.id))}">')
        out.append(f"<title>{_esc(_clean(node.number))}. {_esc(_clean(node.title))}</title>")
        if box.decision:
            pts = [
                (box.x0, box.cy),
                (box.x0 + HEX_INDENT, box.y0),
                (box.x1 - HEX_INDENT, box.y0),
                (box.x1, box.cy),
                (box.x1 - HEX_INDENT, box.y1),
                (box.x0 + HEX_INDENT, box.y1),
            ]
            out.append(
                f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in pts)}" '
                f'fill="{DECISION_FILL}" stroke="{STROKE}" stroke-width="1.5" '
                'stroke-linejoin="round"/>'
            )
        else:
            out.append(
                f'<rect x="{_n(box.x0)}" y="{_n(box.y0)}" width="{BOX_W}" '
                f'height="{_n(box.h)}" rx="8" fill="{STEP_FILL}" stroke="{STROKE}" '
                'stroke-width="1.5"/>'
            )
        number = _ellipsize(_clean(node.number), BOX_W / 2, BADGE_FONT)
        if number:
            bw = max(float(BADGE_H), text_width(number, BADGE_FONT) + 10)
            bx = box.x0 + (HEX_INDENT + 4 if box.decision else 8)
            out.append(
                f'<rect class="sop-badge" x="{_n(bx)}" y="{_n(box.y0 - BADGE_H / 2)}" '
                f'width="{_n(bw)}" height="{BADGE_H}" rx="{BADGE_H // 2}" fill="{STROKE}"/>'
            )
            out.append(
                f'<text x="{_n(bx + bw / 2)}" y="{_n(box.y0 + BADGE_FONT * 0.36)}" '
                f'text-anchor="middle" font-size="{_n(BADGE_FONT)}" font-weight="bold" '
                f'fill="#ffffff">{_esc(number)}</text>'
            )
        out.append(_text_block(box.cx, box.cy, box.lines, FONT, False))
        out.append("</a></g>")

    # End markers.
    for end in ends:
        box = by_id[end]
        ex = box.cx
        if any(not r.side for r in outgoing.get(box.row, [])):  # bottom already has an edge
            ex = box.cx - BOX_W / 4
        ring = box.y1 + END_ARROW + END_R
        out.append(
            f'<g class="sop-end" data-from="{_esc(end)}"><title>{_esc(_clean(words["end"]))}'
            f'</title><path d="{_path([(ex, box.y1), (ex, ring - END_R)])}" fill="none" '
            f'stroke="{STROKE}" stroke-width="1.4" marker-end="url(#{arrow})"/>'
            f'<circle cx="{_n(ex)}" cy="{_n(ring)}" r="{END_R}" fill="#ffffff" '
            f'stroke="{STROKE}" stroke-width="1.5"/>'
            f'<circle cx="{_n(ex)}" cy="{_n(ring)}" r="{END_R - 4}" fill="{STROKE}"/></g>'
        )

    out.extend(label_parts)
    out.append("</svg>")
    return "\n".join(out)
