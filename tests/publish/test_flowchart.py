"""Tests of the swimlane flowchart (sopkit.publish.flowchart): parsed as XML, never
string-matched."""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from typing import Literal

import pytest

from sopkit.model.flow import Edge
from sopkit.publish import flowchart as fc
from sopkit.publish.flowchart import (
    Flow,
    Lane,
    Node,
    render_flowchart,
    text_width,
    wrap_text,
)
from sopkit.publish.flowchart import layout as fc_layout
from sopkit.publish.flowchart import text as fc_text

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"'quotes' ]]> {{ x }} {% y %}"


def edge(source: str, target: str, label: str | None = None) -> Edge:
    """An edge of the flow; the flowchart does not read ``step_index``."""
    return Edge(source, target, 0, label)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def classed(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.get("class", "").split()]


def path_points(d: str) -> list[tuple[float, float]]:
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(nums[::2], nums[1::2], strict=True))


def lane_right(root: ET.Element) -> float:
    right = 0.0
    for lane in classed(root, "sop-lane"):
        for rect in lane.iter(f"{SVG}rect"):
            right = max(right, float(rect.get("x", "0")) + float(rect.get("width", "0")))
    return right


def sample_flow() -> Flow:
    """English and Chinese text, a Yes/No decision, a loop back, a jump and an early end."""
    lanes = (
        Lane("hr-specialist", "HR Specialist"),
        Lane("it-admin", "IT 管理员"),
        Lane("hr-manager", "HR Manager 人力资源经理"),
    )
    nodes = (
        Node("prepare", "Prepare onboarding documents", "hr-specialist", "step", "1"),
        Node("check", "Are all documents complete?", "hr-specialist", "decision", "2"),
        Node(
            "request",
            "向新员工索取缺失的文件并记录在人事系统中，确认收到后再继续检查",
            "hr-specialist",
            "step",
            "3",
        ),
        Node("approve", "Approve an exception?", "hr-manager", "decision", "4"),
        Node("reject", "Withdraw the offer", "hr-manager", "end", "5"),
        Node("accounts", "创建账户并准备设备", "it-admin", "step", "6"),
        Node("welcome", "Welcome the new hire on day one", "hr-specialist", "end", "7"),
    )
    edges = (
        edge("prepare", "check"),
        edge("check", "accounts", "Yes"),
        edge("check", "request", "No"),
        edge("request", "approve"),
        edge("approve", "check", "是"),
        edge("approve", "reject", "否"),
        edge("accounts", "welcome"),
    )
    return Flow(
        "New employee onboarding 入职",
        "From signed offer to a productive first week.",
        lanes,
        nodes,
        edges,
        ("reject", "welcome"),
    )


def big_flow(steps: int = 32, lanes: int = 8) -> Flow:
    lane_list = tuple(Lane(f"role-{i}", f"Role number {i} 角色{i}") for i in range(lanes))
    nodes = tuple(
        Node(
            f"s{i}",
            f"Step {i}: do the thing number {i} carefully" if i % 2 else f"第{i}步：仔细检查",
            f"role-{(i * 3) % lanes}",
            "decision" if i % 5 == 4 else "step",
            str(i + 1),
        )
        for i in range(steps)
    )
    edges: list[Edge] = []
    for i in range(steps - 1):
        if i % 5 == 4:
            edges.append(edge(f"s{i}", f"s{i + 1}", "Yes"))
            edges.append(edge(f"s{i}", f"s{max(0, i - 3)}", "No, go back and redo it"))
        elif i % 7 == 6:
            edges.append(edge(f"s{i}", f"s{min(steps - 1, i + 4)}"))
        else:
            edges.append(edge(f"s{i}", f"s{i + 1}"))
    return Flow("Big", "", lane_list, nodes, tuple(edges), (f"s{steps - 1}",))


def check_structure(flow: Flow, root: ET.Element) -> None:
    node_ids = {n.id for n in flow.nodes}
    nodes = classed(root, "sop-node")
    assert [n.get("data-step") for n in nodes] == [n.id for n in flow.nodes]
    for el, node in zip(nodes, flow.nodes, strict=True):
        kind = "sop-decision" if node.kind == "decision" else "sop-step"
        assert kind in el.get("class", "").split()
    edges = classed(root, "sop-edge")
    expected = [
        (e.source, e.target) for e in flow.edges if e.source in node_ids and e.target in node_ids
    ]
    assert [(e.get("data-from"), e.get("data-to")) for e in edges] == expected
    marker_ids = {m.get("id") for m in root.iter(f"{SVG}marker")}
    for edge in edges:
        paths = edge.findall(f"{SVG}path")
        assert len(paths) == 1
        ref = re.fullmatch(r"url\(#(.+)\)", paths[0].get("marker-end", ""))
        assert ref and ref.group(1) in marker_ids
    assert len(classed(root, "sop-end")) == len({e for e in flow.ends if e in node_ids})
    lane_ids = {n.lane for n in flow.nodes} | {lane.id for lane in flow.lanes}
    assert len(classed(root, "sop-lane")) == len(lane_ids)


def test_structure_of_sample() -> None:
    flow = sample_flow()
    root = parse(render_flowchart(flow))
    check_structure(flow, root)
    assert len(classed(root, "sop-end")) == 2
    assert [lane.get("data-lane") for lane in classed(root, "sop-lane")] == [
        "hr-specialist",
        "it-admin",
        "hr-manager",
    ]
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == [f"#step-{n.id}" for n in flow.nodes]


def test_accessibility() -> None:
    flow = sample_flow()
    root = parse(render_flowchart(flow))
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") == "100%"
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    refs = root.get("aria-labelledby", "").split()
    assert len(refs) == 2
    title, desc = (ids[r] for r in refs)
    assert title.tag == f"{SVG}title" and title.text == flow.title
    assert desc.tag == f"{SVG}desc"
    text = desc.text or ""
    assert text.startswith(flow.description)
    for node in flow.nodes:
        assert f"{node.number}. {node.title}" in text
    assert "(HR Specialist)" in text
    assert "Yes → 6" in text and "No → 3" in text and "是 → 2" in text
    assert text.count("→ End") == 2


def test_labels_translate_end_marker() -> None:
    root = parse(render_flowchart(sample_flow(), labels={"end": "结束"}))
    for end in classed(root, "sop-end"):
        assert end.findtext(f"{SVG}title") == "结束"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "→ 结束" in (desc.text or "")


def test_link_prefix() -> None:
    root = parse(render_flowchart(sample_flow(), link_prefix="hr-001.md#step-"))
    assert {a.get("href") for a in root.iter(f"{SVG}a")} >= {"hr-001.md#step-prepare"}


def hostile_flow() -> Flow:
    return Flow(
        title=HOSTILE,
        description=HOSTILE,
        lanes=(Lane(HOSTILE, HOSTILE), Lane("b", "javascript:alert(1)")),
        nodes=(
            Node(HOSTILE, HOSTILE, HOSTILE, "decision", HOSTILE),
            Node("javascript:alert(1)", "x onload=alert(1)", "b", "step", "2"),
            Node("http://evil.example/x", HOSTILE, "b", "end", "3"),
        ),
        edges=(
            edge(HOSTILE, "javascript:alert(1)", HOSTILE),
            edge(HOSTILE, "http://evil.example/x", "\x00\x07 control"),
            edge("javascript:alert(1)", HOSTILE, HOSTILE),
        ),
        ends=("http://evil.example/x",),
    )


def test_hostile_text_is_escaped() -> None:
    flow = hostile_flow()
    svg = render_flowchart(flow)
    root = parse(svg)
    check_structure(flow, root)
    # Text comes back unchanged after parsing, so it was escaped rather than dropped.
    assert root.findtext(f"{SVG}title") == " ".join(HOSTILE.split())
    assert classed(root, "sop-node")[0].get("data-step") == HOSTILE
    assert classed(root, "sop-lane")[0].get("data-lane") == HOSTILE
    all_text = " ".join(t for el in root.iter() for t in (el.text, el.tail) if t)
    assert "<script>" in all_text  # as text, not as an element
    # Nothing a template engine or Markdown would act on survives in the raw markup.
    assert "{{" not in svg and "{%" not in svg and "]]>" not in svg
    assert "<script" not in svg.lower()


def test_no_active_content_or_external_urls() -> None:
    for flow in (hostile_flow(), sample_flow(), big_flow()):
        for prefix in ("#step-", "", "javascript:"):
            root = parse(render_flowchart(flow, link_prefix=prefix))
            for el in root.iter():
                assert not el.tag.lower().endswith(("script", "foreignobject", "style"))
                for name, value in el.attrib.items():
                    local = name.rsplit("}", 1)[-1].lower()
                    assert not local.startswith("on"), (name, value)
                    if local == "href":  # same-document fragment or relative link only
                        assert not re.match(r"\s*[a-z][a-z0-9+.-]*:", value, re.I), value
                        assert not prefix or value.startswith(("#", prefix))
                    elif not local.startswith("data-"):
                        assert "://" not in value, (name, value)
                    if local in ("marker-end", "fill", "stroke"):
                        assert "url(" not in value or value.startswith("url(#")


def test_deterministic() -> None:
    for flow in (sample_flow(), big_flow(), hostile_flow()):
        assert render_flowchart(flow) == render_flowchart(flow)


def test_no_blank_lines_and_no_floats_noise() -> None:
    svg = render_flowchart(big_flow())
    assert "\n\n" not in svg  # a blank line would end a raw HTML block in Markdown
    assert not re.search(r"\d\.\d{2,}", svg)


def test_unique_ids_per_chart() -> None:
    a = parse(render_flowchart(sample_flow()))
    other = Flow("Another one", "", sample_flow().lanes, sample_flow().nodes, (), ())
    b = parse(render_flowchart(other))
    ids_a = [el.get("id") for el in a.iter() if el.get("id")]
    ids_b = [el.get("id") for el in b.iter() if el.get("id")]
    assert len(ids_a) == len(set(ids_a))
    assert not set(ids_a) & set(ids_b)


def edge_points(root: ET.Element, source: str, target: str) -> list[tuple[float, float]]:
    for edge in classed(root, "sop-edge"):
        if edge.get("data-from") == source and edge.get("data-to") == target:
            path = edge.find(f"{SVG}path")
            assert path is not None
            return path_points(path.get("d", ""))
    raise AssertionError(f"no edge {source} -> {target}")


def node_box(root: ET.Element, step: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a node's outline."""
    for node in classed(root, "sop-node"):
        if node.get("data-step") == step:
            rects = [r for r in node.iter(f"{SVG}rect") if r.get("class") != "sop-badge"]
            if rects:
                rect = rects[0]
                x, y = float(rect.get("x", "0")), float(rect.get("y", "0"))
                return x, y, x + float(rect.get("width", "0")), y + float(rect.get("height", "0"))
            poly = node.find(f"{SVG}a/{SVG}polygon")
            assert poly is not None
            pts = [tuple(map(float, p.split(","))) for p in poly.get("points", "").split()]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            return min(xs), min(ys), max(xs), max(ys)
    raise AssertionError(step)


def test_loop_back_and_jump_use_side_channel() -> None:
    root = parse(render_flowchart(sample_flow()))
    right = lane_right(root)
    loop = edge_points(root, "approve", "check")
    jump = edge_points(root, "check", "accounts")
    for pts in (loop, jump):
        assert max(x for x, _ in pts) > right
        # orthogonal: every segment is horizontal or vertical
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            assert x1 == x2 or y1 == y2
    assert loop[-1][1] < loop[0][1]  # goes up
    assert jump[-1][1] > jump[0][1]  # goes down
    # each side edge has its own channel
    assert max(x for x, _ in loop) != max(x for x, _ in jump)
    # ends on the target's outline
    x0, y0, x1, y1 = node_box(root, "check")
    assert x0 <= loop[-1][0] <= x1 and y0 <= loop[-1][1] <= y1
    # consecutive edges stay inside the lanes
    assert max(x for x, _ in edge_points(root, "prepare", "check")) < right


def test_side_channels_do_not_overlap_in_big_flow() -> None:
    flow = big_flow()
    root = parse(render_flowchart(flow))
    check_structure(flow, root)
    right = lane_right(root)
    spans: list[tuple[float, float, float]] = []
    for edge in classed(root, "sop-edge"):
        path = edge.find(f"{SVG}path")
        assert path is not None
        pts = path_points(path.get("d", ""))
        if max(x for x, _ in pts) > right:
            x = max(x for x, _ in pts)
            ys = [y for px, y in pts if px == x]
            spans.append((x, min(ys), max(ys)))
    assert len(spans) >= 8
    for i, (xa, lo_a, hi_a) in enumerate(spans):
        for xb, lo_b, hi_b in spans[i + 1 :]:
            if xa == xb:
                assert hi_a < lo_b or hi_b < lo_a


def test_nodes_do_not_overlap_and_stay_in_lane() -> None:
    flow = big_flow()
    root = parse(render_flowchart(flow))
    lanes = {
        lane.get("data-lane"): float(lane.findall(f"{SVG}rect")[0].get("x", "0"))
        for lane in classed(root, "sop-lane")
    }
    boxes = [node_box(root, n.id) for n in flow.nodes]
    for node, (x0, _, x1, _) in zip(flow.nodes, boxes, strict=True):
        assert lanes[node.lane] < x0 < x1 < lanes[node.lane] + 184
    for (_, _, _, bottom), (_, top, _, _) in itertools.pairwise(boxes):
        assert bottom < top


@pytest.mark.parametrize(
    "title",
    [
        "这是一个非常非常长的中文步骤标题，用来测试自动换行是否在方框的宽度之内完成，而且超出三行的部分会被省略号代替",
        "Verify that the uncommonly long title wraps nicely inside the rounded box without "
        "spilling out of it, and that whatever does not fit ends with an ellipsis",
        "Supercalifragilisticexpialidociousandevenlongerwordwithoutanyspaces",
        "混合 mixed 中文和 English words 的标题，还有 ASCII-only-tokens-that-are-long",
    ],
)
@pytest.mark.parametrize("kind", ["step", "decision"])
def test_long_titles_wrap_within_box(title: str, kind: Literal["step", "decision"]) -> None:
    flow = Flow("t", "", (Lane("r", "Role"),), (Node("a", title, "r", kind, "1"),), (), ())
    root = parse(render_flowchart(flow))
    node = classed(root, "sop-node")[0]
    x0, _, x1, _ = node_box(root, "a")
    inner = (x1 - x0) - (28 if kind == "decision" else 0)
    texts = node.findall(f"{SVG}a/{SVG}text")
    lines = [t.text or "" for t in texts[-1].findall(f"{SVG}tspan")]
    assert 1 <= len(lines) <= 3
    for line in lines:
        assert text_width(line, 13) <= inner - 16
    if text_width(title, 13) > 3 * inner:
        assert lines[-1].endswith("…")
    # the full title stays available as a tooltip
    assert node.findtext(f"{SVG}a/{SVG}title") == f"1. {title}"


def test_wrap_text_rules() -> None:
    assert wrap_text("Short", 100) == ["Short"]
    assert wrap_text("", 100) == [""]
    lines = wrap_text("one two three four five six seven", 60)
    assert all(text_width(x) <= 60 for x in lines)
    assert " ".join(lines).startswith("one two")
    cjk = wrap_text("中文字符宽度按一个全角计算", 13 * 4)
    assert cjk[0] == "中文字符"
    assert text_width("中", 10) == 10 and text_width("a", 10) < 7
    # closing punctuation never starts a line
    assert not any(
        x.startswith("，") for x in wrap_text("一二三，四五六，七八九，十", 13 * 3, max_lines=9)
    )


def test_single_node_single_lane() -> None:
    flow = Flow(
        "One", "", (Lane("r", "Role"),), (Node("a", "Only step", "r", "end", "1"),), (), ("a",)
    )
    root = parse(render_flowchart(flow))
    check_structure(flow, root)
    assert len(classed(root, "sop-end")) == 1


def test_empty_flow_still_renders() -> None:
    root = parse(render_flowchart(Flow("Empty", "", (), (), (), ())))
    assert not classed(root, "sop-node")


def test_dangling_edges_and_unknown_lanes_are_tolerated() -> None:
    flow = Flow(
        "Dangling",
        "",
        (Lane("r", "Role"), Lane("r", "Duplicate lane")),
        (Node("a", "A", "r", "step", "1"), Node("b", "B", "ghost-role", "step", "2")),
        (edge("a", "missing"), edge("missing", "b"), edge("a", "b"), edge("b", "b", "again")),
        ("nope", "b", "b"),
    )
    root = parse(render_flowchart(flow))
    assert [(e.get("data-from"), e.get("data-to")) for e in classed(root, "sop-edge")] == [
        ("a", "b"),
        ("b", "b"),
    ]
    assert [lane.get("data-lane") for lane in classed(root, "sop-lane")] == ["r", "ghost-role"]
    assert len(classed(root, "sop-end")) == 1
    # a self loop goes out and back through the side channel
    pts = edge_points(root, "b", "b")
    assert max(x for x, _ in pts) > lane_right(root)


def test_golden_sample(golden) -> None:  # type: ignore[no-untyped-def]
    golden("flowchart/sample.svg", render_flowchart(sample_flow(), link_prefix="#step-"))


# --- large flows: the same layout, found in linear time; a note beyond a readable size ------


def first_fit_tracks(spans: list[tuple[int, int]]) -> tuple[int, ...]:
    """The track assignment as it was (every track scanned per route): the reference."""
    order = sorted(range(len(spans)), key=lambda i: (
        abs(spans[i][0] - spans[i][1]), min(spans[i]), spans[i][0], spans[i][1]))
    found = [0] * len(spans)
    tracks: list[list[tuple[int, int]]] = []
    for i in order:
        lo, hi = sorted(spans[i])
        for t, taken in enumerate(tracks):
            if all(hi < a or lo > b for a, b in taken):
                taken.append((lo, hi))
                found[i] = t
                break
        else:
            tracks.append([(lo, hi)])
            found[i] = len(tracks) - 1
    return tuple(found)


def random_flow(seed: int, steps: int, edges: int) -> Flow:
    """Jumps and loops of every length, self loops and labels, in three lanes."""
    rng = random.Random(seed)
    nodes = tuple(
        Node(f"s{i}", f"Step {i}", f"r{i % 3}", "decision" if i % 4 == 1 else "step", str(i + 1))
        for i in range(steps)
    )
    links = [edge(f"s{i}", f"s{i + 1}") for i in range(steps - 1)]
    while len(links) < edges:
        a, b = rng.randrange(steps), rng.randrange(steps)
        links.append(edge(f"s{a}", f"s{b}", rng.choice(["", "Yes", "No"])))
    lanes = tuple(Lane(f"r{i}", f"Role {i}") for i in range(3))
    return Flow(f"Random {seed}", "", lanes, nodes, tuple(links), (f"s{steps - 1}",))


@pytest.mark.parametrize("seed", range(12))
def test_tracks_are_the_first_fit_layout_as_before(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = 5 + seed * 11
    flow = random_flow(seed, steps, min(fc.MAX_EDGES, steps + seed * 20))
    now = render_flowchart(flow)
    monkeypatch.setattr(fc_layout, "assign_tracks", first_fit_tracks)
    assert render_flowchart(flow) == now
    assert now.count('class="sop-edge"') == len(flow.edges)


def test_golden_sample_tracks_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    for flow in (sample_flow(), big_flow(), big_flow(60, 5)):
        now = render_flowchart(flow)
        monkeypatch.setattr(fc_layout, "assign_tracks", first_fit_tracks)
        before = render_flowchart(flow)
        monkeypatch.undo()
        assert now == before


def old_ellipsize(text: str, max_width: float, font_size: float) -> str:
    """The ellipsis as it was (the whole text measured per character dropped): the reference."""
    text = text.rstrip()
    if text_width(text, font_size) <= max_width:
        return text
    while text and text_width(text + "…", font_size) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def test_ellipsis_as_before() -> None:
    rng = random.Random(5)
    alphabet = "ab Mi.中文，\u0301 W"
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        width = rng.choice([0.0, 5.0, 40.0, 120.0, 300.0])
        assert fc_text.ellipsize(text, width, 11.5) == old_ellipsize(text, width, 11.5)


def test_long_title_is_measured_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A title of 40,000 characters (one word, then words): each character is measured a
    bounded number of times, where the ellipsis measured the whole rest per character."""
    calls = 0
    measure = fc_text.char_em

    def counted(ch: str) -> float:
        nonlocal calls
        calls += 1
        return measure(ch)

    monkeypatch.setattr(fc_text, "char_em", counted)
    for title in ("x" * 40_000, "word " * 8_000):
        calls = 0
        lines = wrap_text(title, 144)
        assert len(lines) == 3 and lines[-1].endswith("…")
        assert calls < 40 * len(title)


def too_large_flows() -> list[tuple[str, Flow]]:
    lanes = (Lane("r", "Role"),)
    many = tuple(Node(f"s{i}", f"Step {i}", "r", "step", str(i + 1))
                 for i in range(fc.MAX_STEPS + 1))
    chain = tuple(edge(f"s{i}", f"s{i + 1}") for i in range(len(many) - 1))
    few = many[:20]
    loops = tuple(edge(f"s{i % 20}", f"s{(i * 7) % 20}") for i in range(fc.MAX_EDGES + 1))
    branchy = (Node("d", "Which?", "r", "decision", "1"), *few[1:])
    branches = tuple(edge("d", f"s{1 + i % 19}", f"case {i}")
                     for i in range(fc.MAX_BRANCHES + 1))
    return [
        ("steps", Flow("Steps", "", lanes, many, chain, (many[-1].id,))),
        ("edges", Flow("Edges", "", lanes, few, loops, ())),
        ("branches", Flow("Branches", "", lanes, branchy, branches, ())),
    ]


@pytest.mark.parametrize("name, flow", too_large_flows())
def test_too_large_flow_is_a_note(name: str, flow: Flow) -> None:
    svg = render_flowchart(flow)
    root = parse(svg)
    assert not classed(root, "sop-node") and not classed(root, "sop-edge")
    assert not classed(root, "sop-lane")
    note = classed(root, "sop-note")
    assert len(note) == 1
    shown = " ".join(t.text or "" for t in note[0].iter(f"{SVG}tspan"))
    steps, edges = len(flow.nodes), len(flow.edges)
    assert f"{steps:,} steps" in shown and f"{edges:,} arrows" in shown
    assert "see the steps below" in shown
    assert flow.title in shown
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "too many to draw" in (desc.text or "")
    assert len(svg) < 3_000  # the same small figure however large the flow


def test_too_large_note_in_chinese() -> None:
    _, flow = too_large_flows()[0]
    note = "此流程图有 {steps:,} 个步骤、{edges:,} 条连线，太多，无法清楚画出；请看下面的步骤。"
    root = parse(render_flowchart(flow, labels={"too_large": note}))
    shown = "".join(t.text or "" for t in classed(root, "sop-note")[0].iter(f"{SVG}tspan"))
    assert f"{fc.MAX_STEPS + 1} 个步骤" in shown


def test_flows_at_the_limits_are_drawn() -> None:
    lanes = (Lane("r", "Role"),)
    nodes = tuple(Node(f"s{i}", f"Step {i}", "r", "step", str(i + 1))
                  for i in range(fc.MAX_STEPS))
    chain = [edge(f"s{i}", f"s{i + 1}") for i in range(len(nodes) - 1)]
    branches = [edge("s0", f"s{2 + i}", f"case {i}") for i in range(fc.MAX_BRANCHES - 1)]
    loops = [edge(f"s{1 + i % 99}", f"s{(i * 13) % 100}")
             for i in range(fc.MAX_EDGES - len(chain) - len(branches))]
    edges = (*chain, *branches, *loops)
    assert len(edges) == fc.MAX_EDGES
    flow = Flow("At the limits", "", lanes, nodes, edges, (nodes[-1].id,))
    root = parse(render_flowchart(flow))
    check_structure(flow, root)
    assert not classed(root, "sop-note")
