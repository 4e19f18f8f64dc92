"""sopkit.publish.sanitize: the second wall keeps what sopkit's pages legitimately hold,
nothing else."""

from __future__ import annotations

import re

import markdown
from conftest import REPO

from sopkit.config import load_config
from sopkit.model.flow import Edge
from sopkit.publish.flowchart import Flow, Lane, Node, render_flowchart
from sopkit.publish.lookahead import LazySite
from sopkit.publish.render import build_model
from sopkit.publish.sanitize import sanitize_html


def test_sanitiser_removes_active_content() -> None:
    html = (
        '<p>ok <a href="javascript:alert(1)">x</a> <a href="unsafe:javascript:alert(1)">y</a>'
        '<img src=x onerror=alert(1)></p><script>alert(1)</script>'
        '<iframe src="https://evil.example"></iframe><style>body{}</style>'
        '<svg viewBox="0 0 1 1" onload="alert(1)"><a href="javascript:alert(1)">'
        '<rect fill="url(https://evil.example/x.svg#p)"/></a>'
        '<foreignObject><img src=x onerror=alert(2)></foreignObject></svg>'
    )
    cleaned = sanitize_html(html)
    assert "alert" not in cleaned
    assert "javascript" not in cleaned and "evil" not in cleaned
    for tag in ("<script", "<iframe", "<style", "<foreignObject", "onerror", "onload"):
        assert tag not in cleaned
    assert '<svg viewBox="0 0 1 1">' in cleaned


def test_sanitiser_keeps_what_the_markdown_produces() -> None:
    html = (
        '<h2 id="steps">Steps<a class="headerlink" href="#steps" title="Permanent link">'
        "¶</a></h2>\n"
        '<div class="admonition warning"><p class="admonition-title">Caution</p></div>\n'
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
        '<input type="checkbox" disabled="disabled"><span class="task-list-indicator"></span>'
        "</label> ID card</li></ul>\n"
        '<table><thead><tr><th style="text-align:left">A</th></tr></thead></table>\n'
        '<details class="note"><summary>More</summary><p>x</p></details>\n'
        '<p><a href="https://example.com/">a</a> <a href="mailto:hr@example.com">b</a> '
        '<a href="../HR-002/">c</a> <code>x</code></p>'
    )
    assert sanitize_html(html) == html


def test_sanitiser_keeps_flowcharts_intact() -> None:
    flow = Flow(
        title="Onboarding <&>", description="",
        lanes=(Lane("hr", "HR"), Lane("it", "信息技术部")),
        nodes=(Node("a", "Start", "hr", "step", "1"), Node("b", "OK?", "it", "decision", "2"),
               Node("c", "Done", "hr", "end", "3")),
        edges=(Edge("a", "b", 0), Edge("b", "c", 1, "Yes"), Edge("b", "a", 1, "No")),
        ends=("c",),
    )
    svg = render_flowchart(flow)
    self_closed = re.sub(r"<(\w+)([^>]*)/>", r"<\1\2></\1>", svg)
    assert sanitize_html(svg) == self_closed


def test_a_part_cleaned_ahead_gives_the_same_page() -> None:
    config = load_config(REPO)
    from sopkit.check.handbook import check_handbook

    result = check_handbook(config)
    site = LazySite(config, build_model(config, result.procedures, result.organization),
                    clean_flowcharts=True)
    pages = [path for path in site.paths if path.startswith("procedures/") and
             path.endswith(".md")]
    assert pages
    for path in pages:
        text = site.take(path)
        html = markdown.markdown(text, extensions=["attr_list", "tables", "md_in_html"])
        part = site.cleaned_part(path)
        assert part is not None and part[0] in html, path
        assert sanitize_html(html, part) == sanitize_html(html), path
        assert site.cleaned_part(path) is None  # given once
    site.close()


def test_a_part_cleaned_ahead_cannot_smuggle_anything() -> None:
    svg = '<svg viewBox="0 0 1 1"><rect width="1" height="1"></rect></svg>'
    page = f'<div class="flow">{svg}</div><p>text</p><script>alert(1)</script>'
    cleaned = sanitize_html(page, (svg, sanitize_html(svg)))
    assert cleaned == sanitize_html(page) and "<script" not in cleaned
    # A "cleaned" part is only ever the cleaned form of markup found on the page: asked
    # for markup that is not there, the whole page is cleaned as usual.
    assert sanitize_html(page, ("<svg>absent</svg>", "<b>x</b>")) == sanitize_html(page)
    twice = page + svg
    assert sanitize_html(twice, (svg, sanitize_html(svg))) == sanitize_html(twice)
    assert "sopkit" not in sanitize_html(page, (svg, sanitize_html(svg)))  # no token left
