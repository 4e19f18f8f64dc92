"""`sopkit validate` catches what CI will: CODEOWNERS out of date, a procedure in another
department's folder, a first-line schema comment that points at no file. Run as a user runs
it, from the handbook and from a subfolder, with relative and absolute paths, cold and warm."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.commands import findings, scaffolded, sopkit

EXAMPLE = Path("procedures/operations/OPS-001-example.yml")
PERSON = """people:
  - id: jane-doe
    name: Jane Doe
    github: janedoe
    roles: [operations-manager]
"""
WAREHOUSE = """  - id: warehouse
    name: Warehouse
"""


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    root = scaffolded(tmp_path / "handbook")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def validate(root: Path, *args: str, cwd: Path | None = None,
             cache: Path | None = None) -> tuple[int, list[dict[str, Any]]]:
    env = {"SOPKIT_CACHE_DIR": str(cache or root.parent / "cache")}
    done = sopkit(["validate", "--format", "json", *args], cwd or root, env)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, findings(done)


def rules(found: list[dict[str, Any]], *names: str) -> list[tuple[str, str, int, int, str]]:
    """The findings of rules ``names``: (rule, file name, line, column, message)."""
    return [(d["rule"], Path(d["file"]).name, d["line"], d["column"], d["message"])
            for d in found if d["rule"] in names]


# -- CODEOWNERS ------------------------------------------------------------------------------


def test_codeowners_out_of_date_is_an_error_that_names_the_fix(handbook: Path) -> None:
    assert sopkit(["codeowners", "--check"], handbook).returncode == 0
    code, found = validate(handbook)
    assert (code, rules(found, "codeowners-outdated")) == (0, [])

    organization = handbook / "organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8") + PERSON, encoding="utf-8")
    assert sopkit(["codeowners", "--check"], handbook).returncode == 1  # what CI runs
    for run in ("cold", "warm"):
        code, found = validate(handbook)
        (finding,) = rules(found, "codeowners-outdated")
        assert code == 1, run
        assert finding[1] == "CODEOWNERS" and finding[4].startswith(
            ".github/CODEOWNERS is out of date: 11 lines missing (first: '/.github/ @janedoe')"
        ), finding
        assert finding[4].endswith("run 'sopkit codeowners' and commit the result")
    text = sopkit(["validate"], handbook).stdout
    assert "error codeowners-outdated: .github/CODEOWNERS is out of date" in text

    assert sopkit(["codeowners"], handbook).returncode == 0  # the fix the message names
    assert rules(validate(handbook)[1], "codeowners-outdated") == []


def test_a_new_procedure_makes_codeowners_out_of_date_on_a_warm_run(handbook: Path) -> None:
    organization = handbook / "organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8") + PERSON, encoding="utf-8")
    sopkit(["codeowners"], handbook)
    assert rules(validate(handbook)[1], "codeowners-outdated") == []  # the cache is warm
    copy = handbook / "procedures/operations/OPS-002-copy.yml"
    copy.write_text((handbook / EXAMPLE).read_text(encoding="utf-8").replace(
        "id: OPS-001", "id: OPS-002"), encoding="utf-8")
    (finding,) = rules(validate(handbook)[1], "codeowners-outdated")
    assert "OPS-002-copy.yml @janedoe" in finding[4]


def test_a_codeowners_file_sopkit_did_not_write_is_not_checked(handbook: Path) -> None:
    (handbook / ".github/CODEOWNERS").write_text("* @someone\n", encoding="utf-8")
    assert rules(validate(handbook)[1], "codeowners-outdated") == []
    (handbook / ".github/CODEOWNERS").unlink()
    assert rules(validate(handbook)[1], "codeowners-outdated") == []


def test_codeowners_outdated_can_be_switched_off(handbook: Path) -> None:
    organization = handbook / "organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8") + PERSON, encoding="utf-8")
    mkdocs = handbook / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    assert "  - sopkit:\n" in text
    mkdocs.write_text(text.replace("  - sopkit:\n", "  - sopkit:\n      rules:\n"
                                   "        codeowners-outdated: warning\n", 1), encoding="utf-8")
    code, found = validate(handbook)
    assert code == 0 and [d["severity"] for d in found if d["rule"] ==
                          "codeowners-outdated"] == ["warning"]


# -- the department's folder -----------------------------------------------------------------


def moved_to_warehouse(handbook: Path) -> Path:
    """organization.yml with a warehouse department, and the example in its folder."""
    (handbook / ".github/CODEOWNERS").unlink()  # moving files makes it out of date too
    organization = handbook / "organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8").replace(
        "    name: Operations\n", "    name: Operations\n" + WAREHOUSE), encoding="utf-8")
    target = handbook / "procedures/warehouse/OPS-001-example.yml"
    target.parent.mkdir()
    (handbook / EXAMPLE).rename(target)
    text = target.read_text(encoding="utf-8")
    assert "\ndepartment: operations" in text
    return target


def test_a_procedure_in_another_departments_folder_is_a_warning(handbook: Path) -> None:
    target = moved_to_warehouse(handbook)
    line = target.read_text(encoding="utf-8").splitlines().index("department: operations") + 1
    expected = [("department-folder", target.name, line, 13,
                 "this procedure of department 'operations' is in the folder of department "
                 "'warehouse': move it to the folder of its department (git mv), or correct "
                 "department")]
    code, found = validate(handbook)
    assert code == 0 and rules(found, "department-folder") == expected
    assert [d["severity"] for d in found if d["rule"] == "department-folder"] == ["warning"]
    # a path never changes a verdict: from a subfolder, relative or absolute, cold or warm
    folder = target.parent
    for cwd, argument in ((handbook, []), (folder, []), (folder, [target.name]),
                          (folder, [str(target)]), (handbook / "procedures", ["warehouse"]),
                          (handbook, ["procedures/warehouse/OPS-001-example.yml"])):
        for cache in (None, handbook.parent / f"cache-{len(argument)}-{cwd.name}"):
            code, found = validate(handbook, *argument, cwd=cwd, cache=cache)
            assert rules(found, "department-folder") == expected, (cwd, argument)


@pytest.mark.parametrize("written", [
    "department: &home operations",
    '"department": operations',
    "department: !!str operations",
    "department:\n  operations",
])
def test_a_department_written_any_way_yaml_allows_is_read(handbook: Path,
                                                          written: str) -> None:
    """The folder check reads ``department`` as YAML does, not only as one plain line."""
    target = moved_to_warehouse(handbook)
    text = target.read_text(encoding="utf-8")
    line = text.splitlines().index("department: operations") + 1
    target.write_text(text.replace("department: operations", written), encoding="utf-8")
    for run in ("cold", "warm"):
        code, found = validate(handbook)
        assert code == 0, run
        assert [(rule, name, at) for rule, name, at, _, _ in
                rules(found, "department-folder")] == [
            ("department-folder", target.name, line + written.count("\n"))], (run, found)
        assert "department 'operations' is in the folder of department 'warehouse'" in (
            rules(found, "department-folder")[0][4])


def test_folders_that_are_not_departments_say_nothing(handbook: Path) -> None:
    (handbook / ".github/CODEOWNERS").unlink()
    target = handbook / "procedures/shared/deep/OPS-001-example.yml"
    target.parent.mkdir(parents=True)
    (handbook / EXAMPLE).rename(target)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("$schema=../../", "$schema=../../../"), encoding="utf-8")
    assert rules(validate(handbook)[1], "department-folder", "schema-comment-missing") == []
    nested = handbook / "procedures/operations/warehouse-team/x.yml"  # its own department
    nested.parent.mkdir(parents=True)
    target.rename(nested)
    nested.write_text(text.replace("$schema=../../", "$schema=../../../"), encoding="utf-8")
    assert rules(validate(handbook)[1], "department-folder") == []


# -- the first-line schema comment -----------------------------------------------------------


def test_a_schema_comment_that_points_at_no_file_is_a_warning(handbook: Path) -> None:
    (handbook / ".github/CODEOWNERS").unlink()
    target = handbook / "procedures/operations/daily/OPS-001-example.yml"
    target.parent.mkdir()
    (handbook / EXAMPLE).rename(target)  # one folder down: the comment now points at nothing
    expected = [("schema-comment-missing", target.name, 1, 33,
                 "the schema comment points at ../../schemas/procedure.schema.json, which is "
                 "no file from here (was the file moved?): correct the path, relative to this "
                 "file, or remove the line")]
    for cwd, argument in ((handbook, []), (target.parent, [target.name]),
                          (handbook.parent, [str(target)])):
        code, found = validate(handbook, *argument, cwd=cwd)
        assert code == 0 and rules(found, "schema-comment-missing") == expected, cwd

    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("$schema=../../", "$schema=../../../"), encoding="utf-8")
    assert rules(validate(handbook)[1], "schema-comment-missing") == []
    target.write_text(text.replace("$schema=../../schemas/procedure.schema.json",
                                   "$schema=https://example.com/procedure.schema.json"),
                      encoding="utf-8")
    assert rules(validate(handbook)[1], "schema-comment-missing") == []  # addresses: not read
