"""专家库: experts with their fields, the answers and courses they gave, and how to ask them."""
from __future__ import annotations

from typing import Iterable

from ..context import BuildContext
from ..records.model import Dataset
from .forge import forge_of
from .html import page, record
from .links import base_for, page_path
from .output import Output
from .relations import link_rows, referrers

# Shown when an expert record has no `consult` text of its own.
DEFAULT_CONSULT = "请先在“智能问答”中检索；没有找到合适答案时，填写“专家咨询”表单提问，专家答复后公开。"


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    forge = forge_of(ctx)
    experts = sorted(dataset.of("expert"), key=lambda r: r.data["name"])
    answers = referrers(dataset, "faq", "expert")
    courses = referrers(dataset, "course", "expert")
    index_path = "experts/index.md"
    yield Output(index_path, page("专家库", "expert_index.html", cache=ctx.page_cache, base=base_for(index_path), experts=experts,
                                  answer_counts={e.id: len(answers[e.id]) for e in experts},
                                  course_counts={e.id: len(courses[e.id]) for e in experts},
                                  default_consult=DEFAULT_CONSULT, form_url=forge.new_issue("consultation")),
                 in_nav=True)
    for e in experts:
        path = page_path("expert", e.id)
        base = base_for(path)
        yield record(path, ctx.chrome, e.data["name"], "expert.html", cache=ctx.page_cache, base=base, description=e.data.get("bio", ""),
                    expert=e.data, consult=e.data.get("consult") or DEFAULT_CONSULT,
                    form_url=forge.new_issue("consultation", expert=e.id),
                    answers=link_rows(sorted(answers[e.id], key=lambda r: r.id), "faq", base, label="question"),
                    courses=link_rows(sorted(courses[e.id], key=lambda r: r.data["date"], reverse=True),
                                      "course", base))
