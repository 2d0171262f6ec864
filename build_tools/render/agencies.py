"""Agency directory (server-rendered list + search payload), overview charts, and one page per agency."""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any, Iterable

from ..cache.pages import Store as PageStore
from ..compute.official import Check, CreditRecord, Official
from ..context import BuildContext
from ..records.model import Dataset, Record
from .output import Output
from .charts import bar_figure, plotly_context
from .directory_index import build_index, score_lookup
from .evaluation import score_context
from .html import page
from .links import base_for, page_path
from .relations import local_files

DIRECTORY_DATA = "assets/data/directory.json"


def projects_by_agency(dataset: Dataset) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for p in dataset.of("project"):
        grouped[p.data["agency"]].append(p)
    for items in grouped.values():
        items.sort(key=lambda r: r.data["start_date"], reverse=True)
    return grouped


def qualification_rows(agency: Record, ctx: BuildContext, checks: list[Check] = ()) -> list[dict]:
    """The agency's own qualifications, each with its 官方名单核验 result when an official list covers its kind."""
    today = ctx.today.isoformat()
    check_of = {(c.kind, c.claimed["number"]): c for c in checks if c.claimed}
    return [{**q, "expired": q["valid_until"] < today, "check": check_of.get((q["kind"], q["number"]))}
            for q in agency.data.get("qualifications", [])]


def credit_state(record: CreditRecord, today: dt.date) -> str:
    """已移出 once removed (信用修复), 公示期满 after the publicity period, else 公示中."""
    if record.removed_on and record.removed_on <= today:
        return f"已移出（{record.removed_on.isoformat()}）"
    until = record.data.get("publicity_until")
    return f"公示期满（{until}）" if until and until < today.isoformat() else "公示中"


def amount_text(amount: float | None) -> str:
    """35000 -> “35,000”, 1234.5 -> “1,234.50”."""
    if amount is None:
        return ""
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"


def official_context(ctx: BuildContext, agency_id: str) -> dict[str, Any]:
    official: Official | None = ctx.computed.get("official")
    found = official.for_agency(agency_id) if official else {"official_checks": [], "official_summary": "",
                                                               "credit_records": []}
    found["credit_rows"] = [{"record": r, "state": credit_state(r, ctx.today),
                             "amount": amount_text(r.data.get("amount"))} for r in found.pop("credit_records")]
    return found


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    agencies = sorted(dataset.of("agency"), key=lambda r: (r.data["name"], r.id))
    projects = projects_by_agency(dataset)
    counts = {a.id: len(projects[a.id]) for a in agencies}
    score_of = score_lookup(ctx.computed.get("scores"))
    scores = {a.id: score_of(a.id) for a in agencies}
    yield from directory(agencies, counts, scores, ctx.page_cache)
    yield from overview(ctx)
    updated = ctx.need_inputs().history.last_changed([a.path.parent for a in agencies])
    for agency in agencies:
        path = page_path("agency", agency.id)
        official = official_context(ctx, agency.id)
        yield Output(path, page(agency.data["name"], "agency.html", cache=ctx.page_cache, base=base_for(path),
                                description=agency.data.get("service_scope", ""),
                                agency=agency.data, projects=[p.data for p in projects[agency.id]],
                                qualifications=qualification_rows(agency, ctx, official["official_checks"]),
                                today=ctx.today, **official,
                                updated=updated.get(agency.path.parent.resolve()),
                                **score_context(ctx, agency.id)))
        yield from attached_files(agency, f"agencies/{agency.id}")


def directory(agencies: list[Record], counts: dict[str, int], scores: dict[str, Any],
              cache: PageStore | None = None) -> Iterable[Output]:
    """The list page (works without JS) and the payload its script searches."""
    index_path = "agencies/index.md"
    payload = build_index([a.data for a in agencies], counts, scores.__getitem__)
    yield Output(DIRECTORY_DATA, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    yield Output(index_path, page("机构列表", "agency_index.html", cache=cache, base=base_for(index_path),
                                  data_src=base_for(index_path) + DIRECTORY_DATA,
                                  agencies=agencies, project_counts=counts, scores=scores),
                 in_nav=True)


def overview(ctx: BuildContext) -> Iterable[Output]:
    """机构概览: counts by region, type and size, each as a chart with its table underneath."""
    stats = ctx.computed["agency_stats"]
    path = "agencies/overview.md"
    sections = [
        ("by-province", "按注册地（省级）", "省级行政区", stats.by_province),
        ("by-city", "按注册地（地市）", "地市", stats.by_city),
        ("by-type", "按经营类型", "经营类型", stats.by_type),
        ("by-size", "按企业规模", "企业规模", stats.by_size),
    ]
    charts = [{"id": key, "title": title, "label": label, "rows": rows,
               "figure": bar_figure(rows, label, "机构数（家）")} for key, title, label, rows in sections]
    base = base_for(path)
    yield Output(path, page("机构概览", "agency_overview.html", cache=ctx.page_cache, base=base, **plotly_context(base),
                            stats=stats, charts=charts), in_nav=True)


def attached_files(record: Record, folder: str, field: str = "files") -> Iterable[Output]:
    """Copy the files/ a record's `field` list links to (e.g. files, attachments) next to its page."""
    return local_files(record, (f["url"] for f in record.data.get(field, [])), folder)