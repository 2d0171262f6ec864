"""专家咨询: questions to the experts and their public answers (question -> answer -> FAQ)."""
from __future__ import annotations

from typing import Iterable

from ..context import BuildContext
from ..records.model import Dataset
from .forge import forge_of
from .html import page, record
from .links import base_for, page_path, url
from .output import Output


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    forge = forge_of(ctx)
    experts = dataset.index("expert")
    items = sorted(dataset.of("consultation"), key=lambda r: (r.data.get("answer_date") or r.data["date"], r.id),
                   reverse=True)
    index_path = "consult/index.md"
    base = base_for(index_path)
    answered = [c for c in items if c.data.get("answer")]
    waiting = [c for c in items if not c.data.get("answer")]
    yield Output(index_path, page("专家咨询", "consult_index.html", cache=ctx.page_cache, base=base, answered=answered, waiting=waiting,
                                  experts=experts, form_url=forge.new_issue("consultation")), in_nav=True)
    for c in items:
        path = page_path("consultation", c.id)
        base = base_for(path)
        d = c.data
        expert = experts.get(d.get("answered_by") or d.get("expert") or "")
        yield record(path, ctx.chrome, d["question"], "consult.html", cache=ctx.page_cache, base=base, description=d.get("detail", ""), c=d,
                    expert=expert and {"name": expert.data["name"], "url": base + url("expert", expert.id),
                                       "title": expert.data["title"],
                                       "organisation": expert.data["organisation"]},
                    faq_url=base + url("faq", d["faq"]) if d.get("faq") else "",
                    form_url=forge.new_issue("consultation"))
