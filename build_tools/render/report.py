"""Annual report pages (report/<year>.md, report/index.md): text, charts, tables and their downloads.

Everything shown comes from `ctx.computed["stats"]` (compute/stats.py): the narrative, the charts and
the tables are filled from the same YearStats, so they cannot disagree.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Callable, Iterable

import pandas as pd

from ..compute.stats import DEFINITIONS, TECH_NOTES, Stats, Table, YearStats, tables
from ..compute.usage import PORTALS
from ..context import BuildContext
from ..records.model import Dataset
from . import charts
from .html import env, page
from .links import base_for
from .output import Output
from .tabular import cell, csv_bytes, xlsx_bytes

# Table key -> (chart caption, figure builder). Tables without an entry are shown without a chart.
CHARTS: dict[str, tuple[str, Callable[[pd.DataFrame, str], dict[str, Any]]]] = {
    "regions": ("环境服务第三方机构地区分布情况图", charts.pie),
    "business_types": ("环境服务第三方机构经营类型分布情况图", lambda f, t: charts.bar(f, t, "家")),
    "project_types": ("各类型项目业绩公开分布情况图", lambda f, t: charts.bar(f, t, "项")),
    "projects_per_year": ("各年度项目业绩公开数量图", lambda f, t: charts.lines(f, t, [f.columns[1]], "项")),
    "usage_portals": ("平台日志各端口操作分布图", charts.pie),
    "usage_modules": ("平台日志各模块操作次数分布图", charts.grouped_bar),
    "usage_actions": ("平台各操作行为频次分布图", charts.grouped_bar),
    "usage_months": ("各月平台操作行为频次分布图", lambda f, t: charts.lines(f, t, list(PORTALS), "次")),
    "qa_months": ("智能问答各月提问与答复情况图", lambda f, t: charts.lines(f, t, ["提问次数", "找到答案", "未找到答案"], "次")),
}


@dataclass
class Block:
    """One table of the page, with its chart (if any) and its download files."""
    table: Table
    figure: dict[str, Any] | None
    caption: str
    number: int | None
    rows: list[list[str]]

    @property
    def key(self) -> str:
        return self.table.key


ZONE = "区内"  # TEDA's word for "in the zone"; extra.platform.zone_name names the zone of another platform


def zone_name(ctx: BuildContext) -> str:
    return ctx.settings.platform.zone_name or ZONE


def zone_text(text: str, zone: str) -> str:
    """Row labels such as 区内设立办公场地的机构 with the configured zone's name."""
    return text.replace("区内", zone) if zone != ZONE and isinstance(text, str) else text


def blocks(s: YearStats, zone: str = ZONE) -> dict[str, Block]:
    out: dict[str, Block] = {}
    number = 0
    for t in tables(s):
        chart = CHARTS.get(t.key)
        if chart:
            number += 1
            caption = (f"图{number} {s.year}年{chart[0]}" if t.key.startswith(("usage", "qa_"))
                       else f"图{number} {chart[0]}")
        else:
            caption = t.title
        out[t.key] = Block(t, chart[1](t.frame, t.title) if chart else None, caption, number if chart else None,
                           [[zone_text(cell(v), zone) for v in row] for row in t.frame.itertuples(index=False)])
    return out


def _names(items: Iterable[str]) -> str:
    """A、B和C — the seed's way of listing."""
    items = list(items)
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1] if items else ""


def _ranked(frame: pd.DataFrame, column: str | None = None) -> list[str]:
    """Row labels with a non-zero count, largest first (ties keep table order)."""
    counts = frame.sum(axis=1) if column is None else frame[column]
    return [str(i) for i, v in counts.sort_values(ascending=False, kind="stable").items() if v > 0]


def action_sentences(by_action: pd.DataFrame) -> tuple[str, str]:
    """The seed's remarks on the agency and admin portals' actions, worded for what the data shows."""
    agency = _ranked(by_action, "机构端")
    looks = [a for a in agency if a in ("查看", "下载")]
    edits = [a for a in agency if a not in ("查看", "下载")]
    agency_text = ""
    if edits:
        agency_text = (f"除查看、下载之外，机构端的操作行为还包括{'、'.join(edits)}等行为。" if looks
                       else f"机构端的操作行为主要为{'、'.join(edits)}。")
    admin = _ranked(by_action, "管理端")
    others = [a for a in admin if a != "查看"]
    admin_text = ""
    if others:
        admin_text = (f"管理端除查看外，主要以{others[0]}行为为主。" if "查看" in admin
                      else f"管理端主要以{others[0]}行为为主。")
    return agency_text, admin_text


def usage_text(s: YearStats) -> dict[str, Any] | None:
    """The sentences' variable parts for 二、平台使用情况 (None when there is nothing to say)."""
    u = s.usage
    if u is None or u.total == 0:
        return None
    portals = sorted((p for p in u.by_portal if p.count), key=lambda p: -p.count)
    months = u.by_month.sum(axis=1)
    if s.partial and s.as_of is not None:
        months = months[months.index <= s.as_of.month]  # months still to come are not "the quietest"
    agency_text, admin_text = action_sentences(u.by_action)
    return {
        "portals": portals,
        "top_modules": _names(_ranked(u.by_module)[:3]),
        "enterprise_modules": _names(_ranked(u.by_module, "企业端")[:3]),
        "top_actions": _names(_ranked(u.by_action)[:2]),
        "agency_actions": agency_text,
        "admin_actions": admin_text,
        "max_month": (int(months.idxmax()), int(months.max())),
        "min_month": (int(months.idxmin()), int(months.min())),
    }


def usage_missing(s: YearStats) -> list[str]:
    """Why a usage source is absent, in public wording: missing input is said, never shown as zeros.
    (Where each source comes from is in 统计口径 / 技术说明.)"""
    u = s.usage
    notes = []
    if u is None:
        return ["未取得网站访问记录和数据维护记录，无法统计平台使用情况。"]
    if not u.log_files:
        notes.append("未提供网站访问记录，公开访问的查看、下载次数未统计。")
    elif u.public_total == 0:
        notes.append(f"所提供的网站访问记录中没有{s.year}年的访问。")
    if not u.git_available:
        notes.append("未取得数据维护记录，机构端新增、编辑、删除、上传次数未统计。")
    elif u.agency_total == 0:
        notes.append(f"{s.year}年没有数据维护记录。")
    for day, records in getattr(u, "bulk_loads", []):
        notes.append(f"{day:%Y年%-m月%-d日}的一次批量导入（{records}条记录）属于数据迁移，不计入操作次数。")
    return notes


def qa_text(s: YearStats) -> dict[str, Any] | None:
    """The sentences' variable parts for 智能问答反馈问题 (None without feedback requests in the logs)."""
    q = s.qa
    if q is None:
        return None
    from ..compute.stats import percent
    asked = q.by_month["asked"]
    return {"asked": q.asked, "answered": q.answered, "share": percent(q.answered, q.asked),
            "unhelpful": int(q.by_month["unhelpful"].sum()),
            "top": [t[0] for t in q.unanswered[:3]],
            "busiest": int(asked.idxmax()) if asked.max() > 0 else None}


def score_summary(ctx: BuildContext, year: int) -> dict[str, Any] | None:
    """Grade counts of the year's comprehensive evaluation, if the optional scoring step ran.

    Reads only `scores.for_year(year)` items' `.total` and `.grade`; agencies without a total (too little
    data) are not counted. Anything unexpected means "no scores" rather than a failed build."""
    scores = ctx.computed.get("scores")
    if scores is None:
        return None
    try:
        items = scores.for_year(year)
        items = list(items.values()) if isinstance(items, dict) else list(items or [])
        rated = [(float(i.total), str(i.grade)) for i in items if i.total is not None]
    except (AttributeError, TypeError, ValueError):
        return None
    if not rated:
        return None
    return {"count": len(rated), "grades": sorted(Counter(g for _, g in rated).items()),
            "average": round(sum(t for t, _ in rated) / len(rated), 1)}


def year_context(s: YearStats, ctx: BuildContext, years: list[int], base: str = "") -> dict[str, Any]:
    """Everything the year's page says, computed once: the page and `report` (text) both use it."""
    zone = zone_name(ctx)
    return dict(s=s, blocks=blocks(s, zone), zone=zone, top_region=s.top_region(),
                top_type=max(s.business_types, key=lambda x: x.count),
                project_types=sorted((p for p in s.project_types if p.count), key=lambda p: -p.count),
                usage=usage_text(s), usage_notes=usage_missing(s), scores=score_summary(ctx, s.year),
                qa=qa_text(s), definitions=DEFINITIONS, tech_notes=TECH_NOTES, workbook=f"report-{s.year}.xlsx", years=years,
                **charts.plotly_context(base))


def year_outputs(s: YearStats, ctx: BuildContext, years: list[int]) -> Iterable[Output]:
    path = f"report/{s.year}.md"
    folder = f"report/{s.year}"
    base = base_for(path)
    context = year_context(s, ctx, years, base)
    bl = context["blocks"]
    for b in bl.values():
        yield Output(f"{folder}/{b.key}.csv", csv_bytes(b.table.frame))
        yield Output(f"{folder}/{b.key}.xlsx", xlsx_bytes([(b.table.title, b.table.frame)]))
    yield Output(f"{folder}/{context['workbook']}", xlsx_bytes([(b.table.title, b.table.frame) for b in bl.values()]))
    yield Output(path, page(f"{s.year}年度报告", "report_year.html", cache=ctx.page_cache, base=base, **context,
                            description=f"{s.year}年生态环境第三方服务机构自主信息公开年度报告"))


class _Parts(HTMLParser):
    """Text of the page's sentences: every element with a data-part (narrative paragraphs and notes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[str, str]] = []
        self._depth = 0
        self._part = ""
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += 1
        elif dict(attrs).get("data-part"):
            self._depth, self._part, self._text = 1, dict(attrs)["data-part"], []

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
            if not self._depth:
                self.parts.append((self._part, re.sub(r"\s+", "", "".join(self._text))))

    def handle_data(self, data):
        if self._depth:
            self._text.append(data)


def year_sentences(s: YearStats, ctx: BuildContext) -> list[tuple[str, str]]:
    """[(part, sentence)] exactly as on the year's page: the `report` command prints them."""
    html = env().get_template("report_year.html").render(title="", base="", **year_context(s, ctx, [s.year]))
    parser = _Parts()
    parser.feed(html)
    return parser.parts


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    stats: Stats | None = ctx.computed.get("stats")
    years = sorted(stats.years) if stats else []
    yield Output("report/index.md", page("年度报告", "report_index.html", cache=ctx.page_cache, base=base_for("report/index.md"),
                                         stats=[stats.years[y] for y in reversed(years)] if stats else []),
                 in_nav=True)
    if not years:
        return
    assert stats is not None  # years come from stats
    for year in years:
        yield from year_outputs(stats.years[year], ctx, years)
