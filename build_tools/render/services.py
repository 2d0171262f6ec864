"""办事流程 (procedures) and 生态环境活动 (events): a listing and one page per record.

The assistant finds them too: compute/qa/index.py `more_step` indexes both, render/qa.py ships that index
to the Q&A page, which lists matching procedures and events under the FAQ answers."""
from __future__ import annotations

from typing import Any, Iterable

from ..context import BuildContext
from ..records.model import Dataset, Record
from .html import page, record
from .links import base_for, page_path, url
from .output import Output
from .policies import choices
from .qa import region_label
from .relations import link_rows, resolve


def when(d: dict[str, Any]) -> str:
    """2026-12-10 or 2026-12-10 至 2026-12-11."""
    return d["date"] + (f" 至 {d['end_date']}" if d.get("end_date") and d["end_date"] != d["date"] else "")


def procedure_card(r: Record, base: str) -> dict[str, Any]:
    """What the Q&A page shows of a procedure (URLs relative to the page at `base`)."""
    d = r.data
    facts = [f"办理部门：{d['office']}"] + ([f"办理时限：{d['time_limit']}"] if d.get("time_limit") else [])
    return {"kind": "办事流程", "title": d["title"], "url": base + url("procedure", r.id), "text": d["summary"],
            "facts": facts, "regions": [region_label(x) for x in d.get("regions", [])]}


def event_card(r: Record, base: str) -> dict[str, Any]:
    d = r.data
    facts = [f"时间：{when(d)}", f"地点：{d['place']}", f"主办：{d['organiser']}"]
    if d.get("registration"):
        facts.append(f"报名：{d['registration']}")
    return {"kind": "生态环境活动", "title": d["title"], "url": base + url("event", r.id), "text": d["description"],
            "facts": facts, "regions": [region_label(d["region"])] if d.get("region") else []}


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    procedures = sorted(dataset.of("procedure"), key=lambda r: (r.data["category"], r.id))
    index_path = "procedures/index.md"
    yield Output(index_path, page("办事流程", "procedure_index.html", cache=ctx.page_cache, base=base_for(index_path), procedures=procedures,
                                  categories=[c for c in choices("procedure", "category")
                                              if any(p.data["category"] == c for p in procedures)],
                                  region_label=region_label), in_nav=True)
    for r in procedures:
        path = page_path("procedure", r.id)
        base = base_for(path)
        yield record(path, ctx.chrome, r.data["title"], "procedure.html", cache=ctx.page_cache, base=base, description=r.data["summary"][:150],
                    p=r.data, regions=[region_label(x) for x in r.data.get("regions", [])],
                    policies=link_rows(resolve(dataset, "policy", r.data.get("policies", [])), "policy", base))
    events = sorted(dataset.of("event"), key=lambda r: (r.data["date"], r.id))
    today = ctx.today.isoformat()
    upcoming = [e for e in events if (e.data.get("end_date") or e.data["date"]) >= today]
    past = [e for e in reversed(events) if (e.data.get("end_date") or e.data["date"]) < today]
    index_path = "events/index.md"
    yield Output(index_path, page("生态环境活动", "event_index.html", cache=ctx.page_cache, base=base_for(index_path), upcoming=upcoming,
                                  past=past, when=when, region_label=region_label), in_nav=True)
    for r in events:
        path = page_path("event", r.id)
        yield record(path, ctx.chrome, r.data["title"], "event.html", cache=ctx.page_cache, base=base_for(path), description=r.data["description"][:150],
                    e=r.data, when=when(r.data), finished=(r.data.get("end_date") or r.data["date"]) < today,
                    region=region_label(r.data["region"]) if r.data.get("region") else "")
