"""Swimlane flowcharts of procedures, drawn as self-contained inline SVG.

This package depends on nothing of sopkit but the model's :class:`~sopkit.model.flow.Edge`:
it takes a small description of a flow (:class:`Flow`) and returns the markup of an
``<svg>`` element, with no JavaScript, no external fonts or CSS, and no randomness (the
same flow always gives the same bytes). Its modules, in the order they run:

* ``flow.py``: what to draw (:class:`Flow`, :class:`Lane`, :class:`Node`), the chart's
  own words (:data:`DEFAULT_LABELS`) and the limits beyond which it is not drawn;
* ``text.py``: measuring and wrapping text (:func:`text_width`, :func:`wrap_text`);
* ``layout.py``: pure geometry, a flow -> a frozen ``Layout`` of lanes, boxes, routes and
  end markers, with ``channel.py`` for the ports and tracks of the side channel;
* ``summary.py``: the flow told as text for screen readers;
* ``svg.py``: the markup, from a finished layout (:func:`render_flowchart`).

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

from sopkit.publish.flowchart.flow import (
    DEFAULT_LABELS,
    MAX_BRANCHES,
    MAX_EDGES,
    MAX_STEPS,
    Flow,
    Lane,
    Node,
    NodeKind,
)
from sopkit.publish.flowchart.svg import FONT_FAMILY, render_flowchart
from sopkit.publish.flowchart.text import text_width, wrap_text

__all__ = [
    "DEFAULT_LABELS",
    "FONT_FAMILY",
    "MAX_BRANCHES",
    "MAX_EDGES",
    "MAX_STEPS",
    "Flow",
    "Lane",
    "Node",
    "NodeKind",
    "render_flowchart",
    "text_width",
    "wrap_text",
]
