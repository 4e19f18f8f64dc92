"""Where everything of a flowchart goes: pure geometry, in SVG user units (~px).

:func:`lay_out` turns a :class:`~sopkit.publish.flowchart.flow.Flow` into a frozen
:class:`Layout` (or :class:`TooLarge`), from which the SVG is written with no arithmetic
beyond placing text on its baseline:

* one vertical lane (column) per role, in the order the lanes are declared, then the lanes
  nodes name without declaring them; lane titles in a header on top;
* one row per step in procedure order, each step's box in its role's column, as tall as its
  title (and its side-channel ports) need; an ending step leaves room for its end marker;
* an edge to the next row goes straight down (with one orthogonal jog when the lane
  changes); any other edge (a jump over rows, a loop back, a self loop) runs through the
  side channel right of the lanes (:mod:`~sopkit.publish.flowchart.channel`);
* a branch label sits just after its edge leaves the source; the chart widens to fit it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from sopkit.model.flow import Edge
from sopkit.publish.flowchart.channel import Port, PortPlan, assign_ports, assign_tracks
from sopkit.publish.flowchart.flow import (
    MAX_BRANCHES,
    MAX_EDGES,
    MAX_STEPS,
    Flow,
    Lane,
    Node,
    edge_label,
)
from sopkit.publish.flowchart.text import FONT_SIZE, clean, ellipsize, text_width, wrap_text

__all__ = [
    "Badge",
    "Box",
    "EndMarker",
    "Label",
    "LaneColumn",
    "Layout",
    "NoteLayout",
    "Route",
    "TooLarge",
    "distinct_lanes",
    "lay_out",
    "lay_out_note",
]

Point = tuple[float, float]

MARGIN = 8
LANE_WIDTH = 184
BOX_WIDTH = 160
LINE_HEIGHT = 16
TEXT_PAD_X = 8
"""Space between a box's side and its text."""
TEXT_PAD_Y = 12
"""Space above and below a box's text."""
MIN_BOX_HEIGHT = 44
HEX_INDENT = 14
"""How far a decision's pointed ends reach in from its box's sides."""
BADGE_HEIGHT = 18
BADGE_FONT_SIZE = 11.0
HEADER_FONT_SIZE = 13.0
HEADER_LINES = 2
HEADER_PADDING = 16
"""Space above and below the lines of a header, together."""
TOP_GAP = 30
"""Between the lane headers and the first box."""
ROW_GAP = 46
"""Between a box and the box of the next row."""
END_ARROW = 18
"""The arrow from an ending box to its end marker."""
END_RADIUS = 9
END_GAP = ROW_GAP + END_ARROW + 2 * END_RADIUS + 4
"""Between an ending box and the box of the next row."""
BOTTOM_PAD = 18
PORT_SPACING = 18
"""Between the side-channel ports on a box's right side."""
CHANNEL_OFFSET = 30
"""From the lanes' right side to the channel's first track."""
TRACK_SPACING = 16
CHANNEL_PAD = 16
"""Right of the channel's last track."""
LABEL_FONT_SIZE = 11.5
LABEL_HEIGHT = 15
LABEL_MAX_WIDTH = 120.0
NOTE_WIDTH = 480
NOTE_LINES = 6


@dataclass(frozen=True)
class LaneColumn:
    """A lane's column: ``index`` counts from the left, ``left`` is its left side."""

    lane: Lane
    index: int
    left: float
    header_lines: tuple[str, ...]


@dataclass(frozen=True)
class Badge:
    """A step's number, on the top side of its box."""

    text: str
    left: float
    width: float


@dataclass(frozen=True)
class Box:
    """A step's shape: a rounded rectangle, or a hexagon for a decision."""

    node: Node
    row: int
    lines: tuple[str, ...]
    """The title, wrapped."""
    center_x: float
    top: float
    height: float
    badge: Badge | None

    @property
    def left(self) -> float:
        return self.center_x - BOX_WIDTH / 2

    @property
    def right(self) -> float:
        return self.center_x + BOX_WIDTH / 2

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def center_y(self) -> float:
        return self.top + self.height / 2

    @property
    def is_decision(self) -> bool:
        return self.node.kind == "decision"

    def right_edge_at(self, y: float) -> float:
        """x of the right outline at height ``y``."""
        if not self.is_decision:
            return self.right
        return self.right - HEX_INDENT * min(1.0, abs(y - self.center_y) / (self.height / 2))


@dataclass(frozen=True)
class Label:
    """A branch label as shown (shortened if need be): ``left`` end, ``middle`` height."""

    text: str
    left: float
    middle: float
    width: float


@dataclass(frozen=True)
class Route:
    """An edge drawn: the line through ``points`` ends in an arrow at ``target``."""

    edge: Edge
    source: Box
    target: Box
    side: bool
    """Whether it runs through the side channel."""
    points: tuple[Point, ...]
    label: Label | None


@dataclass(frozen=True)
class EndMarker:
    """The arrow from an ending box at ``x`` down to a ring centred at ``ring_y``."""

    node_id: str
    x: float
    top: float
    ring_y: float


@dataclass(frozen=True)
class Layout:
    """A flow laid out: everything the SVG draws, in drawing order."""

    lanes: tuple[LaneColumn, ...]
    header_height: float
    boxes: tuple[Box, ...]
    routes: tuple[Route, ...]
    ends: tuple[EndMarker, ...]
    width: float
    height: float


@dataclass(frozen=True)
class TooLarge:
    """A flow beyond :data:`MAX_STEPS`, :data:`MAX_EDGES` or :data:`MAX_BRANCHES`: the
    counts of the steps and the edges it would have drawn."""

    steps: int
    edges: int


@dataclass(frozen=True)
class NoteLayout:
    """A figure of a fixed width holding a title and a note, one above the other."""

    title_lines: tuple[str, ...]
    note_lines: tuple[str, ...]
    title_height: float
    note_height: float
    width: float
    height: float


@dataclass(frozen=True)
class _Link:
    """An edge between two drawn nodes, by their rows."""

    edge: Edge
    source: int
    target: int

    @property
    def side(self) -> bool:
        return self.target != self.source + 1


def lay_out(flow: Flow) -> Layout | TooLarge:
    """Where everything of ``flow`` goes, or :class:`TooLarge` when it is too large to draw.

    A node whose id came before is left out; so are edges from or to no node, and ends
    that are no node (or came before).
    """
    nodes = _distinct_nodes(flow)
    row_of = {node.id: row for row, node in enumerate(nodes)}
    links = tuple(
        _Link(edge, row_of[edge.source], row_of[edge.target])
        for edge in flow.edges
        if edge.source in row_of and edge.target in row_of
    )
    if _too_large(len(nodes), links):
        return TooLarge(len(nodes), len(links))
    ends = tuple(dict.fromkeys(end for end in flow.ends if end in row_of))
    lanes = distinct_lanes(flow)
    columns = _lane_columns(lanes)
    header_lines = max((len(column.header_lines) for column in columns), default=1)
    header_height = header_lines * LINE_HEIGHT + HEADER_PADDING
    # The side channel is planned from rows alone: a box is as tall as its ports need, and
    # a port's height then follows from its box's centre.
    side_links = [index for index, link in enumerate(links) if link.side]
    spans = [(links[index].source, links[index].target) for index in side_links]
    ports = assign_ports(spans)
    tracks = assign_tracks(spans)
    lane_index = {lane.id: index for index, lane in enumerate(lanes)}
    boxes = _place_boxes(nodes, lane_index, ports.counts, set(ends),
                         MARGIN + header_height + TOP_GAP)
    lanes_right = MARGIN + len(lanes) * LANE_WIDTH
    channel_index = {index: number for number, index in enumerate(side_links)}
    routes = tuple(
        _route(link, boxes, ports, tracks, channel_index.get(index), lanes_right)
        for index, link in enumerate(links)
    )
    down_from = {route.source.row for route in routes if not route.side}
    markers = tuple(_end_marker(boxes[row_of[end]], down_from) for end in ends)
    width = _width(lanes_right, max(tracks, default=-1) + 1, routes)
    return Layout(columns, header_height, boxes, routes, markers, width,
                  _bottom(boxes, ends, header_height) + BOTTOM_PAD + MARGIN)


def _distinct_nodes(flow: Flow) -> tuple[Node, ...]:
    """The nodes drawn: the first of each id, in order."""
    first_of_id: dict[str, Node] = {}
    for node in flow.nodes:
        first_of_id.setdefault(node.id, node)
    return tuple(first_of_id.values())


def _bottom(boxes: Sequence[Box], ends: Sequence[str], header_height: float) -> float:
    """The lowest point drawn: the last box, or its end marker (the headers when no box)."""
    if not boxes:
        return MARGIN + header_height
    last = boxes[-1]
    return last.bottom + (END_ARROW + 2 * END_RADIUS if last.node.id in ends else 0)


def distinct_lanes(flow: Flow) -> list[Lane]:
    """The lanes drawn: the declared ones (the first of each id), then one per lane that
    a node names without its being declared (titled with its id)."""
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


def _too_large(steps: int, links: Sequence[_Link]) -> bool:
    """Whether the flow is beyond :data:`MAX_STEPS`, :data:`MAX_EDGES` or :data:`MAX_BRANCHES`."""
    if steps > MAX_STEPS or len(links) > MAX_EDGES:
        return True
    branches = Counter(link.source for link in links)
    return max(branches.values(), default=0) > MAX_BRANCHES


def _lane_columns(lanes: Sequence[Lane]) -> tuple[LaneColumn, ...]:
    return tuple(
        LaneColumn(lane, index, MARGIN + index * LANE_WIDTH,
                   tuple(wrap_text(lane.title, LANE_WIDTH - 12, HEADER_FONT_SIZE, HEADER_LINES)))
        for index, lane in enumerate(lanes)
    )


def _place_boxes(nodes: Sequence[Node], lane_index: Mapping[str, int],
                 port_counts: Mapping[int, int], ends: Set[str], top: float) -> tuple[Box, ...]:
    """The boxes of ``nodes``, one row below the other from ``top`` down."""
    boxes: list[Box] = []
    y = top
    for row, node in enumerate(nodes):
        decision = node.kind == "decision"
        inner_width = BOX_WIDTH - 2 * TEXT_PAD_X - (2 * HEX_INDENT if decision else 0)
        lines = tuple(wrap_text(node.title, inner_width))
        height = max(
            MIN_BOX_HEIGHT,
            len(lines) * LINE_HEIGHT + 2 * TEXT_PAD_Y,
            (port_counts.get(row, 0) + 1) * PORT_SPACING,
        )
        center_x = MARGIN + lane_index[node.lane] * LANE_WIDTH + LANE_WIDTH / 2
        badge = _badge(node.number, center_x - BOX_WIDTH / 2, decision)
        box = Box(node, row, lines, center_x, y, height, badge)
        boxes.append(box)
        y = box.bottom + (END_GAP if node.id in ends else ROW_GAP)
    return tuple(boxes)


def _badge(number: str, box_left: float, decision: bool) -> Badge | None:
    """The badge of a step numbered ``number`` (none for no number)."""
    text = ellipsize(clean(number), BOX_WIDTH / 2, BADGE_FONT_SIZE)
    if not text:
        return None
    width = max(float(BADGE_HEIGHT), text_width(text, BADGE_FONT_SIZE) + 10)
    return Badge(text, box_left + (HEX_INDENT + 4 if decision else 8), width)


def _route(link: _Link, boxes: Sequence[Box], ports: PortPlan, tracks: Sequence[int],
           channel_index: int | None, lanes_right: float) -> Route:
    """``link`` drawn; ``channel_index`` is its place among the side routes (if it is one)."""
    source, target = boxes[link.source], boxes[link.target]
    if channel_index is None:
        points = _down_points(source, target)
        label_at = (source.center_x + 6, source.bottom + 11)  # right of the stub, above a jog
    else:
        track_x = lanes_right + CHANNEL_OFFSET + tracks[channel_index] * TRACK_SPACING
        exit_y = _port_y(source, ports.exits[channel_index])
        entry_y = _port_y(target, ports.entries[channel_index])
        points = (
            (source.right_edge_at(exit_y), exit_y),
            (track_x, exit_y),
            (track_x, entry_y),
            (target.right_edge_at(entry_y), entry_y),
        )
        label_at = (source.right_edge_at(exit_y) + 5, exit_y)
    text = edge_label(link.edge)
    label = _label(text, *label_at) if text.strip() else None
    return Route(link.edge, source, target, channel_index is not None, points, label)


def _port_y(box: Box, port: Port) -> float:
    return box.center_y + port.offset(PORT_SPACING)


def _down_points(source: Box, target: Box) -> tuple[Point, ...]:
    """An edge to the next row: straight down, or down, across and down."""
    if source.center_x == target.center_x:
        return ((source.center_x, source.bottom), (target.center_x, target.top))
    middle = target.top - ROW_GAP / 2
    return (
        (source.center_x, source.bottom),
        (source.center_x, middle),
        (target.center_x, middle),
        (target.center_x, target.top),
    )


def _label(text: str, left: float, middle: float) -> Label:
    shown = ellipsize(clean(text), LABEL_MAX_WIDTH, LABEL_FONT_SIZE)
    return Label(shown, left, middle, text_width(shown, LABEL_FONT_SIZE) + 6)


def _width(lanes_right: float, track_count: int, routes: Sequence[Route]) -> float:
    """The chart's width: the lanes, the channel's tracks and the labels that reach further."""
    channel = CHANNEL_OFFSET + (track_count - 1) * TRACK_SPACING + CHANNEL_PAD
    width: float = lanes_right + (channel if track_count else 0) + MARGIN
    for route in routes:  # labels near the right edge widen the chart rather than being cut
        if route.label is not None:
            width = max(width, route.label.left + route.label.width + MARGIN)
    return width


def _end_marker(box: Box, down_from: Set[int]) -> EndMarker:
    """The end marker under ``box``, moved left when an edge leaves from the box's bottom
    (``down_from``: the rows an edge goes straight down from)."""
    x = box.center_x
    if box.row in down_from:
        x = box.center_x - BOX_WIDTH / 4
    return EndMarker(box.node.id, x, box.bottom, box.bottom + END_ARROW + END_RADIUS)


def lay_out_note(title: str, note: str) -> NoteLayout:
    """The figure of a flow too large to draw, its size independent of the flow's."""
    title_lines = wrap_text(title, NOTE_WIDTH - 2 * TEXT_PAD_X, HEADER_FONT_SIZE, HEADER_LINES)
    note_lines = wrap_text(note, NOTE_WIDTH - 2 * TEXT_PAD_X, FONT_SIZE, NOTE_LINES)
    title_height = len(title_lines) * LINE_HEIGHT + HEADER_PADDING
    note_height = len(note_lines) * LINE_HEIGHT + 2 * TEXT_PAD_Y
    return NoteLayout(tuple(title_lines), tuple(note_lines), title_height, note_height,
                      NOTE_WIDTH + 2 * MARGIN, title_height + note_height + 2 * MARGIN)
