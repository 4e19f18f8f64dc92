"""Where `sopkit render` and `sopkit build` write and delete (issue 9, points 6, 7, 12, 13).

Real symbolic links, real git repositories, real file modes under a real umask, and a
real SIGTERM: what is checked is what happens on disk.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO
from helpers.site_builds import TODAY, run, tree, write_handbook

from sopkit.publish.output import RENDER_MARKER, SITE_MARKER

# -- render --out: never through a link, never over a file it did not write --------------------


def rendered(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    result = run(root, "render", "--out", str(out), "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    return tree(out)


def test_render_does_not_delete_through_a_linked_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A listed name under a folder that became a link: the file the link leads to stays."""
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    rendered(root, out, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.md").write_text("not sopkit's", encoding="utf-8")
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    marker = out / RENDER_MARKER
    marker.write_text(marker.read_text(encoding="utf-8") + "sub/victim.md\n", encoding="utf-8")

    rendered(root, out, monkeypatch)
    assert (elsewhere / "victim.md").read_text(encoding="utf-8") == "not sopkit's"
    assert (out / "sub").is_symlink()
    assert "sub/victim.md" not in marker.read_text(encoding="utf-8")


@pytest.mark.parametrize("link", ["folder", "file"])
def test_render_does_not_write_through_a_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link: str) -> None:
    """A linked folder or file where a page goes: refused in one line, nothing written there."""
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    files = rendered(root, out, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if link == "folder":
        folder = next(name.split("/")[0] for name in sorted(files) if "/" in name)
        for name in [name for name in files if name.startswith(f"{folder}/")]:
            (out / name).unlink()
        (out / folder).rmdir()
        (out / folder).symlink_to(elsewhere, target_is_directory=True)
        where = out.resolve() / folder
    else:
        (elsewhere / "mine.md").write_text("not sopkit's", encoding="utf-8")
        (out / "index.md").unlink()
        (out / "index.md").symlink_to(elsewhere / "mine.md")
        where = out.resolve() / "index.md"
    before = tree(out)

    result = run(root, "render", "--out", str(out), "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("sopkit: ")
    assert f"{where} is a symbolic link" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(out) == before  # refused before anything was written
    assert sorted(path.name for path in elsewhere.iterdir()) == (
        [] if link == "folder" else ["mine.md"])
    if link == "file":
        assert (elsewhere / "mine.md").read_text(encoding="utf-8") == "not sopkit's"


def test_render_force_never_overwrites_a_file_it_did_not_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.md").write_text("# Our own front page\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(out)

    result = run(root, "render", "--out", str(out), "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{out.resolve() / 'index.md'} exists and was not written by sopkit render" in (
        result.stderr)
    assert "move it away" in result.stderr
    assert tree(out) == before

    # Out of the way, --force writes beside the other files and keeps them.
    (out / "index.md").rename(tmp_path / "index.md")
    result = run(root, "render", "--out", str(out), "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert "notes.txt" not in (out / RENDER_MARKER).read_text(encoding="utf-8")


def test_render_never_overwrites_a_file_added_to_its_own_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-written file where a new page goes is kept, even in a folder sopkit wrote."""
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    first = rendered(root, out, monkeypatch)
    page = next(name for name in first if "HR-001" in name and name.endswith(".md"))
    source = root / "procedures" / "hr" / "HR-001-onboarding.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("HR-001", "HR-007"),
                      encoding="utf-8")
    mine = out / page.replace("HR-001", "HR-007")
    mine.write_text("hand-written", encoding="utf-8")
    before = tree(out)
    result = run(root, "render", "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "exists and was not written by sopkit render" in result.stderr
    assert tree(out) == before


def test_render_takes_over_files_holding_what_it_would_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its marker deleted, a render's folder is foreign; --force rewrites it, losing nothing."""
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    files = rendered(root, out, monkeypatch)
    (out / RENDER_MARKER).unlink()
    assert run(root, "render", "--out", str(out), "--today", TODAY,
               monkeypatch=monkeypatch).exit_code == 2
    result = run(root, "render", "--out", str(out), "--today", TODAY, "--force",
                 monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert tree(out) == files


def test_a_render_stopped_half_way_lists_what_it_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker is written first: the next render replaces the files the stopped one left."""
    import sopkit.publish.output
    import sopkit.publish.render_out

    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    real_write = sopkit.publish.output.write_file
    calls: list[str] = []

    def write_then_fail(top: Path, name: str, text: str) -> Path:
        calls.append(name)
        if len(calls) == 4:  # the marker, then two pages, then the disk is full
            raise OSError(28, "No space left on device")
        return real_write(top, name, text)

    monkeypatch.setattr(sopkit.publish.output, "write_file", write_then_fail)  # the pages
    monkeypatch.setattr(sopkit.publish.render_out, "write_file", write_then_fail)  # the marker
    result = run(root, "render", "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert len(tree(out)) == 3
    monkeypatch.setattr(sopkit.publish.output, "write_file", real_write)
    monkeypatch.setattr(sopkit.publish.render_out, "write_file", real_write)
    rendered(root, out, monkeypatch)  # no --force needed


# -- the site folder: only what sopkit built, or untracked files with --force -----------------


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True)


def handbook_in_git(root: Path, site_dir: str, **options: str) -> Path:
    """A handbook in a git repository, with a workflow and a schema committed beside it."""
    plugin = "".join(f"\n      {key}: {value}" for key, value in options.items())
    write_handbook(root, mkdocs_yml=(
        f"site_name: Test\nsite_dir: {site_dir}\ntheme: {{name: material, font: false}}\n"
        f"plugins:\n  - search\n  - sopkit:{plugin or ' {}'}\n"))
    for name, text in {".github/workflows/sop.yml": "on: push\n",
                       "schemas/procedure.schema.json": "{}\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "handbook")
    return root


def contents(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, including git's own."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


@pytest.mark.parametrize(("site_dir", "says"), [
    (".git", "inside git's own folder"),
    (".git/site", "inside git's own folder"),
    (".github", "is the .github folder"),
    ("schemas", "is the JSON Schemas folder"),
    ("training", "is the training records"),
    ("approvals/site", "is inside the approval records"),
    (".sopkit-cache", "is the validation cache"),
    ("docs", "is the docs folder"),
    ("procedures", "is the procedures folder"),
    (".", "is the handbook's folder"),
])
def test_build_force_never_replaces_the_handbooks_own_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_dir: str, says: str) -> None:
    root = handbook_in_git(tmp_path / "hb", site_dir, cache_dir=".sopkit-cache")
    monkeypatch.delenv("SOPKIT_CACHE_DIR", raising=False)  # the handbook's cache_dir, then
    for folder in ("training", "approvals", "docs"):  # untracked: refused by what they are
        (root / folder).mkdir()
        (root / folder / "records.yml").write_text("records: []\n", encoding="utf-8")
    before = contents(root)
    result = run(root, "build", "--today", TODAY, "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 2, result.output
    message = result.stderr.splitlines()[-1]
    assert message.startswith("sopkit: ") and says in message, message
    assert "set site_dir in mkdocs.yml" in message
    after = contents(root)
    assert {name: data for name, data in after.items()
            if not name.startswith(".sopkit-cache/")} == {
        name: data for name, data in before.items() if not name.startswith(".sopkit-cache/")}
    assert not [path for path in root.iterdir() if ".sopkit-" in path.name
                and path.name != ".sopkit-cache"]


@pytest.mark.parametrize("site_dir", ["schemas", ".github"])
def test_build_force_never_replaces_what_sopkit_init_wrote_before_a_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_dir: str) -> None:
    """A handbook sopkit init made, not committed yet: its schemas and workflow are kept."""
    root = tmp_path / "hb"
    assert run(tmp_path, "init", str(root), monkeypatch=monkeypatch).exit_code == 0
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(f"site_dir: {site_dir}\n" + mkdocs_yml.read_text(encoding="utf-8"),
                          encoding="utf-8")
    before = contents(root)
    result = run(root, "build", "--today", TODAY, "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 2, result.output
    assert f"is the {'JSON Schemas' if site_dir == 'schemas' else '.github'} folder" in (
        result.stderr)
    assert contents(root) == before


def test_build_force_replaces_an_untracked_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = handbook_in_git(tmp_path / "hb", "public")
    (root / "public").mkdir()
    (root / "public" / "old.html").write_text("from mkdocs build", encoding="utf-8")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 2 and "--force" in result.stderr
    result = run(root, "build", "--today", TODAY, "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert (root / "public" / SITE_MARKER).is_file()
    assert not (root / "public" / "old.html").exists()


def test_build_force_keeps_a_repository_or_a_folder_outside_the_handbook(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = handbook_in_git(tmp_path / "hb", "public")
    clone = root / "public" / "theme"
    clone.mkdir(parents=True)
    git(clone, "init", "-q")
    before = contents(root / "public")
    result = run(root, "build", "--today", TODAY, "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "holds a git repository" in result.stderr
    assert contents(root / "public") == before

    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "site_dir: public", "site_dir: ../www"), encoding="utf-8")
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text("someone else's", encoding="utf-8")
    result = run(root, "build", "--today", TODAY, "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "outside the handbook's folder" in result.stderr
    assert "not replaced even with --force" in result.stderr
    assert (tmp_path / "www" / "index.html").read_text(encoding="utf-8") == "someone else's"


def test_build_refuses_a_site_folder_that_git_tracks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even one sopkit built, once committed: replacing it would drop uncommitted edits."""
    root = handbook_in_git(tmp_path / "hb", "site")
    assert run(root, "build", "--today", TODAY, monkeypatch=monkeypatch).exit_code == 0
    git(root, "add", "-f", "site/index.html")
    git(root, "commit", "-q", "-m", "site")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "holds files tracked by git (site/index.html)" in result.stderr


# -- the site folder: a link is refused, and the modes are those of mkdocs build --------------


def test_build_refuses_a_linked_site_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    target = tmp_path / "www"
    target.mkdir()
    (target / SITE_MARKER).write_text("built by sopkit", encoding="utf-8")
    (target / "index.html").write_text("the last site", encoding="utf-8")
    (root / "site").symlink_to(target, target_is_directory=True)
    before = tree(target)

    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"the site folder {Path('site')} is a symbolic link (to {target})" in result.stderr
    assert "set site_dir in mkdocs.yml to the folder itself" in result.stderr
    assert (root / "site").is_symlink() and tree(target) == before
    assert sorted(path.name for path in root.iterdir()) == [
        "organization.yml", "procedures", "site"]


def modes(folder: Path) -> dict[str, str]:
    """Every folder's and file's permission bits below ``folder`` (itself as '.')."""
    found = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for path in sorted(folder.rglob("*")):
        found[path.relative_to(folder).as_posix()] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_site_has_the_modes_mkdocs_build_gives(tmp_path: Path, umask: int) -> None:
    """Not 0700 (a temporary folder's): a web server running as another user can read it."""
    root = write_handbook(tmp_path / "hb", mkdocs_yml=f"""\
        site_name: Modes
        theme: {{name: material, font: false}}
        plugins:
          - search
          - sopkit:
              today: {TODAY}
        """, docs={"guide.md": "# Guide\n"})
    env = {**os.environ, "NO_COLOR": "1"}
    for command in ([sys.executable, "-m", "sopkit", "build"],
                    [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", "plain"]):
        done = subprocess.run(command, cwd=root, umask=umask, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    built, plain = modes(root / "site"), modes(root / "plain")
    assert built.pop(SITE_MARKER) == oct(0o666 & ~umask)
    assert built == plain
    assert set(built.values()) == {oct(0o777 & ~umask), oct(0o666 & ~umask)}


# -- SIGTERM ----------------------------------------------------------------------------------


def stopped_by_sigterm(args: list[str], root: Path, env: dict[str, str],
                       ready: Callable[[], bool], *, seconds: float,
                       signum: int = signal.SIGTERM) -> tuple[int, str]:
    """Run ``sopkit ARGS`` in ``root``, send it SIGTERM (or ``signum``) once ``ready()``
    (within ``seconds``), and return its exit code and stderr."""
    command = subprocess.Popen([sys.executable, "-m", "sopkit", *args], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + seconds
        while not ready():
            assert command.poll() is None, command.communicate()
            assert time.monotonic() < deadline, f"sopkit {args[0]} never got ready"
            time.sleep(0.02)
        command.send_signal(signum)
        _, stderr = command.communicate(timeout=seconds)
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
    return command.returncode, stderr


def test_sigterm_during_a_build_leaves_no_temporary_folder(tmp_path: Path) -> None:
    """As Ctrl+C does: no half-built `.site.sopkit-*` in the handbook, no `sopkit-*` folder
    in TMPDIR (the forked render process's included), and the last site untouched."""
    generated = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "60", str(tmp_path / "hb")],
        capture_output=True, text=True, timeout=300, check=False)
    assert generated.returncode == 0, generated.stderr
    root = tmp_path / "hb"
    (root / "site").mkdir()
    (root / "site" / SITE_MARKER).write_text("built by sopkit", encoding="utf-8")
    (root / "site" / "index.html").write_text("the last good site", encoding="utf-8")
    before = tree(root / "site")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "NO_COLOR": "1"}
    env.pop("SOPKIT_RENDER_PROCESSES", None)

    # Stopped once MkDocs is writing the site (the render process, if any, has started).
    returncode, stderr = stopped_by_sigterm(
        ["build"], root, env, lambda: bool(list(root.glob(".site.sopkit-*/assets"))),
        seconds=300)
    assert returncode == 143, stderr
    assert stderr.splitlines()[-1] == "sopkit: stopped by SIGTERM; the last good site is kept"
    assert "Traceback" not in stderr
    assert [path.name for path in root.iterdir() if path.name.startswith(".site")] == []
    assert [path.name for path in temp.iterdir()] == []
    assert tree(root / "site") == before


def test_the_markers_and_errors_live_in_the_output_module() -> None:
    """Markers and errors are imported from sopkit.publish.output, where they live;
    sopkit.publish.site no longer re-exports them (issue 10)."""
    import sopkit.publish.output
    import sopkit.publish.site

    assert not hasattr(sopkit.publish.site, "RENDER_MARKER")
    assert (sopkit.publish.output.RENDER_MARKER, sopkit.publish.output.SITE_MARKER) == (
        ".sopkit-render", ".sopkit-site")


@pytest.mark.parametrize(("signum", "name", "returncode"), [
    (signal.SIGTERM, "SIGTERM", 143),  # a process manager, `timeout`
    (signal.SIGHUP, "SIGHUP", 129),  # a closed terminal
])
def test_a_stopped_preview_leaves_nothing_behind(
        tmp_path: Path, signum: signal.Signals, name: str, returncode: int) -> None:
    """`sopkit serve` stopped by a signal exits as a shell reports it, with one line, and
    leaves none of MkDocs' temporary sites or sopkit's docs folders in TMPDIR."""
    root = write_handbook(tmp_path / "hb")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "NO_COLOR": "1"}
    # Stopped once the preview has laid out its site in a temporary folder of its own.
    code, stderr = stopped_by_sigterm(
        ["serve", "--dev-addr", "127.0.0.1:0"], root, env,
        lambda: any(path.name.startswith("sopkit-serve-") and (path / "assets").exists()
                    for path in temp.iterdir()),
        seconds=120, signum=signum)
    assert code == returncode, stderr
    assert stderr.splitlines()[-1] == f"sopkit: stopped by {name}"
    assert "Traceback" not in stderr
    # jieba (Chinese search) keeps its dictionary cache there on purpose.
    assert [path.name for path in temp.iterdir() if path.name != "jieba.cache"] == []


def test_a_refused_path_is_shown_on_one_line_with_no_control_character(
        tmp_path: Path) -> None:
    """A usage error quotes the path it refuses with its control and bidi characters escaped:
    the name cannot recolour the terminal or reorder the line."""
    name = "out\x1b[31m\u202efile\nnext"
    root = write_handbook(tmp_path / "hb", mkdocs_yml="site_name: Hostile\nsite_dir: "
                          + json.dumps(name) + "\n")
    (root / name).write_text("a file, not a folder", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sopkit", "build", "--today", TODAY],
                            cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "out\\x1b[31m\\u202efile\\x0anext" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


def test_render_replaces_a_hard_linked_page_instead_of_writing_into_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of an earlier render hard-linked from elsewhere: the new page takes its name,
    and the other name keeps its content (writing in place would change both)."""
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    rendered(root, out, monkeypatch)
    (out / "index.md").write_text("an older index", encoding="utf-8")
    other = tmp_path / "kept-elsewhere.md"
    os.link(out / "index.md", other)
    files = rendered(root, out, monkeypatch)
    assert other.read_text(encoding="utf-8") == "an older index"
    assert files["index.md"] != b"an older index"
    assert (out / "index.md").stat().st_nlink == 1
    assert not [path for path in out.rglob(".*.sopkit-*")]
