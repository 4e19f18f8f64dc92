"""A build killed before it could clean up (SIGKILL, a power cut) leaves its folder beside
the site; the next build removes it, and nothing else: not a folder of a build still
running, not a link, not a folder sopkit did not make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sopkit.publish.output import OWNER_FILE, build_folder, publish


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def leftover(parent: Path, name: str, pid: int | None) -> Path:
    folder = parent / name
    (folder / "procedures").mkdir(parents=True)
    (folder / "index.html").write_text("half a site", encoding="utf-8")
    if pid is not None:
        (folder / OWNER_FILE).write_text(f"{pid}\n", encoding="ascii")
    return folder


def test_the_next_build_removes_what_a_killed_build_left(tmp_path: Path) -> None:
    site = tmp_path / "site"
    killed = leftover(tmp_path, ".site.sopkit-0badc0de", dead_pid())
    killed_swap = leftover(tmp_path, ".site.sopkit-old-12345678", dead_pid())
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = leftover(tmp_path, ".site.sopkit-feedf00d", running.pid)
        unknown = leftover(tmp_path, ".site.sopkit-cafecafe", None)
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / OWNER_FILE).write_text(f"{dead_pid()}\n", encoding="ascii")
        link = tmp_path / ".site.sopkit-11111111"
        link.symlink_to(elsewhere, target_is_directory=True)
        with build_folder(site) as temp:
            (temp / "index.html").write_text("the new site", encoding="utf-8")
            publish(temp, site)
    finally:
        running.kill()
        running.wait()
    assert not killed.exists() and not killed_swap.exists()
    assert busy.is_dir() and unknown.is_dir()
    assert link.is_symlink() and (elsewhere / OWNER_FILE).is_file()
    assert (site / "index.html").read_text(encoding="utf-8") == "the new site"
    assert not (site / OWNER_FILE).exists()  # the published site does not carry it


def test_a_build_folder_names_its_process(tmp_path: Path) -> None:
    with build_folder(tmp_path / "site") as temp:
        assert (temp / OWNER_FILE).read_text(encoding="ascii") == f"{os.getpid()}\n"
