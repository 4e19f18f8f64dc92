"""Measure publishing a generated handbook: `sopkit render`, `sopkit build`, and a plain
`mkdocs build` of the rendered Markdown without the sopkit plugin.

    python benchmarks/site.py --sizes 200,1000 --runs 3 [--settings builtin] [--work DIR]
                              [--out benchmarks/SITE-RESULTS.md]

For each size, a handbook is generated with ``benchmarks/generate.py`` (kept in the work
folder and reused by later runs), then each run times, one after the other:

- ``render``: ``sopkit render --out DIR`` (check and render, Markdown written to disk);
- ``build``: ``sopkit build`` (check, then MkDocs with the sopkit plugin);
- ``mkdocs``: ``mkdocs build`` of the rendered Markdown with the same MkDocs settings
  (theme, features, plugins, Markdown extensions) and the same nav, without the plugin:
  what the site costs MkDocs alone, the yardstick for sopkit's own share;
- ``zensical``: ``zensical build`` of the same rendered Markdown with the same settings
  (Material's successor, which runs no MkDocs plugin: docs/publishing.md), when Zensical is
  installed beside this Python (it is a test extra).

Every command runs in a fresh Python process; the table gives the median wall time over
the runs and the peak resident memory of the process (``wait4``'s ``ru_maxrss``), with
``build / mkdocs`` (sopkit's overhead) and, for each size after the first, how the build
grew against the first size (``growth``; proportional growth is the ratio of the sizes).
``build / mkdocs, paired`` is the median of each run's build over the mkdocs build that ran
right after it: on a shared machine whose speed drifts by 10 % from minute to minute, the
pairs see the same spell. The build target (at most 1.1) is met when both ratios are.

``--settings`` chooses the MkDocs settings of the handbook:

- ``builtin`` (default): no mkdocs.yml, sopkit's own settings (what a handbook without
  mkdocs.yml gets);
- ``scaffold``: the mkdocs.yml that ``sopkit init`` writes;
- ``generated``: the mkdocs.yml that ``benchmarks/generate.py`` writes.

The benchmark runner imports this module and calls :func:`measure_sizes` and
:func:`markdown_table`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
TODAY = "2026-06-01"
SETTINGS = ("builtin", "scaffold", "generated")
STEPS = ("render", "build", "mkdocs")


@dataclass(frozen=True)
class Sample:
    """One command run: wall seconds, CPU seconds (user and system, the process and the
    children it waited for) and peak resident memory in MiB."""

    seconds: float
    cpu: float
    peak_mib: float


@dataclass
class SizeResult:
    """The samples of every step for one handbook size."""

    procedures: int
    pages: int = 0
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    search_index: int = 0
    """Bytes of the search index of `sopkit build`'s site (0: none)."""
    largest_page: tuple[int, str] = (0, "")
    """Bytes and path of the largest HTML page of `sopkit build`'s site."""

    def median(self, step: str) -> float:
        return statistics.median(s.seconds for s in self.samples[step])

    def cpu(self, step: str) -> float:
        return statistics.median(s.cpu for s in self.samples[step])

    def peak(self, step: str) -> float:
        return max(s.peak_mib for s in self.samples[step])

    def paired(self, step: str, yardstick: str) -> float:
        """The median over the runs of ``step``'s time over ``yardstick``'s in the same run:
        the two ran one after the other, so a slower spell of the machine (this benchmark's
        machines are shared) slows both."""
        return statistics.median(a.seconds / b.seconds for a, b in
                                 zip(self.samples[step], self.samples[yardstick],
                                     strict=True))


# -- preparing handbooks -----------------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sopkit_bench_generate", HERE / "generate.py")
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {HERE / 'generate.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def prepare_handbook(procedures: int, work: Path, settings: str = "builtin",
                     seed: int = 1) -> Path:
    """A generated handbook of ``procedures`` procedures in ``work``, with ``settings``."""
    if settings not in SETTINGS:
        raise ValueError(f"settings must be one of {', '.join(SETTINGS)}")
    root = work / f"handbook-{procedures}-{settings}"
    if not (root / "procedures").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        _generator().generate(procedures, root, seed, 0.0, TODAY)
        generated = root / "mkdocs.yml"
        if settings == "builtin":
            generated.unlink(missing_ok=True)
        elif settings == "scaffold":
            from sopkit.cli.scaffold import handbook_files

            generated.write_text(handbook_files("en")["mkdocs.yml"], encoding="utf-8")
    return root


def plain_mkdocs_settings(handbook: Path, rendered: Path, site: Path) -> dict[str, Any]:
    """The MkDocs settings `sopkit build` uses for ``handbook``, without the sopkit plugin,
    for the rendered pages in ``rendered`` and their nav."""
    from sopkit.config import load_config
    from sopkit.publish.mkdocs_settings import default_mkdocs
    from sopkit.publish.render_out import NAV_FILE

    config = load_config(handbook, None)
    if config.config_file is None:
        settings = default_mkdocs(config, rendered)
    else:
        from mkdocs.utils.yaml import yaml_load

        with config.config_file.open("rb") as stream:
            settings = dict(yaml_load(stream) or {})
        settings.setdefault("plugins", ["search"])  # MkDocs' default, kept by sopkit build
    plugins = settings.get("plugins") or []
    if isinstance(plugins, dict):
        settings["plugins"] = {k: v for k, v in plugins.items() if k != "sopkit"}
    else:
        settings["plugins"] = [p for p in plugins if p != "sopkit"
                               and not (isinstance(p, dict) and "sopkit" in p)]
    settings["docs_dir"] = str(rendered.resolve())
    settings["site_dir"] = str(site.resolve())
    nav = yaml.safe_load((rendered / NAV_FILE).read_text(encoding="utf-8"))["nav"]
    settings["nav"] = nav
    return settings


# -- running -----------------------------------------------------------------------------------


def run_measured(command: Sequence[str], cwd: Path) -> Sample:
    """Run ``command`` in ``cwd``; its wall time and peak memory. Fails on a non-zero exit."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(list(command), cwd=cwd, stdout=output,
                                   stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{text}")
    # ru_maxrss is in KiB on Linux
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def measure_size(procedures: int, runs: int, work: Path, settings: str = "builtin",
                 python: str = sys.executable, log: Any = None,
                 zensical: bool = True) -> SizeResult:
    """Time render, build and plain mkdocs ``runs`` times each, interleaved (and Zensical,
    when installed, unless ``zensical`` is False)."""
    handbook = prepare_handbook(procedures, work, settings)
    rendered = work / f"rendered-{procedures}-{settings}"
    plain = work / f"plain-{procedures}-{settings}"
    result = SizeResult(procedures, samples={step: [] for step in STEPS})
    sopkit = [python, "-m", "sopkit"]
    commands = {
        "render": [*sopkit, "render", "--out", str(rendered.resolve()), "--today", TODAY],
        "build": [*sopkit, "build", "--today", TODAY],
        "mkdocs": [python, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml")],
    }
    zensical_program = (shutil.which("zensical", path=str(Path(python).parent))
                        if zensical else None)
    steps = STEPS
    if zensical_program is not None:
        steps += ("zensical",)
        result.samples["zensical"] = []
        zensical_yml = work / f"zensical-{procedures}-{settings}.yml"
        commands["zensical"] = [zensical_program, "build", "--clean", "-f",
                                zensical_yml.name]
    for run in range(runs):
        for step in steps:
            if step == "mkdocs" and run == 0:
                plain.mkdir(parents=True, exist_ok=True)
                settings_dict = plain_mkdocs_settings(handbook, rendered, plain / "site")
                (plain / "mkdocs.yml").write_text(
                    yaml.safe_dump(settings_dict, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
                if zensical_program is not None:
                    zensical_settings(settings_dict, zensical_yml,
                                      work / f"zensical-site-{procedures}-{settings}")
            cwd = work if step == "zensical" else handbook
            sample = run_measured(commands[step], cwd)
            result.samples[step].append(sample)
            if log is not None:
                print(f"  {procedures:>5} {step:<7} run {run + 1}: {sample.seconds:7.2f} s "
                      f"(CPU {sample.cpu:7.2f} s) {sample.peak_mib:7.0f} MiB", file=log,
                      flush=True)
    result.pages = sum(1 for _ in (plain / "site").rglob("index.html"))
    result.search_index, result.largest_page = site_sizes(handbook / "site")
    return result


def zensical_settings(settings: dict[str, Any], path: Path, site: Path) -> None:
    """The same settings for Zensical, written to ``path``: its folders relative to it and
    inside its folder (Zensical 0.0.73 wants both)."""
    relative = {**settings,
                "docs_dir": os.path.relpath(settings["docs_dir"], path.parent),
                "site_dir": os.path.relpath(site, path.parent)}
    path.write_text(yaml.safe_dump(relative, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def site_sizes(site: Path) -> tuple[int, tuple[int, str]]:
    """The size of a built site's search index, and its largest HTML page (bytes, path):
    what a reader downloads for a first search, and for the heaviest page (issue 11)."""
    index = site / "search" / "search_index.json"
    pages = [(path.stat().st_size, path.relative_to(site).as_posix())
             for path in site.rglob("*.html")]
    return (index.stat().st_size if index.is_file() else 0), max(pages, default=(0, ""))


def measure_sizes(sizes: Sequence[int], runs: int = 3, work: Path | None = None,
                  settings: str = "builtin", log: Any = None,
                  zensical: bool = True) -> list[SizeResult]:
    """:func:`measure_size` for every size, in a temporary work folder unless given one."""
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        return [measure_size(n, runs, work, settings, log=log, zensical=zensical)
                for n in sizes]
    with tempfile.TemporaryDirectory(prefix="sopkit-bench-site-") as temp:
        return [measure_size(n, runs, Path(temp), settings, log=log, zensical=zensical)
                for n in sizes]


# -- reporting ---------------------------------------------------------------------------------


def markdown_table(results: Sequence[SizeResult], runs: int, settings: str = "builtin") -> str:
    """The results as a Markdown table, with the ratios of the targets."""
    lines = [
        f"Settings: `{settings}`; median of {runs} run(s); CPU = user + system time of the "
        "process and its children; peak = largest resident memory of one process over the "
        "runs.",
        "",
        "| procedures | pages | render | sopkit build | mkdocs build (no plugin) "
        "| build / mkdocs | build / mkdocs, paired | build / mkdocs, CPU "
        "| build growth | mkdocs growth "
        "| peak render / build / mkdocs | search index | largest page "
        "| zensical build (rendered) | zensical / mkdocs |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    first = results[0] if results else None
    for r in results:
        build, mkdocs = r.median("build"), r.median("mkdocs")
        if first is not None and r is not first:
            size_ratio = r.procedures / first.procedures
            growth = f"{build / first.median('build'):.2f} x (sizes {size_ratio:.1f} x)"
            mk_growth = f"{mkdocs / first.median('mkdocs'):.2f} x"
        else:
            growth = mk_growth = "-"
        lines.append(
            f"| {r.procedures} | {r.pages} | {r.median('render'):.1f} s | {build:.1f} s "
            f"| {mkdocs:.1f} s | {build / mkdocs:.2f} | {r.paired('build', 'mkdocs'):.2f} "
            f"| {r.cpu('build') / r.cpu('mkdocs'):.2f} "
            f"| {growth} | {mk_growth} "
            f"| {r.peak('render'):.0f} / {r.peak('build'):.0f} / {r.peak('mkdocs'):.0f} MiB "
            f"| {r.search_index / 1e6:.1f} MB "
            f"| {r.largest_page[0] / 1e3:.0f} KB (`{r.largest_page[1]}`) "
            + (f"| {r.median('zensical'):.1f} s | {r.median('zensical') / mkdocs:.2f} |"
               if r.samples.get("zensical") else "| - | - |")
        )
    return "\n".join(lines) + "\n"


def target_rows(results: Sequence[SizeResult]) -> list[str]:
    """The build targets as rows of the runner's Targets table: the largest handbook's
    build against plain MkDocs (at most 1.1 x), and its growth over the smallest (the
    target is 5.5 x for 1,000 procedures against 200: the size ratio times 1.1)."""
    if not results:
        return []
    small, large = results[0], results[-1]
    ratio = large.median("build") / large.median("mkdocs")
    paired = large.paired("build", "mkdocs")
    rows = [f"| `sopkit build` {large.procedures:,} ≤ 1.1 × `mkdocs build` | {ratio:.2f} "
            f"(paired {paired:.2f}) | {'yes' if max(ratio, paired) <= 1.1 else 'no'} |"]
    if large.search_index:
        rows.append(f"| search index {large.procedures:,} ≤ 15 MB "
                    f"| {large.search_index / 1e6:.1f} MB "
                    f"| {'yes' if large.search_index <= 15e6 else 'no'} |")
    if large.largest_page[0]:
        rows.append(f"| largest HTML page {large.procedures:,} ≤ 200 KB "
                    f"| {large.largest_page[0] / 1e3:.0f} KB "
                    f"| {'yes' if large.largest_page[0] <= 200e3 else 'no'} |")
    if large is not small:
        limit = 1.1 * large.procedures / small.procedures
        growth = large.median("build") / small.median("build")
        rows.append(f"| build {large.procedures:,} ≤ {limit:.1f} × build {small.procedures:,} "
                    f"| {growth:.2f} | {'yes' if growth <= limit else 'no'} |")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,1000",
                        help="comma-separated numbers of procedures (default 200,1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settings", choices=SETTINGS, default="builtin")
    parser.add_argument("--work", type=Path,
                        help="keep the handbooks and sites here (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--no-zensical", action="store_true",
                        help="do not time `zensical build`, even when it is installed")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    load_before = os.getloadavg()[0]
    results = measure_sizes(sizes, args.runs, args.work, args.settings, log=sys.stderr,
                            zensical=not args.no_zensical)
    table = markdown_table(results, args.runs, args.settings)
    table += (f"\nLoad average (1 minute) at the start {load_before:.2f}, at the end "
              f"{os.getloadavg()[0]:.2f}, on {os.cpu_count()} cores.\n")
    print(table)
    if args.out is not None:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
