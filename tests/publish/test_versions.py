"""The versions in effect on a procedure's page: from git inside a repository with its
whole history (the periods `sopkit history` gives), from the revision history otherwise."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.procedure_story import Story, build_story

from sopkit.config import build_config
from sopkit.format.load import Document, load_file
from sopkit.publish.render import render_handbook


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return build_story(tmp_path_factory.mktemp("versions"))


def page(root: Path, **options: object) -> str:
    documents = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        document = load_file(path)
        assert isinstance(document, Document)
        documents.append(document)
    site = render_handbook(build_config(root, {"today": "2026-07-01", **options}), documents,
                           None)
    return next(text for path, text in site.files.items() if path.endswith("HR-001.md"))


def section(text: str) -> str:
    return text[text.index("## Versions in effect"):]


def test_inside_a_repository_the_periods_come_from_git(story: Story) -> None:
    text = section(page(story.repo.path))
    v1, v11 = story.commits["v1"][:12], story.commits["v11"][:12]
    assert "| Version | In effect from | Until | Commit | Change |" in text
    assert f"| 1.1.0 | 2026-04-15 | 2026-06-01 | `{v11}` | Added the buddy step. |" in text
    assert f"| 1.0.0 | 2026-02-01 | 2026-04-15 | `{v1}` | First release. |" in text
    assert text.index("| 1.1.0") < text.index("| 1.0.0")  # newest first
    # The working tree's uncommitted 9.0.0 was never released.
    assert "9.0.0" not in text
    assert "From git:" in text


def test_the_option_history_and_a_shallow_clone_use_the_revision_history(
        story: Story, tmp_path: Path) -> None:
    text = section(page(story.repo.path, versions_from="history"))
    assert "Commit" not in text and "From the revision history above" in text
    # The file on disk says 9.0.0, approved, effective 2026-01-01, history 1.0.0 only.
    assert "| 1.0.0 | 2026-01-20 | not replaced | First release. |" in text
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", story.repo.path.as_uri(),
                    str(shallow)], check=True, capture_output=True)
    assert "From the revision history above" in section(page(shallow))


def test_outside_a_repository_the_revision_history_is_used(story: Story,
                                                          tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "procedures" / "hr"
    copy.mkdir(parents=True)
    source = story.repo.path / "procedures" / "hr" / "HR-001-onboarding.yml"
    (copy / source.name).write_bytes(source.read_bytes())
    text = section(page(tmp_path / "copy"))
    assert "From the revision history above" in text and "`" not in text.split("\n\n")[1]
