"""Generate a realistic sopkit handbook of any size, for benchmarks.

    python benchmarks/generate.py N OUT_DIR [--seed 1] [--invalid 0.0] [--today 2026-06-01]
                                            [--approvals 0]

writes OUT_DIR/mkdocs.yml, OUT_DIR/organization.yml and N procedures under
OUT_DIR/procedures/<department>/, like the demo handbook's: about half in
Chinese and half in English, 10 to 25 steps with decisions and loops, every
section filled, 8-16 KB each (about 12 KB on average). The same N and seed
always give the same bytes. The handbook validates clean (no errors, no
warnings) on the date given by --today, which is written into mkdocs.yml;
--invalid F makes a fraction F of the procedures break the schema or a rule
(a misspelt key, an unknown role, a bad date), to measure the detailed path.

--approvals M also writes M approval records (format 1.2) under OUT_DIR/approvals/, one file
per signer: first a current approval of every approved procedure by a holder of each of its
approver roles (a signer is added to the people for each approver role nobody holds, coo
among them), then reviews of those procedures by the same signers, up to M.

Only the standard library is used, so the generator runs under any Python; only
--approvals imports sopkit, for the content digests.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEPARTMENTS = [
    ("management", "MGT", "总经办 / General Management"),
    ("hr", "HR", "人力资源部 / Human Resources"),
    ("finance", "FIN", "财务部 / Finance"),
    ("it", "IT", "信息技术部 / IT"),
    ("customer-service", "CS", "客户服务部 / Customer Service"),
    ("ecommerce", "EC", "电商运营部 / E-commerce Operations"),
    ("marketing", "MKT", "市场部 / Marketing"),
    ("procurement", "PUR", "采购部 / Procurement"),
    ("quality", "QA", "质量管理部 / Quality"),
    ("warehouse", "WH", "仓储物流部 / Warehousing & Logistics"),
    ("legal", "LEG", "法务合规部 / Legal & Compliance"),
]

# Role id suffixes and titles; each department gets all of them ("hr-manager", ...).
ROLE_KINDS = [
    ("manager", "Manager", "经理"),
    ("lead", "Team Lead", "主管"),
    ("specialist", "Specialist", "专员"),
    ("analyst", "Analyst", "分析师"),
    ("clerk", "Clerk", "文员"),
    ("coordinator", "Coordinator", "协调员"),
]
SHARED_ROLES = [("ceo", "Chief Executive Officer", "总经理"),
                ("coo", "Chief Operating Officer", "首席运营官"),
                ("line-manager", "Line Manager", "直属经理")]

EN: dict[str, Any] = {
    "verbs": ["Prepare", "Check", "Review", "Approve", "Record", "Send", "Collect", "Confirm",
              "Update", "Archive", "Reconcile", "Inspect", "Schedule", "Escalate", "Publish",
              "Register", "Verify", "Sign off", "Notify", "Close"],
    "objects": ["the request", "the supplier documents", "the purchase order", "the invoice",
                "the campaign brief", "the incident ticket", "the goods receipt",
                "the access list", "the contract draft", "the stock count", "the refund",
                "the training plan", "the quality report", "the payment run",
                "the customer reply", "the risk register", "the shipment", "the price list",
                "the audit evidence", "the monthly report"],
    "nouns": ["request", "record", "report", "checklist", "approval", "ticket", "plan",
              "summary", "log", "form", "statement", "notice", "draft", "list", "memo"],
    "topics": ["supplier onboarding", "month-end close", "incident response",
               "goods receipt", "campaign operations", "complaint handling",
               "access review", "contract review", "stock take", "refund approval",
               "price change", "quality inspection", "content publishing", "payroll run",
               "asset disposal", "travel expenses", "data export", "vendor payment"],
    "sentences": [
        "Work from the latest template in the document library and keep the ticket updated.",
        "Write down who was involved, what was decided and when, so that an auditor can "
        "follow the trail a year later.",
        "If anything is unclear, ask the accountable role before going on; do not guess.",
        "Attach the evidence to the ticket and link it from the record.",
        "Use the shared mailbox, never a personal one, so that colleagues can take over.",
        "Keep customer data inside the approved systems; do not copy it to chat tools.",
        "Compare the figures with last month's and explain any change above 10%.",
        "Book the time spent on the cost centre of the requesting department.",
        "Agree the due date with the requester and put it in the shared calendar.",
        "When the system is down, use the paper form and enter it within one working day.",
    ],
    "questions": ["Is everything complete?", "Is the result within tolerance?",
                  "Did the approver agree?", "Is the customer satisfied?",
                  "Are all documents valid?", "Is a second review needed?"],
    "yes": "Yes", "no": "No",
    "units": ["every order", "each request", "all suppliers", "every ticket", "each month"],
}

ZH: dict[str, Any] = {
    "verbs": ["准备", "检查", "审核", "批准", "登记", "发送", "收集", "确认", "更新", "归档",
              "核对", "检验", "安排", "升级", "发布", "注册", "验证", "签字确认", "通知", "关闭"],
    "objects": ["申请单", "供应商资料", "采购订单", "发票", "活动方案", "事件工单", "收货单",
                "权限清单", "合同草案", "盘点表", "退款申请", "培训计划", "质量报告",
                "付款批次", "客户答复", "风险登记表", "发货单", "价格表", "审计证据", "月度报告"],
    "nouns": ["申请", "记录", "报告", "清单", "审批单", "工单", "计划", "总结", "日志", "表单",
              "对账单", "通知", "草稿", "名单", "备忘录"],
    "topics": ["供应商准入", "月末结账", "事件响应", "到货验收", "活动运营", "客户投诉处理",
               "权限复核", "合同审查", "库存盘点", "退款审批", "价格调整", "质量检验",
               "内容发布审核", "工资发放", "资产报废", "差旅报销", "数据导出", "供应商付款"],
    "sentences": [
        "使用文档库中的最新模板，并及时更新工单状态。",
        "记录参与人员、决定内容和时间，确保一年后审计人员仍能追溯。",
        "如有不清楚的地方，先向负责角色确认，不要自行猜测。",
        "将证据附在工单上，并在记录中添加链接。",
        "使用部门共享邮箱而非个人邮箱，便于同事接手。",
        "客户数据只能保存在批准的系统中，不得复制到聊天工具。",
        "与上月数据比较，变化超过 10% 时须说明原因。",
        "所用工时记入申请部门的成本中心。",
        "与申请人约定完成日期，并写入共享日历。",
        "系统故障时使用纸质表单，并在一个工作日内补录。",
    ],
    "questions": ["资料是否齐全？", "结果是否在允许范围内？", "审批人是否同意？",
                  "客户是否满意？", "所有文件是否有效？", "是否需要二次审核？"],
    "yes": "是", "no": "否",
    "units": ["每一笔订单", "每一份申请", "所有供应商", "每一张工单", "每个月"],
}

SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu",
            "Tan", "Lim", "Ng", "Ong", "Goh"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Hui", "Daniel", "Grace",
         "Kevin", "Mei", "Jun", "Ling", "Hao"]
ZH_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄慧", "周敏", "吴军"]


@dataclass
class Plan:
    """One procedure before it is written out."""

    number: int
    department: str
    prefix: str
    pid: str
    status: str
    related: list[str] = field(default_factory=list)
    version: str = ""
    history: list[tuple[str, str]] = field(default_factory=list)
    """(version, date) of each history entry, newest first."""
    trained_roles: set[str] = field(default_factory=set)
    """The roles that perform a step or are in a training audience."""


def quote(text: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted."""
    risky = (":", "#", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "'", '"', "%", "@",
             "`", "?", "-")
    if (not text or text[0] in risky or text[-1] == " " or ": " in text or " #" in text
            or text.lower() in ("yes", "no", "true", "false", "null", "on", "off", "~")
            or text.replace(".", "", 1).isdigit()):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def flow(items: list[str]) -> str:
    return "[" + ", ".join(quote(item) if "," not in item else f'"{item}"' for item in items) + "]"


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)

    def block(self, indent: int, key: str, paragraphs: list[str]) -> None:
        self.add(indent, f"{key}: |")
        for number, paragraph in enumerate(paragraphs):
            if number:
                self.lines.append("")
            for line in paragraph.split("\n"):
                self.lines.append(" " * (indent + 2) + line if line else "")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def role_ids(department: str) -> list[str]:
    return [f"{department}-{kind}" for kind, _, _ in ROLE_KINDS]


def write_organization(rng: random.Random) -> str:
    w = Writer()
    w.add(0, "# yaml-language-server: $schema=schemas/organization.schema.json")
    w.add(0, "# Generated by benchmarks/generate.py: a company with eleven departments.")
    w.add(0, "")
    w.add(0, "departments:")
    for dept, _, name in DEPARTMENTS:
        w.add(2, f"- id: {dept}")
        w.add(4, f"name: {quote(name)}")
    w.add(0, "")
    w.add(0, "roles:")
    for role_id, title, zh in SHARED_ROLES:
        w.add(2, f"- id: {role_id}")
        w.add(4, f"title: {quote(f'{zh} / {title}')}")
        w.add(4, "department: management")
        w.add(4, "responsibilities:")
        w.add(6, "- Owns the results of the procedures assigned to this role")
        w.add(4, "authority:")
        w.add(6, "- Approves procedures and their changes")
    for dept, _, name in DEPARTMENTS:
        english = name.split(" / ")[1]
        chinese = name.split(" / ")[0].removesuffix("部")
        for kind, title, zh in ROLE_KINDS:
            w.add(2, f"- id: {dept}-{kind}")
            w.add(4, f"title: {quote(f'{chinese}{zh} / {english} {title}')}")
            w.add(4, f"department: {dept}")
            w.add(4, "responsibilities:")
            w.add(6, f"- {rng.choice(EN['verbs'])}s {rng.choice(EN['objects'])} for the "
                     f"{english} department")
            w.add(6, f"- {rng.choice(ZH['verbs'])}{rng.choice(ZH['objects'])}")
    return w.text()


def words(rng: random.Random, lang: dict[str, Any], count: int) -> str:
    sentences = lang["sentences"]
    assert isinstance(sentences, list)
    picked = rng.sample(sentences, k=min(count, len(sentences)))
    return (" " if lang is EN else "").join(picked)


def write_procedure(rng: random.Random, plan: Plan, today: tuple[int, int, int]) -> str:
    lang = rng.choice([EN, ZH])
    zh = lang is ZH

    def pick(key: str) -> str:
        value = lang[key]
        assert isinstance(value, list)
        return str(rng.choice(value))

    def act() -> str:
        return pick("verbs") + ("" if zh else " ") + pick("objects")

    dept = plan.department
    roles = role_ids(dept)
    local_role = f"{dept}-{rng.choice(['auditor', 'buddy', 'reviewer', 'operator'])}"
    topic = pick("topics")
    title = f"{topic}（{plan.pid}）" if zh else f"{topic.capitalize()} ({plan.pid})"
    major = rng.randint(1, 4)
    minor = rng.randint(0, 9)
    version = f"{major}.{minor}.0"
    plan.version = version
    year, month, day = today
    reviewed = (year - (1 if month <= 3 else 0), ((month - 4) % 12) + 1, min(day, 28))
    reviewed_text = f"{reviewed[0]:04d}-{reviewed[1]:02d}-{reviewed[2]:02d}"

    w = Writer()
    w.add(0, "# yaml-language-server: $schema=../../schemas/procedure.schema.json")
    w.add(0, f"id: {plan.pid}")
    w.add(0, f"title: {quote(title)}")
    w.add(0, f"summary: {quote(words(rng, lang, 1))}")
    w.add(0, f"version: {version}")
    w.add(0, f"status: {plan.status}")
    w.add(0, f"department: {dept}")
    w.add(0, f"owner: {roles[0]}")
    w.add(0, f"approvers: [coo, {roles[0]}]")
    w.add(0, f"effective_date: {reviewed_text}")
    w.add(0, "review:")
    w.add(2, f"interval_months: {rng.choice([6, 12, 12, 24])}")
    w.add(2, f"last_reviewed: {reviewed_text}")
    nouns = lang["nouns"]
    assert isinstance(nouns, list)
    w.add(0, f"tags: {flow(rng.sample(nouns, k=3))}")
    w.add(0, "")
    w.block(0, "purpose", [
        words(rng, lang, 3),
        ("本程序确保：\n\n" if zh else "The procedure makes sure that:\n\n")
        + "\n".join(f"{n}. {act()}{'；' if zh else ';'}"
                    for n in range(1, rng.randint(3, 5))),
    ])
    w.add(0, "objectives:")
    for _ in range(rng.randint(2, 4)):
        w.add(2, f"- description: {quote(('按时' + act()) if zh else (act() + ' on time'))}")
        share = rng.randint(80, 100)
        w.add(4, f"target: \"{pick('units')}的 {share}%\"" if zh
              else f"target: \"{share}% of {pick('units')}\"")
    w.add(0, "scope:")
    w.add(2, "includes:")
    for _ in range(rng.randint(2, 3)):
        item = (f"{dept} 部门处理的{pick('objects')}" if zh
                else f"{pick('objects').capitalize()} handled by {dept}")
        w.add(4, f"- {quote(item)}")
    w.add(2, "excludes:")
    w.add(4, f"- {quote(words(rng, lang, 1))}")
    w.add(0, "definitions:")
    for _ in range(rng.randint(2, 4)):
        w.add(2, f"- term: {quote(pick('nouns').capitalize())}")
        w.add(4, f"definition: {quote(words(rng, lang, 1))}")
    w.add(0, "")
    w.add(0, "roles:")
    for role in roles:
        w.add(2, f"- id: {role}")
        w.add(4, "responsibilities:")
        for _ in range(rng.randint(1, 2)):
            w.add(6, f"- {quote(act())}")
        if rng.random() < 0.5:
            w.add(4, "authority:")
            w.add(6, f"- {quote(act())}")
    w.add(2, f"- id: {local_role}")
    w.add(4, f"title: {'审核员' if zh else 'Reviewer'}")
    w.add(4, f"responsibilities: [{quote(act())}]")
    w.add(2, "- id: coo")
    w.add(0, "")

    first_input = f"{plan.prefix.lower()}-request"
    w.add(0, "inputs:")
    w.add(2, f"- id: {first_input}")
    w.add(4, f"name: {quote(pick('objects').capitalize())}")
    w.add(4, f"source: {quote(pick('objects').capitalize())}")
    final_outputs = [f"{plan.prefix.lower()}-record", f"{plan.prefix.lower()}-report"]
    w.add(0, "outputs:")
    for output in final_outputs:
        w.add(2, f"- id: {output}")
        w.add(4, f"name: {quote(pick('nouns').capitalize() + ' ' + pick('nouns'))}")
        w.add(4, f"recipient: {quote(rng.choice(DEPARTMENTS)[2].split(' / ')[int(not zh)])}")
    w.add(0, "resources:")
    for kind in ("system", "document", "tool"):
        w.add(2, f"- name: {quote(pick('nouns').capitalize() + ' ' + kind)}")
        w.add(4, f"kind: {kind}")
        w.add(4, f"link: https://{dept}.example.com/{kind}/{plan.number}")
    w.add(0, f"prerequisites: {flow([pick('objects') + ' ready' for _ in range(2)])}")
    w.add(0, "")

    # The flow: plain steps in a chain, a decision every few steps that loops back
    # to the step before it, and sometimes a side exit that ends the flow early.
    count = rng.randint(10, 25)
    kinds: list[str] = []
    while len(kinds) < count - 1:
        choice = rng.random()
        if len(kinds) >= 2 and kinds[-1] == "plain" and choice < 0.22:
            kinds.append("decision")
        elif len(kinds) >= 2 and kinds[-1] == "plain" and choice < 0.30 and len(kinds) < count - 3:
            kinds.extend(["exit-decision", "exit"])
        else:
            kinds.append("plain")
    kinds.append("last")
    ids = [f"step-{n + 1}" for n in range(len(kinds))]
    w.add(0, "steps:")
    last_output = first_input
    last_plain = 0
    for index, kind in enumerate(kinds):
        step_id = ids[index]
        w.add(2, f"- id: {step_id}")
        verb, obj = pick("verbs"), pick("objects")
        w.add(4, f"title: {quote(verb + obj if zh else f'{verb} {obj}')}")
        role = rng.choice([*roles, local_role])
        plan.trained_roles.add(role)
        w.add(4, f"role: {role}")
        if kind in ("decision", "exit-decision"):
            w.add(4, "decision:")
            w.add(6, f"question: {quote(pick('questions'))}")
            w.add(6, "branches:")
            if kind == "decision":
                targets = [(ids[index + 1], lang["yes"]), (ids[last_plain], lang["no"])]
            else:
                targets = [(ids[index + 2], lang["yes"]), (ids[index + 1], lang["no"])]
            for target, label in targets:
                w.add(8, f"- when: {quote(str(label))}")
                w.add(10, f"next: {target}")
            continue
        if rng.random() < 0.5:
            w.add(4, f"accountable: {roles[0]}")
        if rng.random() < 0.4:
            w.add(4, f"consulted: [{rng.choice(roles)}]")
        if rng.random() < 0.4:
            w.add(4, f"informed: [coo, {rng.choice(roles)}]")
        if rng.random() < 0.5:
            w.block(4, "description", [words(rng, lang, 2)])
        else:
            w.add(4, f"description: {quote(words(rng, lang, 1))}")
        w.add(4, f"inputs: [{last_output}]")
        if kind == "exit":
            w.add(4, f"duration: {rng.randint(1, 4) * 15}m")
            w.add(4, "end: true")
            continue
        if kind == "last":
            outputs = final_outputs
        else:
            outputs = [f"{step_id}-{pick('nouns') if not zh else 'result'}"]
        w.add(4, f"outputs: [{', '.join(outputs)}]")
        w.add(4, f"duration: {rng.choice(['30m', '1h', '2h', '1.5d', '1d', '1w'])}")
        if rng.random() < 0.4:
            w.add(4, f"deadline: {quote(words(rng, lang, 1)[:40].strip())}")
        if rng.random() < 0.5:
            w.add(4, "checklist:")
            for _ in range(rng.randint(2, 4)):
                w.add(6, f"- {quote(act())}")
        elif rng.random() < 0.5:
            w.add(4, f"substeps: {flow([pick('verbs') + ' ' + pick('nouns') for _ in range(3)])}")
        if rng.random() < 0.25:
            w.add(4, f"caution: {quote(words(rng, lang, 1))}")
        last_output = outputs[0]
        last_plain = index
    w.add(0, "")

    w.add(0, "metrics:")
    for _ in range(rng.randint(2, 3)):
        w.add(2, f"- name: {quote(pick('nouns').capitalize() + ' lead time')}")
        w.add(4, f"definition: {quote(words(rng, lang, 1))}")
        w.add(4, f"target: \"<= {rng.randint(1, 10)} days\"")
        w.add(4, f"frequency: {rng.choice(['weekly', 'monthly', 'quarterly'])}")
        w.add(4, f"owner: {roles[0]}")
    w.add(0, "risks:")
    for _ in range(rng.randint(2, 3)):
        w.add(2, f"- description: {quote(words(rng, lang, 1))}")
        w.add(4, f"likelihood: {rng.choice(['low', 'medium', 'high'])}")
        w.add(4, f"impact: {rng.choice(['low', 'medium', 'high'])}")
        w.add(4, f"mitigation: {quote(words(rng, lang, 1))}")
        w.add(4, f"owner: {rng.choice(roles)}")
    w.add(0, "training:")
    for _ in range(2):
        audience = rng.sample(roles, k=2)
        plan.trained_roles.update(audience)
        w.add(2, f"- audience: [{', '.join(audience)}]")
        w.add(4, f"topic: {quote(pick('topics'))}")
        w.add(4, f"method: {rng.choice(['e-learning', 'workshop', 'hands-on exercise'])}")
        w.add(4, f"frequency: {rng.choice(['yearly', 'once', 'quarterly'])}")
    w.add(0, "records:")
    for _ in range(2):
        w.add(2, f"- name: {quote(pick('nouns').capitalize() + ' archive')}")
        w.add(4, f"retention: {rng.randint(1, 10)} years")
        w.add(4, f"location: {quote(pick('nouns').capitalize() + ' system')}")
    if plan.related:
        w.add(0, f"related: [{', '.join(plan.related)}]")
    w.add(0, "references:")
    for _ in range(2):
        w.add(2, f"- title: {quote(pick('topics').capitalize() + ' guideline')}")
        w.add(4, f"url: https://intranet.example.com/{dept}/{rng.randint(100, 999)}")
    w.add(0, "history:")
    versions = [version]
    m, n = major, minor
    while len(versions) < rng.randint(2, 4) and (m, n) != (1, 0):
        if n > 0:
            n -= 1
        else:
            m, n = m - 1, 0
        versions.append(f"{m}.{n}.0")
    hy, hm, hd = reviewed
    for entry, item in enumerate(versions):
        hm -= 0 if entry == 0 else rng.randint(1, 5)
        while hm < 1:
            hm += 12
            hy -= 1
        author = rng.choice(ZH_NAMES) if zh else f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"
        w.add(2, f"- version: {item}")
        w.add(4, f"date: {hy:04d}-{hm:02d}-{min(hd, 28):02d}")
        plan.history.append((item, f"{hy:04d}-{hm:02d}-{min(hd, 28):02d}"))
        w.add(4, f"author: {author}")
        w.add(4, f"summary: {quote(words(rng, lang, 1))}")
    return w.text()


# -- people and training records (format 1.1) -----------------------------------------------------

PEOPLE_PER_PROCEDURE = 300 / 2000
RECORDS_PER_PROCEDURE = 20_000 / 2000


def plan_people(rng: random.Random, plans: list[Plan], count: int,
                budget: int) -> list[tuple[str, str, str]]:
    """``count`` people as (id, name, role). Some hold a department role, and so must be
    trained on the approved procedures of their department; the rest are line managers,
    who perform no step. As many perform as three quarters of the record ``budget`` can
    train, so that the handbook validates clean."""
    approved = [plan for plan in plans if plan.status == "approved"]
    need = max(1.0, len(approved) / len(DEPARTMENTS))
    performing = min(count, max(1, int(0.75 * budget / need)))
    people = []
    for number in range(count):
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        person = f"{given.lower()}-{surname.lower()}-{number}"
        if number < performing:
            dept = DEPARTMENTS[number % len(DEPARTMENTS)][0]
            role = rng.choice(role_ids(dept))
        else:
            role = "line-manager"
        name = rng.choice(ZH_NAMES) if number % 2 else f"{given} {surname}"
        people.append((person, name, role))
    return people


def write_people(people: list[tuple[str, str, str]]) -> str:
    w = Writer()
    w.add(0, "")
    w.add(0, "people:")
    for person, name, role in people:
        w.add(2, f"- id: {person}")
        w.add(4, f"name: {quote(name)}")
        w.add(4, f"github: {person.replace('-', '')}")
        w.add(4, f"roles: [{role}]")
    return w.text()


def _day(text: str) -> date:
    return date.fromisoformat(text)


def plan_records(rng: random.Random, plans: list[Plan], people: list[tuple[str, str, str]],
                 budget: int, today: str) -> list[dict[str, str]]:
    """``budget`` valid records: first a current one (the procedure's version, in the last
    80 days) for every person who must be trained, as far as the budget goes; then
    earlier versions and failed attempts of the same pairs, as a real history has."""
    end = _day(today)
    pairs = [(person, plan) for plan in plans if plan.status == "approved"
             for person, _, role in people if role in plan.trained_roles]
    records: list[dict[str, str]] = []
    seen: set[tuple[str, str, str, str]] = set()

    def add(person: str, plan: Plan, version: str, day: date, failed: bool = False) -> None:
        key = (person, plan.pid, version, day.isoformat())
        if len(records) < budget and key not in seen and day <= end:
            seen.add(key)
            record = {"person": person, "procedure": plan.pid, "version": version,
                      "date": day.isoformat()}
            if failed:
                record["result"] = "failed"
            records.append(record)

    for person, plan in pairs:
        add(person, plan, plan.version, end - timedelta(days=rng.randint(1, 80)))
    if not pairs:
        return records
    for _ in range(budget * 3):
        if len(records) >= budget:
            break
        person, plan = rng.choice(pairs)
        version, when = rng.choice(plan.history)
        failed = version == plan.version
        add(person, plan, version, _day(when) + timedelta(days=rng.randint(0, 20)), failed)
    return records


def write_training(records: list[dict[str, str]], plans: list[Plan]) -> dict[str, str]:
    """The records as files ``training/YEAR/DEPARTMENT.yml``, by the date and the
    procedure's department, in date order."""
    department = {plan.pid: plan.department for plan in plans}
    files: dict[str, list[dict[str, str]]] = {}
    for record in sorted(records, key=lambda r: (r["date"], r["procedure"], r["person"])):
        name = f"{record['date'][:4]}/{department[record['procedure']]}.yml"
        files.setdefault(name, []).append(record)
    texts = {}
    methods = ["classroom", "e-learning", "on the job", "workshop"]
    for name, items in sorted(files.items()):
        w = Writer()
        w.add(0, "# yaml-language-server: $schema=../../schemas/training.schema.json")
        w.add(0, "records:")
        for number, record in enumerate(items):
            w.add(2, f"- person: {record['person']}")
            w.add(4, f"procedure: {record['procedure']}")
            w.add(4, f"version: {record['version']}")
            w.add(4, f"date: {record['date']}")
            if "result" in record:
                w.add(4, f"result: {record['result']}")
            w.add(4, f"method: {methods[number % len(methods)]}")
        texts[name] = w.text()
    return texts


MKDOCS_YML = """\
# Generated by benchmarks/generate.py, like the demo handbook's mkdocs.yml.
site_name: Generated handbook
docs_dir: docs
site_dir: site
theme:
  name: material
  language: en
  font: false
  features: [navigation.prune, navigation.indexes, search.suggest]
plugins:
  - search:
      separator: '[\\s\\u200b\\u3000\\-、。，．？！；]+'
  - tags
  - sopkit:
      procedures: procedures
      organization: organization.yml
      today: {today}
markdown_extensions:
  - attr_list
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
  - tables
  - toc:
      permalink: true
"""

BREAKAGES = [
    ("purpose: |", "purpse: |"),            # a misspelt key: schema
    ("status: approved", "status: aproved"),  # an enum typo: schema
    ("interval_months: 12", "interval_months: 0"),
    ("owner: ", "owner: nobody-"),           # an unknown role: rule
]


def generate(count: int, out: Path, seed: int = 1, invalid: float = 0.0,
             today: str = "2026-06-01", approvals: int = 0, *,
             people_per_100: float | None = None,
             records_per_100: float | None = None) -> list[Path]:
    """Write the handbook (see the module's docstring); the procedures written. People and
    training records per 100 procedures: by default 15 and 1,000 (the issue's 300 people and
    20,000 records at 2,000 procedures); ``approvals``: how many approval records."""
    people_share = (PEOPLE_PER_PROCEDURE if people_per_100 is None else people_per_100 / 100)
    records_share = (RECORDS_PER_PROCEDURE if records_per_100 is None
                     else records_per_100 / 100)
    rng = random.Random(seed)
    year, month, day = (int(part) for part in today.split("-"))
    out.mkdir(parents=True, exist_ok=True)
    # The schemas the files' first-line comments name, as `sopkit init` writes them
    # (validate warns about a comment that points at no file).
    (out / "schemas").mkdir(exist_ok=True)
    for schema in sorted((Path(__file__).resolve().parent.parent / "schemas").glob("*.json")):
        (out / "schemas" / schema.name).write_bytes(schema.read_bytes())
    (out / "mkdocs.yml").write_text(MKDOCS_YML.format(today=today), encoding="utf-8")
    (out / "docs").mkdir(exist_ok=True)
    (out / "docs" / "about.md").write_text("# About this handbook\n\nGenerated for benchmarks.\n",
                                         encoding="utf-8")
    organization = write_organization(rng)
    width = max(3, len(str(count)))
    plans: list[Plan] = []
    for number in range(count):
        dept, prefix, _ = DEPARTMENTS[number % len(DEPARTMENTS)]
        pid = f"{prefix}-{number // len(DEPARTMENTS) + 1:0{width}d}"
        status = rng.choices(["approved", "review", "draft"], weights=[8, 1, 1])[0]
        plans.append(Plan(number, dept, prefix, pid, status))
    for plan in plans:
        if len(plans) > 1:
            others = rng.sample(range(len(plans)), k=min(3, len(plans)))
            plan.related = [plans[i].pid for i in others if i != plan.number][:2]
    written: list[Path] = []
    for plan in plans:
        text = write_procedure(rng, plan, (year, month, day))
        if invalid and rng.random() < invalid:
            bad, good = rng.choice(BREAKAGES)
            text = text.replace(bad, good, 1)
        folder = out / "procedures" / plan.department
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{plan.pid}.yml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    # People and records come from their own generator, after the procedures they train on.
    people_rng = random.Random(f"people-{seed}")
    people = plan_people(people_rng, plans, max(1, round(count * people_share)),
                         round(count * records_share))
    signers = approval_signers(written, people) if approvals else []
    (out / "organization.yml").write_text(organization + write_people(people + signers),
                                          encoding="utf-8")
    records = plan_records(people_rng, plans, people, round(count * records_share), today)
    # The signers who hold a role that performs steps are trained too (clean handbook).
    records += [{"person": person, "procedure": plan.pid, "version": plan.version,
                 "date": (_day(today) - timedelta(days=1 + plan.number % 60)).isoformat()}
                for person, _, role in signers for plan in plans
                if plan.status == "approved" and role in plan.trained_roles]
    for name, text in write_training(records, plans).items():
        path = out / "training" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if approvals:
        approvals_rng = random.Random(f"approvals-{seed}")
        for name, text in write_approvals(approvals_rng, written, people + signers, approvals,
                                          today).items():
            path = out / "approvals" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return written


# -- approval records (format 1.2) -------------------------------------------------------------

def approval_signers(paths: list[Path], people: list[tuple[str, str, str]]
                     ) -> list[tuple[str, str, str]]:
    """A signer (id, name, role) for each approver role of the procedures at ``paths`` that
    no one in ``people`` holds (coo among them)."""
    import re

    held = {role for _, _, role in people}
    needed: set[str] = set()
    for path in paths:
        found = re.search(r"^approvers: \[(.*)\]$", path.read_text(encoding="utf-8"), re.M)
        if found:
            needed.update(role.strip() for role in found.group(1).split(","))
    return [(f"signer-{role}", f"Signer {role}", role) for role in sorted(needed - held)]


def write_approvals(rng: random.Random, paths: list[Path], people: list[tuple[str, str, str]],
                    budget: int, today: str) -> dict[str, str]:
    """``budget`` approval records as files ``approvals/PERSON.yml`` (the procedures at
    ``paths`` loaded by sopkit for their digests; those that do not load are skipped)."""
    from sopkit.format.digest import procedure_digest
    from sopkit.format.load import Document, load_bytes

    holders: dict[str, list[str]] = {}
    for person, _, role in people:
        holders.setdefault(role, []).append(person)
    end = _day(today)
    records: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    approved: list[tuple[dict[str, Any], str, str, list[str]]] = []
    for path in paths:
        document = load_bytes(path.read_bytes(), path.name)
        if not isinstance(document, Document) or document.data.get("status") != "approved":
            continue
        data = document.data
        history = data.get("history") or [{}]
        day = str(history[0].get("date") or today)
        roles = [role for role in data.get("approvers") or [] if holders.get(role)]
        approved.append((data, procedure_digest(data), min(day, today), roles))

    def add(data: dict[str, Any], digest: str, person: str, role: str, meaning: str,
            day: str) -> None:
        key = (str(data["id"]), digest, person, role, meaning)
        if len(records) < budget and key not in seen and _day(day) <= end:
            seen.add(key)
            records.append({"procedure": str(data["id"]), "version": str(data["version"]),
                            "digest": digest, "person": person, "role": role,
                            "meaning": meaning, "date": day})

    for data, digest, day, roles in approved:
        for role in roles:
            add(data, digest, holders[role][0], role, "approved", day)
    for _ in range(budget * 3):
        if len(records) >= budget or not approved:
            break
        data, digest, day, roles = rng.choice(approved)
        if roles:
            role = rng.choice(roles)
            add(data, digest, rng.choice(holders[role]), role, "reviewed", day)
    files: dict[str, list[dict[str, str]]] = {}
    for record in sorted(records, key=lambda r: (r["date"], r["procedure"], r["person"])):
        files.setdefault(f"{record['person']}.yml", []).append(record)
    texts = {}
    for name, items in sorted(files.items()):
        w = Writer()
        w.add(0, "# yaml-language-server: $schema=../schemas/approval.schema.json")
        w.add(0, "records:")
        for record in items:
            w.add(2, f"- procedure: {record['procedure']}")
            for key in ("version", "digest", "person", "role", "meaning", "date"):
                w.add(4, f"{key}: {record[key]}")
        texts[name] = w.text()
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many procedures")
    parser.add_argument("out", type=Path, help="the handbook folder to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invalid", type=float, default=0.0,
                        help="fraction of procedures to break (default 0)")
    parser.add_argument("--today", default="2026-06-01",
                        help="the date the handbook is checked on (written to mkdocs.yml)")
    parser.add_argument("--people-per-100", type=float, default=None, metavar="N",
                        help="people in organization.yml per 100 procedures (default 15: "
                             "300 at 2,000)")
    parser.add_argument("--records-per-100", type=float, default=None, metavar="N",
                        help="training records per 100 procedures (default 1,000: 20,000 at "
                             "2,000; 0 for none)")
    parser.add_argument("--approvals", type=int, default=0,
                        help="how many approval records to write (default 0; needs sopkit)")
    args = parser.parse_args(argv)
    files = generate(args.count, args.out, args.seed, args.invalid, args.today, args.approvals,
                     people_per_100=args.people_per_100,
                     records_per_100=args.records_per_100)
    size = sum(path.stat().st_size for path in files)
    print(f"wrote {len(files)} procedures ({size / 1024 / 1024:.1f} MB, "
          f"{size / max(1, len(files)) / 1024:.1f} KB each) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
