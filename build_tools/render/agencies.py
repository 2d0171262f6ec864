"""Agency directory (server-rendered list + search payload), overview charts, and one page per agency."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable

from ..cache.pages import Store as PageStore
from ..context import BuildContext
from ..records.model import Dataset, Record
from .output import Output
from .charts import PLOTLY_PATH, bar_figure
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


def qualification_rows(agency: Record, ctx: BuildContext) -> list[dict]:
    today = ctx.today.isoformat()
    return [{**q, "expired": q["valid_until"] < today} for q in agency.data.get("qualifications", [])]


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
        yield Output(path, page(agency.data["name"], "agency.html", cache=ctx.page_cache, base=base_for(path),
                                description=agency.data.get("service_scope", ""),
                                agency=agency.data, projects=[p.data for p in projects[agency.id]],
                                qualifications=qualification_rows(agency, ctx), today=ctx.today,
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
    yield Output(path, page("机构概览", "agency_overview.html", cache=ctx.page_cache, base=base, plotly_src=base + PLOTLY_PATH,
                            stats=stats, charts=charts), in_nav=True)


def attached_files(record: Record, folder: str, field: str = "files") -> Iterable[Output]:
    """Copy the files/ a record's `field` list links to (e.g. files, attachments) next to its page."""
    return local_files(record, (f["url"] for f in record.data.get(field, [])), folder)