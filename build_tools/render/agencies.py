"""Agency directory (server-rendered list + search payload), overview charts, and one page per agency."""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any, Iterable, Sequence

from ..cache.pages import Store as PageStore
from ..compute.admission import Admission, from_config
from ..compute.official import Check, CreditRecord, Official
from ..compute.scoring import dimension_titles
from ..context import BuildContext
from ..records.model import Dataset, Record
from ..records.regions import shown_city
from .charts import bar_figure, plotly_context
from .directory_index import SHARD_DIR, build_index, score_lookup, split
from .evaluation import score_context
from .forge import Forge, forge_of
from .html import page, record
from .links import base_for, page_path
from .output import Output
from .relations import local_files
from .report import zone_name
from .shell import Chrome

DIRECTORY_DATA = "assets/data/directory.json"   # the manifest; rows in shards under SHARD_DIR
FIRST_PAGE = 50  # rows of the server-rendered first screen (directory.js shows as many per page)


def projects_by_agency(dataset: Dataset) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for p in dataset.of("project"):
        grouped[p.data["agency"]].append(p)
    for items in grouped.values():
        items.sort(key=lambda r: r.data["start_date"], reverse=True)
    return grouped


def qualification_rows(agency: Record, ctx: BuildContext, checks: Sequence[Check] = ()) -> list[dict]:
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
    found: dict[str, Any] = official.for_agency(agency_id) if official else {"official_checks": [], "official_summary": "",
                                                               "credit_records": []}
    found["credit_rows"] = [{"record": r, "state": credit_state(r, ctx.today),
                             "amount": amount_text(r.data.get("amount"))} for r in found.pop("credit_records")]
    return found


def admission_rule(ctx: BuildContext) -> Admission:
    scores = ctx.computed.get("scores")
    return from_config(scores.config) if scores is not None else Admission()


def review_rows(dataset: Dataset, ctx: BuildContext) -> dict[str, list[dict]]:
    """Enterprise reviews per agency, newest first, as shown (the comment only when not withheld)."""
    cfg = getattr(ctx.computed.get("scores"), "config", {}) or {}
    weights = ((cfg.get("parts") or {}).get("enterprise") or {}).get("dimensions") or {}
    projects = dataset.index("project")
    grouped: dict[str, list[dict]] = defaultdict(list)
    for r in dataset.of("enterprise_review"):
        d = r.data
        scores = d["scores"]
        total = sum(weights.values()) or 0
        mean = (sum(scores[k] * w for k, w in weights.items() if k in scores) / total) if total else \
            sum(scores.values()) / len(scores)
        project = projects.get(d["project"])
        grouped[d["agency"]].append({"id": r.id, "date": d["date"], "enterprise": d["enterprise"],
                                     "project": project.data["name"] if project else d["project"],
                                     "scores": scores, "mean": round(mean, 1),
                                     "comment": "" if d.get("comment_withheld") else d.get("comment", ""),
                                     "withheld": d.get("comment_withheld", "")})
    for rows in grouped.values():
        rows.sort(key=lambda x: (x["date"], x["id"]), reverse=True)
    return grouped


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    agencies = sorted(dataset.of("agency"), key=lambda r: (r.data["name"], r.id))
    projects = projects_by_agency(dataset)
    counts = {a.id: len(projects[a.id]) for a in agencies}
    score_of = score_lookup(ctx.computed.get("scores"))
    scores = {a.id: score_of(a.id) for a in agencies}
    rule = admission_rule(ctx)
    decisions = {a.id: rule.decide(scores[a.id]) for a in agencies}
    yield from directory([a for a in agencies if decisions[a.id][0]], counts, scores, rule, len(agencies),
                         zone_name(ctx), ctx.page_cache, ctx.inputs.search if ctx.inputs else None)
    yield from overview(ctx)
    updated = ctx.need_inputs().history.last_changed([a.path.parent for a in agencies])
    forge = forge_of(ctx)
    reviews = review_rows(dataset, ctx)
    zone = zone_name(ctx)
    dims = dimension_titles()
    for agency in agencies:
        path = page_path("agency", agency.id)
        official = official_context(ctx, agency.id)
        common: dict[str, Any] = {"agency": agency.data, "updated": updated.get(agency.path.parent.resolve()), "zone": zone}
        yield record(path, ctx.chrome, agency.data["name"], "agency.html", cache=ctx.page_cache, base=base_for(path),
                     search_text=basic_facts(agency.data),
                     description=agency.data.get("service_scope", ""),
                     projects=[p.data for p in projects[agency.id]],
                     qualifications=qualification_rows(agency, ctx, official["official_checks"]),
                     today=ctx.today, **official,
                     actions=agency_actions(forge, agency), admitted=decisions[agency.id],
                     reviews=reviews.get(agency.id, []), dimensions=dims,
                     **common, **score_context(ctx, agency.id))
        yield from agency_subpages(agency, projects[agency.id], common, ctx.page_cache, ctx.chrome)
        yield from attached_files(agency, f"agencies/{agency.id}")


def basic_facts(agency: dict) -> str:
    """基本信息 as one line of text, for the site search (the page's tables stay out of it)."""
    addr = agency["registered_address"]
    parts = [agency.get("credit_code", ""), agency.get("short_name", ""), agency.get("legal_representative", ""),
             addr["province"] + shown_city(addr) + addr["district"] + addr.get("town", "") + addr["detail"],
             "、".join(agency.get("business_types", [])), agency.get("service_scope", ""),
             "、".join(agency.get("service_regions", []))]
    return " ".join(p for p in parts if p)


def agency_subpages(agency: Record, projects: list[Record], common: dict,
                    cache: PageStore | None = None, chrome: Chrome | None = None) -> Iterable[Output]:
    """经营类型 and 信息公开 as pages of their own (agencies/<id>/types/, …/disclosure/), so that the
    usage statistics can count them as the modules they are. Kept out of the global search index, as the
    detail sections of the agency page are (the index stays lean at 100k agencies)."""
    by_type = defaultdict(list)
    for p in projects:
        by_type[p.data["type"]].append(p.data)
    types = [{"type": t, "projects": by_type.get(t, [])} for t in agency.data.get("business_types", [])]
    other = sorted(set(by_type) - set(agency.data.get("business_types", [])))
    path = f"agencies/{agency.id}/types.md"
    yield record(path, chrome, f"{agency.data['name']} · 经营类型", "agency_types.html", cache=cache,
                 base=base_for(path), search=False,
                 types=types, other=[{"type": t, "projects": by_type[t]} for t in other], **common)
    path = f"agencies/{agency.id}/disclosure.md"
    items = sorted(agency.data.get("disclosure", []), key=lambda d: d["date"], reverse=True)
    yield record(path, chrome, f"{agency.data['name']} · 信息公开", "agency_disclosure.html", cache=cache,
                 base=base_for(path), search=False, items=items, **common)


def agency_actions(forge: Forge, agency: Record) -> dict[str, str]:
    """Prefilled form links of an agency page: review it, or (its own accounts) update it, add a project."""
    name, aid = agency.data["name"], agency.id
    return {"review": forge.new_issue("enterprise_review", name, agency=aid),
            "update": forge.new_issue("agency", name, id=aid, name=name),
            "project": forge.new_issue("project", name, agency=aid)}


def directory(agencies: list[Record], counts: dict[str, int], scores: dict[str, Any], rule: Admission = Admission(),
              registered: int | None = None, zone: str = "区内", cache: PageStore | None = None,
              synonyms: Any = None) -> Iterable[Output]:
    """The list page and the payload its script searches, over the admitted agencies.

    The page carries only the first FIRST_PAGE rows (best rated first, as the script sorts by default) and the
    facet counts over all agencies (in the manifest); the rows of every agency are in shards that the script
    loads when the visitor searches, filters, sorts or asks for more — the first screen stays small at 100,000."""
    index_path = "agencies/index.md"
    manifest, shards = split(build_index([a.data for a in agencies], counts, scores.__getitem__, synonyms))
    yield Output(DIRECTORY_DATA, _json(manifest))
    for k, rows in enumerate(shards):
        yield Output(f"{SHARD_DIR}/rows-{k}.json", _json(rows))

    def rank(a: Record) -> tuple:
        total = getattr(scores[a.id], "total", None)
        return (-(total if total is not None else -1), a.data["name"], a.id)
    first = sorted(agencies, key=rank)[:FIRST_PAGE]
    yield Output(index_path, page("机构列表", "agency_index.html", cache=cache, base=base_for(index_path),
                                  data_src=base_for(index_path) + DIRECTORY_DATA,
                                  agencies=first, total=len(agencies), project_counts=counts, scores=scores,
                                  registered=len(agencies) if registered is None else registered,
                                  rule_text=rule.rule_text(), rule_on=rule.enabled,
                                  zone=zone),
                 in_nav=True)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
                            stats=stats, charts=charts, zone=zone_name(ctx)), in_nav=True)


def attached_files(record: Record, folder: str, field: str = "files") -> Iterable[Output]:
    """Copy the files/ a record's `field` list links to (e.g. files, attachments) next to its page."""
    return local_files(record, (f["url"] for f in record.data.get(field, [])), folder)
