"""sopkit.publish.printing and the print parts of pages: the control block, the running
footer, the print notice and run sheets, in both languages, with hostile text inert."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest

from sopkit.config import ConfigError, build_config
from sopkit.format.load import Document, load_file
from sopkit.publish.labels import labels_for
from sopkit.publish.labels_print import EN, ZH
from sopkit.publish.pages import run_sheet_path
from sopkit.publish.printing import (
    PRINT_CSS,
    PRINT_JS,
    css_string,
    footer_style,
    footer_text,
    html_inline,
    notice_html,
    print_css,
)
from sopkit.publish.render import RenderedSite, render_handbook

DATA = Path(__file__).resolve().parents[1] / "data" / "render"
EXTENSIONS = ["attr_list", "admonition", "pymdownx.details", "pymdownx.superfences",
              "pymdownx.tasklist", "tables", "toc"]


class _Text(HTMLParser):
    """The elements, attributes and text a browser would see."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text += data


def _render(name: str, language: str = "en", **options: object) -> RenderedSite:
    root = DATA / name
    procedures = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        document = load_file(path, path.relative_to(root).as_posix())
        assert isinstance(document, Document)
        procedures.append(document)
    organization = None
    if (root / "organization.yml").exists():
        loaded = load_file(root / "organization.yml")
        assert isinstance(loaded, Document)
        organization = loaded
    config = build_config(root, {"today": "2027-02-01", **options}, language=language)
    return render_handbook(config, procedures, organization)


def _page(text: str) -> _Text:
    body = text.split("---\n", 2)[2]
    return _Text(markdown.markdown(body, extensions=EXTENSIONS))


def test_print_labels_exist_in_both_languages_with_the_same_placeholders() -> None:
    assert set(EN) == set(ZH)
    for key in EN:
        assert re.findall(r"\{\w+\}", EN[key]) == re.findall(r"\{\w+\}", ZH[key]), key


def test_a_css_string_cannot_end_itself_or_its_rule() -> None:
    hostile = 'a"b\\c}d</style><script>\ne\u202ef'
    value = css_string(hostile)
    inner = value[1:-1]
    assert value[0] == value[-1] == '"'
    assert re.fullmatch(r"(?:[A-Za-z0-9]|\\[0-9a-f]{6})*", inner)
    # Read back as CSS reads it: the same text, less the control and format characters.
    decoded = re.sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m.group(1), 16)), inner)
    assert decoded == 'a"b\\c}d</style><script>ef'


def test_the_footer_style_holds_only_the_escaped_footer() -> None:
    style = footer_style('X"; } body { display: none } </style><script>')
    assert style.startswith("<style>") and style.endswith("</style>")
    assert style.count("<") == 2 and style.count('"') == 2
    assert "display: none" not in style


def test_footer_and_page_numbers_in_each_language() -> None:
    assert footer_text(labels_for("en"), "HR-001", "1.2.0") == "HR-001 · version 1.2.0"
    assert footer_text(labels_for("zh"), "HR-001", "1.2.0") == "HR-001 · 版本 1.2.0"
    assert ('content: "Page\\000020" counter(page) "\\000020of\\000020" counter(pages);'
            in print_css(labels_for("en")))
    # 第 N 页，共 M 页
    assert ('content: "\\007b2c\\000020" counter(page) "\\000020\\009875\\00ff0c\\005171'
            '\\000020" counter(pages) "\\000020\\009875";' in print_css(labels_for("zh")))


def test_the_notice_is_escaped_and_never_formatted() -> None:
    notice = notice_html("{date} <b>{0.__class__}</b> {{ 7*7 }} {date}", date(2026, 12, 7))
    span = '<span class="sopkit-print-date">2026-12-07</span>'
    assert notice == (f"{span} &lt;b&gt;&#123;0.__class__&#125;&lt;/b&gt; "
                      f"&#123;&#123; 7*7 &#125;&#125; {span}")
    assert html_inline("a\n\tb\x1b[31m\u202e") == "a b[31m"


def test_print_notice_option() -> None:
    site = _render("en", print_notice="Kopie {date}: nicht gelenkt")
    assert ('Kopie <span class="sopkit-print-date">2027-02-01</span>: nicht gelenkt'
            in site.files["procedures/hr/HR-001.md"])
    for bad in ("", "   ", 7, ["a"]):
        with pytest.raises(ConfigError, match="print_notice"):
            build_config(DATA / "en", {"print_notice": bad})


def test_the_procedure_page_has_a_print_only_control_block_and_links_its_run_sheet() -> None:
    site = _render("en")
    text = site.files["procedures/hr/HR-001.md"]
    block = text[text.index(
        '<div class="sopkit-control-block sopkit-print-only" data-search-exclude>'):]
    block = block[: block.index("</div>") + len("</div>")]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", block)
    assert cells[:4] == ["ID", "HR-001", "Version", "1.2.0"]
    assert "Effective date" in cells and "Next review" in cells and "Approvers" in cells
    # The control block comes right before the screen's list of the same facts (the print
    # style sheet hides that list on paper).
    after = text[text.index(block) + len(block):].lstrip("\n")
    assert after.startswith("- **Version:** 1.2.0")
    assert "[a form to print and fill in" in text
    assert "(../../run-sheets/hr/HR-001.md)" in text


def test_a_run_sheet_has_every_step_checklist_item_branch_and_sign_off() -> None:
    site = _render("en")
    sheet = _page(site.files["run-sheets/hr/HR-001.md"])
    text = " ".join(sheet.text.split())
    for words in ("Run sheet: HR-001", "Run details", "Date", "Location", "Operators (names)",
                  "Deviations and notes", "Sign-off", "Procedure owner:"):
        assert words in text
    procedure = load_file(DATA / "en" / "procedures" / "hr" / "HR-001.yml")
    assert isinstance(procedure, Document)
    for number, step in enumerate(procedure.data["steps"], start=1):
        assert f"{number}. {' '.join(step['title'].split())}" in text
        for item in step.get("checklist", []):
            assert f"☐ {item}" in text
        for branch in step.get("decision", {}).get("branches", []):
            assert f"☐ {branch['when']}" in text
    assert text.count("Accountable:") == len({
        step["accountable"] for step in procedure.data["steps"] if "accountable" in step
    } - {procedure.data["owner"]})


def test_run_sheets_in_chinese() -> None:
    site = _render("zh", "zh")
    text = " ".join(_page(site.files["run-sheets/cs/CS-001.md"]).text.split())
    for words in ("执行记录表", "执行信息", "执行人（姓名）", "偏差与备注", "签核", "流程负责人",
                  "签字"):
        assert words in text
    assert "转第" in text  # a decision's branches name the step they go to
    assert "执行记录表：CS-001" in text and "流程负责人：" in text  # Chinese punctuation


def test_hostile_text_stays_text_in_run_sheets() -> None:
    site = _render("hostile")
    for path in ("run-sheets/EVIL-001.md", "procedures/EVIL-001.md"):
        page = _page(site.files[path])
        assert "script" not in page.elements
        assert not [name for name, _ in page.attributes if name.startswith("on")]
        assert "<script>alert(1)</script>" in page.text
        assert "49" not in page.text
        assert "{{ 7*7 }}" in page.text or path.startswith("procedures")


def test_run_sheets_and_print_assets_are_files_of_the_site() -> None:
    site = _render("en", section="handbook")
    for path in (PRINT_CSS, PRINT_JS, "run-sheets/hr/HR-001.md"):
        assert f"handbook/{path}" in site.files
    assert run_sheet_path("procedures/hr/HR-001.md") == "run-sheets/hr/HR-001.md"
    assert run_sheet_path("procedures/X-1.md") == "run-sheets/X-1.md"
    assert site.files["handbook/assets/sopkit-print.css"] == print_css(labels_for("en"))
