"""`sopkit build --no-directory-urls`: the preview a reviewer downloads from CI and opens from
disk, where a link to a folder shows a file listing instead of the page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpers.commands import scaffolded, sopkit

LINK = re.compile(r'(?:href|src)="([^"]+)"')


def local_targets(page: Path) -> list[str]:
    """The links of ``page`` to other files of the site (not anchors, not other sites)."""
    found = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        found.append(unquote(parts.path))
    return found


def test_every_link_of_the_preview_opens_a_file_from_disk(tmp_path: Path) -> None:
    handbook = scaffolded(tmp_path / "hb")
    done = sopkit(["build", "--no-directory-urls"], handbook)
    assert done.returncode == 0, done.stdout + done.stderr
    site = handbook / "site"
    # 404.html is for a web server (its links start at the site's root): not a page to open.
    pages = sorted(page for page in site.rglob("*.html") if page.name != "404.html")
    assert (site / "procedures" / "operations" / "OPS-001.html").is_file()
    assert not (site / "procedures" / "operations" / "OPS-001").exists()
    checked = 0
    for page in pages:
        for target in local_targets(page):
            resolved = (page.parent / target).resolve()
            assert resolved.is_file(), f"{page.relative_to(site)} links to {target}"
            checked += 1
    assert checked > len(pages)  # the pages do link to one another


def test_the_published_site_keeps_directory_urls(tmp_path: Path) -> None:
    handbook = scaffolded(tmp_path / "hb")
    assert sopkit(["build"], handbook).returncode == 0
    assert (handbook / "site" / "procedures" / "operations" / "OPS-001" / "index.html").is_file()
