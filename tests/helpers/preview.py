"""`sopkit serve` run as a writer runs it: a subprocess on a free port of 127.0.0.1, and
what a test asks of it over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-12-07"


@dataclass
class Preview:
    root: Path
    url: str
    process: subprocess.Popen[str]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def page(self, path: str) -> str:
        status, text = self.get(path)
        assert status == 200, (path, status)
        return text

    def wait_for(self, path: str, condition: Callable[[str], bool]) -> str:
        """The page once ``condition`` holds for it (the server rebuilds after a save)."""
        deadline = time.monotonic() + 60
        while True:
            status, text = self.get(path)
            if status == 200 and condition(text):
                return text
            assert time.monotonic() < deadline, f"{path} never changed as expected:\n{text[:2000]}"
            time.sleep(0.2)

    def edit(self, relative: str, change: Callable[[str], str]) -> None:
        path = self.root / relative
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(root: Path, home: str = "", folder: str = "") -> Iterator[Preview]:
    """`sopkit serve` in ``root`` (a subprocess) until the block ends, once it serves
    ``home``, started in ``folder`` of it (the handbook found from there); what it says goes
    to serve.log beside the handbook."""
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(root.parent / "cache")}
    log = root.parent / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sopkit", "serve", "--dev-addr", f"127.0.0.1:{port}",
             "--today", TODAY], cwd=root / folder, env=env, text=True, stdout=out, stderr=out)
    preview = Preview(root, f"http://127.0.0.1:{port}/", process)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8")
            try:
                if preview.get(home)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "sopkit serve never answered"
            time.sleep(0.2)
        yield preview
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
