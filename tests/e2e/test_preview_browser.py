"""The hostile handbook (tests/data/hostile) in `sopkit serve`, opened in headless Chromium:
its pages run nothing its text tries to inject; a broken save reloads the open page by
itself and shows the problem as text in the banner; a fix takes the banner away. Pages are
awaited to "load", not to an idle network: the live-reload request stays open. Needs
Debian's Chromium at /usr/bin/chromium; never skipped."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA as TESTS_DATA
from helpers.browser import CHROMIUM, chromium, watched_page
from helpers.preview import Preview, serving

HOSTILE = '<img src=x onerror=alert(7)><script>alert(9)</script>'
PAGES = ["", "procedures/sec/SEC-001/", "procedures/lookalike/SEC-002/", "roles/sec-lead/",
         "departments/sec/"]
INSPECT = """() => ({
    alertScripts: [...document.scripts].filter(s => s.text.includes("alert")).length,
    handlers: [...document.querySelectorAll("*")].flatMap(
        el => [...el.attributes].filter(a => a.name.startsWith("on"))
            .map(a => `${el.tagName} ${a.name}`)),
    heading: document.querySelector("article h1") ?
        document.querySelector("article h1").firstChild.data : null,
})"""


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium; "
                    "install it with `apt-get install chromium fonts-noto-cjk`")
    root = tmp_path_factory.mktemp("hostile-preview") / "handbook"
    shutil.copytree(TESTS_DATA / "hostile", root)
    with serving(root) as served:
        yield served


@pytest.fixture(scope="module")
def browser(preview: Preview) -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_hostile_pages_run_nothing_in_the_preview(browser: Any, preview: Preview) -> None:
    with watched_page(browser, preview.url) as (page, watch):
        for path in PAGES:
            page.goto(preview.url + path, wait_until="load")
            found = page.evaluate(INSPECT)
            assert found["alertScripts"] == 0 and found["handlers"] == [], (path, found)
        page.goto(preview.url + "procedures/sec/SEC-001/", wait_until="load")
        assert page.evaluate(INSPECT)["heading"] == \
            "SEC-001 Rotate </title><script>alert(8)</script> keys"
        watch.assert_clean()


def test_a_broken_save_reloads_the_page_with_the_problem_as_text(browser: Any,
                                                                 preview: Preview) -> None:
    procedure = next(Path(preview.root, "procedures").rglob("SEC-001*.yml"))
    original = procedure.read_text(encoding="utf-8")
    with watched_page(browser, preview.url) as (page, watch):
        page.goto(preview.url + "procedures/sec/SEC-001/", wait_until="load")
        try:
            procedure.write_text(original + f'"{HOSTILE}": x\n', encoding="utf-8")
            # No navigation by the test: the preview's live reload brings the banner.
            banner = page.locator(".sopkit-preview-problem")
            banner.wait_for(timeout=60_000)
            assert HOSTILE in banner.inner_text()
            assert page.evaluate(INSPECT)["heading"] == \
                "SEC-001 Rotate </title><script>alert(8)</script> keys"  # the last good page
        finally:
            procedure.write_text(original, encoding="utf-8")
        page.locator(".sopkit-preview-problem").wait_for(state="detached", timeout=60_000)
        watch.assert_clean()
