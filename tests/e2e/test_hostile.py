"""A hostile handbook (tests/data/hostile), built by `sopkit build` and opened page by page
in headless Chromium: nothing its text tries to inject runs, loads or adds a <title>.

Every free-text field of its procedures and organization.yml (titles, role titles,
department names, tags, people, steps, long texts, and the name of a procedure file) holds
`<script>`, `</title>`, `"><img onerror>`, `{{ 7*7 }}`, `{% raw %}`, bidi controls,
`javascript:` links and HTML comments. Its mkdocs.yml is minimal: no markdown_extensions.
The handbook is built twice: with the nav sopkit provides, and with a `nav:` in mkdocs.yml
that lists the department and role pages without titles (MkDocs then takes each page's title
from its first heading). Needs Debian's Chromium at /usr/bin/chromium; never skipped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA as TESTS_DATA
from helpers.browser import CHROMIUM, Watch, chromium, open_search, served, watched_page

DATA = TESTS_DATA / "hostile"
SITE_NAME = "Hostile handbook"

# A procedure file whose name is hostile too: characters that cannot be committed on every
# system (< > " |) are added here, at run time.
HOSTILE_FILE = 'other/OPS-002 <title><script>alert(8)<|script> "><img src=x onerror=alert(1)>.yml'
HOSTILE_FILE_TEXT = """\
id: OPS-002
title: Named after its file
version: 1.0.0
status: draft
owner: readme
purpose: The file name of this procedure is hostile.
scope:
  includes: [Everyone]
roles:
  - id: readme
steps:
  - id: only
    title: The only step
    role: readme
history:
  - version: 1.0.0
    date: 2026-05-01
    summary: First release.
"""

# The department and role pages listed without titles: MkDocs takes their titles from the
# pages' first headings, which hold the department names and role titles.
USER_NAV = """\
nav:
  - index.md
  - departments/sec.md
  - departments/assets.md
  - departments/lookalike.md
  - procedures/sec/SEC-001.md
  - procedures/lookalike/SEC-002.md
  - roles/sec-lead.md
  - roles/sec-auditor.md
  - roles/readme-role.md
"""

# What the page's own document says about itself, read in the page: the <title> elements
# of <head>, the title, scripts that mention alert, and elements with event handlers.
INSPECT = """() => ({
    titles: [...document.head.querySelectorAll("title")].map(t => t.textContent),
    strayTitles: [...document.querySelectorAll("title")].filter(
        t => t.parentElement !== document.head && !t.closest("svg")).length,
    title: document.title,
    alertScripts: [...document.scripts].filter(s => s.text.includes("alert")).length,
    handlers: [...document.querySelectorAll("*")].flatMap(
        el => [...el.attributes].filter(a => a.name.startsWith("on"))
            .map(a => `${el.tagName} ${a.name}`)),
    javascriptLinks: [...document.querySelectorAll("[href], [src]")].filter(
        el => /^\\s*javascript:/i.test(el.getAttribute("href") || el.getAttribute("src"))
    ).length,
})"""


@dataclass(frozen=True)
class Site:
    root: Path
    site: Path
    base: str
    nav: str


@pytest.fixture(scope="module", params=["sopkit-nav", "user-nav"])
def site(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The hostile handbook built by `sopkit build`, served on 127.0.0.1."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium; "
                    "install it with `apt-get install chromium fonts-noto-cjk`")
    root = tmp_path_factory.mktemp(f"hostile-{request.param}") / "handbook"
    shutil.copytree(DATA, root)
    (root / "procedures" / HOSTILE_FILE).write_text(HOSTILE_FILE_TEXT, encoding="utf-8")
    if request.param == "user-nav":
        with (root / "mkdocs.yml").open("a", encoding="utf-8") as stream:
            stream.write(USER_NAV)
    result = subprocess.run([sys.executable, "-m", "sopkit", "build"], cwd=root,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr

    with served(root / "site") as base:
        yield Site(root, root / "site", base, request.param)


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[tuple[Any, Watch]]:
    with watched_page(browser, site.base) as watched:
        yield watched


def urls(site: Site) -> list[str]:
    """Every page of the built site."""
    pages = sorted(site.site.rglob("index.html"))
    assert len(pages) >= 15, pages
    folders = [path.parent.relative_to(site.site).as_posix() for path in pages]
    return [site.base if folder == "." else f"{site.base}{folder}/" for folder in folders]


def test_every_page_runs_nothing_and_has_one_title(page: tuple[Any, Watch],
                                                   site: Site) -> None:
    browser_page, watch = page
    problems: dict[str, Any] = {}
    for url in [*urls(site), site.base + "404.html"]:
        browser_page.goto(url, wait_until="networkidle")
        found = browser_page.evaluate(INSPECT)
        wrong = {
            "titles in head": found["titles"] if len(found["titles"]) != 1 else None,
            "titles outside head": found["strayTitles"] or None,
            "markup in title": found["title"] if "<" in found["title"] else None,
            "title without the site name": (
                found["title"] if not found["title"].endswith(SITE_NAME) else None),
            "scripts that call alert": found["alertScripts"] or None,
            "event handlers": found["handlers"] or None,
            "javascript links": found["javascriptLinks"] or None,
            "dialogs": list(watch.dialogs) or None,
            "requests to other hosts": list(watch.foreign) or None,
            "errors": list(watch.errors) or None,
        }
        wrong = {key: value for key, value in wrong.items() if value is not None}
        if wrong:
            problems[url.removeprefix(site.base) or "/"] = wrong
        watch.dialogs.clear()
        watch.foreign.clear()
        watch.errors.clear()
    assert problems == {}


def test_hostile_text_is_shown_as_written(page: tuple[Any, Watch], site: Site) -> None:
    browser_page, watch = page
    browser_page.goto(site.base + "procedures/sec/SEC-001/", wait_until="networkidle")
    heading = browser_page.locator("article h1").first.evaluate("h1 => h1.firstChild.data")
    assert heading == "SEC-001 Rotate </title><script>alert(8)</script> keys"
    article = browser_page.locator("article").inner_text()
    assert "{{ 7*7 }}" in article and "{% raw %}" in article
    assert '"><img src=x onerror=alert(1)>' in article
    # The approval record (format 1.2): the signer's hostile name, as written.
    assert "Approvals: Mallory </title><script>alert(8)</script>" in article
    watch.assert_clean()


def test_a_title_with_markup_characters_still_reads_naturally(page: tuple[Any, Watch],
                                                              site: Site) -> None:
    """`a < b & c`: the page shows it as written; the browser's title and the nav, which
    MkDocs and the theme print from the title, show `<` as a look-alike (＜) and `&` as
    it is; so does a department's name in the nav."""
    browser_page, watch = page
    browser_page.goto(site.base + "procedures/lookalike/SEC-002/", wait_until="networkidle")
    heading = browser_page.locator("article h1").first.evaluate("h1 => h1.firstChild.data")
    assert heading == "SEC-002 a < b & c"
    assert browser_page.title() == f"SEC-002 a \uff1c b & c - {SITE_NAME}"
    nav = browser_page.locator(".md-nav__link--active").first.inner_text()
    assert nav.strip() == "SEC-002 a \uff1c b & c"
    browser_page.goto(site.base + "departments/lookalike/", wait_until="networkidle")
    # Whichever nav lists it (sopkit's, as a section's "Overview", or mkdocs.yml's), the
    # theme titles the page with the `title` of its front matter: the department's name.
    assert browser_page.title() == f"a \uff1c b & c - {SITE_NAME}"
    names = browser_page.locator(".md-nav--primary .md-ellipsis").all_inner_texts()
    assert "a \uff1c b & c" in [name.strip() for name in names], names
    watch.assert_clean()


def test_search_shows_hostile_titles_as_text(page: tuple[Any, Watch], site: Site) -> None:
    browser_page, watch = page
    browser_page.goto(site.base, wait_until="networkidle")
    open_search(browser_page).press_sequentially("Rotate", delay=50)
    results = browser_page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert browser_page.locator(".md-search-result script, .md-search-result img").count() == 0
    browser_page.wait_for_timeout(300)
    watch.assert_clean()
