"""The training status computation, one test per clause of the spec (format 1.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sopkit.model.training import Record, records_of, requirements, statuses

TODAY = date(2026, 3, 1)


def procedure(version: str = "1.2.0", status: str = "approved",
              frequency: str | None = None) -> dict[str, Any]:
    training: dict[str, Any] = {"audience": ["trainee"], "topic": "Basics"}
    if frequency is not None:
        training["frequency"] = frequency
    return {"id": "HR-001", "version": version, "status": status,
            "steps": [{"id": "do", "role": "doer"}], "training": [training]}


PEOPLE = [{"id": "li-na", "roles": ["doer"]}, {"id": "wang-fang", "roles": ["trainee"]},
          {"id": "zhao-lei", "roles": ["bystander"]}]


def record(version: str, day: date = date(2026, 2, 1), person: str = "li-na",
           passed: bool = True) -> Record:
    return Record(person, "HR-001", version, day, passed)


def status(proc: dict[str, Any], *records: Record, person: str = "li-na",
           today: date = TODAY) -> str:
    found = [s for s in statuses([proc], PEOPLE, records, today) if s.person == person]
    assert len(found) == 1
    return found[0].status


def test_who_must_be_trained_step_roles_and_audience() -> None:
    assert [r.person for r in requirements(procedure(), PEOPLE)] == ["li-na", "wang-fang"]


def test_a_procedure_not_approved_needs_no_training() -> None:
    for state in ("draft", "in-review", "retired"):
        assert requirements(procedure(status=state), PEOPLE) == []
        assert statuses([procedure(status=state)], PEOPLE, [], TODAY) == []


def test_no_record_is_missing() -> None:
    assert status(procedure()) == "missing"


def test_a_record_of_the_current_version_is_current() -> None:
    assert status(procedure(), record("1.2.0")) == "current"


def test_a_patch_raise_keeps_training_current() -> None:
    assert status(procedure("1.2.3"), record("1.2.0")) == "current"


def test_a_minor_or_major_raise_makes_it_outdated() -> None:
    assert status(procedure("1.3.0"), record("1.2.0")) == "outdated"
    assert status(procedure("2.0.0"), record("1.2.0")) == "outdated"


def test_the_outdated_status_names_the_last_record() -> None:
    (found,) = [s for s in statuses([procedure("1.3.0")], PEOPLE,
                                    [record("1.0.0", date(2025, 1, 1)),
                                     record("1.2.0", date(2025, 6, 1))], TODAY)
                if s.person == "li-na"]
    assert found.record is not None and found.record.version == "1.2.0"


def test_a_failed_result_does_not_count() -> None:
    assert status(procedure(), record("1.2.0", passed=False)) == "missing"
    assert status(procedure("1.3.0"), record("1.2.0"),
                  record("1.3.0", date(2026, 2, 20), passed=False)) == "outdated"


def test_frequency_expiry_with_a_pinned_date() -> None:
    yearly = procedure(frequency="yearly")
    trained = record("1.2.0", date(2025, 2, 1), person="wang-fang")
    assert status(yearly, trained, person="wang-fang", today=date(2026, 2, 1)) == "current"
    assert status(yearly, trained, person="wang-fang", today=date(2026, 2, 2)) == "expired"


def test_frequency_applies_to_the_audience_only() -> None:
    yearly = procedure(frequency="yearly")
    old = record("1.2.0", date(2020, 2, 1))  # li-na performs a step, not in the audience
    assert status(yearly, old) == "current"


def test_once_and_per_run_do_not_expire() -> None:
    for frequency in ("once", "per-run"):
        old = record("1.2.0", date(2020, 2, 1), person="wang-fang")
        assert status(procedure(frequency=frequency), old, person="wang-fang") == "current"


def test_the_shortest_period_wins() -> None:
    proc = procedure(frequency="yearly")
    proc["training"].append({"audience": ["trainee"], "topic": "Drill", "frequency": "monthly"})
    trained = record("1.2.0", date(2026, 1, 15), person="wang-fang")
    assert status(proc, trained, person="wang-fang") == "expired"


def test_a_role_gained_later_makes_training_needed() -> None:
    before = [{"id": "zhao-lei", "roles": ["bystander"]}]
    after = [{"id": "zhao-lei", "roles": ["bystander", "doer"]}]
    assert statuses([procedure()], before, [], TODAY) == []
    (found,) = statuses([procedure()], after, [], TODAY)
    assert (found.person, found.status, found.requirement.roles) == ("zhao-lei", "missing",
                                                                     ("doer",))


def test_a_record_dated_after_today_does_not_count() -> None:
    assert status(procedure(), record("1.2.0", date(2026, 4, 1))) == "missing"


def test_records_of_reads_a_file() -> None:
    data = {"records": [{"person": "li-na", "procedure": "HR-001", "version": "1.2.0",
                         "date": "2026-02-01"},
                        {"person": "li-na", "procedure": "HR-001", "version": "1.2.0",
                         "date": "2026-02-02", "result": "failed", "method": "quiz"}]}
    assert records_of(data, 3) == [
        Record("li-na", "HR-001", "1.2.0", date(2026, 2, 1), True, None, (3, 0)),
        Record("li-na", "HR-001", "1.2.0", date(2026, 2, 2), False, "quiz", (3, 1))]
