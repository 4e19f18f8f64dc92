"""Property-based tests: whatever the bytes, `sopkit validate` reports and exits 0 or 1.

Hypothesis feeds random bytes and random mutations of valid procedures through
the command in-process (click's runner), so an uncaught exception shows up as
a failure here instead of as a traceback in a user's terminal.
"""

from __future__ import annotations

import json

from helpers.fuzz import (
    FUZZ,
    VALID,
    check_output,
    damaged_text,
    handbook,
    mutated_procedure,
    validate,
)
from hypothesis import given
from hypothesis import strategies as st


def test_the_valid_bases_validate_clean() -> None:
    with handbook({path.name: path.read_bytes() for path in VALID}) as root:
        code, output = validate(root)
        assert code == 0, output


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    with handbook({"random.yml": raw}) as root:
        check_output(*validate(root))


@FUZZ
@given(mutated_procedure())
def test_mutated_procedures(raw: bytes) -> None:
    with handbook({"mutated.yml": raw, "other.yml": VALID[0].read_bytes()}) as root:
        code, output = validate(root, "--format", "json")
        check_output(code, output)
        report = json.loads(output)
        for item in report["diagnostics"]:
            assert item["line"] >= 0 and item["column"] >= 0
            assert "\n" not in item["message"]


@FUZZ
@given(damaged_text())
def test_damaged_yaml_text(raw: bytes) -> None:
    with handbook({"damaged.yml": raw}) as root:
        check_output(*validate(root))
