"""Stage 3: turn the (masked) dataset and computed results into site files.

A renderer is `function(dataset, ctx) -> Iterable[Output]`. Pages are Markdown
files whose body is HTML produced by autoescaping Jinja templates: record text
is never interpreted as Markdown or HTML, so it cannot inject markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..context import BuildContext
from ..model import Dataset


@dataclass(frozen=True)
class Output:
    path: str              # path inside the docs tree, e.g. "agencies/demo-alpha.md"
    content: str | bytes
    in_nav: bool = False   # section pages are listed in mkdocs.yml's nav; record pages never are


Renderer = Callable[[Dataset, BuildContext], Iterable[Output]]


def _renderers() -> list[Renderer]:
    # Imported lazily so each module stays importable on its own in tests.
    from . import agencies, charts, courses, demands, evaluation, experts, opendata, policies, qa, report, sealing
    return [agencies.render, charts.render, evaluation.render, policies.render, courses.render, experts.render,
            qa.render, demands.render, report.render, opendata.render, sealing.render]


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
