"""Measure sopkit side by side with its peer and its floor; write benchmarks/RESULTS.md.

    python benchmarks/run.py [--sizes 200,2000,10000] [--runs 3] [--build-sizes 200,1000]

Everything is measured in this one run, as fresh processes timed from start
to exit, and the rounds are interleaved (one of each command, then the next
round), so that a busy machine slows all of them alike; the table gives the
median of the rounds, and ratios beside absolute times. See README.md for the
setup (the runner installs nothing) and for what each row means.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from importlib import metadata
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from growth import growth_section, with_section  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent


# -- running and measuring one command --------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    max_rss_mb: float
    """The largest resident size of the process or any of its children (wait4)."""
    peak_pss_mb: float
    """The largest sum of proportional set sizes over the whole process tree, sampled."""
    code: int


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                stat = stream.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _pss_mb(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                for line in stream:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


def measure(command: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None,
            ok: Sequence[int] = (0, 1)) -> Sample:
    environment = {**os.environ, **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], cwd=cwd, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):
            peak = max(peak, _pss_mb(_tree(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    if sys.platform == "linux":
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    if sampler.is_alive():
        sampler.join()
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ok:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {process.returncode}:\n"
                           f"{stderr[-2000:]}")
    return Sample(seconds, usage.ru_maxrss / 1024, peak, process.returncode)


@dataclass
class Row:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(sample.seconds for sample in self.samples)

    @property
    def max_rss_mb(self) -> float:
        return max(sample.max_rss_mb for sample in self.samples)

    @property
    def peak_pss_mb(self) -> float:
        return max(sample.peak_pss_mb for sample in self.samples)


# -- the machine ----------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    import yaml

    libyaml = yaml._yaml.get_version_string() if hasattr(yaml, "_yaml") else "none"
    versions = []
    for package in ("sopkit", "PyYAML", "jsonschema", "jsonschema-rs", "check-jsonschema",
                    "mkdocs", "mkdocs-material"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return [
        ("CPU", f"{cpu}, {cores} cores ({usable} usable)"),
        ("Memory", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("libyaml", libyaml),
        ("Packages", ", ".join(versions)),
    ]


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


# -- the benchmark ---------------------------------------------------------------------------------


def edited_step(original: bytes, run: int) -> bytes:
    """The procedure with its first step's description reworded: what most edits are.
    The file is checked again; the cross-file rules' inputs (ids, titles, dates) are
    not touched, so their last findings still hold."""
    edited = re.sub(rb"(\n    description: \|\n      )", rb"\1(round %d) " % run, original,
                    count=1)
    assert edited != original, "the generated procedure has no step description to edit"
    return edited


def added_record(original: bytes, run: int) -> bytes:
    """The training file with one more record: a copy of its last one, dated years
    earlier (so that it changes no status). The training rules run again for the
    procedure it names."""
    start = original.rindex(b"\n  - person: ") + 1
    record = re.sub(rb"date: [0-9-]+", b"date: 2020-01-%02d" % (run + 1), original[start:])
    return original + record


def added_approval(original: bytes, run: int) -> bytes:
    """The approvals file with one more record: a copy of its last one with another
    meaning and an earlier date. The approval rules run again for the procedure it names."""
    start = original.rindex(b"\n  - procedure: ") + 1
    record = re.sub(rb"date: [0-9-]+", b"date: 2020-02-%02d" % (run + 1), original[start:])
    record = re.sub(rb"meaning: [a-z]+", b"meaning: authored", record)
    return original + record


def edited_title(original: bytes, run: int) -> bytes:
    """The procedure with a new title: the cross-file rules run again, over every
    procedure's extract."""
    edited = re.sub(rb"(\ntitle: [^\n]*)", rb"\1 (round %d)" % run, original, count=1)
    assert edited != original, "the generated procedure has no title to edit"
    return edited


class Bench:
    def __init__(self, work: Path, runs: int, peer_runs: int, peer_sizes: Sequence[int]) -> None:
        self.work = work
        self.runs = runs
        self.peer_runs = peer_runs
        self.peer_sizes = peer_sizes
        self.snapshot = self._snapshot()
        self.env = {"PYTHONPATH": str(self.snapshot / "src"), "NO_COLOR": "1",
                    "PYTHONDONTWRITEBYTECODE": "", "CI": "1"}
        self.rows: dict[str, Row] = {}
        self.notes: list[str] = []
        self.site_table = ""
        self.site_targets: list[str] = []
        """The render/build table of benchmarks/site.py, when it did the measuring."""

    def _snapshot(self) -> Path:
        """A copy of sopkit as it is now: the numbers are of one version even if the
        working tree changes while the benchmark runs (and the cache stays valid)."""
        snapshot = self.work / "sopkit-snapshot"
        if snapshot.exists():
            shutil.rmtree(snapshot)
        shutil.copytree(REPO / "src", snapshot / "src",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for folder in ("schemas", "templates"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, snapshot / folder)
        # Byte-compiled, as pip leaves an installed wheel: else the first run compiles.
        compileall.compile_dir(snapshot / "src", quiet=1)
        return snapshot

    def sopkit(self, *args: str) -> list[str]:
        return [PYTHON, "-m", "sopkit", *args]

    def row(self, name: str) -> Row:
        return self.rows.setdefault(name, Row(name))

    def record(self, name: str, sample: Sample) -> None:
        self.row(name).samples.append(sample)
        print(f"  {name}: {sample.seconds:.3f} s, {sample.peak_pss_mb:.0f} MB", flush=True)

    def handbook(self, size: int) -> Path:
        root = self.work / f"handbook-{size}"
        if not (root / "procedures").is_dir():
            # Two approval records per procedure (4,000 at 2,000, issue 15's figure).
            generate(size, root, seed=1, approvals=2 * size)
            time.sleep(2.1)  # sopkit trusts a file's stat only once it is 2 s old
        return root

    def validate(self, size: int) -> None:
        root = self.handbook(size)
        files = sorted(str(path.relative_to(root))
                       for path in (root / "procedures").rglob("*.yml"))
        schema = self.snapshot / "schemas" / "procedure.schema.json"
        victim = root / files[len(files) // 2]
        original = victim.read_bytes()
        # The record files one row each adds a record to: a training record, an approval.
        record_rows = []
        for row, folder, added in (("record", "training", added_record),
                                   ("approval", "approvals", added_approval)):
            found = sorted((root / folder).rglob("*.yml"))
            if found:
                chosen = found[len(found) // 2]
                record_rows.append((row, chosen, chosen.read_bytes(), added))
        for run in range(self.runs):
            print(f"validate {size}, round {run + 1} of {self.runs}", flush=True)
            cache = Path(tempfile.mkdtemp(dir=self.work, prefix="cache-"))
            env = {**self.env, "SOPKIT_CACHE_DIR": str(cache)}
            self.record(f"validate-cold-{size}", measure(self.sopkit("validate"), root, env))
            try:
                victim.write_bytes(edited_step(original, run))
                self.record(f"validate-warm-{size}", measure(self.sopkit("validate"), root, env))
                victim.write_bytes(edited_title(original, run))
                self.record(f"validate-title-{size}", measure(self.sopkit("validate"), root, env))
                victim.write_bytes(original)
                # Settled (the procedure's own title back in the cache), so that the next
                # rows measure their own change only.
                measure(self.sopkit("validate"), root, env)
                for row, path, path_original, added in record_rows:
                    path.write_bytes(added(path_original, run))
                    self.record(f"validate-{row}-{size}",
                                measure(self.sopkit("validate"), root, env))
                    path.write_bytes(path_original)
                    measure(self.sopkit("validate"), root, env)
                # What CI runs (the option path): one procedure edited, `--format github`.
                victim.write_bytes(edited_step(original, run + 100))
                self.record(f"validate-github-{size}",
                            measure(self.sopkit("validate", "--format", "github"), root, env))
            finally:
                victim.write_bytes(original)
                for _, path, path_original, _ in record_rows:
                    path.write_bytes(path_original)
            shutil.rmtree(cache)
            serial = {**self.env, "SOPKIT_JOBS": "1",
                      "SOPKIT_CACHE_DIR": tempfile.mkdtemp(dir=self.work, prefix="cache-")}
            self.record(f"validate-serial-{size}", measure(self.sopkit("validate"), root, serial))
            self.record(f"floor-{size}", measure(
                [PYTHON, HERE / "floor.py", schema, *files], root, self.env))
            if (run < self.peer_runs and size in self.peer_sizes
                    and (BIN / "check-jsonschema").exists()):
                self.record(f"check-jsonschema-{size}", measure(
                    [BIN / "check-jsonschema", "--schemafile", schema, *files], root, self.env))

    def one_file(self) -> None:
        folder = self.work / "one-file"
        folder.mkdir(exist_ok=True)
        shutil.copy(REPO / "procedures" / "it" / "IT-001-incident-response.yml",
                    folder / "IT-001.yml")
        for _ in range(max(self.runs, 5)):
            cache = tempfile.mkdtemp(dir=self.work, prefix="cache-")
            env = {**self.env, "SOPKIT_CACHE_DIR": cache}
            self.record("one-file", measure(self.sopkit("validate", "IT-001.yml"), folder, env))
            self.record("one-file-cached",
                        measure(self.sopkit("validate", "IT-001.yml"), folder, env))
            self.record("import-yaml-jsonschema",
                        measure([PYTHON, "-c", "import yaml, jsonschema"], folder, self.env))

    def build(self, size: int) -> None:
        root = self.handbook(size)
        rendered = self.work / f"rendered-{size}"
        mkdocs_yml = self.work / f"mkdocs-plain-{size}.yml"
        for run in range(max(1, self.runs // 2)):
            print(f"build {size}, round {run + 1}", flush=True)
            env = {**self.env, "SOPKIT_CACHE_DIR": str(self.work / "cache-build")}
            self.record(f"render-{size}", measure(
                self.sopkit("render", "--out", str(rendered), "--force"), root, env, ok=(0,)))
            if run == 0:
                self._plain_mkdocs_yml(root, rendered, mkdocs_yml)
            self.record(f"sopkit-build-{size}", measure(
                self.sopkit("build", "--force"), root, env, ok=(0,)))
            self.record(f"mkdocs-build-{size}", measure(
                [PYTHON, "-m", "mkdocs", "build", "-q", "-f", mkdocs_yml], root, env, ok=(0,)))

    def _plain_mkdocs_yml(self, root: Path, rendered: Path, target: Path) -> None:
        """The handbook's mkdocs.yml without the sopkit plugin, over the rendered pages."""
        script = (
            "import json, sys, yaml\n"
            "from sopkit.config import read_mkdocs_yml\n"
            "from pathlib import Path\n"
            "settings = read_mkdocs_yml(Path(sys.argv[1]))\n"
            "nav = yaml.safe_load(Path(sys.argv[2], '.nav.yml').read_text())['nav']\n"
            "settings['plugins'] = [p for p in settings.get('plugins', [])\n"
            "    if not (p == 'sopkit' or isinstance(p, dict) and 'sopkit' in p)]\n"
            "settings.update(docs_dir=sys.argv[2], site_dir=sys.argv[3], nav=nav)\n"
            "print(json.dumps(settings))\n"
        )
        done = subprocess.run([PYTHON, "-c", script, str(root / "mkdocs.yml"), str(rendered),
                               str(self.work / "site-plain")], capture_output=True, text=True,
                              env={**os.environ, **self.env}, check=True)
        target.write_text(done.stdout, encoding="utf-8")  # JSON is YAML


# -- the report -----------------------------------------------------------------------------------


def fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(value: float, limit: float) -> str:
    return "yes" if value <= limit else "**no**"


def report(bench: Bench, args: argparse.Namespace, started: str, loads: list[str]) -> str:
    rows = bench.rows

    def has(name: str) -> bool:
        return name in rows and bool(rows[name].samples)

    def t(name: str) -> float:
        return rows[name].seconds

    lines = [
        "# sopkit benchmarks",
        "",
        f"Measured by `python benchmarks/run.py --sizes {args.sizes} --runs {args.runs}"
        f" --build-sizes {args.build_sizes}` on {started}. Times are the median of the "
        "rounds, each a fresh process timed from start to exit (so they include starting "
        "Python and importing); memory is the peak over the rounds. The machine is shared: "
        f"load average {loads[0]} at the start and {loads[1]} at the end.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine()),
        "",
        "## Validate",
        "",
        "Procedures generated by `benchmarks/generate.py N DIR` (seed 1: Chinese and English, "
        "10-25 steps, decisions and loops, every section filled, ~12 KB each; with 15 people "
        "and 1,000 training records per 100 procedures, under training/YEAR/DEPARTMENT.yml; "
        "200 approval records per 100 procedures, under approvals/SIGNER.yml); "
        "all rules on.",
        "",
        "| Procedures | sopkit cold | sopkit cold, 1 process | sopkit warm (1 file changed) "
        "| warm, a title changed | warm, a training record added "
        "| warm, an approval record added | warm, `--format github` "
        "| floor | check-jsonschema "
        "| cold / floor | cold / check-jsonschema | warm / cold | warm (title) / cold "
        "| warm (record) / cold | warm (approval) / cold | warm (github) / cold "
        "| peak memory (PSS, all processes) | max RSS (one process) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
        "|---:|",
    ]
    targets: list[str] = []
    for size in args.size_list:
        cold, warm = f"validate-cold-{size}", f"validate-warm-{size}"
        if not has(cold):
            continue
        serial, floor, peer = f"validate-serial-{size}", f"floor-{size}", f"check-jsonschema-{size}"
        title, record = f"validate-title-{size}", f"validate-record-{size}"
        github, approval = f"validate-github-{size}", f"validate-approval-{size}"
        cells = [
            f"{size:,}", fmt_seconds(t(cold)),
            fmt_seconds(t(serial)) if has(serial) else "-",
            fmt_seconds(t(warm)),
            fmt_seconds(t(title)) if has(title) else "-",
            fmt_seconds(t(record)) if has(record) else "-",
            fmt_seconds(t(approval)) if has(approval) else "-",
            fmt_seconds(t(github)) if has(github) else "-",
            fmt_seconds(t(floor)) if has(floor) else "-",
            fmt_seconds(t(peer)) if has(peer) else "-",
            f"{t(cold) / t(floor):.2f}" if has(floor) else "-",
            f"{t(cold) / t(peer):.3f}" if has(peer) else "-",
            f"{t(warm) / t(cold):.3f}",
            f"{t(title) / t(cold):.3f}" if has(title) else "-",
            f"{t(record) / t(cold):.3f}" if has(record) else "-",
            f"{t(approval) / t(cold):.3f}" if has(approval) else "-",
            f"{t(github) / t(cold):.3f}" if has(github) else "-",
            f"{rows[cold].peak_pss_mb:.0f} MB", f"{rows[cold].max_rss_mb:.0f} MB",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if size == 2000:
            if has(peer):
                targets.append(f"| cold 2,000 ≤ 0.1 × check-jsonschema | {t(cold) / t(peer):.3f} "
                               f"| {verdict(t(cold) / t(peer), 0.1)} |")
            if has(floor):
                targets.append(f"| cold 2,000 ≤ 1.5 × floor | {t(cold) / t(floor):.2f} "
                               f"| {verdict(t(cold) / t(floor), 1.5)} |")
            targets.append(f"| warm 2,000 (1 file changed) ≤ 0.05 × cold | "
                           f"{t(warm) / t(cold):.3f} | {verdict(t(warm) / t(cold), 0.05)} |")
            if has(record):
                targets.append(f"| warm 2,000 (a training record added) ≤ 0.05 × cold | "
                               f"{t(record) / t(cold):.3f} "
                               f"| {verdict(t(record) / t(cold), 0.05)} |")
            if has(approval):
                targets.append(f"| warm 2,000 (an approval record added) ≤ 0.05 × cold | "
                               f"{t(approval) / t(cold):.3f} "
                               f"| {verdict(t(approval) / t(cold), 0.05)} |")
            if has(github):
                targets.append(f"| warm 2,000 `--format github` (1 file changed) ≤ 0.05 × cold | "
                               f"{t(github) / t(cold):.3f} "
                               f"| {verdict(t(github) / t(cold), 0.05)} |")
        if size == 10000:
            targets.append(f"| peak memory, 10,000 procedures < 500 MB | "
                           f"{rows[cold].peak_pss_mb:.0f} MB (PSS) / "
                           f"{rows[cold].max_rss_mb:.0f} MB (RSS) | "
                           f"{verdict(rows[cold].peak_pss_mb, 500)} |")
    if has("one-file"):
        base = t("import-yaml-jsonschema")
        lines += [
            "",
            "## One file",
            "",
            "`sopkit validate IT-001.yml` in a folder holding only the demo's IT-001 "
            "(no mkdocs.yml, no organization.yml: it reports role-without-title errors, so "
            "the rules run too), against `python -c \"import yaml, jsonschema\"`.",
            "",
            "| Command | Time | Ratio |",
            "|---|---:|---:|",
            f"| `python -c \"import yaml, jsonschema\"` | {fmt_seconds(base)} | 1.00 |",
            f"| `sopkit validate IT-001.yml` (empty cache) | {fmt_seconds(t('one-file'))} "
            f"| {t('one-file') / base:.2f} |",
            f"| `sopkit validate IT-001.yml` (cached) | {fmt_seconds(t('one-file-cached'))} "
            f"| {t('one-file-cached') / base:.2f} |",
        ]
        targets.append(f"| one file ≤ 1.5 × `import yaml, jsonschema` | "
                       f"{t('one-file') / base:.2f} | {verdict(t('one-file') / base, 1.5)} |")
    builds = [size for size in args.build_size_list if has(f"sopkit-build-{size}")]
    if bench.site_table:
        lines += [
            "",
            "## Render and build",
            "",
            "Measured by `benchmarks/site.py` (`measure_sizes`, `--build-settings "
            f"{args.build_settings}`): `sopkit render --out DIR`, `sopkit build`, and "
            "`mkdocs build` of the rendered Markdown with the same settings and nav "
            "but without the sopkit plugin.",
            "",
            bench.site_table.rstrip(),
        ]
        targets += bench.site_targets
    elif builds:
        lines += [
            "",
            "## Render and build",
            "",
            "`sopkit render --out DIR`, `sopkit build` (check, render and MkDocs with the "
            "plugin), and `mkdocs build` of the rendered Markdown with the same mkdocs.yml "
            "minus the sopkit plugin (and the rendered nav).",
            "",
            "| Procedures | sopkit render | sopkit build | mkdocs build (no plugin) "
            "| build / mkdocs |",
            "|---:|---:|---:|---:|---:|",
        ]
        for size in builds:
            lines.append(
                f"| {size:,} | {fmt_seconds(t(f'render-{size}'))} "
                f"| {fmt_seconds(t(f'sopkit-build-{size}'))} "
                f"| {fmt_seconds(t(f'mkdocs-build-{size}'))} "
                f"| {t(f'sopkit-build-{size}') / t(f'mkdocs-build-{size}'):.2f} |")
    lines += ["", "## Targets", "", "| Target | Measured | Met |", "|---|---:|:---:|", *targets]
    contention = []
    for size in args.size_list:
        cold, serial = f"validate-cold-{size}", f"validate-serial-{size}"
        if has(cold) and has(serial) and size >= 200:
            fastest = min(sample.seconds for sample in rows[cold].samples)
            colds = ", ".join(fmt_seconds(sample.seconds) for sample in rows[cold].samples)
            serials = ", ".join(fmt_seconds(sample.seconds) for sample in rows[serial].samples)
            contention.append(
                f"- {size:,} procedures: cold rounds {colds}, against {serials} in one "
                f"process; fastest cold / one process = {fastest / t(serial):.2f}, and "
                f"warm / fastest cold = {t(f'validate-warm-{size}') / fastest:.3f}.")
    if contention:
        lines += [
            "",
            "Worker processes are started only for cores that nothing else is running on "
            "(the running count of `/proc/loadavg`), so on this shared machine a cold round "
            "ran in one process whenever another job held the second core, and in two when "
            "it was free. Round by round:",
            "",
            *contention,
        ]
    lines += [
        "",
        "## Rows",
        "",
        "- **sopkit cold**: `sopkit validate` in the handbook with an empty cache folder "
        "(`SOPKIT_CACHE_DIR`), so it checks every file and writes the cache.",
        "- **1 process**: the same with `SOPKIT_JOBS=1` (no worker processes).",
        "- **warm**: right after the cold run, with one procedure edited (its first step's "
        "description reworded): that file is checked again, the others and the cross-file "
        "rules' findings come from the cache.",
        "- **warm, a title changed**: then the same procedure with its title changed "
        "instead: the cross-file rules (unique ids, related procedures, review dates) "
        "also run again, over the extract of every procedure.",
        "- **warm, a training record added**: then, the procedure restored and checked once "
        "more, one record appended to a training file: that file is checked again, and the "
        "training rules run again for the one procedure the record names.",
        "- **warm, an approval record added**: then, the training record removed and checked "
        "once more, one record appended to an approvals file (a copy of its last one, "
        "meaning authored): that file is checked again, and the approval rules run again for "
        "the one procedure the record names.",
        "- **warm, `--format github`**: then, the record removed and checked once more, the "
        "procedure edited again and checked with `--format github` (what CI runs: the "
        "command line's option path).",
        "- **floor**: `benchmarks/floor.py`: libyaml's C parser and jsonschema-rs on each "
        "file, one process, nothing else (no positions, messages, rules or cache).",
        "- **check-jsonschema**: `check-jsonschema --schemafile schemas/procedure.schema.json "
        "FILES...` (the schema only, no rules); fewer rounds (`--peer-runs`).",
        "- **peak memory**: the largest sum of PSS over sopkit and its worker processes, "
        "sampled every 20 ms; max RSS is the largest single process (`wait4`).",
        *(f"- {note}" for note in bench.notes),
        "",
    ]
    return "\n".join(lines)


def write_report(path: Path, text: str) -> None:
    """Write the report, keeping the section benchmarks/growth.py wrote there (its own run)."""
    kept = growth_section(path.read_text(encoding="utf-8")) if path.exists() else ""
    path.write_text(with_section(text, kept) if kept else text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,2000", help="handbook sizes to validate")
    parser.add_argument("--runs", type=int, default=3, help="rounds of each measurement")
    parser.add_argument("--peer-runs", type=int, default=1,
                        help="rounds of check-jsonschema (slow: about 35 ms a file)")
    parser.add_argument("--peer-sizes", default="200,2000",
                        help="sizes to run check-jsonschema on (10,000 files take it ~6 min)")
    parser.add_argument("--build-sizes", default="200,1000",
                        help="handbook sizes to render and build ('' for none)")
    parser.add_argument("--build-settings", default="builtin",
                        help="the MkDocs settings benchmarks/site.py builds with (builtin, "
                             "scaffold or generated)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for handbooks and caches (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--from-samples", type=Path, default=None, metavar="JSON",
                        help="only rewrite the report from a run's samples.json")
    args = parser.parse_args(argv)
    args.size_list = [int(size) for size in args.sizes.split(",") if size]
    args.build_size_list = [int(size) for size in args.build_sizes.split(",") if size]
    work = args.work or Path(tempfile.mkdtemp(prefix="sopkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    loads = [load_average()]
    bench = Bench(work, args.runs, args.peer_runs,
                  [int(size) for size in args.peer_sizes.split(",") if size])
    if args.from_samples is not None:
        saved = json.loads(args.from_samples.read_text(encoding="utf-8"))
        for name, samples in saved.pop("_meta", {}).items():
            if name == "started":
                started = samples
            elif name == "loads":
                loads = samples
            elif name == "site_table":
                bench.site_table = samples
            elif name == "site_targets":
                bench.site_targets = samples
        for name, samples in saved.items():
            bench.rows[name] = Row(name, [Sample(**sample) for sample in samples])
        write_report(args.out, report(bench, args, started, loads))
        print(f"wrote {args.out}")
        return 0
    steps: list[Callable[[], None]] = [bench.one_file]
    steps += [partial(bench.validate, size) for size in args.size_list]
    site = _site_module()
    if not args.build_size_list:
        pass
    elif not _has_build(bench):
        bench.notes.append("`sopkit build` was not available: no build rows.")
    elif site is not None:
        steps.append(partial(_site_rows, bench, site, args))
    else:
        steps += [partial(bench.build, size) for size in args.build_size_list]
    for step in steps:
        step()
    loads.append(load_average())
    write_report(args.out, report(bench, args, started, loads))
    (work / "samples.json").write_text(json.dumps(
        {"_meta": {"started": started, "loads": loads, "site_table": bench.site_table,
                   "site_targets": bench.site_targets},
         **{name: [sample.__dict__ for sample in row.samples]
            for name, row in bench.rows.items()}}, indent=1), encoding="utf-8")
    print(f"wrote {args.out} (raw samples in {work / 'samples.json'})")
    return 0


def _site_module() -> ModuleType | None:
    """benchmarks/site.py (publishing's own benchmark), when it is there to measure builds."""
    path = HERE / "site.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("sopkit_bench_site", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if not (hasattr(module, "measure_sizes") and hasattr(module, "markdown_table")):
        return None
    return module


def _site_rows(bench: Bench, site: ModuleType, args: argparse.Namespace) -> None:
    runs = max(1, args.runs // 2)
    os.environ.update({**bench.env, "SOPKIT_CACHE_DIR": str(bench.work / "cache-site")})
    print(f"render and build {args.build_sizes} with benchmarks/site.py", flush=True)
    results = site.measure_sizes(args.build_size_list, runs=runs, work=bench.work / "site",
                                 settings=args.build_settings, log=sys.stdout)
    bench.site_table = str(site.markdown_table(results, runs, args.build_settings))
    bench.site_targets = list(site.target_rows(results))


def _has_build(bench: Bench) -> bool:
    done = subprocess.run([*bench.sopkit("build", "--help")], capture_output=True,
                          env={**os.environ, **bench.env}, check=False)
    return done.returncode == 0


if __name__ == "__main__":
    sys.exit(main())
