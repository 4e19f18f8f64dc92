"""The MkDocs plugin, through real MkDocs builds of small handbooks."""

from __future__ import annotations

import html
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.site_builds import BROKEN, TODAY, mkdocs_build, procedure_page, write_handbook
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from sopkit.config import OPTIONS
from sopkit.publish.plugin import SopkitPlugin, SopkitPluginConfig
from sopkit.publish.titles import safe_meta, safe_nav, safe_title

MKDOCS_YML = f"""\
site_name: Plugin test
theme:
  name: material
  font: false
plugins:
  - search
  - tags
  - sopkit:
      today: {TODAY}
markdown_extensions:
  - attr_list
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
  - tables
  - toc:
      permalink: true
"""


def sopkit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`sopkit ARGS` in ``root``, as a separate process (what a user sees)."""
    return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)


def test_options_are_sopkits_options() -> None:
    assert set(SopkitPluginConfig().keys()) == set(OPTIONS)


def test_build_adds_generated_pages_beside_handwritten_ones(tmp_path: Path) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML,
                          docs={"about.md": "# About this handbook\n\nRead me first.\n"})
    site = mkdocs_build(root)
    assert "Read me first." in (site / "about" / "index.html").read_text(encoding="utf-8")
    page = procedure_page(site).read_text(encoding="utf-8")
    assert "收集入职材料" in page
    assert "About this handbook" in page  # the nav lists the hand-written page too
    assert (site / "index.html").is_file()
    assert list(site.rglob("*.svg")), "the flowchart files are in the site"
    # Nothing was written into the docs folder.
    assert sorted(path.name for path in (root / "docs").iterdir()) == ["about.md"]


def test_flowchart_svg_survives_sanitising(tmp_path: Path) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    page = procedure_page(mkdocs_build(root)).read_text(encoding="utf-8")
    svg = re.search(r"<svg[^>]*class=\"sop-flowchart\"[^>]*>", page)
    assert svg is not None
    assert re.search(r'viewBox="0 0 [\d.]+ [\d.]+"', svg.group())
    assert 'role="img"' in svg.group() and "aria-labelledby=" in svg.group()
    assert page.count('class="sop-node ') == 3
    assert re.search(r'<marker id="[^"]+" viewBox="0 0 10 10" refX="10" refY="5"', page)
    assert 'marker-end="url(#' in page
    assert re.search(r'<a href="#step-[^"]+">', page)


def test_invalid_procedure_fails_the_build_with_its_position(tmp_path: Path,
                                                             caplog: Any) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    (root / "procedures" / "hr" / "HR-002-broken.yml").write_text(BROKEN, encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        mkdocs_build(root)
    assert "HR-002-broken.yml:14:11: error unknown-role" in caplog.text

    result = sopkit(root, "build")
    assert result.returncode == 1
    assert re.search(r"procedures/hr/HR-002-broken\.yml:14:11: error unknown-role: ",
                     result.stderr)
    assert "Traceback" not in result.stderr
    assert not (root / "site").exists()


def test_strict_option_fails_on_warnings(tmp_path: Path, caplog: Any) -> None:
    root = write_handbook(tmp_path, last_reviewed="2024-01-10",
                          mkdocs_yml=MKDOCS_YML.replace(f"today: {TODAY}",
                                                        f"today: {TODAY}\n      strict: true"))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        mkdocs_build(root)
    assert "warning review-overdue" in caplog.text


def test_warnings_are_logged_without_strict(tmp_path: Path, caplog: Any) -> None:
    root = write_handbook(tmp_path, last_reviewed="2024-01-10", mkdocs_yml=MKDOCS_YML)
    with caplog.at_level(logging.WARNING):
        mkdocs_build(root)
    assert "warning review-overdue" in caplog.text


def test_generated_page_colliding_with_a_handwritten_one_names_both(
        tmp_path: Path, caplog: Any) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML, docs={"index.md": "# Mine\n"})
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        mkdocs_build(root)
    message = caplog.text
    assert str(root / "docs" / "index.md") in message
    assert "'index.md'" in message and "section" in message

    # With `section`, the handbook moves into a folder and both pages live.
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.replace(f"today: {TODAY}", f"today: {TODAY}\n      section: handbook"),
        encoding="utf-8")
    site = mkdocs_build(root)
    assert "Mine" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "handbook" / "index.html").is_file()
    assert procedure_page(site).relative_to(site).parts[0] == "handbook"


def test_readme_counts_as_the_index_page(tmp_path: Path, caplog: Any) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML, docs={"README.md": "# Mine\n"})
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        mkdocs_build(root)
    assert str(root / "docs" / "README.md") in caplog.text and "'index.md'" in caplog.text


def test_users_nav_is_respected(tmp_path: Path) -> None:
    root = write_handbook(tmp_path, docs={"about.md": "# About\n"},
                          mkdocs_yml=MKDOCS_YML + "nav:\n  - About: about.md\n")
    site = mkdocs_build(root)
    nav = re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"]+)"',
                     (site / "about" / "index.html").read_text(encoding="utf-8"))
    assert procedure_page(site).is_file()  # built, though not in the nav
    assert not any("HR-001" in href for href in nav)


def test_serve_watches_the_handbook(tmp_path: Path) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    (root / "templates").mkdir()
    (root / "docs").mkdir()
    (root / "training").mkdir()
    config = load_config(str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    watched: list[str] = []

    class Server:
        def watch(self, path: str) -> None:
            watched.append(path)

    plugin = config.plugins["sopkit"]
    assert isinstance(plugin, SopkitPlugin)
    plugin.on_serve(Server(), config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert set(watched) == {str(root / "procedures"), str(root / "organization.yml"),
                            str(root / "templates"), str(root / "training")}


# -- the second wall --------------------------------------------------------------------------


def test_second_wall_cleans_what_a_template_lets_through(tmp_path: Path) -> None:
    """A handbook template that emits raw HTML cannot put a script on the page."""
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    (root / "templates").mkdir()
    (root / "templates" / "procedure.md.j2").write_text(
        "# {{ procedure.id }} {{ procedure.title | md_inline }}\n\n"
        "<script>alert('template')</script>\n\n"
        '<p><img src="x" onerror="alert(1)"> <a href="javascript:alert(1)">bad link</a>'
        ' <a href="https://example.com/" onclick="alert(1)">good link</a></p>\n\n'
        '<div class="sopkit-flowchart">\n{{ svg }}\n</div>\n',
        encoding="utf-8")
    site = mkdocs_build(root)
    page = procedure_page(site).read_text(encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    assert "alert" not in article
    assert "onerror" not in article and "onclick" not in article
    assert "javascript:" not in article
    assert "<a>bad link</a>" in article
    assert '<a href="https://example.com/">good link</a>' in article
    assert re.search(r'<svg [^>]*viewBox="0 0 [\d.]+ [\d.]+"', article)
    # The theme's own HTML is not sanitised: its scripts are still there.
    assert re.search(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"', page)


def test_second_wall_keeps_images_of_other_hosts_off_the_page(tmp_path: Path) -> None:
    """An image from another host would be fetched by every reader (the site loads nothing
    from elsewhere); its text stays, and an image of the site itself is kept."""
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    procedure = root / "procedures" / "hr" / "HR-001-onboarding.yml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace(
        "purpose: Get every new hire ready for day one.",
        "purpose: >-\n  ![pixel](https://tracker.example/p.png) ![two](//tracker.example/2.png)"
        "\n  ![three](HTTP://tracker.example/3.png) ![plan](../../plan.png)"), encoding="utf-8")
    page = procedure_page(mkdocs_build(root)).read_text(encoding="utf-8")
    assert "tracker.example" not in page
    assert '<img alt="pixel">' in page and '<img alt="three">' in page
    assert '<img alt="plan" src="../../plan.png">' in page


def _site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted(site.rglob("*")) if path.is_file()
            and not path.name.startswith("sitemap.xml")}


def test_pages_rendered_in_a_second_process_build_the_same_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sopkit.publish.lookahead

    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML,
                          docs={"about.md": "# About this handbook\n\nRead me first.\n"})
    monkeypatch.setenv("SOPKIT_RENDER_PROCESSES", "1")
    serial = _site_files(mkdocs_build(root))
    monkeypatch.delenv("SOPKIT_RENDER_PROCESSES")
    monkeypatch.setattr(sopkit.publish.lookahead, "PARALLEL_MINIMUM", 0)
    started: list[bool] = []
    start_worker = sopkit.publish.lookahead.LazySite.start_worker

    def spy(self: sopkit.publish.lookahead.LazySite) -> bool:
        started.append(start_worker(self))
        return started[-1]

    monkeypatch.setattr(sopkit.publish.lookahead.LazySite, "start_worker", spy)
    parallel = _site_files(mkdocs_build(root))
    assert started == [sopkit.publish.lookahead._can_fork()]
    assert parallel == serial


HOSTILE_TEMPLATE = (
    "# {{ procedure.id }} {{ procedure.title | md_inline }}\n\n"
    "<script>alert('template')</script>\n\n"
    '<p><img src="x" onerror="alert(1)"> <a href="javascript:alert(1)">bad link</a></p>\n\n'
    '<div class="sopkit-flowchart">\n{{ svg }}\n</div>\n')


def _scripting_template_handbook(root: Path, mkdocs_yml: str = MKDOCS_YML) -> Path:
    write_handbook(root, mkdocs_yml=mkdocs_yml)
    (root / "templates").mkdir()
    (root / "templates" / "procedure.md.j2").write_text(HOSTILE_TEMPLATE, encoding="utf-8")
    return root


def _assert_cleaned(site: Path) -> None:
    page = procedure_page(site).read_text(encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    assert "alert" not in article and "onerror" not in article
    assert "<a>bad link</a>" in article


_CLEANED_HERE: list[str] = []
"""The pages :func:`_sanitize_spy` cleaned in the test's process (a forked process appends
to its own copy)."""


def _sanitize_spy(html: str, cleaned: tuple[str, str] | None = None) -> str:
    from sopkit.publish.sanitize import sanitize_html

    _CLEANED_HERE.append("here")
    return sanitize_html(html, cleaned)


def _cleaned_where(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spy on the plugin's cleaning: "ahead" for a page handed to the second process,
    "here" for a page cleaned in this process."""
    import sopkit.publish.lookahead
    import sopkit.publish.plugin

    run_ahead = sopkit.publish.lookahead.LazySite.run_ahead
    _CLEANED_HERE.clear()

    def ahead(self: Any, function: Any, *args: Any) -> Any:
        future = run_ahead(self, function, *args)
        if future is not None:
            _CLEANED_HERE.append("ahead")
        return future

    monkeypatch.setattr(sopkit.publish.lookahead, "PARALLEL_MINIMUM", 0)
    monkeypatch.setattr(sopkit.publish.lookahead.LazySite, "run_ahead", ahead)
    monkeypatch.setattr(sopkit.publish.plugin, "sanitize_html", _sanitize_spy)
    return _CLEANED_HERE


def _forks() -> bool:
    from sopkit.publish.lookahead import _can_fork

    return _can_fork()


def test_the_rendering_process_cleans_the_pages_while_mkdocs_converts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building with a second process, each generated page's HTML is cleaned there (this
    process does not clean it), and the page is as clean as when cleaned here."""
    serial_root = _scripting_template_handbook(tmp_path / "serial")
    monkeypatch.setenv("SOPKIT_RENDER_PROCESSES", "1")
    serial = _site_files(mkdocs_build(serial_root))
    monkeypatch.delenv("SOPKIT_RENDER_PROCESSES")
    where = _cleaned_where(monkeypatch)
    root = _scripting_template_handbook(tmp_path / "ahead")
    site = mkdocs_build(root)
    _assert_cleaned(site)
    assert _site_files(site) == serial
    assert where and set(where) == ({"ahead"} if _forks() else {"here"})


HOOK = """\
def on_page_content(html, page, config, files):
    with open(config.config_file_path + ".seen", "a", encoding="utf-8") as seen:
        seen.write(str("<script" in html) + "\\n")
    return html
"""


def test_a_plugin_after_sopkit_sees_only_cleaned_html(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin (here a hook) that handles a page's HTML after sopkit gets it cleaned: the
    cleaning is then done at once, not left to the second process."""
    root = _scripting_template_handbook(tmp_path, MKDOCS_YML + "hooks:\n  - seen.py\n")
    (root / "seen.py").write_text(HOOK, encoding="utf-8")
    where = _cleaned_where(monkeypatch)
    _assert_cleaned(mkdocs_build(root))
    seen = (root / "mkdocs.yml.seen").read_text(encoding="utf-8").split()
    assert seen and set(seen) == {"False"}
    assert where and set(where) == {"here"}


def test_a_page_is_cleaned_here_when_the_second_process_fails_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second process died (or the job failed) before a page was cleaned: the page is
    cleaned in this process, never written as it was."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    import sopkit.publish.lookahead

    def broken(self: Any, function: Any, *args: Any) -> Future[str]:
        future: Future[str] = Future()
        future.set_exception(BrokenProcessPool("the worker died"))
        return future

    monkeypatch.setattr(sopkit.publish.lookahead.LazySite, "run_ahead", broken)
    _assert_cleaned(mkdocs_build(_scripting_template_handbook(tmp_path)))


def test_serving_renders_in_this_process(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import sopkit.publish.lookahead

    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    monkeypatch.setattr(sopkit.publish.lookahead, "PARALLEL_MINIMUM", 0)
    monkeypatch.setattr(sopkit.publish.lookahead.LazySite, "start_worker",
                        lambda self: pytest.fail("no worker process while serving"))
    assert procedure_page(mkdocs_build(root, command="serve")).is_file()


# -- what reaches MkDocs and the theme: titles, nav, front matter (issue 9) -------------------

TITLE_BREAKOUT = "</title><script>alert(8)</script>"


def test_safe_title_leaves_nothing_a_theme_could_make_markup_of() -> None:
    assert safe_title("a &lt; b &amp; c") == "a \uff1c b &amp; c"
    hostile = safe_title("Rotate &lt;/title&gt;&lt;script&gt;alert(8)&lt;/script&gt; keys")
    assert hostile == "Rotate \uff1c/title\uff1e\uff1cscript\uff1ealert(8)\uff1c/script\uff1e keys"
    # A character reference written in a title: no unescaping turns it into a sign.
    assert (safe_title("&amp;lt;b&amp;gt; &amp;#60; &amp;amp")
            == "\uff06lt;b\uff06gt; \uff06#60; \uff06amp")
    assert safe_title("R&amp;D &amp; P&amp;L, &amp;&amp;") == "R&amp;D &amp; P&amp;L, &amp;&amp;"
    assert safe_title('Say "yes" or ("no")') == "Say \u201cyes\u201d or (\u201cno\u201d)"
    assert safe_title("  two\n lines ") == "two lines"
    assert safe_title("evil\u202egnp.exe \u2066x\u2069 &#x202e;") == "evilgnp.exe x"
    for title in ('"><img src=x onerror=alert(1)>', TITLE_BREAKOUT, "&amp;#60;b&amp;gt;",
                  "R&amp;D", "&amp;&amp;lt;", "&amp;ampx"):
        safe = safe_title(title)
        assert not set(safe) & set('<>"'), safe
        text = html.unescape(safe)  # what striptags makes of it
        assert not set(text) & set('<>"') and html.unescape(text) == text, safe
        assert safe_title(safe) == safe


def test_safe_nav_and_meta() -> None:
    nav = [{"Home": "index.md"}, {"a &lt; b": ["departments/x.md", "procedures/X-1.md"]},
           {"Roles": [{"R&amp;D": "roles/r.md"}]}]
    assert safe_nav(nav) == [{"Home": "index.md"},
                             {"a \uff1c b": ["departments/x.md", "procedures/X-1.md"]},
                             {"Roles": [{"R&amp;D": "roles/r.md"}]}]
    meta = {"title": TITLE_BREAKOUT, "description": '"><img src=x onerror=alert(1)>',
            "tags": ["&lt;b&gt;", "<i>", "R&D"], "search": {"boost": 2}, "hide": ["toc"]}
    assert safe_meta(meta) == {
        "title": "\uff1c/title\uff1e\uff1cscript\uff1ealert(8)\uff1c/script\uff1e",
        "description": "\u201c\uff1e\uff1cimg src=x onerror=alert(1)\uff1e",
        "tags": ["&lt;b&gt;", "&lt;i&gt;", "R&amp;D"], "search": {"boost": 2}, "hide": ["toc"]}


def _hostile_handbook(root: Path, mkdocs_yml: str) -> Path:
    """The small handbook with markup in a procedure title, a department name, and role
    titles in organization.yml and in the procedure's own roles."""
    root = write_handbook(root, mkdocs_yml=mkdocs_yml)
    organization = (root / "organization.yml").read_text(encoding="utf-8")
    (root / "organization.yml").write_text(
        organization.replace("人力资源部 / Human Resources", f"HR {TITLE_BREAKOUT}")
        .replace("title: HR Manager", f"title: 'Manager {TITLE_BREAKOUT}'"), encoding="utf-8")
    procedure = root / "procedures" / "hr" / "HR-001-onboarding.yml"
    text = procedure.read_text(encoding="utf-8")
    procedure.write_text(
        text.replace("title: New hire onboarding",
                     f"title: 'New hire onboarding {TITLE_BREAKOUT}'")
        .replace("  - id: hr-specialist\n",
                 f"  - id: hr-specialist\n  - id: auditor\n    title: '\"><img src=x "
                 f"onerror=alert(1)> {TITLE_BREAKOUT}'\n", 1)
        .replace("    role: hr-manager\n    description: Hand over",
                 "    role: auditor\n    description: Hand over"), encoding="utf-8")
    return root


def _head(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[:text.index("</head>")]


def _assert_one_plain_title_a_page(site: Path) -> None:
    """Every page of ``site`` has one <title>, with no markup in it nor a script in <head>."""
    pages = sorted(site.rglob("index.html"))
    assert len(pages) >= 8
    for page in pages:
        head = _head(page)
        titles = re.findall(r"<title>(.*?)</title>", head, flags=re.DOTALL)
        assert len(titles) == 1 and "<" not in titles[0], (page, titles)
        assert "<script>alert" not in head, page


def test_titles_reach_the_theme_with_no_markup(tmp_path: Path) -> None:
    """Material prints `page.title | striptags` into <title>: nothing in it may be markup."""
    root = _hostile_handbook(tmp_path, MKDOCS_YML)
    site = mkdocs_build(root)
    _assert_one_plain_title_a_page(site)
    roles = {path.parent.name: _head(path) for path in (site / "roles").glob("*/index.html")}
    assert "<title>Manager \uff1c/title\uff1e\uff1cscript\uff1e" in roles["hr-manager"]
    assert "<title>\u201c\uff1e\uff1cimg src=x" in roles["auditor"]  # the procedure's own
    # The page itself still shows the title as written.
    assert "New hire onboarding &lt;/title&gt;&lt;script&gt;" in procedure_page(site).read_text(
        encoding="utf-8")


def test_a_department_page_listed_without_a_title(tmp_path: Path) -> None:
    """MkDocs takes the title of a page its nav lists without one from the page's heading."""
    root = _hostile_handbook(tmp_path, MKDOCS_YML + "nav:\n  - departments/hr.md\n")
    site = mkdocs_build(root)
    head = _head(site / "departments" / "hr" / "index.html")
    assert re.findall(r"<title>(.*?)</title>", head) == [
        "HR \uff1c/title\uff1e\uff1cscript\uff1ealert(8)\uff1c/script\uff1e - Plugin test"]


def test_front_matter_of_a_handbook_template_reaches_the_theme_with_no_markup(
        tmp_path: Path) -> None:
    """A handbook template that puts procedure text into front matter cannot open a tag."""
    root = _hostile_handbook(tmp_path, MKDOCS_YML)
    (root / "templates").mkdir()
    (root / "templates" / "procedure.md.j2").write_text(
        '{% extends "sopkit/procedure.md.j2" %}\n'
        "{% block front_matter %}\n---\n"
        "title: {{ procedure.title|yaml_str }}\n"
        "description: {{ ('\"><img src=x onerror=alert(1)> ' ~ procedure.title)|yaml_str }}\n"
        "---\n{% endblock %}\n", encoding="utf-8")
    head = _head(procedure_page(mkdocs_build(root)))
    assert "<script>alert" not in head and "<img" not in head
    assert re.findall(r"<title>(.*?)</title>", head) == [
        "New hire onboarding \uff1c/title\uff1e\uff1cscript\uff1ealert(8)\uff1c/script\uff1e"
        " - Plugin test"]
    assert '<meta name="description" content="\u201c\uff1e\uff1cimg src=x' in head


def test_rendered_pages_built_without_the_plugin_have_titles_with_no_markup(
        tmp_path: Path) -> None:
    """`sopkit render --out` fed to a plain `mkdocs build` (no sopkit plugin, no second
    wall): the pages' own front matter and `.nav.yml` keep markup out of <title> and nav."""
    root = _hostile_handbook(tmp_path / "handbook", MKDOCS_YML)
    out = tmp_path / "pages"
    rendered = sopkit(root, "render", "--out", str(out), "--today", TODAY)
    assert rendered.returncode == 0, rendered.stderr
    nav_file = yaml.safe_load((out / ".nav.yml").read_text(encoding="utf-8"))
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Plain", "docs_dir": str(out), "theme": {"name": "material", "font": False},
        "markdown_extensions": ["attr_list", "admonition", "tables", "toc"],
        "nav": nav_file["nav"]}), encoding="utf-8")
    site = mkdocs_build(plain)
    _assert_one_plain_title_a_page(site)
    for page in site.rglob("index.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page
    head = _head(site / "departments" / "hr" / "index.html")
    assert "<title>HR \uff1c/title\uff1e\uff1cscript\uff1e" in head
    roles = {path.parent.name: _head(path) for path in (site / "roles").glob("*/index.html")}
    assert "<title>Manager \uff1c/title\uff1e\uff1cscript\uff1e" in roles["hr-manager"]
    assert "<title>\u201c\uff1e\uff1cimg src=x" in roles["auditor"]


# -- Markdown extensions (issue 9) ------------------------------------------------------------

MINIMAL_YML = f"""\
site_name: Minimal
theme:
  name: material
  font: false
plugins:
  - search
  - sopkit:
      today: {TODAY}
"""


def test_a_minimal_mkdocs_yml_gets_the_extensions_the_pages_need(tmp_path: Path) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MINIMAL_YML,
                          docs={"about.md": "# About\n\n[a missing anchor](#nowhere)\n"})
    result = sopkit(root, "build")
    assert result.returncode == 0, result.stderr
    page = procedure_page(root / "site").read_text(encoding="utf-8")
    assert "{#step-" not in page and "[ ]" not in page
    assert 'id="step-collect"' in page and 'href="#step-collect"' in page
    assert page.count('<input type="checkbox"') == 2
    assert 'class="admonition note"' in page  # "draft" notice
    # MkDocs' own findings are shown, as `mkdocs build` shows them (anchors at INFO).
    assert "Doc file 'about.md' contains a link '#nowhere'" in result.stderr
    assert "Traceback" not in result.stderr


def test_extensions_set_in_mkdocs_yml_keep_their_options(tmp_path: Path) -> None:
    root = write_handbook(tmp_path, mkdocs_yml=MINIMAL_YML + (
        "markdown_extensions:\n"
        "  - markdown.extensions.attr_list\n"
        "  - pymdownx.tasklist:\n"
        "      clickable_checkbox: true\n"
        "  - toc:\n"
        "      permalink: '#'\n"))
    (root / "docs").mkdir()
    config = load_config(str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    names = config.markdown_extensions
    assert len(names) == len(set(names))
    assert "attr_list" not in names  # set as markdown.extensions.attr_list already
    for name in ("admonition", "pymdownx.details", "pymdownx.superfences", "tables"):
        assert name in names
    assert config.mdx_configs["pymdownx.tasklist"] == {"clickable_checkbox": True}
    assert config.mdx_configs["toc"] == {"permalink": "#"}


# -- serve: every rebuild loads the settings again (issue 9) ----------------------------------
# (rebuilds of a handbook made by `sopkit init` over HTTP: tests/publish/test_preview.py)


@pytest.mark.parametrize("form", ["list", "mapping"])
def test_plugin_settings_load_again_and_again(tmp_path: Path, form: str) -> None:
    """MkDocs takes the plugin items apart while loading; serve loads them on every rebuild."""
    from sopkit.publish.mkdocs_settings import _FreshPlugins, with_sopkit

    root = write_handbook(tmp_path, mkdocs_yml=MINIMAL_YML)
    (root / "docs").mkdir()
    written: Any = (["search", {"sopkit": {"enabled": True}}] if form == "list"
                    else {"search": {"lang": ["en"]}, "sopkit": {"enabled": True}})
    plugins = _FreshPlugins.of(with_sopkit(written, {"today": TODAY, "strict": True}))
    for _ in range(2):
        config = load_config(str(root / "mkdocs.yml"), plugins=plugins)
        sopkit_plugin = config.plugins["sopkit"]
        assert isinstance(sopkit_plugin, SopkitPlugin)
        assert sopkit_plugin.config.strict is True
        assert str(sopkit_plugin.config.today) == TODAY
    assert list(plugins)[-1] == {"sopkit": {"enabled": True, "today": TODAY, "strict": True}}


def test_a_plain_mkdocs_build_shows_the_checks_cache_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # `sopkit build` prints the notes of the check it hands over; under plain `mkdocs build`
    # the plugin checks the handbook itself, so it is the one to show them.
    root = write_handbook(tmp_path, mkdocs_yml=MKDOCS_YML)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    cache.chmod(0o770)  # other users could write to it: the check refuses it, and says so
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(cache))
    site = mkdocs_build(root)
    assert procedure_page(site).is_file()
    err = capsys.readouterr().err
    assert err.count(f"sopkit: warning: not using the cache folder {cache}: other users can "
                     "write to it") == 1


def test_the_plugins_own_check_reads_mkdocs_yml_as_written(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`sopkit serve` checks the handbook again through the plugin after each save, with
    the settings sopkit laid over mkdocs.yml (a temporary docs folder for a handbook that
    has none, as `sopkit init` writes it): CODEOWNERS, made from mkdocs.yml's own words,
    is still up to date, as `sopkit validate` says."""
    from helpers.commands import scaffolded, sopkit

    root = scaffolded(tmp_path / "handbook")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    assert sopkit(["codeowners", "--check"], root).returncode == 0
    assert not (root / "docs").exists()
    empty = tmp_path_factory.mktemp("sopkit-docs-")  # what sopkit serve gives MkDocs
    site = mkdocs_build(root, docs_dir=str(empty), site=tmp_path / "site")
    assert (site / "index.html").is_file()
