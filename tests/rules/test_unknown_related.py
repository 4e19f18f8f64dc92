from __future__ import annotations

from pathlib import Path

from .helpers import examples, problems

DATA = Path(__file__).parent.parent / "data" / "rules"

RULE = "unknown-related"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("procedures/hr/onboarding.yml", RULE, 3, 11,
         "related procedure 'HR-02' is not in this handbook (did you mean 'HR-002'?)"),
    ]
    assert problems(RULE, *good) == []


def test_without_a_close_match() -> None:
    assert problems(RULE, "id: HR-001\nrelated: [FIN-900]\n") == [
        ("p.yml", RULE, 2, 11,
         "related procedure 'FIN-900' is not in this handbook: use the id of a procedure in "
         "this handbook, or remove it"),
    ]


def test_each_unknown_id_is_reported() -> None:
    found = problems(RULE, "id: HR-001\nrelated: [HR-001, X-1, HR-002, X-2]\n",
                     "# b.yml\nid: HR-002\n")
    assert [(line, col) for _, _, line, col, _ in found] == [(2, 19), (2, 32)]


def test_a_procedure_that_breaks_the_format_still_exists(tmp_path: Path) -> None:
    from sopkit.check.handbook import check_handbook
    from sopkit.config import build_config

    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / "a.yml").write_bytes(
        (DATA / "spec-procedure.yml").read_bytes().replace(b"related: [", b"related: [X-9, ", 1))
    broken = (DATA / "spec-procedure.yml").read_text(encoding="utf-8").replace(
        "id: HR-001", "id: X-9", 1).replace("title:", "titel:", 1)
    (tmp_path / "procedures" / "b.yml").write_text(broken, encoding="utf-8")
    for cache in (False, True, True):  # afresh, then writing and reading the cache
        result = check_handbook(build_config(tmp_path, {}), cache=cache,
                                cache_dir=tmp_path / "cache")
        assert any(d.file.endswith("b.yml") and d.rule == "schema" for d in result.diagnostics)
        unknown = [d.message for d in result.diagnostics if d.rule == RULE]
        assert unknown and not any("'X-9'" in message for message in unknown)  # only broken


def test_a_procedure_that_cannot_be_read_still_exists(tmp_path: Path) -> None:
    # Saved as GBK (not UTF-8), or broken YAML: its own error says so, and the procedures
    # that name it as related get no knock-on "not in this handbook".
    from sopkit.check.handbook import check_handbook
    from sopkit.config import build_config

    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / "a.yml").write_bytes(
        (DATA / "spec-procedure.yml").read_bytes().replace(
            b"related: [", b"related: [X-9, X-10, ", 1))
    spec = (DATA / "spec-procedure.yml").read_text(encoding="utf-8")
    (tmp_path / "procedures" / "gbk.yml").write_bytes(
        spec.replace("id: HR-001", "id: X-9", 1).replace("title:", "title: 入职流程", 1)
        .encode("gbk", "replace"))
    (tmp_path / "procedures" / "broken.yml").write_text(
        spec.replace("id: HR-001", "id: 'X-10'  # the id", 1).replace("steps:", "steps: [", 1),
        encoding="utf-8")
    for cache in (False, True, True):  # afresh, then writing and reading the cache
        result = check_handbook(build_config(tmp_path, {}), cache=cache,
                                cache_dir=tmp_path / "cache")
        assert {d.file.rsplit("/", 1)[-1] for d in result.diagnostics
                if d.rule in ("syntax", "io")} == {"gbk.yml", "broken.yml"}
        unknown = [d.message for d in result.diagnostics if d.rule == RULE]
        assert not any("'X-9'" in message or "'X-10'" in message for message in unknown)
