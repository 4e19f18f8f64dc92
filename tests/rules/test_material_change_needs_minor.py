from __future__ import annotations

from .test_change_catalog import change_examples, run_change

RULE = "material-change-needs-minor"

BEFORE = """\
version: {version}
owner: owner
roles:
  - id: owner
    title: Owner
  - id: clerk
    title: Clerk
steps:
  - id: collect
    title: Collect
    role: owner
    consulted: [clerk]
    duration: 1h
  - id: file
    title: File
    role: clerk
"""
COLLECT = """  - id: collect
    title: Collect
    role: owner
    consulted: [clerk]
    duration: 1h
"""
FILE = """  - id: file
    title: File
    role: clerk
"""


def after(version: str, old: str = "", new: str = "") -> str:
    return BEFORE.format(version=version).replace(old, new)


def test_doc_example() -> None:
    bad, good = change_examples(RULE)
    assert run_change(RULE, *bad) == [
        (RULE, 2, 10, "the role of step 'prepare' changed from 'owner' to 'clerk', a material "
                      "change, but version only went from '1.2.0' to '1.2.1': raise it to "
                      "1.3.0 at least"),
    ]
    assert run_change(RULE, *good) == []


def test_each_material_change() -> None:
    before = BEFORE.format(version="1.0.0")
    cases = {
        "step 'file' was removed": after("1.0.1", FILE, ""),
        "the steps were reordered": after("1.0.1", COLLECT + FILE, FILE + COLLECT),
        "the role of step 'file' changed from 'clerk' to 'owner'":
            after("1.0.1", "    role: clerk\n", "    role: owner\n"),
        "the owner changed from 'owner' to 'clerk'":
            after("1.0.1", "owner: owner\nroles", "owner: clerk\nroles"),
    }
    for reason, text in cases.items():
        (found,) = run_change(RULE, before, text)
        assert found[3].startswith(reason + ", a material change"), found


def test_other_changes_may_be_a_patch() -> None:
    before = BEFORE.format(version="1.0.0")
    for text in (after("1.0.1", "duration: 1h", "duration: 2h"),
                 after("1.0.1", "consulted: [clerk]", "consulted: []"),  # RACI: not in the spec
                 after("1.0.1", FILE, FILE + "  - {id: archive, title: Archive, role: clerk}\n"),
                 after("1.0.1", "title: File", "title: File it")):
        assert run_change(RULE, before, text) == [], text


def test_minor_and_major_raises_pass() -> None:
    before = BEFORE.format(version="1.0.0")
    for version in ("1.1.0", "2.0.0", "1.1.0-rc.1"):
        assert run_change(RULE, before, after(version, FILE, "")) == []


def test_a_pre_release_may_change_until_its_release() -> None:
    before = BEFORE.format(version="1.1.0-rc.1")
    assert run_change(RULE, before, after("1.1.0", FILE, "")) == []
    assert run_change(RULE, before, after("1.1.0-rc.2", FILE, "")) == []
    patch_rc = BEFORE.format(version="1.0.1-rc.1")
    assert run_change(RULE, patch_rc, after("1.0.1", FILE, "")) != []


def test_not_raised_is_left_to_version_not_raised() -> None:
    before = BEFORE.format(version="1.0.0")
    assert run_change(RULE, before, after("1.0.0", FILE, "")) == []
