"""Imports every rule module so that each registers itself. Add new rules here."""

from sopkit.rules import (  # noqa: F401
    approval_incomplete,
    duplicate_id,
    duplicate_procedure_id,
    duplicate_step_id,
    history_order,
    history_version_mismatch,
    internal_output_unused,
    no_end_reachable,
    output_not_produced,
    related_retired,
    review_overdue,
    role_without_title,
    training_duplicate,
    training_expired,
    training_future_date,
    training_missing,
    training_outdated,
    training_unknown_person,
    training_unknown_procedure,
    training_unknown_version,
    unknown_department,
    unknown_input,
    unknown_related,
    unknown_role,
    unknown_step,
    unreachable_step,
    unused_output,
    usual_branch_twice,
)

# isort: split
from sopkit.rules import (  # noqa: F401  (the change rules: review/diff.py runs them)
    history_not_updated,
    material_change_needs_minor,
    version_not_raised,
)
