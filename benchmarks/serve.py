"""How long a writer waits in `sopkit serve`: from starting it to the first page, and from
saving a procedure to the new page being served, measured over HTTP, beside a full
`sopkit build` of the same handbook (issue 11).

    python benchmarks/serve.py --sizes 200,1000 --runs 3

For each size: a handbook from benchmarks/generate.py (seed 1, the generator's own
mkdocs.yml: Material, search, the sopkit plugin), its cache warmed by one `sopkit
validate` (as a writer's is); then ``--runs`` rounds of: start `sopkit serve`, time until
the home page answers; open one procedure's page; then save that procedure with a new
title, ``--edits`` times, timing each from the save until the page served shows the
title. `sopkit build` of the same handbook is timed ``--build-runs`` times (0: none).
The machine's load average at the start and end is written down. The section is written
into benchmarks/RESULTS.md between its markers (``--out``), and printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTION_START = "<!-- benchmarks/serve.py: start -->"
SECTION_END = "<!-- benchmarks/serve.py: end -->"
TODAY = "2026-12-07"


def sopkit(*args: str) -> list[str]:
    return [sys.executable, "-m", "sopkit", *args]


def answers(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return str(answer.read().decode("utf-8")) if answer.status == 200 else None
    except (urllib.error.URLError, OSError):
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def generated(size: int, work: Path) -> Path:
    root = work / f"handbook-{size}"
    if not (root / "procedures").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(root)],
                       check=True, capture_output=True)
    return root


def first_procedure(root: Path) -> tuple[Path, str]:
    path = sorted((root / "procedures").rglob("*.yml"))[0]
    match = re.search(r"(?m)^id: (\S+)", path.read_text(encoding="utf-8"))
    assert match is not None
    return path, match[1]


def serve_round(root: Path, env: dict[str, str], edits: int, round_: int
                ) -> tuple[float, list[float]]:
    """Start-up to the home page, and each save-to-visible, of one `sopkit serve`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    path, procedure_id = first_procedure(root)
    original = path.read_bytes()
    started = time.perf_counter()
    server = subprocess.Popen(sopkit("serve", "--dev-addr", f"127.0.0.1:{port}", "--today",
                                     TODAY), cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        while answers(base) is None:
            if server.poll() is not None:
                raise RuntimeError("sopkit serve stopped")
            time.sleep(0.05)
        startup = time.perf_counter() - started
        # The page of a procedure in procedures/DEPARTMENT/ (as generate.py writes them).
        page = f"{base}procedures/{path.parent.name}/{procedure_id}/"
        if procedure_id not in (answers(page) or ""):
            raise RuntimeError(f"{page} does not show {procedure_id}")
        waits: list[float] = []
        for edit in range(edits):
            marker = f"Edited {round_}-{edit} ZQX"
            text = original.decode("utf-8")
            path.write_text(re.sub(r"(?m)^title: .*$", f"title: {marker}", text, count=1),
                            encoding="utf-8")
            saved = time.perf_counter()
            while marker not in (answers(page) or ""):
                if time.perf_counter() - saved > 300:
                    raise RuntimeError(f"{page} never showed the edit")
                time.sleep(0.02)
            waits.append(time.perf_counter() - saved)
            time.sleep(1)
        return startup, waits
    finally:
        path.write_bytes(original)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def build_time(root: Path, env: dict[str, str], site: Path) -> float:
    started = time.perf_counter()
    subprocess.run(sopkit("build", "--today", TODAY, "--force"), cwd=root, env=env, check=True,
                   capture_output=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(site, ignore_errors=True)
    return elapsed


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,1000")
    parser.add_argument("--runs", type=int, default=3, help="serve start-ups per size")
    parser.add_argument("--edits", type=int, default=3, help="saves timed per start-up")
    parser.add_argument("--build-runs", type=int, default=1, help="full builds per size")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="sopkit-serve-bench-"))
    env = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(work / "cache")}
    started, load_start = datetime.now(timezone.utc), load_average()
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        root = generated(size, work)
        subprocess.run(sopkit("validate", "--today", TODAY), cwd=root, env=env,
                       capture_output=True, check=False)
        starts, waits = [], []
        for round_ in range(args.runs):
            startup, edits = serve_round(root, env, args.edits, round_)
            starts.append(startup)
            waits += edits
        builds = [build_time(root, env, root / "site") for _ in range(args.build_runs)]
        rows.append((size, statistics.median(starts), statistics.median(waits), max(waits),
                     statistics.median(builds) if builds else None))
        print(f"{size}: start-up {rows[-1][1]:.2f} s, edit {rows[-1][2]:.2f} s", file=sys.stderr)
    section = report(rows, args, started, load_start, load_average())
    print(section)
    write(args.out, section)
    return 0


def report(rows: list[tuple[int, float, float, float, float | None]], args: argparse.Namespace,
           started: datetime, load_start: str, load_end: str) -> str:
    lines = [SECTION_START, "## Preview: `sopkit serve` (issue 11)", "",
             f"Measured by `python benchmarks/serve.py --sizes {args.sizes} --runs {args.runs} "
             f"--edits {args.edits} --build-runs {args.build_runs}` on "
             f"{started:%Y-%m-%d %H:%M} UTC; load average {load_start} at the start and "
             f"{load_end} at the end. Start-up: from starting `sopkit serve` (its cache warm) "
             "to the home page answering over HTTP. Edit: from saving a procedure with a new "
             "title to its page, open before, being served with it (median and worst of "
             f"{args.runs} x {args.edits} saves). Build: a full `sopkit build`.", "",
             "| procedures | start-up | edit (median) | edit (worst) | sopkit build | "
             "start-up / build | edit / build |", "|--:|--:|--:|--:|--:|--:|--:|"]
    for size, startup, edit, worst, build in rows:
        ratios = (f"{startup / build:.3f} | {edit / build:.3f}" if build else "- | -")
        build_text = f"{build:.1f} s" if build else "-"
        lines.append(f"| {size:,} | {startup:.2f} s | {edit:.2f} s | {worst:.2f} s | "
                     f"{build_text} | {ratios} |")
    lines += ["", "Targets: edit / build ≤ 0.03 at 1,000 procedures and ≤ 0.1 at 200; "
              "start-up / build ≤ 0.25 at 1,000.", SECTION_END]
    return "\n".join(lines) + "\n"


def write(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    if 0 <= start < end:
        text = text[:start] + section + text[end + len(SECTION_END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
