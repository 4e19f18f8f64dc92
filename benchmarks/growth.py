"""Does `sopkit build` grow at most linearly with the size of one hostile procedure?

    python benchmarks/growth.py [--cases brackets,title,steps,tags,flowchart,branches]
                                [--sizes CASE=N,N,...] [--runs 1] [--timeout 600]
                                [--work DIR] [--tree DIR] [--out FILE]

Issue 9, point 16: a procedure that validates can still make the build quadratic, through
a long field, many steps, many tags or a large flowchart. Each case is a handbook of one
such procedure (plus nothing else: no mkdocs.yml, sopkit's built-in settings), built at two
or three sizes with ``sopkit build`` end to end, a fresh process each time:

- ``brackets``: ``purpose: "[x](" * N`` (4 bytes a repetition: 10,000 is 40 KB);
- ``title``: the same in the title, a one-line field (a heading, table cells, the nav);
- ``steps``: N plain steps, one after the other;
- ``tags``: N tags on the procedure;
- ``flowchart``: N decisions with 130 branches each (the flowchart of the issue: 300 x 130);
- ``branches``: one decision with N branches.

The table gives the wall time of each build (median of ``--runs``), its peak resident
memory, the size of the procedure page's HTML and of the flowchart, and the growth from the
previous size: doubling the size should at most about double the time. A build that runs
past ``--timeout`` is stopped and shown as such.

Like benchmarks/run.py, it runs a byte-compiled copy of ``src/`` and ``templates/`` made at
the start (``PYTHONPATH``), so that edits to the tree during a run do not mix two versions.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-06-01"
FLOWCHART_BRANCHES = 130


# -- the procedures ---------------------------------------------------------------------------


def _procedure(steps: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A valid draft procedure with the given steps and one role."""
    return {
        "id": "BIG-001",
        "title": "A large procedure",
        "version": "1.0.0",
        "status": "draft",
        "owner": "operator",
        "purpose": "Measure how the build grows.",
        "scope": {"includes": ["Benchmarks"]},
        "roles": [{"id": "operator", "title": "Operator"}],
        "steps": steps,
        "history": [{"version": "1.0.0", "date": "2026-01-01", "author": "bench",
                     "summary": "First release."}],
        **extra,
    }


def _plain(index: int) -> dict[str, Any]:
    return {"id": f"s{index}", "title": f"Step {index}", "role": "operator"}


def brackets(n: int) -> dict[str, Any]:
    """``purpose: "[x](" * n``: an unclosed link opener, n times, on one line."""
    return {**_procedure([_plain(0)]), "purpose": "[x](" * n}


def title(n: int) -> dict[str, Any]:
    """``title: "[x](" * n``: the same text in a one-line field (headings, tables, the nav)."""
    return {**_procedure([_plain(0)]), "title": "[x](" * n}


def steps(n: int) -> dict[str, Any]:
    """n plain steps, each followed by the next; the last ends the flow."""
    return _procedure([_plain(i) for i in range(n)])


def tags(n: int) -> dict[str, Any]:
    """n distinct tags on one procedure."""
    return _procedure([_plain(0)], tags=[f"tag-{i:05d}" for i in range(n)])


def flowchart(n: int) -> dict[str, Any]:
    """n decisions of up to 130 branches each, to steps drawn at random (seed 1) before and
    after them, then an end that every decision can reach."""
    rng = random.Random(1)
    listed: list[dict[str, Any]] = []
    for i in range(n):
        others = [t for t in range(n + 1) if t != i]
        targets = sorted(rng.sample(others, min(FLOWCHART_BRANCHES, len(others))))
        if n not in targets:
            targets[-1] = n
        listed.append({
            "id": f"s{i}", "title": f"Decision {i}", "role": "operator",
            "decision": {"branches": [{"when": f"case {t}", "next": f"s{t}"} for t in targets]},
        })
    listed.append({**_plain(n), "end": True})
    return _procedure(listed)


def branches(n: int) -> dict[str, Any]:
    """One decision with n branches, going to two steps in turn."""
    decision = {
        "id": "s0", "title": "Which case?", "role": "operator",
        "decision": {"branches": [{"when": f"case {i}", "next": f"s{1 + i % 2}"}
                                  for i in range(n)]},
    }
    return _procedure([decision, {**_plain(1), "end": True}, {**_plain(2), "end": True}])


CASES: dict[str, tuple[Callable[[int], dict[str, Any]], tuple[int, ...], str]] = {
    "brackets": (brackets, (10_000, 20_000, 40_000), '`purpose: "[x](" * N`'),
    "title": (title, (10_000, 20_000, 40_000), '`title: "[x](" * N`'),
    "steps": (steps, (1_000, 2_000, 4_000), "N linear steps"),
    "tags": (tags, (2_000, 4_000), "N tags"),
    "flowchart": (flowchart, (150, 300), f"N decisions x {FLOWCHART_BRANCHES} branches"),
    "branches": (branches, (6_000, 12_000), "one decision, N branches"),
}


# -- running ------------------------------------------------------------------------------------


@dataclass
class Result:
    case: str
    size: int
    input_kb: float
    seconds: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    page_kb: float = 0.0
    svg_kb: float = 0.0
    timed_out: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def snapshot(work: Path, tree: Path = REPO) -> Path:
    """A byte-compiled copy of sopkit as it is now in ``tree`` (see the module's docstring)."""
    copy = work / "sopkit-snapshot"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tree / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("schemas", "templates"):
        shutil.copytree(tree / folder, copy / folder)
    compileall.compile_dir(copy / "src", quiet=1)
    return copy


def handbook(work: Path, case: str, size: int) -> tuple[Path, float]:
    """A handbook of one procedure for ``case`` at ``size``, and the file's size in KB."""
    root = work / f"{case}-{size}"
    shutil.rmtree(root, ignore_errors=True)
    (root / "procedures").mkdir(parents=True)
    # JSON is YAML: compact, and quick to write for a hundred thousand values.
    text = json.dumps(CASES[case][0](size), ensure_ascii=False) + "\n"
    (root / "procedures" / "BIG-001.yml").write_text(text, encoding="utf-8")
    return root, len(text.encode("utf-8")) / 1024


def build(root: Path, code: Path, timeout: float) -> tuple[float, float] | None:
    """``sopkit build`` in ``root``: wall seconds and peak MiB, or None past ``timeout``."""
    env = {**os.environ, "PYTHONPATH": str(code / "src"), "NO_COLOR": "1", "CI": "1"}
    shutil.rmtree(root / "site", ignore_errors=True)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sopkit", "build", "--today", TODAY],
            cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = started + timeout
        while True:  # wait4 gives this build's own peak memory, which wait() does not
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() > deadline:
                os.killpg(process.pid, 9)
                process.wait()
                return None
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            raise RuntimeError(f"sopkit build in {root} failed:\n{text}")
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    return seconds, peak


def measure(case: str, sizes: Sequence[int], runs: int, work: Path, code: Path,
            timeout: float) -> list[Result]:
    results: list[Result] = []
    for size in sizes:
        root, kb = handbook(work, case, size)
        result = Result(case, size, kb)
        for _ in range(runs):
            sample = build(root, code, timeout)
            if sample is None:
                result.timed_out = True
                break
            result.seconds.append(sample[0])
            result.peak_mib = max(result.peak_mib, sample[1])
        if not result.timed_out:
            page = next((root / "site").rglob("BIG-001*/index.html"), None)
            result.page_kb = page.stat().st_size / 1024 if page else 0.0
            svg = next((root / "site").rglob("BIG-001*.svg"), None)
            result.svg_kb = svg.stat().st_size / 1024 if svg else 0.0
        print(f"  {case} {size}: "
              + (f"> {timeout:.0f} s" if result.timed_out else f"{result.median:.2f} s")
              + f", page {result.page_kb:.0f} KB, flowchart {result.svg_kb:.0f} KB",
              file=sys.stderr, flush=True)
        results.append(result)
        if result.timed_out:
            break  # a larger size would only time out too
    return results


# -- reporting ----------------------------------------------------------------------------------

SECTION_START = "<!-- benchmarks/growth.py: start -->"
SECTION_END = "<!-- benchmarks/growth.py: end -->"


def growth_section(text: str) -> str:
    """The section growth.py wrote into a RESULTS.md (markers included), or ""."""
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    if start < 0 or end < start:
        return ""
    return text[start:end + len(SECTION_END)] + "\n"


def with_section(text: str, section: str) -> str:
    """``text`` (a RESULTS.md) with its growth section replaced by ``section``, or with
    ``section`` added at the end. benchmarks/run.py keeps the section when it rewrites."""
    old = growth_section(text)
    if old:
        return text.replace(old, section)
    return text.rstrip("\n") + ("\n\n" if text.strip() else "") + section


def table(results: Sequence[Result], timeout: float) -> str:
    lines = [
        "| case | size | input | sopkit build | growth (size x) | peak memory "
        "| page HTML | flowchart SVG |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    previous: Result | None = None
    for r in results:
        if previous is not None and previous.case == r.case and not previous.timed_out:
            if r.timed_out:
                growth = "-"
            else:
                growth = f"{r.median / previous.median:.2f} ({r.size / previous.size:.0f} x)"
        else:
            growth = "-"
        time_text = f"> {timeout:.0f} s" if r.timed_out else f"{r.median:.2f} s"
        lines.append(
            f"| {CASES[r.case][2]} | {r.size:,} | {r.input_kb:,.0f} KB | {time_text} "
            f"| {growth} | {r.peak_mib:,.0f} MiB | {r.page_kb:,.0f} KB | {r.svg_kb:,.1f} KB |"
        )
        previous = r
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated, from {', '.join(CASES)}")
    parser.add_argument("--sizes", action="append", default=[], metavar="CASE=N,N",
                        help="other sizes for one case, e.g. steps=500,1000,2000")
    parser.add_argument("--runs", type=int, default=1, help="builds per size (median)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds after which a build is stopped")
    parser.add_argument("--work", type=Path, help="where the handbooks go (default: temporary)")
    parser.add_argument("--tree", type=Path, default=REPO,
                        help="the sopkit checkout to measure (default: this one), e.g. an "
                             "older revision from `git archive REV | tar -x -C DIR`")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--results", type=Path,
                        help="write the table as the growth section of this RESULTS.md")
    parser.add_argument("--before", type=Path,
                        help="with --results: a table of an earlier --out (e.g. with --tree) "
                             "to show under Before")
    args = parser.parse_args(argv)
    chosen = [case.strip() for case in args.cases.split(",") if case.strip()]
    unknown = [case for case in chosen if case not in CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}: choose from {', '.join(CASES)}")
    sizes = {case: CASES[case][1] for case in chosen}
    for item in args.sizes:
        case, _, numbers = item.partition("=")
        if case not in CASES:
            parser.error(f"--sizes {item!r}: unknown case {case!r}")
        sizes[case] = tuple(int(n) for n in numbers.split(",") if n.strip())
    work = args.work or Path(tempfile.mkdtemp(prefix="sopkit-growth-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    code = snapshot(work, args.tree)
    results: list[Result] = []
    for case in chosen:
        results += measure(case, sizes[case], args.runs, work, code, args.timeout)
    text = table(results, args.timeout)
    text += (f"\nLoad average (1 minute) {load_before:.2f} at the start, "
             f"{os.getloadavg()[0]:.2f} at the end, {os.cpu_count()} cores; "
             f"{args.runs} build(s) per size.\n")
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    if args.results is not None:
        before = args.before.read_text(encoding="utf-8") if args.before else ""
        current = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
        args.results.write_text(with_section(current, section(text, argv_line(argv), before)),
                                encoding="utf-8")
    return 0


def argv_line(argv: Sequence[str] | None) -> str:
    words = list(sys.argv[1:] if argv is None else argv)
    kept: list[str] = []
    skip = False
    for word in words:  # where files go is not part of what was measured
        if skip:
            skip = False
            continue
        if word in ("--work", "--out", "--results", "--before", "--tree"):
            skip = True
            continue
        if word.startswith(("--work=", "--out=", "--results=", "--before=", "--tree=")):
            continue
        kept.append(word)
    return " ".join(["python benchmarks/growth.py", *kept])


def section(table_text: str, command: str, before: str) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        SECTION_START,
        "## Growth with the size of one procedure (issue 9, point 16)",
        "",
        f"Measured by `{command}` on {when}: `sopkit build` end to end (check, render, "
        "MkDocs with its Markdown conversion) of a handbook holding one procedure, at two or "
        "three sizes per case; see `benchmarks/growth.py`. Target: size doubled, time at most "
        "about doubled. Every figure includes starting Python and MkDocs (about 1 s).",
        "",
        table_text.rstrip(),
    ]
    growths = [float(g) for g in re.findall(r"\| (\d+\.\d+) \(2 x\) \|", table_text)]
    if growths:
        lines += ["", f"Largest growth when the size doubles: {max(growths):.2f} x. What is "
                  "left above 2 is mkdocs-material's search plugin, which looks each heading "
                  "(a step, a tag) up from the top of the page's table of contents: about 1 s "
                  "at 4,000 headings, 3 s at 8,000 (see README.md)."]
    if before.strip():
        lines += [
            "",
            "Before (the same benchmark on the tree before the fix, `--tree`; smaller sizes, "
            "one build each, stopped after `--timeout`):",
            "",
            before.rstrip(),
        ]
    lines += ["", SECTION_END, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
