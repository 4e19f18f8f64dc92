"""The approvals part of `sopkit diff`'s summary (format 1.2): which approvals a change
invalidates and which records the pull request adds (sopkit.review.approval_diff), in the
markdown, text and JSON forms of sopkit.report.diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sopkit.format.terminal import visible
from sopkit.model.approval import Approval

if TYPE_CHECKING:
    from sopkit.review.approval_diff import ApprovalDiff, Invalidated


def _signed(record: Approval, name: str) -> str:
    """``李娜 (li-na) approved as coo on 2026-01-10``, plain (escaped by the caller)."""
    who = f"{name} ({record.person})" if name != record.person else record.person
    return f"{who} {record.meaning} as {record.role} on {record.date.isoformat()}"


def _change(item: Invalidated) -> str:
    return f"{item.procedure} {item.base_version} → {item.head_version}"


def md_approvals(approvals: ApprovalDiff | None, md_text: Any) -> list[str]:
    """The "Approvals" section of the markdown summary (``md_text`` escapes text)."""
    if approvals is None or approvals.empty:
        return []
    lines = ["", "### Approvals", ""]
    if approvals.invalidated:
        lines += ["This change invalidates these approvals (the content they approved "
                  "changed); the approvers approve the new content again:", ""]
        for item in approvals.invalidated:
            signed = "; ".join(_signed(record, name) for record, name in item.approvals)
            lines.append(f"- {md_text(_change(item))}: {md_text(signed)}")
        lines.append("")
    if approvals.added:
        lines += [f"Approval records added ({len(approvals.added)}):", ""]
        lines += [f"- {md_text(record.procedure + ' ' + record.version)}: "
                  f"{md_text(_signed(record, name))}" for record, name in approvals.added]
    return lines


def text_approvals(approvals: ApprovalDiff | None) -> list[str]:
    if approvals is None or approvals.empty:
        return []
    lines = [""]
    for item in approvals.invalidated:
        for record, name in item.approvals:
            lines.append(f"invalidates the approval of {visible(item.procedure)} "
                         f"{visible(item.base_version)}: {visible(_signed(record, name))}")
    lines += [f"approval added: {visible(record.procedure)} {visible(record.version)}: "
              f"{visible(_signed(record, name))}" for record, name in approvals.added]
    return lines


def _json_record(record: Approval) -> dict[str, Any]:
    return {"procedure": record.procedure, "version": record.version, "digest": record.digest,
            "person": record.person, "role": record.role, "meaning": record.meaning,
            "date": record.date.isoformat()}


def json_approvals(approvals: ApprovalDiff | None) -> dict[str, Any] | None:
    if approvals is None:
        return None
    return {
        "invalidated": [{"procedure": item.procedure, "title": item.title,
                         "version": {"before": item.base_version, "after": item.head_version},
                         "approvals": [_json_record(record) for record, _ in item.approvals]}
                        for item in approvals.invalidated],
        "records_added": [_json_record(record) for record, _ in approvals.added],
    }
