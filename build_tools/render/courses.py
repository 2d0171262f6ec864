"""绿色课堂: course listing (filter by topic) and one page per course with its video and courseware."""
from __future__ import annotations

from typing import Iterable

from ..context import BuildContext
from ..records.model import Dataset
from .html import page, record
from .links import base_for, page_path, url
from .output import Output
from .policies import choices
from .relations import link_rows, local_files, resolve


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    courses = sorted(dataset.of("course"), key=lambda r: (r.data["date"], r.id), reverse=True)
    experts = dataset.index("expert")
    index_path = "courses/index.md"
    topics = [t for t in choices("course", "topic") if any(c.data["topic"] == t for c in courses)]
    yield Output(index_path, page("绿色课堂", "course_index.html", cache=ctx.page_cache, base=base_for(index_path), courses=courses,
                                  topics=topics, total_minutes=sum(c.data["duration_minutes"] for c in courses)),
                 in_nav=True)
    for c in courses:
        path = page_path("course", c.id)
        base = base_for(path)
        d = c.data
        expert = experts.get(d.get("expert", ""))
        yield record(path, ctx.chrome, d["title"], "course.html", cache=ctx.page_cache, base=base, description=d.get("summary", ""), course=d,
                    expert={"name": expert.data["name"], "url": base + url("expert", expert.id)} if expert else None,
                    policies=link_rows(resolve(dataset, "policy", d.get("policies", [])), "policy", base))
        local = [f["url"] for f in d.get("courseware", [])] + ([d["video"]["url"]] if "video" in d else [])
        yield from local_files(c, local, f"courses/{c.id}")
