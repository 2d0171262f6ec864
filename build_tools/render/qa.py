"""智能问答: the assistant page (index shipped to qa.js) and one page per FAQ answer."""
from __future__ import annotations

from typing import Any, Iterable

from ..context import BuildContext
from ..records.model import Dataset, Record
from .html import page, record
from .links import base_for, page_path, url
from .output import Output
from .policies import choices
from .relations import link_rows, resolve


def region_label(region: dict[str, str]) -> str:
    """上海市青浦区, 江苏省苏州市吴江区, 天津市 (a municipality's city is not repeated)."""
    parts = [region["province"]]
    for level in ("city", "district"):
        if region.get(level) and region[level] not in parts:
            parts.append(region[level])
    return "".join(parts)


def region_tree(faqs: list[Record]) -> dict[str, dict[str, list[str]]]:
    """province -> city -> districts of the regions the FAQ answers apply to (for the page's region filter)."""
    tree: dict[str, dict[str, set[str]]] = {}
    for f in faqs:
        for r in f.data.get("regions", []):
            cities = tree.setdefault(r["province"], {})
            if r.get("city"):
                districts = cities.setdefault(r["city"], set())
                if r.get("district"):
                    districts.add(r["district"])
    return {p: {c: sorted(ds) for c, ds in sorted(cs.items())} for p, cs in sorted(tree.items())}


def regions_attr(faq: Record) -> str:
    """data-regions of a browse-list item: province/city/district of each region, | between regions."""
    return "|".join("/".join([r["province"], r.get("city", ""), r.get("district", "")]) for r in faq.data.get("regions", []))


def source_text(source: str | dict[str, str]) -> tuple[str, str]:
    """(text, link) of a FAQ's source: a sentence, or a published letter's mailbox, reply date and office."""
    if isinstance(source, str):
        return source, ""
    parts = [source["mailbox"], f"{source['office']}答复" if source.get("office") else "", source.get("reply_date", "")]
    return " · ".join(p for p in parts if p), source.get("url", "")


def shown(faq: Record, dataset: Dataset, base: str) -> dict[str, Any]:
    """What a result card shows; URLs relative to the page at `base`."""
    d = faq.data
    expert = dataset.get("expert", d.get("expert", ""))
    source, source_url = source_text(d["source"])
    return {
        "question": d["question"], "answer": d["answer"], "category": d["category"], "source": source,
        "source_url": source_url,
        "date": d.get("date", ""), "url": base + url("faq", faq.id), "link": d.get("link", ""),
        "regions": [region_label(r) for r in d.get("regions", [])],
        "expert": {"name": expert.data["name"], "url": base + url("expert", expert.id)} if expert else None,
        "policies": [{"title": r["text"], "doc_no": r["data"].get("doc_no", ""), "url": r["url"]}
                     for r in link_rows(resolve(dataset, "policy", d.get("policies", [])), "policy", base)],
    }


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    faqs = sorted(dataset.of("faq"), key=lambda r: (r.data["category"], r.id))
    index_path = "qa/index.md"
    base = base_for(index_path)
    regional = faqs + list(dataset.of("procedure"))
    payload = {"index": ctx.computed["qa_index"], "show": {f.id: shown(f, dataset, base) for f in faqs},
               "regions": region_tree(regional)}
    more = ctx.computed.get("qa_more")
    if more:  # 办事流程 and 生态环境活动, listed under the FAQ answers
        from .services import event_card, procedure_card
        cards = {"procedure:" + r.id: procedure_card(r, base) for r in dataset.of("procedure")}
        cards.update({"event:" + r.id: event_card(r, base) for r in dataset.of("event")})
        payload["more"] = {"index": more, "show": cards}
    categories = choices("faq", "category")
    yield Output(index_path, page("智能问答", "qa.html", cache=ctx.page_cache, base=base, meta={"query_param": "ask"}, payload=payload, faqs=faqs,
                                  categories=categories, regions_attr=regions_attr, has_regions=bool(payload["regions"]),
                                  counts={c: sum(f.data["category"] == c for f in faqs) for c in categories}),
                 in_nav=True)
    for f in faqs:
        path = page_path("faq", f.id)
        yield record(path, ctx.chrome, f.data["question"], "faq.html", cache=ctx.page_cache, base=base_for(path), faq=f.data,
                    card=shown(f, dataset, base_for(path)))
