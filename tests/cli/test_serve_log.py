"""`sopkit serve` as a user runs it: its log names the handbook's files, never the temporary
folder sopkit gives MkDocs (a handbook without docs/, or without mkdocs.yml)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from helpers.commands import scaffolded


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve_log(root: Path) -> str:
    """What `sopkit serve` prints until it serves (then it is stopped)."""
    environment = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sopkit", "serve", "--dev-addr", f"127.0.0.1:{free_port()}"],
        cwd=root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    log = ""
    try:
        while "Serving on http://127.0.0.1:" not in log:
            line = lines.get(timeout=120)
            if line is None:
                break
            log += line
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert "Serving on" in log, log
    return log


def test_the_serve_log_names_no_temporary_folder(tmp_path: Path) -> None:
    root = scaffolded(tmp_path / "handbook")  # no docs/ folder: sopkit gives MkDocs one
    assert not (root / "docs").exists()
    log = serve_log(root)
    assert "sopkit-docs-" not in log and "sopkit-mkdocs-" not in log, log
    watching = next(line for line in log.splitlines() if "Watching paths for changes" in line)
    assert watching.endswith("Watching paths for changes: 'mkdocs.yml', 'procedures', "
                             "'organization.yml', 'templates'"), watching
