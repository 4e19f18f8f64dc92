"""sopkit.publish.markdown keeps Python-Markdown's work linear in the size of procedure text.

Python-Markdown rescans a paragraph for every link in it and scans to the end of the
paragraph for every link target that does not close; it also copies the paragraph for each
inline element. The filters bound all three (issue 9, point 16), and legitimate Markdown
renders as before. Work is counted, never timed: the tests instrument Python-Markdown's own
link parser and count the characters it goes over.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

import markdown  # type: ignore[import-untyped]
import pytest
from markdown.inlinepatterns import LinkInlineProcessor  # type: ignore[import-untyped]

from sopkit.publish.markdown import BLOCK_CHARS, INLINE_CHARS, LINKS_PER_BLOCK, md_block, md_inline

EXTENSIONS = ["attr_list", "admonition", "pymdownx.details", "pymdownx.superfences",
              "pymdownx.tasklist", "tables", "toc"]


def to_html(text: str) -> str:
    return str(markdown.markdown(text, extensions=EXTENSIONS))


class _Page(HTMLParser):
    """The links and the text a browser would show."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._link_text), self._href))
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data)

    @property
    def shown(self) -> str:
        return "".join(self.text)


def page(text: str) -> _Page:
    return _Page(to_html(text))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@contextmanager
def link_work() -> Iterator[list[int]]:
    """The characters Python-Markdown's link parser goes over, in total, while active.

    ``_findBracketEnds`` reads its whole text; ``getLink`` reads from the ``(`` to the
    ``)`` that closes the target, or to the end of the text when none does or when a quote
    made it look for a title.
    """
    total = [0]
    find_ends = LinkInlineProcessor._findBracketEnds
    get_link = LinkInlineProcessor.getLink

    def counted_ends(data: str) -> list[int | None]:
        total[0] += len(data)
        return find_ends(data)  # type: ignore[no-any-return]

    def counted_link(self: LinkInlineProcessor, data: str,
                     index: int) -> tuple[str, str | None, int, bool]:
        href, title, end, handled = get_link(self, data, index)
        quoted = "'" in data[index:end] or '"' in data[index:end]
        total[0] += (end - index) if handled and not quoted else len(data) - index
        return href, title, end, handled

    LinkInlineProcessor._findBracketEnds = staticmethod(counted_ends)
    LinkInlineProcessor.getLink = counted_link
    try:
        yield total
    finally:
        LinkInlineProcessor._findBracketEnds = staticmethod(find_ends)
        LinkInlineProcessor.getLink = get_link


# --- legitimate Markdown renders as before ------------------------------------------------


@pytest.mark.parametrize("source, links", [
    ("See [the guide](https://example.com/guide) first.",
     [("the guide", "https://example.com/guide")]),
    ('A [titled link](https://example.com "The title") here.',
     [("titled link", "https://example.com")]),
    ("[Wiki](https://en.wikipedia.org/wiki/Lean_(manufacturing)) and [b](/b)",
     [("Wiki", "https://en.wikipedia.org/wiki/Lean_(manufacturing)"), ("b", "/b")]),
    ("- [one](a.md)\n- [two](b.md#x)\n\n1. [three](c.md)",
     [("one", "a.md"), ("two", "b.md#x"), ("three", "c.md")]),
    ("Use [the form][f].\n\n[f]: https://example.com/form",
     [("the form", "https://example.com/form")]),
    ("**bold [link](x)** and *[em](y)*", [("link", "x"), ("em", "y")]),
])
def test_links_keep_working(source: str, links: list[tuple[str, str]]) -> None:
    assert page(md_block(source)).links == links
    if "\n" not in source:
        assert page(md_inline(source)).links == links


def test_a_title_keeps_its_title() -> None:
    assert 'title="The title"' in to_html(md_block('[t](https://example.com "The title")'))


def test_quotes_in_an_address_are_percent_encoded() -> None:
    """A quote in the address made Python-Markdown look for a title to the end of the
    paragraph; encoded, the link goes to the same place."""
    source = "[Bob's page](https://example.com/bob's) and [q](https://x.test/a\"b)"
    assert page(md_block(source)).links == [
        ("Bob's page", "https://example.com/bob%27s"), ("q", "https://x.test/a%22b")]


def test_images_emphasis_and_code_are_unchanged() -> None:
    source = "![chart](chart.png) *em* **strong** `a [b](c) d`"
    assert md_block(source) == (
        "![chart](chart.png) *em* **strong** <code>a &#91;b&#93;(c) d</code>")


def test_text_that_is_not_a_link_reads_as_written() -> None:
    for source in ("[x](" * 20, "a](b c", "[a](b", "f(x) = [g](h", "[a]((b)", "x ](( y"):
        shown = page(md_block(source)).shown
        assert squeeze(shown) == squeeze(source), source
        assert not page(md_block(source)).links


def test_a_target_that_does_not_close_is_not_a_link() -> None:
    """Every ``](`` left in the output opens a target that closes on its line."""
    for source in ("[x](" * 1000, "[a](b [c](d e", "[a](b \"t\" x) [c](\"", "[a](b\nc)"):
        out = md_block(source)
        for match in re.finditer(r"\]\(", out):
            line_end = out.find("\n", match.end())
            rest = out[match.end():len(out) if line_end < 0 else line_end]
            assert ")" in rest, (source, out)


# --- bounded work -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    "[x](" * 4000,               # the payload: 16 KB, every target open
    "[x](y) " * 2000,            # valid links, one paragraph
    "[x](y \"" * 2000,           # a quote after every address
    "[x](y'z) " * 2000,          # a quote inside every address
    "[x]" * 2000 + "\n\n[x]: /defined",   # shortcut references
])
def test_link_parsing_work_is_linear(payload: str) -> None:
    for source in (md_block(payload), md_inline(payload)):
        with link_work() as work:
            to_html(source)
        assert work[0] <= 4 * LINKS_PER_BLOCK * len(source), payload[:10]


def test_at_most_links_per_block_links_in_a_paragraph() -> None:
    source = " ".join(f"[l{i}](u{i})" for i in range(LINKS_PER_BLOCK + 20))
    shown = page(md_block(source))
    assert len(shown.links) == LINKS_PER_BLOCK
    assert shown.links[-1] == (f"l{LINKS_PER_BLOCK - 1}", f"u{LINKS_PER_BLOCK - 1}")
    assert f"[l{LINKS_PER_BLOCK}](u{LINKS_PER_BLOCK})" in shown.shown  # the rest as text
    assert len(page(md_inline(source)).links) == LINKS_PER_BLOCK


def test_each_list_item_and_paragraph_has_its_own_links() -> None:
    items = LINKS_PER_BLOCK + 20
    as_list = "\n".join(f"- [l{i}](u{i})" for i in range(items))
    assert len(page(md_block(as_list)).links) == items
    paragraphs = "\n\n".join(f"[l{i}](u{i}) " * 10 for i in range(10))
    assert len(page(md_block(paragraphs)).links) == 100
    # a paragraph that a "list" line does not interrupt counts as one
    fake = "Intro\n" + "\n".join(f"- [l{i}](u{i})" for i in range(items))
    assert len(page(md_block(fake)).links) == LINKS_PER_BLOCK


def test_a_long_paragraph_is_split_and_keeps_its_text() -> None:
    words = " ".join(f"word{i} # - 1. > [TOC] `c {i}` &" for i in range(1500))
    out = md_block(words)
    parts = out.split("\n\n")
    assert len(parts) > 1
    assert all(len(part) <= BLOCK_CHARS + 20 for part in parts)
    rendered = page(out)
    assert squeeze(rendered.shown) == squeeze(words.replace("`", ""))
    # nothing opened a block where a part starts: paragraphs and code only
    assert set(rendered.tags) <= {"p", "code"}
    assert all(part.count("<code>") == part.count("</code>") for part in parts)


def test_a_long_line_without_spaces_is_split_between_entities() -> None:
    source = "&<{" * 5000
    parts = md_block(source).split("\n\n")
    assert len(parts) > 1
    assert all(len(part) <= BLOCK_CHARS for part in parts)
    assert all(re.fullmatch(r"(?:&(?:amp|lt|#123);)+", part) for part in parts)
    assert html.unescape("".join(parts)) == source


def test_a_long_code_span_is_closed_and_opened_again() -> None:
    source = "`" + "*_[] " * 4000 + "`"
    parts = md_block(source).split("\n\n")
    assert len(parts) > 1
    assert all(p.startswith("<code>") and p.endswith("</code>") for p in parts)
    assert squeeze(page("\n\n".join(parts)).shown) == squeeze(source.strip("`"))


def test_short_text_is_left_as_it_was() -> None:
    source = "Para one with [a link](x).\n\nPara two\nwith two lines.\n\n- item\n- item"
    assert md_block(source) == source


def test_a_huge_one_line_value_is_cut_with_an_ellipsis() -> None:
    """A heading or a table cell cannot be split: past INLINE_CHARS it is cut."""
    for value, br in (("[x](" * 40_000, False), ("a & b `c|d` " * 5_000, False),
                      ("line one\n" * 8_000, True)):
        out = md_inline(value, br=br)
        assert len(out) <= INLINE_CHARS + 8 and out.endswith("…")
        assert out.count("<code>") == out.count("</code>")
        assert not re.search(r"&[#\w]*…|<[^>]*…", out)  # no entity or tag cut in two
        with link_work() as work:
            to_html("# " + out)
        assert work[0] <= 4 * LINKS_PER_BLOCK * len(out)
    assert md_inline("short & sweet") == "short &amp; sweet"
