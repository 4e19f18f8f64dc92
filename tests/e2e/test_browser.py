"""The built demo handbook in headless Chromium: it loads offline, draws its flowcharts,
finds Chinese words, and runs nothing a procedure's text tries to inject.

Needs Debian's Chromium at /usr/bin/chromium (CI installs it with `apt-get install
chromium fonts-noto-cjk`). Without it these tests fail: they are never skipped.
Screenshots go to the pytest run's temporary folder and to test-output/ at the repo root.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jieba
import pytest
import yaml
from conftest import REPO
from helpers.browser import (
    CHROMIUM,
    Watch,
    chromium,
    open_search,
    served,
    watched_page,
)

jieba.setLogLevel(logging.WARNING)

TODAY = "2026-06-01"

HOSTILE = """\
id: SEC-666
title: "Hostile <script>alert(1)</script> procedure"
summary: "<img src=x onerror=alert(1)> in the summary"
version: 1.0.0
status: draft
department: it
owner: it-manager
tags: [security]
purpose: |
  Text that tries to run code: <script>alert(1)</script>, <img src=x onerror=alert(1)>
  and a link [click me](javascript:alert(1)).
scope:
  includes: ["<svg onload=alert(1)>"]
roles:
  - id: it-manager
  - id: it-admin
steps:
  - id: check
    title: 检查可疑脚本 <script>alert(1)</script>
    role: it-admin
    description: "Do not [click me either](javascript:alert(1)) <img src=x onerror=alert(1)>"
  - id: decide
    title: Is it safe? <b onmouseover=alert(1)>
    role: it-manager
    decision:
      branches:
        - when: "Yes <script>alert(1)</script>"
          next: close
        - when: "No"
          next: check
  - id: close
    title: Close the case
    role: it-manager
    end: true
history:
  - version: 1.0.0
    date: 2026-01-10
    summary: "<script>alert(1)</script>"
"""


@dataclass(frozen=True)
class Built:
    root: Path
    site: Path
    base: str
    shots: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The demo handbook plus a hostile procedure, built and served on 127.0.0.1."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium; "
                    "install it with `apt-get install chromium fonts-noto-cjk`")
    root = tmp_path_factory.mktemp("handbook")
    for name in ("procedures", "schemas", "docs", "templates", "training", "approvals"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    for name in ("organization.yml", "mkdocs.yml"):
        shutil.copy2(REPO / name, root / name)
    (root / "procedures" / "it" / "SEC-666-hostile.yml").write_text(HOSTILE, encoding="utf-8")

    result = subprocess.run([sys.executable, "-m", "sopkit", "build", "--today", TODAY],
                            cwd=root, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"

    shots = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {shots}")
    with served(site) as base:
        yield Built(root, site, base, shots)


@pytest.fixture(scope="module")
def browser(built: Built) -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Any, built: Built) -> Iterator[tuple[Any, Watch]]:
    with watched_page(browser, built.base) as watched:
        yield watched


def page_url(built: Built, procedure_id: str) -> str:
    """The URL of a procedure's page, found in the built site."""
    for path in sorted(built.site.rglob("index.html")):
        if path.parent.name == procedure_id:
            return built.base + path.parent.relative_to(built.site).as_posix() + "/"
    raise AssertionError(f"no page for {procedure_id} in {built.site}")


def screenshot(target: Any, built: Built, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot of a page (the top of it, unless ``full_page``) or of an element."""
    path = built.shots / name
    if full_page:
        target.screenshot(path=str(path), full_page=True)
    else:
        target.screenshot(path=str(path))
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    shutil.copy2(path, out / name)


def test_chromium_is_installed() -> None:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: the browser tests need Debian's Chromium; install it with "
        "`apt-get install chromium fonts-noto-cjk` (never skipped: CI must run them)")


def test_built_html_asks_no_other_host(built: Built) -> None:
    external = re.compile(
        r"<script[^>]+src=\"(?:https?:)?//|<link[^>]+href=\"(?:https?:)?//"
        r"|@import\s+(?:url\()?[\"']?(?:https?:)?//|fonts\.googleapis|fonts\.gstatic")
    for path in [*built.site.rglob("*.html"), *built.site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        match = external.search(text)
        assert match is None, f"{path.relative_to(built.site)}: {match and match.group()}"


def test_home_page_loads_offline(page: tuple[Any, Watch], built: Built) -> None:
    browser_page, watch = page
    browser_page.goto(built.base, wait_until="networkidle")
    assert browser_page.locator(".md-header").is_visible()
    assert browser_page.locator("article h1").first.is_visible()
    screenshot(browser_page, built, "home.png", full_page=True)
    watch.assert_clean()


def test_training_matrix_and_person_pages_show_the_statuses(page: tuple[Any, Watch],
                                                             built: Built) -> None:
    """The demo's training records (training/), on 2026-06-01: every status shows, as a
    symbol and a word, in a department's matrix, on a person's page and on a procedure's."""
    browser_page, watch = page
    seen = ""
    for department in ("it", "customer-service", "warehouse"):
        browser_page.goto(f"{built.base}training/{department}/", wait_until="networkidle")
        assert browser_page.locator("article table").first.is_visible()
        seen += browser_page.locator("article").inner_text()
    screenshot(browser_page, built, "training-matrix.png", full_page=True)
    for status in ("✓ current", "↻ outdated", "◷ expired", "✗ missing", "· not required"):
        assert status in seen, status
    browser_page.goto(built.base + "people/sun-hao/", wait_until="networkidle")
    person = browser_page.locator("article").inner_text()
    assert "孙浩" in browser_page.locator("article h1").inner_text()
    assert "✗ missing" in person and "↻ outdated" in person and "1.3.0" in person
    assert "2025-10-20" in person
    screenshot(browser_page, built, "person.png", full_page=True)
    browser_page.goto(page_url(built, "HR-001"), wait_until="networkidle")
    assert "1 of 3 trained on the current version (2.1.1)." in (
        browser_page.locator("article").inner_text())
    watch.assert_clean()


def test_procedure_pages_show_the_approvals(page: tuple[Any, Watch], built: Built) -> None:
    """The demo's approval records (approvals/): each approval of the current content as
    name, role, meaning and date; a warning where the content changed after approval or
    an approval is pending (format 1.2)."""
    browser_page, watch = page
    browser_page.goto(page_url(built, "IT-001"), wait_until="networkidle")
    facts = browser_page.locator("article li", has_text="Approvals:")
    assert facts.inner_text() == ("Approvals: Daniel Tan (IT Manager), approved, 2026-04-24; "
                                  "张伟 (Chief Operating Officer), approved, 2026-04-28")
    assert facts.is_visible()
    screenshot(browser_page, built, "approvals.png", full_page=True)
    browser_page.goto(page_url(built, "HR-001"), wait_until="networkidle")
    warning = browser_page.locator("article .admonition.warning").first
    assert warning.is_visible()
    assert "Changed after approval" in warning.inner_text()
    assert "Version 2.1.0 was approved by 张伟 (Chief Operating Officer) on 2026-03-25" in (
        warning.inner_text())
    browser_page.goto(page_url(built, "PUR-001"), wait_until="networkidle")
    pending = browser_page.locator("article .admonition.warning").first
    assert "Approval pending" in pending.inner_text()
    watch.assert_clean()


def test_procedure_page_draws_its_flowchart(page: tuple[Any, Watch], built: Built) -> None:
    browser_page, watch = page
    browser_page.goto(page_url(built, "WH-001"), wait_until="networkidle")
    chart = browser_page.locator("svg.sop-flowchart").first
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, box
    assert browser_page.locator("svg.sop-flowchart g.sop-node").count() >= 3
    # Tall enough for the whole chart, so the sticky header does not cover part of it.
    browser_page.set_viewport_size({"width": 1280, "height": int(box["height"]) + 400})
    chart.evaluate("svg => window.scrollBy(0, svg.getBoundingClientRect().top - 150)")
    screenshot(chart, built, "flowchart.png")
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.evaluate("window.scrollTo(0, 0)")
    screenshot(browser_page, built, "procedure.png")
    watch.assert_clean()


PHONE = {"width": 390, "height": 844}
"""A phone's viewport (CSS pixels), as an iPhone 12-15 has it."""


def test_the_flowchart_is_readable_on_a_phone(page: tuple[Any, Watch], built: Built) -> None:
    """At a phone's width the chart keeps its text at 11 px or more: it scrolls sideways in
    its own box (the page itself does not), and a link opens the SVG at full size."""
    browser_page, watch = page
    browser_page.set_viewport_size(PHONE)
    for procedure_id in ("WH-001", "HR-001", "CS-001"):
        browser_page.goto(page_url(built, procedure_id), wait_until="networkidle")
        chart = browser_page.locator("svg.sop-flowchart").first
        chart.scroll_into_view_if_needed()
        sizes = chart.evaluate("""svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const size = text => text.getAttribute('font-size') || svg.getAttribute('font-size');
            return [...svg.querySelectorAll('text')].map(text => scale * parseFloat(size(text)));
        }""")
        main = [size for size in sizes if size >= min(sizes) * 1.1] or sizes
        assert min(main) >= 11, (procedure_id, min(main))  # step titles and decisions
        assert min(sizes) >= 9, (procedure_id, min(sizes))  # the small badges too
        box = browser_page.locator(".sopkit-flowchart").first
        overflow = box.evaluate("el => [el.scrollWidth, el.clientWidth, "
                                "getComputedStyle(el).overflowX]")
        assert overflow[0] <= overflow[1] or overflow[2] == "auto", overflow
        page_width = browser_page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"], page_width  # the page does not scroll sideways
        link = browser_page.locator("article a[href$='.svg']").first
        assert link.is_visible()
        if procedure_id == "WH-001":
            screenshot(browser_page, built, "flowchart-phone.png")
    watch.assert_clean()


def _chinese_word(built: Built) -> tuple[str, str]:
    """A word of a Chinese step title, and the id of its procedure."""
    for path in sorted((built.root / "procedures").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["id"] == "SEC-666":
            continue
        for step in data.get("steps", []):
            words = [word for word in jieba.cut(step.get("title", ""))
                     if len(word) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", word)]
            if words:
                return max(words, key=len), data["id"]
    raise AssertionError("the demo handbook has no Chinese step title")


def test_chinese_search_finds_the_procedure(page: tuple[Any, Watch], built: Built) -> None:
    browser_page, watch = page
    word, procedure_id = _chinese_word(built)
    browser_page.goto(built.base, wait_until="networkidle")
    search = open_search(browser_page)
    assert search.evaluate("element => element === document.activeElement")
    search.press_sequentially(word, delay=80)
    # Playwright types characters that are not on the keyboard (Chinese) as text input,
    # without key events; the search starts on keyup (as after a real IME), so press one.
    browser_page.keyboard.press("End")
    results = browser_page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    links = [link.get_attribute("href") or "" for link in
             browser_page.locator(".md-search-result__item a").all()]
    texts = " ".join(results.all_inner_texts()).replace("\u200b", "")
    assert any(f"/{procedure_id}/" in link for link in links), (word, links)
    assert word in texts
    screenshot(browser_page, built, "search.png")
    watch.assert_clean()


def test_hostile_procedure_runs_nothing(page: tuple[Any, Watch], built: Built) -> None:
    browser_page, watch = page
    url = page_url(built, "SEC-666")
    browser_page.goto(url, wait_until="networkidle")
    text = browser_page.locator("article").inner_text()
    assert "<script>alert(1)</script>" in text  # shown as text, not run
    for selector in ("article script", "article img[onerror]", "article [onmouseover]",
                     "article svg [onload]", "article a[href^='javascript']"):
        assert browser_page.locator(selector).count() == 0, selector

    link = browser_page.get_by_text("click me", exact=True).first
    href = link.get_attribute("href")
    assert href is None or not href.lower().lstrip().startswith(("javascript", "unsafe")), href
    link.click()
    browser_page.wait_for_timeout(500)
    assert browser_page.url.split("#")[0] == url
    chart = browser_page.locator("svg.sop-flowchart").first
    box = chart.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    screenshot(browser_page, built, "hostile.png")
    watch.assert_clean()
