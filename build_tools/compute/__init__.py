"""Stage 2: pure computations over the validated dataset (scores, statistics).

Each step is `name -> function(dataset, context) -> result`; results are kept by
name in `Computed` and read by the render stage. Steps never render anything.
"""
from __future__ import annotations

from typing import Any, Callable

from ..context import BuildContext
from ..records.model import Dataset
from . import demands, official, scoring, stats
from .agency_stats import agency_stats
from .qa import index as qa_index

Step = Callable[[Dataset, BuildContext], Any]

# Register steps here, in dependency order (a step may read earlier results from ctx.computed).
STEPS: list[tuple[str, Step]] = [
    ("qa_index", qa_index.step),
    ("qa_more", qa_index.more_step),   # 办事流程 and 生态环境活动, found by the assistant too
    ("demands", demands.demand_facts),
    ("official", official.compute),   # 官方名单核验 and credit records per agency
    ("scores", scoring.compute),
    ("stats", stats.compute),   # annual statistics for every year with data (report, charts)
    ("agency_stats", agency_stats),
]


def compute_all(dataset: Dataset, ctx: BuildContext) -> dict[str, Any]:
    for name, step in STEPS:
        ctx.computed[name] = step(dataset, ctx)
    return ctx.computed
