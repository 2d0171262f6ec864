"""Stage 3: turn the (masked) dataset and computed results into site files.

A renderer is `function(dataset, ctx) -> Iterable[Output]` (`output.py`). Pages are Markdown
files whose body is HTML produced by autoescaping Jinja templates: record text
is never interpreted as Markdown or HTML, so it cannot inject markup.
"""
from __future__ import annotations

from ..context import BuildContext
from ..records.model import Dataset
from . import (
    agencies,
    charts,
    consultations,
    courses,
    demands,
    evaluation,
    experts,
    news,
    opendata,
    policies,
    portal,
    projects,
    qa,
    report,
    sealing,
    search_page,
    services,
)
from .output import Output, Renderer

__all__ = ["Output", "Renderer", "render_all"]


def _renderers() -> list[Renderer]:
    return [portal.render, agencies.render, projects.render, charts.render, evaluation.render, policies.render,
            news.render, courses.render, experts.render, consultations.render, qa.render, services.render, demands.render,
            report.render, opendata.render, sealing.render, search_page.render]


def render_all(dataset: Dataset, ctx: BuildContext) -> list[Output]:
    outputs: list[Output] = []
    for renderer in _renderers():
        outputs += list(renderer(dataset, ctx))
    seen: set[str] = set()
    for out in outputs:
        if out.path in seen:
            raise ValueError(f"two renderers wrote {out.path}")
        seen.add(out.path)
    return outputs
