"""The words of printouts, run sheets, PDFs and document control, in English and Chinese.

Merged into :mod:`sopkit.publish.labels` (templates read them from ``labels`` like every
other label); kept apart so that the page labels stay one screen of reading each.
"""

from __future__ import annotations

from collections.abc import Mapping

EN: Mapping[str, str] = {
    # printing a procedure page
    "document_control": "Document control",
    "print_notice": "Printed {date}: uncontrolled when printed. Check the handbook for the "
                    "current version.",
    "page_of": "Page {page} of {pages}",
    "footer_version": "{id} · version {version}",
    # run sheets
    "run_sheet": "Run sheet",
    "run_sheets": "Run sheets",
    "colon": ": ",
    "run_sheet_link": "a form to print and fill in each time this procedure is carried out",
    "run_sheet_intro": "Fill in one sheet each time the procedure is carried out. Tick each "
                       "step and checklist item as it is done; note anything that went "
                       "differently under deviations.",
    "run_sheet_of": "The procedure this sheet is for",
    "run_details": "Run details",
    "run_date": "Date",
    "run_time": "Time",
    "run_location": "Location",
    "run_operators": "Operators (names)",
    "run_reference": "Run or batch number",
    "done": "Done",
    "initials": "Initials",
    "time_done": "Time",
    "go_to_step": "go to step {n}",
    "recorded": "Record",
    "received": "Received",
    "deviations": "Deviations and notes",
    "deviations_intro": "What went differently from the procedure, why, and what was done "
                        "about it.",
    "sign_off": "Sign-off",
    "sign_off_owner": "Procedure owner",
    "sign_off_accountable": "Accountable",
    "name": "Name",
    "signature": "Signature",
    # approvals (format 1.2)
    "approvals": "Approvals",
    "approval_pending": "Approval pending",
    "approval_pending_notice": "This procedure is approved, but the approval of {roles} is not "
                               "on record for its current content.",
    "approval_changed": "Changed after approval",
    "approval_changed_notice": "Version {version} was approved by {name} ({role}) on {date}; "
                               "the content changed since, and needs approval again.",
    "meaning_approved": "approved",
    "meaning_reviewed": "reviewed",
    "meaning_authored": "authored",
    # PDFs (sopkit pdf)
    "pdf_contents": "Contents",
    "pdf_procedures": "Approved procedures",
    "pdf_role_directory": "Role directory",
    "pdf_cover_date": "As of {date}",
    # the versions in effect (procedure page)
    "versions_in_effect": "Versions in effect",
    "in_effect_from": "In effect from",
    "in_effect_until": "Until",
    "commit": "Commit",
    "not_replaced": "not replaced",
    "versions_from_git": "From git: each version as first committed with status approved and "
                         "an effective date, until the next one took effect or the procedure "
                         "was retired.",
    "versions_from_history": "From the revision history above (this build had no whole git "
                             "history to read): each version from the date of its entry, or "
                             "its effective date, until the next one; a version in draft or "
                             "review is not in effect.",
    "versions_none": "No version of this procedure has been in effect yet: none has been "
                     "approved with an effective date.",
}

ZH: Mapping[str, str] = {
    "document_control": "文件控制",
    "print_notice": "打印日期 {date}：打印件为非受控文件，请以手册中的现行版本为准。",
    "page_of": "第 {page} 页，共 {pages} 页",
    "footer_version": "{id} · 版本 {version}",
    "run_sheet": "执行记录表",
    "run_sheets": "执行记录表",
    "colon": "：",
    "run_sheet_link": "每次执行本流程时打印并填写的表格",
    "run_sheet_intro": "每次执行本流程时填写一张。每完成一个步骤或检查项即勾选；"
                       "与流程不一致之处记在“偏差与备注”中。",
    "run_sheet_of": "本表对应的流程",
    "run_details": "执行信息",
    "run_date": "日期",
    "run_time": "时间",
    "run_location": "地点",
    "run_operators": "执行人（姓名）",
    "run_reference": "执行或批次编号",
    "done": "完成",
    "initials": "签名",
    "time_done": "时间",
    "go_to_step": "转第 {n} 步",
    "recorded": "记录",
    "received": "已收到",
    "deviations": "偏差与备注",
    "deviations_intro": "与流程不一致之处、原因及处理方式。",
    "sign_off": "签核",
    "sign_off_owner": "流程负责人",
    "sign_off_accountable": "问责人",
    "name": "姓名",
    "signature": "签字",
    "approvals": "批准记录",
    "approval_pending": "待批准",
    "approval_pending_notice": "本流程状态为已批准，但当前内容尚无 {roles} 的批准记录。",
    "approval_changed": "批准后已修改",
    "approval_changed_notice": "版本 {version} 由 {name}（{role}）于 {date} 批准；"
                               "此后内容已修改，需重新批准。",
    "meaning_approved": "批准",
    "meaning_reviewed": "审核",
    "meaning_authored": "编写",
    "pdf_contents": "目录",
    "pdf_procedures": "已批准的流程",
    "pdf_role_directory": "角色目录",
    "pdf_cover_date": "截至 {date}",
    "versions_in_effect": "生效版本",
    "in_effect_from": "生效日期",
    "in_effect_until": "失效日期",
    "commit": "提交",
    "not_replaced": "尚未被替代",
    "versions_from_git": "来自 git：每个版本以首次以已批准状态和生效日期提交的那次提交为准，"
                         "直到下一个版本生效或流程废止。",
    "versions_from_history": "来自上方的修订历史（本次构建没有完整的 git 历史可读）：每个版本从"
                             "其条目日期或生效日期起，到下一个版本止；草稿或审核中的版本尚未生效。",
    "versions_none": "本流程尚无生效版本：尚未有版本以生效日期获得批准。",
}
