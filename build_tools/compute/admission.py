"""服务超市展示准入: which agencies the directory (the 'service supermarket') shows.

Plan 2.0: only agencies that pass the assessment are displayed in the supermarket. The rule is
`admission` in config/scoring.yaml (min_grade of the latest evaluation year; what to do with agencies
that have no total yet). An agency that is not admitted keeps its own page (its disclosure stays
public) but is not listed or searchable in the directory; the methodology page names it and says why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNRATED_CHOICES = ("show", "hide")


@dataclass(frozen=True)
class Admission:
    enabled: bool = False
    min_grade: str | None = None
    unrated: str = "show"
    grades: tuple[str, ...] = ()       # best first, as in config `grades`
    labels: tuple[str, ...] = ()

    def decide(self, score: Any) -> tuple[bool, str]:
        """(shown in the supermarket, reason when not)."""
        if not self.enabled:
            return True, ""
        grade = getattr(score, "grade", None)
        if grade is None:
            return (True, "") if self.unrated == "show" else (False, "尚无综合评价总分")
        if self.min_grade is not None and self.grades.index(grade) > self.grades.index(self.min_grade):
            label = self.labels[self.grades.index(grade)]
            return False, f"最近评价等级 {grade}（{label}），低于展示准入等级 {self.min_grade}"
        return True, ""

    def rule_text(self) -> str:
        if not self.enabled:
            return "未启用展示准入：全部注册机构均在服务超市展示。"
        i = self.grades.index(self.min_grade) if self.min_grade else len(self.grades) - 1
        unrated = "尚无综合评价总分的机构（新注册或数据不足）照常展示，标注“未评价”" if self.unrated == "show" \
            else "尚无综合评价总分的机构暂不展示"
        return (f"最近一个评价年度的综合评价等级达到 {self.min_grade}（{self.labels[i]}）及以上的机构在服务超市展示；"
                f"{unrated}。未进入服务超市的机构仍保留机构页面，其信息公开不受影响。")


def check(cfg: dict[str, Any]) -> list[str]:
    rule = cfg.get("admission")
    if rule is None:
        return []
    grades = [g.get("grade") for g in cfg.get("grades") or []]
    out = []
    if not isinstance(rule, dict) or not isinstance(rule.get("enabled"), bool):
        return ["admission.enabled 须为 true 或 false"]
    if rule.get("min_grade") is not None and rule["min_grade"] not in grades:
        out.append(f"admission.min_grade 须为 {', '.join(map(str, grades))} 之一")
    if rule.get("unrated", "show") not in UNRATED_CHOICES:
        out.append("admission.unrated 须为 show 或 hide")
    return out


def from_config(cfg: dict[str, Any]) -> Admission:
    rule = cfg.get("admission") or {}
    grades = cfg.get("grades") or []
    return Admission(enabled=bool(rule.get("enabled")), min_grade=rule.get("min_grade"),
                     unrated=rule.get("unrated", "show"), grades=tuple(g["grade"] for g in grades),
                     labels=tuple(g.get("label", "") for g in grades))
