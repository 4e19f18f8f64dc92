"""Debian's Chromium through Playwright, a folder served on 127.0.0.1, and a watch on
what a page does that it should not (errors, requests to other hosts, dialogs)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class Watch:
    """What a page did that it should not have."""

    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def _request(self, request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname != "127.0.0.1":
            self.foreign.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"



def _quiet_handler(directory: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    return functools.partial(Handler, directory=str(directory))  # type: ignore[return-value]


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on 127.0.0.1 while the block runs: its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _quiet_handler(folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def watched_page(browser: Any, base: str) -> Iterator[tuple[Any, Watch]]:
    """A new page of ``browser``, in a context of its own, and the :class:`Watch` on it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    watch = Watch(base)
    watch.attach(page)
    try:
        yield page, watch
    finally:
        context.close()



def open_search(browser_page: Any) -> Any:
    """Open Material's search with its hot key once its worker has built the index, and
    return the search box. Until the index is ready, the result area shows the text the
    server sent ("Initializing search", in the site's language); the wait is for that text
    to change, not for a fixed time."""
    browser_page.wait_for_function("""async () => {
        if (window.sopkitInitializer === undefined) {
            const html = await (await fetch(location.href)).text();
            const sent = new DOMParser().parseFromString(html, "text/html");
            window.sopkitInitializer =
                sent.querySelector(".md-search-result__meta").textContent.trim();
        }
        const meta = document.querySelector(".md-search-result__meta");
        return meta.textContent.trim() !== window.sopkitInitializer;
    }""", timeout=30_000)
    browser_page.keyboard.press("s")
    return browser_page.locator("input.md-search__input")
