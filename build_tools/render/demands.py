"""Demand hall (需求大厅): the filterable index, one page per demand, and an Atom feed of new demands."""
from __future__ import annotations

import datetime as dt
import heapq
from typing import Any, Iterable
from urllib.parse import urlencode

from ..compute.demands import DemandFacts
from ..context import BuildContext
from ..records.model import Dataset, Record
from ..records.regions import shown_city
from .agencies import attached_files
from .atom import Entry, feed_xml
from .html import _money, page, record
from .links import SECTIONS, base_for, page_path, url
from .output import Output

INDEX = f"{SECTIONS['demand']}/index.md"
FEED = f"{SECTIONS['demand']}/feed.xml"
FEED_SIZE = 50  # newest demands in the feed; readers only need what is new
HALL_TITLE = "需求大厅"


def region_text(region: dict[str, str]) -> str:
    """天津市 / 天津市 / 滨海新区 -> 天津市滨海新区 (municipalities repeat the province as city)."""
    return region["province"] + shown_city(region) + region.get("district", "") + region.get("town", "")


def budget_text(budget: dict[str, float] | None) -> str:
    if not budget:
        return "未公开"
    if "amount" in budget:
        return _money(budget["amount"])
    return f"{_money(budget['min'])} – {_money(budget['max'])}"


def region_tree(demands: list[Record]) -> dict[str, Any]:
    """province -> city -> district -> [towns], from the demands themselves (the cascade offers only real options)."""
    tree: dict[str, Any] = {}
    for d in demands:
        r = d.data["region"]
        districts = tree.setdefault(r["province"], {}).setdefault(r["city"], {})
        towns = districts.setdefault(r["district"], []) if "district" in r else None
        if towns is not None and "town" in r and r["town"] not in towns:
            towns.append(r["town"])
    return {p: {c: {d: sorted(t) for d, t in sorted(ds.items())} for c, ds in sorted(cs.items())}
            for p, cs in sorted(tree.items())}


def search_text(d: dict[str, Any]) -> str:
    """What keyword search looks at (the list shows only part of it)."""
    fields = [d["title"], d["publisher"], d.get("notice_no", ""), region_text(d["region"]),
              d["demand_type"], d["notice_type"], d.get("description", "")]
    return " ".join(f for f in fields if f)


def item(rec: Record, facts: DemandFacts) -> dict[str, Any]:
    d = rec.data
    return {"id": rec.id, "d": d, "facts": facts, "region": region_text(d["region"]),
            "budget": budget_text(d.get("budget")), "search": search_text(d)}


def newest_first(demands: list[Record]) -> list[Record]:
    return sorted(demands, key=lambda r: (r.data["publish_date"], r.id), reverse=True)


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    facts: dict[str, DemandFacts] = ctx.computed["demands"]
    demands = newest_first(dataset.of("demand"))
    items = [item(r, facts[r.id]) for r in demands]
    yield Output(INDEX, page(HALL_TITLE, "demand_index.html", cache=ctx.page_cache, base=base_for(INDEX),
                             description="官方招标、采购公告与企业发布的环境治理需求，按地区、类型、预算、发布主体和日期筛选",
                             meta={"feed": FEED, "feed_title": f"{HALL_TITLE} · 新需求", "query_param": "kw"},
                             open_items=[i for i in items if i["facts"].is_open],
                             closed_items=[i for i in items if not i["facts"].is_open],
                             types=sorted({r.data["demand_type"] for r in demands}),
                             publishers=sorted({r.data["publisher"] for r in demands}),
                             tree=region_tree(demands), today=ctx.today.isoformat(), feed="feed.xml"),
                 in_nav=True)
    agencies = dataset.index("agency")
    order = match_order(ctx)
    rank = {a: order(a) for a in agencies}  # once per agency, not once per agency per demand
    for rec, it in zip(demands, items):
        path = page_path("demand", rec.id)
        base = base_for(path)
        shown = heapq.nsmallest(MATCHES_SHOWN, it["facts"].matches, key=rank.__getitem__)
        yield record(path, ctx.chrome, rec.data["title"], "demand.html", cache=ctx.page_cache, base=base,
                    description=rec.data.get("description", ""), item=it,
                    match_total=len(it["facts"].matches),
                    directory_query=urlencode({"type": rec.data["demand_type"],
                                               "prov": rec.data["region"]["province"]}),
                    matches=[{"name": agencies[a].data["name"], "href": base + url("agency", a),
                              "types": agencies[a].data.get("business_types", [])}
                             for a in shown])
        yield from attached_files(rec, f"{SECTIONS['demand']}/{rec.id}", field="attachments")
    yield Output(FEED, feed(demands, ctx))


# A demand page shows the best few matches, not thousands: the directory link lists the rest.
MATCHES_SHOWN = 12


def match_order(ctx: BuildContext):
    """Sort key for matching agencies: latest comprehensive score first (unscored last), then id."""
    scores = ctx.computed.get("scores")

    def key(agency_id: str):
        latest = scores.latest(agency_id) if scores is not None else None
        total = latest.total if latest is not None and latest.total is not None else None
        return (total is None, -(total or 0.0), agency_id)
    return key


def feed(demands: list[Record], ctx: BuildContext) -> bytes:
    """Newest demands as Atom; absolute links when the site URL is known (feed readers need them)."""
    site = ctx.settings.site_url
    site = site if not site or site.endswith("/") else site + "/"
    here = site + SECTIONS["demand"] + "/" if site else ""  # without a site URL, links are relative to the feed
    entries = []
    for rec in demands[:FEED_SIZE]:
        d = rec.data
        link = here + f"{rec.id}/"
        # only record fields: an entry must not change from one nightly build to the next
        summary = "｜".join([d["notice_type"], region_text(d["region"]), d["demand_type"],
                            f"预算 {budget_text(d.get('budget'))}", f"截止 {d.get('deadline', '未定')}"])
        if d.get("description"):
            summary += "\n" + d["description"]
        entries.append(Entry(id=link if site else f"urn:tp-platform:demand:{rec.id}", title=d["title"], link=link,
                             published=dt.date.fromisoformat(d["publish_date"]), summary=summary, author=d["publisher"],
                             categories=(d["demand_type"], d["notice_type"])))
    return feed_xml(feed_id=(site + FEED) if site else "urn:tp-platform:demands", title=f"{HALL_TITLE} · 新需求",
                    subtitle="官方招标、采购公告与企业发布的环境治理需求", self_url=here + "feed.xml",
                    alt_url=here or "./", author="生态环境第三方服务平台",
                    entries=entries, fallback_updated=ctx.today)
