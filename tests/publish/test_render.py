"""sopkit.publish.render: the Markdown pages of a handbook, their safety and their determinism."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
import yaml
from conftest import TESTS

from sopkit.config import Config, build_config, load_config
from sopkit.format.load import Document, load_file
from sopkit.publish.labels import EN, ZH, labels_for
from sopkit.publish.markdown import md_block, md_inline, md_link, safe_url, yaml_str
from sopkit.publish.render import RenderedSite, flowchart, render_handbook, write_tree
from sopkit.publish.training_labels import TRAINING_EN, TRAINING_ZH

REPO = TESTS.parent
DATA = TESTS / "data" / "render"
TODAY = "2027-02-01"

EXTENSIONS = ["attr_list", "admonition", "pymdownx.details", "pymdownx.superfences",
              "pymdownx.tasklist", "tables", "toc"]

PAGES = ("index.md", "roles.md", "raci.md", "reviews.md", "changes.md", "tags.md")

Golden = Callable[[str, str], None]


def _load(root: Path) -> tuple[list[Document], Document | None]:
    procedures = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        doc = load_file(path, path.relative_to(root).as_posix())
        assert isinstance(doc, Document), doc
        procedures.append(doc)
    organization = None
    if (root / "organization.yml").exists():
        org = load_file(root / "organization.yml")
        assert isinstance(org, Document), org
        organization = org
    return procedures, organization


def _config(root: Path, language: str = "en", **options: object) -> Config:
    # The versions in effect come from the revision history, not from git: tests/data is
    # in sopkit's own repository, whose commits would change the golden pages.
    return build_config(root, {"today": TODAY, "versions_from": "history", **options},
                        language=language)


def _render(root: Path, language: str = "en", **options: object) -> RenderedSite:
    procedures, organization = _load(root)
    return render_handbook(_config(root, language, **options), procedures, organization)


def _without_svg(text: str) -> str:
    """The page with the flowchart's markup left out (the flowchart has its own tests)."""
    return re.sub(r"<svg .*?</svg>", "<svg><!-- flowchart --></svg>", text, flags=re.S)


def _html(text: str) -> str:
    body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
    return str(markdown.markdown(body, extensions=EXTENSIONS))


class _Page(HTMLParser):
    """What a browser would see: elements, attributes and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.texts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def _scheme(url: str) -> str:
    """The scheme a browser reads from ``url`` (it ignores controls, spaces, tabs)."""
    compact = re.sub(r"[\x00-\x20]", "", url).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", compact)
    return match.group(1) if match else ""


def _assert_safe(page: _Page) -> None:
    assert "script" not in page.elements
    assert "iframe" not in page.elements
    assert not [a for a in page.attributes if a[1].lower().startswith("on")]
    for tag, name, value in page.attributes:
        if name in ("href", "src", "xlink:href", "action", "formaction"):
            assert _scheme(value) not in ("javascript", "vbscript", "data"), (tag, name, value)


# --- golden pages -------------------------------------------------------------------


def test_english_procedure_page(golden: Golden) -> None:
    site = _render(DATA / "en")
    golden("render/en/procedure.md", _without_svg(site.files["procedures/hr/HR-001.md"]))
    golden("render/en/procedure-draft.md", _without_svg(site.files["procedures/hr/HR-002.md"]))


def test_english_handbook_pages(golden: Golden) -> None:
    site = _render(DATA / "en")
    for page in ("roles.md", "raci.md", "index.md", "reviews.md", "changes.md"):
        golden(f"render/en/{page}", site.files[page])
    golden("render/en/department.md", site.files["departments/hr.md"])
    golden("render/en/role.md", site.files["roles/hr-manager.md"])
    golden("render/en/nav.json", json.dumps(site.nav, ensure_ascii=False, indent=2) + "\n")


def test_chinese_pages(golden: Golden) -> None:
    site = _render(DATA / "zh", "zh")
    golden("render/zh/procedure.md", _without_svg(site.files["procedures/cs/CS-001.md"]))
    golden("render/zh/roles.md", site.files["roles.md"])
    golden("render/zh/role.md", site.files["roles/cs-lead.md"])
    golden("render/zh/raci.md", site.files["raci.md"])
    golden("render/zh/nav.json", json.dumps(site.nav, ensure_ascii=False, indent=2) + "\n")


def test_flowchart_inline_and_as_file() -> None:
    site = _render(DATA / "en")
    page = site.files["procedures/hr/HR-001.md"]
    svg = site.files["procedures/hr/HR-001.svg"]
    assert svg.startswith("<svg ") and svg.endswith("</svg>\n")
    inline = re.search(
        r'<div class="sopkit-flowchart" data-search-exclude>\n(<svg .*?</svg>)\n</div>', page, re.S)
    assert inline is not None
    assert "\n\n" not in inline.group(1)
    assert [line for line in svg.splitlines() if line.strip()] == inline.group(1).splitlines()
    assert "[The flowchart as an SVG file](HR-001.svg)" in page
    html = _Page(_html(page))
    assert "svg" in html.elements
    hrefs = {value for tag, name, value in html.attributes if tag == "a" and name == "href"}
    assert {"#step-prepare-documents", "#step-create-accounts"} <= hrefs
    ids = {value for _, name, value in html.attributes if name == "id"}
    assert {"step-prepare-documents", "step-documents-complete", "step-request-missing",
            "step-create-accounts"} <= ids


def test_flowchart_lanes_and_labels() -> None:
    procedures, organization = _load(DATA / "zh")
    from sopkit.model import build_handbook

    handbook = build_handbook(procedures, organization, date(2027, 2, 1))
    svg = flowchart(handbook.procedures[0], labels_for("zh"))
    lanes = re.findall(r'data-lane="([^"]+)"', svg)
    assert lanes == ["cs-agent", "cs-lead", "qa"]  # in order of first appearance
    assert "结束" in svg


# --- structure ----------------------------------------------------------------------


def test_every_page_kind_is_rendered() -> None:
    site = _render(DATA / "en")
    assert sorted(site.files) == sorted([
        *PAGES, "departments/hr.md", "departments/it.md",
        "roles/coo.md", "roles/hr-manager.md", "roles/hr-specialist.md",
        "roles/it-admin.md",
        "procedures/hr/HR-001.md", "procedures/hr/HR-001.svg",
        "procedures/hr/HR-002.md", "procedures/hr/HR-002.svg",
        "run-sheets/hr/HR-001.md", "run-sheets/hr/HR-002.md",
        "assets/sopkit-print.css", "assets/sopkit-print.js",
    ])
    for name, text in site.files.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), name
        assert "\n\n\n" not in text, name
        assert not re.search(r"[ \t]+\n", text), name


def test_front_matter_is_yaml() -> None:
    site = _render(DATA / "en")
    text = site.files["procedures/hr/HR-001.md"]
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    assert meta == {"title": "HR-001 New employee onboarding",
                    "tags": ["onboarding", "people"], "search": {"boost": 2}}
    draft = yaml.safe_load(site.files["procedures/hr/HR-002.md"].split("---\n", 2)[1])
    assert draft["tags"] == ["people"]


def test_section_prefixes_every_path() -> None:
    site = _render(DATA / "en", section="handbook")
    assert all(name.startswith("handbook/") for name in site.files)
    assert "handbook/procedures/hr/HR-001.md" in site.files
    assert site.nav[0] == {"Home": "handbook/index.md"}
    assert site.nav[1]["Human Resources"][1] == "handbook/procedures/hr/HR-001.md"
    plain = _render(DATA / "en")
    # Links are relative, so the pages themselves do not change.
    assert site.files["handbook/procedures/hr/HR-001.md"] == plain.files[
        "procedures/hr/HR-001.md"]


def test_render_is_deterministic() -> None:
    procedures, organization = _load(DATA / "en")
    config = _config(DATA / "en")
    first = render_handbook(config, procedures, organization)
    second = render_handbook(config, list(reversed(procedures)), organization)
    assert list(first.files) == sorted(first.files)
    assert dict(first.files) == dict(second.files)
    assert first.nav == second.nav


def test_write_tree(tmp_path: Path) -> None:
    site = _render(DATA / "en", section="sop")
    written = write_tree(site, tmp_path / "out")
    assert len(written) == len(site.files)
    for name, text in site.files.items():
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == text
    with pytest.raises(ValueError, match="leaves"):
        write_tree(RenderedSite({"../escape.md": "x"}, []), tmp_path / "out")


def test_demo_handbook_renders_every_page_kind() -> None:
    from sopkit.check.handbook import check_handbook

    config = load_config(REPO)
    result = check_handbook(config, today=date(2027, 2, 1))
    assert result.procedures, "no schema-valid procedure in the demo handbook"
    site = render_handbook(config, result.procedures, result.organization)
    prefix = f"{config.section}/" if config.section else ""
    for page in PAGES:
        assert prefix + page in site.files
    assert any(name.startswith(prefix + "departments/") for name in site.files)
    for document in result.procedures:
        assert any(name.endswith(f"/{document.data['id']}.md") for name in site.files)
        assert any(name.endswith(f"/{document.data['id']}.svg") for name in site.files)
    for name, text in site.files.items():
        if name.endswith(".md"):
            _assert_safe(_Page(_html(text)))


# --- templates ----------------------------------------------------------------------


def _handbook_copy(tmp_path: Path) -> Path:
    root = tmp_path / "handbook"
    shutil.copytree(DATA / "en", root)
    (root / "templates").mkdir()
    return root


def test_handbook_template_overrides_sopkits(tmp_path: Path) -> None:
    root = _handbook_copy(tmp_path)
    (root / "templates" / "tags.md.j2").write_text(
        "# Our tags\n\n{% for tag, procedures in handbook.tags %}- {{ tag|md_inline }}\n"
        "{% endfor %}", encoding="utf-8")
    site = _render(root)
    assert site.files["tags.md"] == "# Our tags\n\n- onboarding\n- people\n"
    assert site.files["roles.md"] == _render(DATA / "en").files["roles.md"]


def test_handbook_template_can_extend_sopkits(tmp_path: Path) -> None:
    root = _handbook_copy(tmp_path)
    (root / "templates" / "procedure.md.j2").write_text(
        '{% extends "sopkit/procedure.md.j2" %}\n'
        "{% block references %}\n## See also\n\nOur intranet.\n\n{% endblock %}\n",
        encoding="utf-8")
    (root / "templates" / "_step.md.j2").write_text(
        "### {{ step.number }}. {{ step.title|md_inline }}\n\n", encoding="utf-8")
    page = _render(root).files["procedures/hr/HR-001.md"]
    assert "## See also\n\nOur intranet.\n" in page
    assert "## References" not in page
    assert "### 1. Prepare onboarding documents\n" in page  # the step template, replaced
    assert "## Revision history" in page  # the rest is sopkit's


def test_role_pages_can_be_left_out_of_search(tmp_path: Path) -> None:
    root = _handbook_copy(tmp_path)
    (root / "templates" / "role.md.j2").write_text(
        '{% extends "sopkit/role.md.j2" %}\n'
        "{% block front_matter %}\n---\nsearch:\n  exclude: true\n---\n{% endblock %}\n",
        encoding="utf-8")
    site = _render(root)
    plain = _render(DATA / "en")
    page = site.files["roles/hr-manager.md"]
    front, body = plain.files["roles/hr-manager.md"].split("---\n", 2)[1:]
    assert front == 'title: "HR Manager"\n'
    assert page == "---\nsearch:\n  exclude: true\n---\n" + body


def test_missing_label_is_a_problem_of_the_template(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sopkit.publish.templating import TemplateProblem

    root = _handbook_copy(tmp_path)
    monkeypatch.chdir(root)
    (root / "templates" / "tags.md.j2").write_text("# Tags\n\n{{ labels.no_such_label }}",
                                                    encoding="utf-8")
    with pytest.raises(TemplateProblem) as raised:
        _render(root)
    assert str(raised.value).startswith(
        "templates/tags.md.j2:3: no label 'no_such_label' in language 'en'; ")
    with pytest.raises(KeyError):
        labels_for("en")["no_such_label"]


def test_labels_exist_in_both_languages() -> None:
    assert set(EN) == set(ZH)
    assert all(EN[key].count("{") == ZH[key].count("{") for key in EN)
    assert set(TRAINING_EN) == set(TRAINING_ZH) and not set(TRAINING_EN) & set(EN)
    assert all(TRAINING_EN[key].count("{") == TRAINING_ZH[key].count("{")
               for key in TRAINING_EN)
    used = set()
    for template in (REPO / "templates").glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"labels\.([a-z_]+)", text))
        used |= set(re.findall(r'labels\["([a-z_-]+)"\]', text))
        used |= set(re.findall(r'm\.field\("([a-z_]+)"\)', text))
    assert used <= set(labels_for("en")), used - set(labels_for("en"))


# --- hostile text -------------------------------------------------------------------


def test_hostile_procedure_is_shown_as_text() -> None:
    site = _render(DATA / "hostile")
    text = site.files["procedures/EVIL-001.md"]
    page = _Page(_html(text))
    _assert_safe(page)
    assert "<script>alert(1)</script>" in page.text
    assert "<img src=x onerror=alert(1)>" in page.text
    assert "{{ 7*7 }}" in page.text
    assert "{% raw %}" in page.text
    assert "49" not in page.text
    assert "img" in page.elements  # the Markdown image, with its target neutralised
    # The title stays one heading; its newline did not start another.
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# EVIL-001 Hostile")
    for line in headings[1:]:
        assert re.match(r"## [A-Z][A-Za-z]+( [a-z]+)*( \{ data-search-exclude \})?$|### \d+\. ",
                        line), line
    assert page.elements.count("h1") == 1
    # No admonition, details, fence, tab or block came from procedure text.
    assert page.elements.count("details") == 0
    admonitions = [v for t, n, v in page.attributes if n == "class" and "admonition" in v
                   and "title" not in v]
    assert admonitions == ["admonition warning", "admonition warning"]  # overdue, caution
    assert "pre" not in page.elements
    # Table cells: `|` and line breaks did not split or add cells.
    for table in re.findall(r"<table>.*?</table>", _html(text), re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        widths = {len(re.findall(r"<t[dh][ >]", row)) for row in rows}
        assert len(widths) == 1, table
    # Links to scripts became inert.
    hrefs = [v for t, n, v in page.attributes if n in ("href", "src")]
    assert "unsafe:javascript:alert(1)" in hrefs
    assert not [h for h in hrefs if _scheme(h) in ("javascript", "data", "vbscript")]


def test_hostile_text_on_every_page() -> None:
    site = _render(DATA / "hostile")
    for name, text in site.files.items():
        if not name.endswith(".md"):
            continue
        page = _Page(_html(text))
        _assert_safe(page)
        assert "49" not in page.text, name
    front = yaml.safe_load(site.files["procedures/EVIL-001.md"].split("---\n", 2)[1])
    # MkDocs and Material print tag names and nav titles as HTML: they are escaped.
    assert front["tags"] == ["&lt;b onmouseover=alert(1)&gt;tag&lt;/b&gt;", "a | b"]
    assert "<" not in json.dumps(site.nav)


def test_hostile_flowchart_file_is_escaped() -> None:
    svg = _render(DATA / "hostile").files["procedures/EVIL-001.svg"]
    page = _Page(svg)
    _assert_safe(page)
    assert "<script>" in page.text


# --- filters ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("plain text", "plain text"),
    ("a | b", "a &#124; b"),
    ("one\ntwo", "one two"),
    ("# not a heading", "&#35; not a heading"),
    ("- not a list", "&#45; not a list"),
    ("1. not a list", "1&#46; not a list"),
    ("**bold** and [link](https://example.com)", "**bold** and [link](https://example.com)"),
    ("[x](javascript:alert(1))", "[x](unsafe:javascript:alert(1))"),
    ("<b>", "&lt;b&gt;"),
    ("{{ x }}", "&#123;&#123; x &#125;&#125;"),
    ("!!! note", "&#33;&#33;&#33; note"),
    ("`a|b`", "<code>a&#124;b</code>"),
    ("a ` b", "a &#96; b"),
    ("trailing \\", "trailing &#92;"),
])
def test_md_inline(value: str, expected: str) -> None:
    assert md_inline(value) == expected


def test_md_inline_line_breaks_as_br() -> None:
    assert md_inline("one\n\ntwo\r\nthree", br=True) == "one<br>two<br>three"


def test_md_block_keeps_markdown_and_shows_html_as_text() -> None:
    text = "Para with *emphasis*.\n\n- item one\n- item two\n\n> quote\n\n<div>x</div>"
    assert md_block(text) == ("Para with *emphasis*.\n\n- item one\n- item two\n\n> quote\n\n"
                              "&lt;div&gt;x&lt;/div&gt;")
    assert md_block("## Heading\n```\ncode\n```") == (
        "&#35;# Heading\n&#96;&#96;&#96;\ncode\n&#96;&#96;&#96;")
    assert md_block("Title\n===") == "Title\n&#61;&#61;&#61;"
    assert md_block("[r]:  javascript:alert(1)") == "[r]:  unsafe:javascript:alert(1)"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.com/a b?x=1&y=(2)", "https://example.com/a%20b?x=1&amp;y=%282%29"),
    ("mailto:hr@example.com", "mailto:hr@example.com"),
    ("../other.md#part", "../other.md#part"),
    ("javascript:alert(1)", None),
    (" JavaScript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("data:text/html,x", None),
    ("vbscript:x", None),
    ("file:///etc/passwd", None),
    ("", None),
])
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_md_link_shows_unsafe_addresses_as_code() -> None:
    assert md_link("Site", "https://example.com") == "[Site](https://example.com)"
    assert md_link("[x]", "javascript:alert(1)") == (
        "&#91;x&#93; (<code>javascript&#58;alert(1)</code>)")


def test_yaml_str_round_trips() -> None:
    for value in ["plain", 'quote " and \\ backslash', "中文", "a: b # c", "\x85 nel",
                  "\u2028sep", "tab\there"]:
        loaded = yaml.safe_load(f"key: {yaml_str(value)}")["key"]
        assert loaded == " ".join(value.replace("\x85", "\n").replace("\u2028", "\n").split())


# -- rendering in a second process ------------------------------------------------------------


def _lazy_site(root: Path, **options: object) -> tuple[Config, object]:
    from sopkit.model import build_handbook

    procedures, organization = _load(root)
    config = _config(root, **options)
    return config, build_handbook(procedures, organization, date.fromisoformat(TODAY))


@pytest.fixture
def parallel_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the worker process even for the small test handbooks."""
    import sopkit.publish.lookahead

    monkeypatch.setattr(sopkit.publish.lookahead, "PARALLEL_MINIMUM", 0)
    monkeypatch.delenv("SOPKIT_RENDER_PROCESSES", raising=False)
    # Never skipped: CI's machines have two cores and fork. A thread left running by an
    # earlier test would make the renderer stay in one process; that is a test's bug.
    assert sopkit.publish.lookahead._can_fork(), (
        "the renderer would not fork here: one core, no fork, or threads left running "
        f"({[thread.name for thread in threading.enumerate()]})")


@pytest.mark.usefixtures("parallel_always")
def test_parallel_render_gives_the_same_bytes() -> None:
    from sopkit.publish.lookahead import LazySite, render_site
    from sopkit.publish.render import render_model

    config, model = _lazy_site(DATA / "en", section="sop")
    serial = LazySite(config, model).rendered()  # type: ignore[arg-type]
    site = LazySite(config, model)  # type: ignore[arg-type]
    try:
        assert site.start_worker()
        parallel = site.rendered(parallel=True)
    finally:
        site.close()
    assert dict(parallel.files) == dict(serial.files)
    assert parallel.nav == serial.nav
    assert list(parallel.files) == list(site.paths)
    pure = render_model(config, model)  # type: ignore[arg-type]
    assert list(pure.files.items()) == list(parallel.files.items())
    assert pure.nav == parallel.nav
    ahead = render_site(config, model)  # type: ignore[arg-type]
    assert list(ahead.files.items()) == list(parallel.files.items())


@pytest.mark.usefixtures("parallel_always")
def test_pages_asked_for_one_by_one_come_from_the_worker() -> None:
    from sopkit.publish.lookahead import LazySite

    config, model = _lazy_site(DATA / "en")
    expected = LazySite(config, model).rendered()  # type: ignore[arg-type]
    site = LazySite(config, model)  # type: ignore[arg-type]
    try:
        assert site.start_worker()
        for path in site.paths:
            assert site.text(path) == expected.files[path]
    finally:
        site.close()


@pytest.mark.usefixtures("parallel_always")
def test_a_worker_that_dies_leaves_the_pages_to_this_process() -> None:
    import multiprocessing
    import os
    import signal

    from sopkit.publish.lookahead import LazySite

    config, model = _lazy_site(DATA / "en")
    expected = LazySite(config, model).rendered()  # type: ignore[arg-type]
    site = LazySite(config, model)  # type: ignore[arg-type]
    try:
        assert site.start_worker()
        workers = multiprocessing.active_children()
        assert workers
        for worker in workers:
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)
        assert dict(site.rendered().files) == dict(expected.files)
    finally:
        site.close()


@pytest.mark.usefixtures("parallel_always")
def test_a_template_error_is_raised_as_without_the_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sopkit.publish.lookahead import LazySite, render_site
    from sopkit.publish.templating import TemplateProblem

    root = tmp_path / "handbook"
    shutil.copytree(DATA / "en", root)
    monkeypatch.chdir(root)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "procedure.md.j2").write_text(
        "# {{ procedure.id }}\n{{ no_such_name }}\n", encoding="utf-8")
    expected = ("templates/procedure.md.j2:2: 'no_such_name' is undefined; use only the names "
                "docs/templates.md lists for this page, spelt as there")
    with pytest.raises(TemplateProblem) as raised:
        _render(root)  # one page after another, in this process
    assert str(raised.value) == expected
    config, model = _lazy_site(root)
    with pytest.raises(TemplateProblem) as raised:
        # the worker renders from the first page, this process from the last
        render_site(config, model)  # type: ignore[arg-type]
    assert str(raised.value) == expected
    site = LazySite(config, model)  # type: ignore[arg-type]
    try:
        assert site.start_worker()
        first = next(path for path in site.paths if path.startswith("procedures/"))
        with pytest.raises(TemplateProblem) as raised:
            site.text(first)  # the worker met the problem and told it
        assert str(raised.value) == expected
        assert site.text("tags.md")  # and went on with the other pages
    finally:
        site.close()


def test_handbook_views_are_worked_out_once() -> None:
    from sopkit.model import build_handbook

    procedures, organization = _load(DATA / "en")
    handbook = build_handbook(procedures, organization, date.fromisoformat(TODAY))
    assert handbook.roles is handbook.roles
    assert handbook.departments is handbook.departments
    for procedure in handbook.procedures:
        assert handbook.procedure(procedure.id) is procedure
        for role in handbook.roles:
            letters = {ch for step in procedure.steps
                       for ch in step.raci(role.id).split("/") if ch}
            if procedure.owner.id == role.id:
                letters.add("A")
            assert procedure.raci(role.id) == "/".join(ch for ch in "RACI" if ch in letters)
    assert handbook.procedure("NO-SUCH-ID") is None


def test_relative_paths_match_posixpath() -> None:
    import itertools
    import posixpath

    from sopkit.publish.render import _relpath

    paths = ["", ".", "a", "a/b", "a/b/c", "b", "b/c", "a/./b", "a//b", "x.md", "a/x.md",
             "a/b/x.md", "b/x.md", "a/b/", "../x.md", "a/../b.md", "/abs/x.md"]
    for target, folder in itertools.product(paths, repeat=2):
        if target:
            assert _relpath(target, folder) == posixpath.relpath(target, folder or "."), (
                target, folder)


def test_a_role_named_index_does_not_take_the_roles_page_url(tmp_path: Path) -> None:
    root = _handbook_copy(tmp_path)
    for path in (root / "procedures").rglob("*.yml"):
        path.write_text(path.read_text(encoding="utf-8").replace("hr-manager", "index"),
                        encoding="utf-8")
    organization = root / "organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8").replace(
        "hr-manager", "index"), encoding="utf-8")
    site = _render(root)
    assert "roles/index-role.md" in site.files and "roles/index.md" not in site.files
    assert "](../../roles/index-role.md)" in site.files["procedures/hr/HR-001.md"]


def test_an_internal_output_is_named_in_its_steps_and_not_handed_over(tmp_path: Path) -> None:
    root = _handbook_copy(tmp_path)
    path = root / "procedures" / "hr" / "HR-002.yml"
    text = path.read_text(encoding="utf-8").replace("steps:\n", (
        "outputs:\n"
        "  - {id: exit-record, name: Signed exit record, recipient: Payroll}\n"
        "  - {id: exit-notes, name: Exit interview notes, internal: true}\n"
        "steps:\n"), 1)
    text = text.replace("    duration: 1h\n", "    duration: 1h\n    outputs: [exit-notes]\n", 1)
    text = text.replace("    duration: 4h\n",
                        "    duration: 4h\n    inputs: [exit-notes]\n    outputs: [exit-record]\n")
    path.write_text(text, encoding="utf-8")
    page = _render(root).files["procedures/hr/HR-002.md"]
    outputs = page.split("## Outputs", 1)[1].split("\n## ", 1)[0]
    assert "Signed exit record" in outputs and "Exit interview notes" not in outputs
    steps = page.split("## Outputs", 1)[1]
    assert steps.count("Exit interview notes") == 2  # made by one step, used by the next
    assert "`exit-notes`" not in page


def test_durations_are_shown_in_the_writers_units(tmp_path: Path) -> None:
    root = _handbook_copy(tmp_path)
    path = root / "procedures" / "hr" / "HR-002.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("duration: 1h", "duration: 10d", 1)
                    .replace("duration: 4h", "duration: 2h", 1), encoding="utf-8")
    page = _render(root).files["procedures/hr/HR-002.md"]
    assert "**Duration:** 10 d" in page and "1 w" not in page
    assert "10 d 2 h" in page  # the total: days and hours, as the steps are written
