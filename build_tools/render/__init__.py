"""Stage 3: turn the (masked) dataset and computed results into site files.

A renderer is `function(dataset, ctx) -> Iterable[Output]` (`output.py`). Pages are Markdown
files whose body is HTML produced by autoescaping Jinja templates: record text
is never interpreted as Markdown or HTML, so it cannot inject markup.
"""
from __future__ import annotations

from typing import Iterator

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

__all__ = ["Output", "Renderer", "iter_render", "render_all"]


def _renderers() -> list[Renderer]:
    return [portal.render, agencies.render, projects.render, charts.render, evaluation.render, policies.render,
            news.render, courses.render, experts.render, consultations.render, qa.render, services.render, demands.render,
            report.render, opendata.render, sealing.render, search_page.render]


def iter_render(dataset: Dataset, ctx: BuildContext) -> Iterator[Output]:
    """Every output, as the renderers make them (a caller that writes them at once holds none for long)."""
    seen: set[str] = set()
    for renderer in _renderers():
        for out in renderer(dataset, ctx):
            if out.path in seen:
                raise ValueError(f"two renderers wrote {out.path}")
            seen.add(out.path)
            yield out


def render_all(dataset: Dataset, ctx: BuildContext) -> list[Output]:
    return list(iter_render(dataset, ctx))
