"""智能问答: the assistant page (index shipped to qa.js) and one page per FAQ answer."""
from __future__ import annotations

from typing import Any, Iterable

from ..context import BuildContext
from ..records.model import Dataset, Record
from .output import Output
from .html import page
from .links import base_for, page_path, url
from .policies import choices
from .relations import link_rows, resolve


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
        "date": d.get("date", ""), "url": base + url("faq", faq.id),
        "expert": {"name": expert.data["name"], "url": base + url("expert", expert.id)} if expert else None,
        "policies": [{"title": r["text"], "doc_no": r["data"].get("doc_no", ""), "url": r["url"]}
                     for r in link_rows(resolve(dataset, "policy", d.get("policies", [])), "policy", base)],
    }


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    faqs = sorted(dataset.of("faq"), key=lambda r: (r.data["category"], r.id))
    index_path = "qa/index.md"
    base = base_for(index_path)
    payload = {"index": ctx.computed["qa_index"], "show": {f.id: shown(f, dataset, base) for f in faqs}}
    categories = choices("faq", "category")
    yield Output(index_path, page("智能问答", "qa.html", cache=ctx.page_cache, base=base, payload=payload, faqs=faqs, categories=categories,
                                  counts={c: sum(f.data["category"] == c for f in faqs) for c in categories}),
                 in_nav=True)
    for f in faqs:
        path = page_path("faq", f.id)
        yield Output(path, page(f.data["question"], "faq.html", cache=ctx.page_cache, base=base_for(path), faq=f.data,
                                card=shown(f, dataset, base_for(path))))
