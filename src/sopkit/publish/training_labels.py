"""The words of the training pages (format 1.1), in English and Chinese: merged into the
labels of :mod:`sopkit.publish.labels`.

Each status is a symbol and a word, so that a cell reads the same without colour (in
print, for colour-blind readers, in a screen reader).
"""

from __future__ import annotations

from collections.abc import Mapping

TRAINING_EN: Mapping[str, str] = {
    "training_page": "Training",
    "training_people": "People",
    "training_matrix": "Training matrix: {department}",
    "training_matrix_intro": "Each cell is the person's training on the procedure's "
                             "current version.",
    "training_legend": "Legend",
    "training_person": "Person",
    "training_procedures": "Procedures to be trained on",
    "training_trained": "Trained on",
    "training_date": "Date",
    "training_expires": "Valid until",
    "training_due": "Due",
    "training_nothing_due": "Nothing is due.",
    "training_none": "No procedure that needs training is performed by this person.",
    "training_who": "Who must be trained",
    "training_count": "{current} of {total} trained on the current version ({version}).",
    "training_nobody": "Nobody in organization.yml must be trained on this procedure.",
    "training_due_count": "{count} due",
    "training_never": "never",
    "training_status_current": "✓ current",
    "training_status_outdated": "↻ outdated",
    "training_status_expired": "◷ expired",
    "training_status_missing": "✗ missing",
    "training_status_not_required": "· not required",
}

TRAINING_ZH: Mapping[str, str] = {
    "training_page": "培训",
    "training_people": "人员",
    "training_matrix": "培训矩阵：{department}",
    "training_matrix_intro": "每一格是该人员对该流程现行版本的培训状态。",
    "training_legend": "图例",
    "training_person": "人员",
    "training_procedures": "需要培训的流程",
    "training_trained": "培训版本",
    "training_date": "日期",
    "training_expires": "有效期至",
    "training_due": "待培训",
    "training_nothing_due": "暂无待培训项目。",
    "training_none": "此人执行的流程均无需培训。",
    "training_who": "须培训人员",
    "training_count": "{total} 人中 {current} 人已完成现行版本（{version}）的培训。",
    "training_nobody": "organization.yml 中没有须培训此流程的人员。",
    "training_due_count": "{count} 项待培训",
    "training_never": "长期有效",
    "training_status_current": "✓ 有效",
    "training_status_outdated": "↻ 版本过时",
    "training_status_expired": "◷ 已过期",
    "training_status_missing": "✗ 未培训",
    "training_status_not_required": "· 无需培训",
}
