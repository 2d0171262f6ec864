"""What the site search knows about each record: title and basic information, never whole pages.

Fed from the masked dataset (`Prepared.public`), so no personal number can reach the index. Every
value is plain text: the index is never HTML, and the browser side renders it with textContent only
(content/assets/javascripts/site-search.js), so markup characters in a record are shown, not run.

Projects are grouped per agency (one 项目业绩 entry per agency, linking to the agency page's project list):
at 100,000 agencies / 1,000,000 projects one entry per project would mean a million index fragments.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping

from ..records.model import Dataset, Record
from ..records.regions import shown_city
from ..render.links import url as record_url

# Result kinds as the public sees them (the results page filters by these, in this order).
KINDS = ("机构", "项目业绩", "政策", "标准", "资讯", "问答", "专家咨询", "课程", "需求", "专家", "办事流程", "活动", "栏目")

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CONTENT = 4000       # characters of one entry's text (an agency with hundreds of projects stays bounded)
MAX_SUB = 80             # characters of the line under a result's title
MAX_TEXT = 100           # characters of the plain-text line the results page shows (the index holds tokens only)


@dataclass(frozen=True)
class SearchRecord:
    url: str                      # root-relative, directory style: "agencies/demo-alpha/"
    kind: str                     # one of KINDS
    title: str
    content: str                  # what is indexed (title first), plain text
    sub: str = ""                 # short line under the title (region, 文号, …)
    provinces: tuple[str, ...] = field(default=())
    text: str = ""                # a line of the entry's text for the results page (≤ MAX_TEXT characters)

    def meta(self) -> dict[str, str]:
        meta = {"title": self.title, "kind": self.kind}
        if self.sub:
            meta["sub"] = self.sub
        if self.text:
            meta["text"] = self.text
        return meta

    def filters(self) -> dict[str, list[str]]:
        filters = {"kind": [self.kind]}
        if self.provinces:
            filters["province"] = list(self.provinces)
        return filters


def clean(value: object) -> str:
    """One line of plain text: control characters dropped, whitespace runs collapsed."""
    if value is None:
        return ""
    return _SPACE.sub(" ", _CONTROL.sub("", str(value))).strip()


def _join(*parts: object, sep: str = " ") -> str:
    return sep.join(p for p in (clean(x) for x in parts) if p)


def _line(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _region(region: Mapping[str, str] | None) -> str:
    if not region:
        return ""
    return _join(region.get("province"), shown_city(region), region.get("district"), sep="")


def _record(kind: str, rec: Record, title: object, sub: str, *details: object,
            provinces: Iterable[str] = (), anchor: str = "", kind_of_url: str | None = None) -> SearchRecord:
    title_text = clean(title) or rec.id
    content = _join(title_text, sub, *details)[:MAX_CONTENT]
    return SearchRecord(url=record_url(kind_of_url or rec.kind, rec.id) + anchor, kind=kind, title=title_text,
                        content=content, sub=sub[:MAX_SUB], text=_line(_join(*details)),
                        provinces=tuple(sorted({clean(p) for p in provinces if clean(p)})))


def agency(rec: Record) -> SearchRecord:
    d = rec.data
    address = d.get("registered_address") or {}
    sub = _join(_region(address), " ".join(d.get("business_types", [])), sep=" · ")
    return _record("机构", rec, d.get("name"), sub, d.get("short_name"), d.get("service_scope"),
                   " ".join(d.get("service_regions", [])), provinces=[address.get("province", "")])


def agency_projects(rec: Record, projects: list[Record]) -> SearchRecord:
    """All of one agency's projects as one entry: name, client, type and place of each."""
    rows = []
    for p in projects:
        d = p.data
        rows.append(_join(d.get("name"), d.get("client"), d.get("type"), _region(d.get("location"))))
    name = clean(rec.data.get("name")) or rec.id
    return _record("项目业绩", rec, f"{name} · 项目业绩", f"{len(projects)} 项项目业绩", "；".join(rows),
                   provinces=[(p.data.get("location") or {}).get("province", "") for p in projects],
                   anchor="#projects")


def policy(rec: Record) -> SearchRecord:
    d = rec.data
    kind = "标准" if d.get("kind") == "标准" else "政策"
    sub = _join(d.get("doc_no"), d.get("issuer"), d.get("status"), sep=" · ")
    return _record(kind, rec, d.get("title"), sub, d.get("kind"), " ".join(d.get("keywords", [])))


def faq(rec: Record) -> SearchRecord:
    d = rec.data
    return _record("问答", rec, d.get("question"), _join("分类：" + clean(d.get("category"))), " ".join(d.get("keywords", [])),
                   provinces=d.get("regions", []))


def consultation(rec: Record) -> SearchRecord:
    d = rec.data
    state = "已答复" if d.get("answer") else "待答复"
    return _record("专家咨询", rec, d.get("question"), _join(d.get("category"), state, sep=" · "),
                   provinces=[d.get("province") or ""])


def course(rec: Record) -> SearchRecord:
    d = rec.data
    return _record("课程", rec, d.get("title"), _join(d.get("topic"), d.get("speaker"), sep=" · "), d.get("level"))


def demand(rec: Record) -> SearchRecord:
    d = rec.data
    region = d.get("region") or {}
    sub = _join(_region(region), d.get("demand_type"), d.get("status"), sep=" · ")
    return _record("需求", rec, d.get("title"), sub, d.get("publisher"), d.get("notice_no"), d.get("notice_type"),
                   provinces=[region.get("province", "")])


def expert(rec: Record) -> SearchRecord:
    d = rec.data
    fields = " ".join(d.get("fields", []))
    return _record("专家", rec, d.get("name"), _join(d.get("title"), d.get("organisation"), sep=" · "), fields)


def procedure(rec: Record) -> SearchRecord:
    d = rec.data
    return _record("办事流程", rec, d.get("title"), _join(d.get("office"), d.get("category"), sep=" · "),
                   " ".join(d.get("keywords", [])), provinces=d.get("regions", []))


def event(rec: Record) -> SearchRecord:
    d = rec.data
    region = d.get("region") or {}
    return _record("活动", rec, d.get("title"), _join(d.get("date"), d.get("place"), sep=" · "), d.get("organiser"),
                   " ".join(d.get("keywords", [])), provinces=[region.get("province", "")])


def news(rec: Record) -> SearchRecord:
    d = rec.data
    return _record("资讯", rec, d.get("title"), _join(d.get("category"), d.get("date"), d.get("source"), sep=" · "),
                   d.get("summary"), " ".join(d.get("keywords", [])))


_SIMPLE = {"policy": policy, "news": news, "faq": faq, "consultation": consultation, "course": course, "demand": demand,
           "expert": expert, "procedure": procedure, "event": event}


def from_dataset(public: Dataset) -> Iterator[SearchRecord]:
    """Every search entry of the records, one at a time (the caller streams them to the indexer)."""
    by_agency: dict[str, list[Record]] = {}
    for p in public.of("project"):
        by_agency.setdefault(p.data["agency"], []).append(p)
    for rec in public.of("agency"):
        yield agency(rec)
        projects = by_agency.get(rec.id)
        if projects:
            projects.sort(key=lambda r: (r.data.get("start_date", ""), r.id), reverse=True)
            yield agency_projects(rec, projects)
    for kind, make in _SIMPLE.items():
        for rec in public.of(kind):
            yield make(rec)


@dataclass(frozen=True)
class SectionPage:
    """A hand-written or section page (首页, 办事指南, 关于平台 …): its title and the start of its text."""
    url: str
    title: str
    text: str


_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"(?is)<(script|style|template)\b.*?</\1>|^---\n.*?\n---\n")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(?m)^\s{0,3}(#{1,6}|[-*+]|\d+\.|>|!!!|\?\?\?)\s+|[*_`|]+|\{[:#.][^}]*\}|:?-{3,}:?")
SECTION_TEXT = 600   # characters of a section page's text that are indexed


def section_text(source: str, limit: int = SECTION_TEXT) -> str:
    """The start of a section page's text from its source (Markdown or the generated HTML): tags, Markdown
    marks and front matter dropped, entities decoded. Sources, not finished pages: the same with or
    without the page cache."""
    text = _BLOCK.sub(" ", source[:100_000])
    text = _MD_MARKS.sub(" ", _MD_LINK.sub(r"\1", _TAG.sub(" ", text)))
    return clean(html.unescape(text))[:limit]


def section(page: SectionPage) -> SearchRecord:
    title = clean(page.title) or "栏目"
    return SearchRecord(url=page.url, kind="栏目", title=title, content=_join(title, page.text)[:MAX_CONTENT],
                        text=_line(clean(page.text)))
