"""The handbook found from anywhere, as git finds its repository: every command run in a
subfolder works on the handbook above it, a file is checked in its own handbook's context,
and `build` publishes only a handbook, never into its procedures folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from helpers.commands import findings, scaffolded, sopkit

EXAMPLE = "procedures/operations/OPS-001-example.yml"
PEOPLE = """
people:
  - id: jane-doe
    name: Jane Doe
    github: janedoe
    roles: [operations-manager]
"""


def with_a_problem(handbook: Path) -> Path:
    """A second procedure beside the example, whose one finding needs the rest of the
    handbook to be judged (a related procedure that is not in it)."""
    text = (handbook / EXAMPLE).read_text(encoding="utf-8")
    text = text.replace("id: OPS-001", "id: OPS-002").replace(
        "tags: [handbook, example]", "tags: [handbook, example]\nrelated: [OPS-001, OPS-404]")
    second = handbook / "procedures" / "operations" / "OPS-002.yml"
    second.write_text(text, encoding="utf-8")
    return second


def verdicts(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int, int, str]]:
    """The findings of a JSON report by file name (not path: it depends on the folder run
    in), rule, position and message."""
    return [(Path(d["file"]).name, d["rule"], d["line"], d["column"], d["message"])
            for d in findings(done)]


def test_validate_in_a_subfolder_checks_the_handbook_above(tmp_path: Path) -> None:
    handbook = scaffolded(tmp_path / "hb")
    with_a_problem(handbook)
    subfolder = handbook / "procedures" / "operations"
    at_root = sopkit(["validate", "--format", "json"], handbook)
    assert at_root.returncode == 1, at_root.stdout + at_root.stderr
    whole = verdicts(at_root)
    assert [(name, rule) for name, rule, *_ in whole] == [("OPS-002.yml", "unknown-related")]

    inside = sopkit(["validate", "--format", "json"], subfolder)
    assert (inside.returncode, verdicts(inside)) == (1, whole)
    assert findings(inside)[0]["file"] == "OPS-002.yml"  # named from where sopkit runs
    plain = sopkit(["validate"], subfolder)  # the quick way in, without options
    assert plain.stdout.startswith("OPS-002.yml:") and "1 error in 3 files" in plain.stdout


def test_a_file_is_checked_in_its_handbooks_context_wherever_sopkit_runs(
        tmp_path: Path) -> None:
    """A path argument never changes a verdict: the file's findings are those of the whole
    handbook's check, from its root, from a subfolder and from outside the handbook."""
    handbook = scaffolded(tmp_path / "hb")
    second = with_a_problem(handbook)
    whole = verdicts(sopkit(["validate", "--format", "json"], handbook))
    subfolder = second.parent
    for cwd, paths in ((handbook, [second.relative_to(handbook).as_posix()]),
                       (subfolder, [second.name]),
                       (subfolder, ["."]),
                       (tmp_path, [str(second.relative_to(tmp_path))]),
                       (tmp_path, [str(second)])):
        done = sopkit(["validate", "--format", "json", *paths], cwd)
        assert (done.returncode, verdicts(done)) == (1, whole), (cwd, paths, done.stderr)
    for cwd, path in ((subfolder, "OPS-001-example.yml"), (tmp_path, f"hb/{EXAMPLE}")):
        done = sopkit(["validate", path], cwd)
        assert (done.returncode, done.stdout) == (0, "No problems in 1 file\n"), done.stderr


def test_paths_in_two_handbooks_are_a_usage_problem(tmp_path: Path) -> None:
    scaffolded(tmp_path / "one")
    scaffolded(tmp_path / "two")
    done = sopkit(["validate", f"one/{EXAMPLE}", f"two/{EXAMPLE}"], tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert "the paths are in two handbooks" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_search_ends_at_the_top_of_the_git_repository(tmp_path: Path) -> None:
    scaffolded(tmp_path / "outer")
    project = tmp_path / "outer" / "vendor" / "project"
    project.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    done = sopkit(["validate"], project)
    assert done.returncode == 2
    assert done.stderr.startswith("sopkit: there is no procedures folder here (procedures/) "
                                  "nor a handbook")


def test_other_commands_in_a_subfolder_work_on_the_handbook_above(tmp_path: Path) -> None:
    handbook = scaffolded(tmp_path / "hb")
    subfolder = handbook / "procedures" / "operations"
    created = sopkit(["new", "OPS-002", "--title", "Count the stock"], subfolder)
    assert created.returncode == 0, created.stderr
    assert (handbook / "procedures" / "OPS-002-count-the-stock.yml").is_file()
    assert not (subfolder / "procedures").exists()
    assert "updated " in created.stdout and ".github/CODEOWNERS" in created.stdout
    codeowners = (handbook / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/procedures/OPS-002-count-the-stock.yml" in codeowners  # routed by `new`
    checked = sopkit(["codeowners", "--check"], subfolder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith(f"{handbook}/.github/CODEOWNERS is up to date")
    rendered = sopkit(["render", "--out", str(tmp_path / "out")], subfolder)
    assert rendered.returncode == 0, rendered.stderr
    assert {path.name for path in (tmp_path / "out").rglob("OPS-00*.md")} == {
        "OPS-001.md", "OPS-002.md"}


def test_build_in_a_subfolder_builds_the_handbook_above(tmp_path: Path) -> None:
    handbook = scaffolded(tmp_path / "hb")
    subfolder = handbook / "procedures" / "operations"
    done = sopkit(["build"], subfolder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (handbook / "site" / "index.html").is_file()
    assert any((handbook / "site").rglob("OPS-001*"))
    assert sorted(path.name for path in subfolder.iterdir()) == ["OPS-001-example.yml"]


def test_build_without_mkdocs_yml_never_writes_into_the_procedures_folder(
        tmp_path: Path) -> None:
    """A handbook of a procedures folder and organization.yml only: sopkit's own settings."""
    source = scaffolded(tmp_path / "source")
    handbook = tmp_path / "hb"
    shutil.copytree(source / "procedures", handbook / "procedures")
    shutil.copy(source / "organization.yml", handbook)
    done = sopkit(["build"], handbook / "procedures")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (handbook / "site" / "index.html").is_file()
    assert [path.name for path in (handbook / "procedures").iterdir()] == ["operations"]


def test_build_refuses_a_folder_that_is_no_handbook(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    done = sopkit(["build"], folder)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("sopkit: there is no procedures folder here (procedures/)")
    assert "nothing to publish" in done.stderr and "sopkit init" in done.stderr
    assert list(folder.iterdir()) == []


def test_build_refuses_a_handbook_without_procedures(tmp_path: Path) -> None:
    handbook = scaffolded(tmp_path / "hb")
    (handbook / EXAMPLE).unlink()
    for command in (["build"], ["render", "--out", str(tmp_path / "out")]):
        done = sopkit(command, handbook / "procedures")
        assert done.returncode == 2, command
        assert done.stderr == ("sopkit: the procedures folder (here) holds no "
                               "procedures (*.yml files), so there is nothing to publish: add "
                               "one with 'sopkit new ID --title TITLE'\n")
    assert not (handbook / "site").exists() and not (tmp_path / "out").exists()


def test_codeowners_of_a_handbook_in_a_folder_of_a_repository(tmp_path: Path) -> None:
    """GitHub reads CODEOWNERS at the top of the repository, with paths from there."""
    repository = tmp_path / "repo"
    repository.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repository, check=True)
    init = sopkit(["init", "handbook"], repository)
    assert init.returncode == 0, init.stderr
    assert "created  ../.github/CODEOWNERS" in init.stdout
    assert not (repository / "handbook" / ".github" / "CODEOWNERS").exists()
    organization = repository / "handbook" / "organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8") + PEOPLE, "utf-8")

    done = sopkit(["codeowners"], repository / "handbook" / "procedures")
    assert (done.returncode, done.stdout) == (0, f"wrote {repository}/.github/CODEOWNERS\n")
    lines = (repository / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert f"/handbook/{EXAMPLE} @janedoe" in lines
    assert "/handbook/organization.yml @janedoe" in lines
    assert "/.github/ @janedoe" in lines
    checked = sopkit(["codeowners", "--check"], repository / "handbook")
    assert (checked.returncode, checked.stdout) == (
        0, f"{repository}/.github/CODEOWNERS is up to date\n")
