"""Shared fixtures.

Golden files live under ``tests/golden/``. Regenerate them after an intended
change of output with::

    SOPKIT_UPDATE_GOLDEN=1 python -m pytest

then review the diff with ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests are reproducible: the same examples on every run, and a failure
# prints the blob that replays it (@reproduce_failure). Locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

TESTS = Path(__file__).parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden"
DATA = TESTS / "data"

Golden = Callable[[str, str], None]


@pytest.fixture
def golden() -> Golden:
    """Compare ``text`` with ``tests/golden/<name>``; rewrite it when asked to."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("SOPKIT_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        assert path.exists(), (
            f"no golden file {path}: run SOPKIT_UPDATE_GOLDEN=1 python -m pytest to create it"
        )
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from {path}; if the change is intended, regenerate with "
            "SOPKIT_UPDATE_GOLDEN=1 python -m pytest and review git diff"
        )

    return compare


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tests' validation cache out of the user's cache folder."""
    os.environ.setdefault("SOPKIT_CACHE_DIR", str(tmp_path_factory.mktemp("sopkit-cache")))
