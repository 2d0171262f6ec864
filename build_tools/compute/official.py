"""Compute step `official`: what the official sources say about each agency (官方名单核验, 信用记录).

Official data is kept apart from what agencies write (data/official/, maintainers only) and joined here by
统一社会信用代码. `verify` is pure and shared with `import-agencies`, which prints the same differences the
agency page shows.

Each qualification kind an official list covers is checked:

* 一致 (verified): the list has a licence with the number the agency gave, and the same validity;
* 不一致 (differs): the list has the agency, but not that number, or another validity;
* 官方名单未收录 (not on list): a complete list for the agency's province (or a national one) was imported and
  the agency is not on it — a batch (`partial`) list never proves absence;
* 官方名单收录，机构未填报: a licence on the list that the agency did not enter itself;
* 尚无官方名单 (unchecked): no list covers the agency's province yet.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..context import BuildContext
from ..records.model import Dataset

# Official list -> the qualification kind (agency.schema.json) it proves.
LIST_KINDS: dict[str, str] = {
    "环境监测服务机构名单": "检验检测机构资质认定(CMA)",
    "危险废物经营许可证企业名单": "危险废物经营许可证",
    "环境影响评价机构名单": "环评信用平台备案",
}
VERIFIED, DIFFERS, NOT_LISTED = "verified", "differs", "not_listed"
OFFICIAL_ONLY, UNCHECKED = "official_only", "unchecked"
LABELS = {VERIFIED: "一致", DIFFERS: "不一致", NOT_LISTED: "官方名单未收录", OFFICIAL_ONLY: "官方名单收录，机构未填报",
          UNCHECKED: "尚无官方名单"}


def licence_key(number: str) -> str:
    """Certificate numbers compare without spaces, width or dash variants: “津危废 ０１２３-2021” = “津危废0123－2021”."""
    text = unicodedata.normalize("NFKC", number)
    return re.sub(r"[\s\-－—–_]", "", text).upper()


@dataclass(frozen=True)
class Check:
    """One qualification kind of one agency against one official list."""
    list: str
    kind: str
    status: str
    claimed: dict[str, Any] | None = None     # the agency's own qualification entry
    official: dict[str, Any] | None = None    # the licence on the list
    source: dict[str, Any] | None = None      # the list it comes from (title, publisher, region, date, url)
    notes: tuple[str, ...] = ()                # the differences, in words

    @property
    def label(self) -> str:
        return LABELS[self.status]


def coverage(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """List -> regions (province or 全国) for which a complete list was imported."""
    out: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        if not rec["source"].get("partial"):
            out[rec["list"]].add(rec["source"]["region"])
    return out


def verify(agency: dict[str, Any], official: list[dict[str, Any]], covered: dict[str, set[str]]) -> list[Check]:
    """Every check for one agency: its own qualifications of the listed kinds, and the official licences it
    did not enter. `official`: the official_qualification records with its credit code."""
    out: list[Check] = []
    province = agency.get("registered_address", {}).get("province", "")
    quals = agency.get("qualifications") or []
    for list_name, kind in LIST_KINDS.items():
        claims = [q for q in quals if q.get("kind") == kind]
        on_list = [(rec, lic) for rec in official if rec["list"] == list_name for lic in rec["licences"]]
        used: set[int] = set()
        for claim in claims:
            found = next(((i, rec, lic) for i, (rec, lic) in enumerate(on_list)
                          if lic.get("number") and licence_key(lic["number"]) == licence_key(claim["number"])), None)
            if found is None and len(on_list) == 1 and not on_list[0][1].get("number"):
                found = (0, *on_list[0])  # a list without certificate numbers (环评): being on it is the check
            if found:
                i, rec, lic = found
                used.add(i)
                notes = _differences(claim, lic)
                out.append(Check(list_name, kind, DIFFERS if notes else VERIFIED, claim, lic, rec["source"], notes))
            elif on_list:
                numbers = "、".join(lic["number"] for _, lic in on_list if lic.get("number"))
                out.append(Check(list_name, kind, DIFFERS, claim, None, on_list[0][0]["source"],
                                 (f"官方名单中该单位的编号为 {numbers}，没有 {claim['number']}",)))
            elif covered.get(list_name, set()) & {province, "全国"}:
                source = {"title": list_name, "region": province if province in covered[list_name] else "全国"}
                out.append(Check(list_name, kind, NOT_LISTED, claim, None, source,
                                 (f"{source['region']}{list_name}中没有该单位（统一社会信用代码 {agency['credit_code']}）",)))
            else:
                out.append(Check(list_name, kind, UNCHECKED, claim))
        for i, (rec, lic) in enumerate(on_list):
            if i not in used:
                out.append(Check(list_name, kind, OFFICIAL_ONLY, None, lic, rec["source"]))
    return out


def _differences(claim: dict[str, Any], lic: dict[str, Any]) -> tuple[str, ...]:
    notes = []
    if lic.get("valid_until") and claim.get("valid_until") != lic["valid_until"]:
        notes.append(f"有效期：机构填报至 {claim.get('valid_until')}，官方名单为至 {lic['valid_until']}")
    return tuple(notes)


def summary(checks: list[Check]) -> str:
    """One word for the page header: 存在差异 / 已核验 / 未核验."""
    if any(c.status in (DIFFERS, NOT_LISTED) for c in checks):
        return "存在差异"
    if any(c.status in (VERIFIED, OFFICIAL_ONLY) for c in checks):
        return "已核验"
    return "未核验"


@dataclass(frozen=True)
class CreditRecord:
    """A credit record as the agency page and the scoring read it."""
    type: str
    date: dt.date
    authority: str
    data: dict[str, Any]
    removed_on: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        """Listed by `on` and not removed (修复/移出) by then."""
        return self.date <= on and (self.removed_on is None or self.removed_on > on)


def credit_record(data: dict[str, Any]) -> CreditRecord:
    removed = data.get("removed_on")
    return CreditRecord(data["type"], dt.date.fromisoformat(data["date"]), data["authority"], data,
                        dt.date.fromisoformat(removed) if removed else None)


@dataclass
class Official:
    """ctx.computed["official"]: per agency id, its checks and credit records (newest first)."""
    checks: dict[str, list[Check]] = field(default_factory=dict)
    credit: dict[str, list[CreditRecord]] = field(default_factory=dict)

    def for_agency(self, agency_id: str) -> dict[str, Any]:
        checks = self.checks.get(agency_id, [])
        return {"official_checks": checks, "official_summary": summary(checks) if checks else "",
                "credit_records": self.credit.get(agency_id, [])}


def credit_by_code(dataset: Dataset) -> dict[str, list[CreditRecord]]:
    out: dict[str, list[CreditRecord]] = defaultdict(list)
    for r in dataset.of("credit_record"):
        out[r.data["credit_code"]].append(credit_record(r.data))
    for items in out.values():
        items.sort(key=lambda c: (c.date, c.type), reverse=True)
    return out


def compute(dataset: Dataset, ctx: BuildContext) -> Official:
    records = [r.data for r in dataset.of("official_qualification")]
    covered = coverage(records)
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        by_code[rec["credit_code"]].append(rec)
    credit = credit_by_code(dataset)
    result = Official()
    for agency in dataset.of("agency"):
        code = agency.data["credit_code"]
        checks = verify(agency.data, by_code.get(code, []), covered)
        if checks:
            result.checks[agency.id] = checks
        if credit.get(code):
            result.credit[agency.id] = credit[code]
    return result
