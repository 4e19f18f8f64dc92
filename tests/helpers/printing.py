"""Helpers of the printing tests: a handbook made by `sopkit init`, built; a site served
on 127.0.0.1; pages printed to PDF by Debian's Chromium (print media, as a reader's
browser prints); PDFs read back as text with pdftotext (poppler-utils).

Needs /usr/bin/chromium and pdftotext (scripts/test-all installs both); tests that use
them fail, never skip, without them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from helpers.browser import CHROMIUM

HOSTILE = """\
id: SEC-666
title: "Hostile <script>alert(1)</script> {{ 7*7 }} procedure\\u202e"
version: 1.0.0
status: approved
approvers: [operations-manager]
effective_date: 2026-01-15
owner: operations-manager
purpose: "<img src=x onerror=alert(1)>"
scope:
  includes: ["<svg onload=alert(1)>"]
roles:
  - id: operations-manager
  - id: procedure-writer
outputs:
  - id: evil-record
    name: "Record </td></tr></table><script>alert(2)</script>"
steps:
  - id: check
    title: "Check \\x1b[31m <script>alert(3)</script>"
    role: procedure-writer
    accountable: operations-manager
    checklist: ["<b onmouseover=alert(4)>box</b>", "{% raw %}x{% endraw %}"]
  - id: decide
    title: Is it safe?
    role: operations-manager
    decision:
      branches:
        - when: "Yes <script>alert(5)</script>"
          next: close
        - when: "No\\" onclick=\\"alert(6)"
          next: check
  - id: close
    title: Close the case
    role: operations-manager
    outputs: [evil-record]
    end: true
history:
  - version: 1.0.0
    date: 2026-01-10
    summary: First release.
"""
"""A procedure of an init'd handbook whose text tries to become markup, a template or a
terminal escape, in every field a printout or run sheet shows."""


def require_tools() -> None:
    """Fail (never skip) when Chromium or pdftotext is missing."""
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: install it with `apt-get install chromium fonts-noto-cjk` "
        "(scripts/test-all does)")
    assert shutil.which("pdftotext"), (
        "pdftotext is missing: install poppler-utils (scripts/test-all does)")


def sopkit(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``sopkit ARGS`` run in ``folder``."""
    return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=folder,
                          capture_output=True, text=True, timeout=600, check=False)


def init_handbook(folder: Path, *, language: str = "en", hostile: bool = True) -> Path:
    """A handbook made by `sopkit init` in ``folder`` (with the hostile procedure)."""
    done = sopkit(folder.parent, "init", folder.name, "--language", language)
    assert done.returncode == 0, done.stderr
    if hostile:
        (folder / "procedures" / "SEC-666.yml").write_text(HOSTILE, encoding="utf-8")
    return folder


def build(folder: Path, today: str = "2026-06-01") -> Path:
    """`sopkit build` of the handbook in ``folder``: its site folder."""
    done = sopkit(folder, "build", "--today", today)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "site"


def print_page(browser: Any, url: str, pdf: Path) -> list[str]:
    """Print ``url`` to ``pdf`` as the browser prints it (print media, the page's own page
    size and margins); what the page did that it should not have (dialogs, console and
    page errors, requests to other hosts)."""
    troubles: list[str] = []
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.on("dialog", lambda dialog: (troubles.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    page.on("pageerror", lambda error: troubles.append(f"page error: {error}"))
    page.on("console", lambda message: troubles.append(f"console: {message.text}")
            if message.type == "error" else None)
    page.on("request", lambda request: troubles.append(f"request: {request.url}")
            if urlsplit(request.url).hostname not in (None, "127.0.0.1")
            and urlsplit(request.url).scheme not in ("data", "blob", "about") else None)
    try:
        page.goto(url, wait_until="networkidle")
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    finally:
        context.close()
    return troubles


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext, in reading order)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True)
    pages = done.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
