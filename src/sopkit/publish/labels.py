"""Every word the handbook pages print, in English and Chinese.

Templates receive ``labels``, a :class:`Labels` mapping for the site language. A key
that does not exist raises :class:`KeyError` (also through Jinja's ``labels.name`` and
``labels["name"]``), so a typo in a template fails loudly instead of printing nothing.
Labels with ``{name}`` placeholders are filled with ``str.format`` in the templates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sopkit.publish import labels_print
from sopkit.publish.training_labels import TRAINING_EN, TRAINING_ZH

EN: Mapping[str, str] = {
    # pages
    "handbook": "Procedure handbook",
    "home": "Home",
    "overview": "Overview",
    "other_procedures": "Other procedures",
    "roles_page": "Roles",
    "raci_page": "RACI matrix",
    "reviews_page": "Review calendar",
    "changes_page": "Recent changes",
    "tags_page": "Tags",
    "parts": "Pages",
    "part_of": "part {number} of {count}",
    "procedure": "Procedure",
    "procedures": "Procedures",
    "id": "ID",
    "title": "Title",
    "version": "Version",
    "status": "Status",
    "status_draft": "Draft",
    "status_review": "In review",
    "status_approved": "Approved",
    "status_retired": "Retired",
    "notice_draft": "This procedure is a draft and not yet in force.",
    "notice_review": "This procedure is in review and not yet in force.",
    "notice_retired": "This procedure is retired and no longer in force.",
    "department": "Department",
    "departments": "Departments",
    "owner": "Owner",
    "approvers": "Approvers",
    "effective_date": "Effective date",
    "last_reviewed": "Last reviewed",
    "review_interval": "Review interval",
    "every_n_months": "every {n} months",
    "next_review": "Next review",
    "overdue": "Overdue",
    "overdue_title": "Review overdue",
    "overdue_notice": "This procedure was due for review on {date}. Until it is reviewed, "
                      "check with its owner that it is still current.",
    "overdue_by": "overdue by {n} days",
    "due_today": "due today",
    "due_in": "due in {n} days",
    "not_scheduled": "not scheduled",
    "due": "Due",
    "tags": "Tags",
    # content sections
    "purpose": "Purpose",
    "objectives": "Objectives",
    "objective": "Objective",
    "target": "Target",
    "scope": "Scope",
    "includes": "Includes",
    "excludes": "Excludes",
    "definitions": "Definitions",
    "term": "Term",
    "definition": "Definition",
    "roles": "Roles",
    "role": "Role",
    "responsibilities": "Responsibilities",
    "authority": "Authority",
    "inputs": "Inputs",
    "input": "Input",
    "source": "Source",
    "outputs": "Outputs",
    "output": "Output",
    "recipient": "Recipient",
    "resources": "Resources",
    "resource": "Resource",
    "kind": "Kind",
    "kind_tool": "Tool",
    "kind_system": "System",
    "kind_document": "Document",
    "kind_material": "Material",
    "kind_other": "Other",
    "prerequisites": "Prerequisites",
    "flowchart": "Flowchart",
    "flowchart_file": "The flowchart as an SVG file",
    "flow_end": "End",
    "flow_too_large": "This flowchart has {steps:,} steps and {edges:,} arrows, too many to "
                      "draw legibly; see the steps below.",
    # steps
    "steps": "Steps",
    "step": "Step",
    "responsible": "Responsible",
    "accountable": "Accountable",
    "consulted": "Consulted",
    "informed": "Informed",
    "duration": "Duration",
    "deadline": "Deadline",
    "checklist": "Checklist",
    "substeps": "Substeps",
    "caution": "Caution",
    "next_step": "Next",
    "flow_ends": "The procedure ends here.",
    "usual_path": "Usual path",
    "total_duration": "Total duration",
    "no_duration": "Steps without a duration",
    "path_loops": "The usual path comes back to an earlier step; it is shown up to there.",
    "unit_w": "w",
    "unit_d": "d",
    "unit_h": "h",
    "unit_m": "min",
    # RACI
    "raci": "RACI",
    "raci_legend": "R = responsible (does the work), A = accountable (answers for the result; "
                   "a procedure's owner is accountable for it), C = consulted, I = informed.",
    "raci_intro": "Who does what in each procedure, department by department: one row per "
                  "procedure, one column per role that takes part.",
    # monitoring and control
    "metrics": "Metrics",
    "metric": "Metric",
    "frequency": "Frequency",
    "freq_once": "Once",
    "freq_daily": "Daily",
    "freq_weekly": "Weekly",
    "freq_monthly": "Monthly",
    "freq_quarterly": "Quarterly",
    "freq_yearly": "Yearly",
    "freq_per-run": "Every run",
    "risks": "Risks",
    "risk": "Risk",
    "likelihood_impact": "Likelihood × impact",
    "level": "Level",
    "mitigation": "Mitigation",
    "level_low": "Low",
    "level_medium": "Medium",
    "level_high": "High",
    "training": "Training",
    "topic": "Topic",
    "audience": "Audience",
    "method": "Method",
    "records": "Records",
    "record": "Record",
    "retention": "Retention",
    "location": "Location",
    "related": "Related procedures",
    "not_in_handbook": "not in this handbook",
    "references": "References",
    "history": "Revision history",
    "date": "Date",
    "author": "Author",
    "change": "Change",
    # handbook pages
    "home_intro": "Standard operating procedures: who does what, in which order, and how "
                  "we check it.",
    "by_department": "Procedures by department",
    "total": "Total",
    "reviews_due": "Reviews due",
    "reviews_due_intro": "Overdue, or due within {days} days of {today}.",
    "no_reviews_due": "No review is due within {days} days of {today}.",
    "more_pages": "More",
    "no_procedures": "No procedures yet.",
    "department_roles": "Roles in this department",
    "roles_intro": "Every role of the handbook. A role's page says what it does: its "
                   "responsibilities and authority, the procedures it owns or approves, and "
                   "every step it takes part in.",
    "people": "People",
    "owns": "Owns",
    "approves": "Approves",
    "role_steps": "Steps",
    "reviews_intro": "The next review of every procedure as of {today}: overdue first, then "
                     "the soonest.",
    "changes_intro": "The newest entries of the procedures' revision histories.",
    "no_changes": "No changes yet.",
    "tags_intro": "Procedures by tag.",
    "no_tags": "No procedure has tags yet.",
    "none": "—",
    "list_separator": ", ",
    "field": "**{label}:** ",
    "parens": " ({text})",
    **labels_print.EN,  # printouts, run sheets, document control
}

ZH: Mapping[str, str] = {
    "handbook": "流程手册",
    "home": "首页",
    "overview": "概览",
    "other_procedures": "其他流程",
    "roles_page": "角色",
    "raci_page": "RACI 矩阵",
    "reviews_page": "评审日历",
    "changes_page": "最近变更",
    "tags_page": "标签",
    "parts": "分页",
    "part_of": "第 {number} 页，共 {count} 页",
    "procedure": "流程",
    "procedures": "流程",
    "id": "编号",
    "title": "标题",
    "version": "版本",
    "status": "状态",
    "status_draft": "草稿",
    "status_review": "评审中",
    "status_approved": "已批准",
    "status_retired": "已废止",
    "notice_draft": "本流程为草稿，尚未生效。",
    "notice_review": "本流程正在评审，尚未生效。",
    "notice_retired": "本流程已废止，不再执行。",
    "department": "部门",
    "departments": "部门",
    "owner": "负责人",
    "approvers": "审批人",
    "effective_date": "生效日期",
    "last_reviewed": "上次评审",
    "review_interval": "评审周期",
    "every_n_months": "每 {n} 个月",
    "next_review": "下次评审",
    "overdue": "已逾期",
    "overdue_title": "评审已逾期",
    "overdue_notice": "本流程应于 {date} 评审，目前已逾期。"
                      "评审完成前，请向负责人确认其内容仍然有效。",
    "overdue_by": "已逾期 {n} 天",
    "due_today": "今天到期",
    "due_in": "{n} 天后到期",
    "not_scheduled": "未安排",
    "due": "到期情况",
    "tags": "标签",
    "purpose": "目的",
    "objectives": "目标",
    "objective": "目标",
    "target": "目标值",
    "scope": "范围",
    "includes": "包括",
    "excludes": "不包括",
    "definitions": "术语定义",
    "term": "术语",
    "definition": "定义",
    "roles": "角色",
    "role": "角色",
    "responsibilities": "职责",
    "authority": "权限",
    "inputs": "输入",
    "input": "输入",
    "source": "来源",
    "outputs": "输出",
    "output": "输出",
    "recipient": "接收方",
    "resources": "资源",
    "resource": "资源",
    "kind": "类型",
    "kind_tool": "工具",
    "kind_system": "系统",
    "kind_document": "文档",
    "kind_material": "物料",
    "kind_other": "其他",
    "prerequisites": "前提条件",
    "flowchart": "流程图",
    "flowchart_file": "流程图（SVG 文件）",
    "flow_end": "结束",
    "flow_too_large": "此流程图有 {steps:,} 个步骤、{edges:,} 条连线，太多，无法清楚画出；"
                      "请看下面的步骤。",
    "steps": "步骤",
    "step": "步骤",
    "responsible": "执行",
    "accountable": "问责",
    "consulted": "咨询",
    "informed": "知会",
    "duration": "用时",
    "deadline": "时限",
    "checklist": "检查清单",
    "substeps": "子步骤",
    "caution": "注意",
    "next_step": "下一步",
    "flow_ends": "流程到此结束。",
    "usual_path": "常规路径",
    "total_duration": "总用时",
    "no_duration": "未写用时的步骤",
    "path_loops": "常规路径会回到之前的步骤，只显示到此为止。",
    "unit_w": "周",
    "unit_d": "天",
    "unit_h": "小时",
    "unit_m": "分钟",
    "raci": "RACI",
    "raci_legend": "R = 执行（完成工作），A = 问责（对结果负责；流程负责人对整个流程问责），"
                   "C = 咨询，I = 知会。",
    "raci_intro": "各部门的流程中谁做什么：每行一个流程，每列一个参与的角色。",
    "metrics": "指标",
    "metric": "指标",
    "frequency": "频率",
    "freq_once": "一次",
    "freq_daily": "每日",
    "freq_weekly": "每周",
    "freq_monthly": "每月",
    "freq_quarterly": "每季度",
    "freq_yearly": "每年",
    "freq_per-run": "每次执行",
    "risks": "风险",
    "risk": "风险",
    "likelihood_impact": "可能性 × 影响",
    "level": "等级",
    "mitigation": "应对措施",
    "level_low": "低",
    "level_medium": "中",
    "level_high": "高",
    "training": "培训",
    "topic": "主题",
    "audience": "对象",
    "method": "方式",
    "records": "记录",
    "record": "记录",
    "retention": "保存期限",
    "location": "保存位置",
    "related": "相关流程",
    "not_in_handbook": "不在本手册中",
    "references": "参考资料",
    "history": "修订历史",
    "date": "日期",
    "author": "作者",
    "change": "变更内容",
    "home_intro": "标准操作流程：谁做什么、按什么顺序做、如何检查。",
    "by_department": "各部门流程",
    "total": "合计",
    "reviews_due": "待评审",
    "reviews_due_intro": "截至 {today}，已逾期或将在 {days} 天内到期的评审。",
    "no_reviews_due": "截至 {today}，{days} 天内没有到期的评审。",
    "more_pages": "更多",
    "no_procedures": "暂无流程。",
    "department_roles": "本部门角色",
    "roles_intro": "手册中的每个角色。角色页面说明其工作：职责与权限、负责或审批的流程，"
                   "以及参与的每个步骤。",
    "people": "人员",
    "owns": "负责的流程",
    "approves": "审批的流程",
    "role_steps": "参与的步骤",
    "reviews_intro": "截至 {today} 各流程的下次评审：已逾期的在前，其余按日期先后排列。",
    "changes_intro": "各流程修订历史中最新的条目。",
    "no_changes": "暂无变更。",
    "tags_intro": "按标签查看流程。",
    "no_tags": "还没有流程设置标签。",
    "none": "—",
    "list_separator": "、",
    "field": "**{label}**：",
    "parens": "（{text}）",
    **labels_print.ZH,
}

LANGUAGES: Mapping[str, Mapping[str, str]] = {"en": {**EN, **TRAINING_EN},
                                              "zh": {**ZH, **TRAINING_ZH}}


class Labels(Mapping[str, str]):
    """The labels of one language; a missing key is a :class:`KeyError`, never blank."""

    __slots__ = ("_labels", "language")

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise KeyError(f"no labels for language {language!r}: use one of "
                           f"{', '.join(LANGUAGES)}")
        self.language = language
        self._labels = LANGUAGES[language]

    def __getitem__(self, key: str) -> str:
        try:
            return self._labels[key]
        except KeyError:
            raise KeyError(f"no label {key!r} in language {self.language!r}") from None

    def __getattr__(self, name: str) -> str:
        # Jinja reads `labels.name` through getattr first; a missing label must fail loudly
        # there too (Jinja would turn an AttributeError into an undefined value).
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def labels_for(language: str) -> Labels:
    """The labels of ``language`` (``en`` or ``zh``)."""
    return Labels(language)
