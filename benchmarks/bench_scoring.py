"""Benchmark of the 综合评价 step: time `score_all` and the evaluation pages on generated datasets.

    .venv/bin/python benchmarks/bench_scoring.py [N_AGENCIES ...]     (default: 100 500 2000)

Prints, per size: records, scored agency-years, seconds for load+validate, scoring, rendering pages.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate
from build_tools import inputs
from build_tools.compute import scoring
from build_tools.compute.agency_stats import agency_stats
from build_tools.context import BuildContext
from build_tools.inputs.config import load_scoring
from build_tools.records.validate import validate_tree
from build_tools.render import agencies, evaluation
from build_tools.settings import Settings

TODAY = dt.date(2026, 11, 25)


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        generate(root, n)
        t0 = time.perf_counter()
        dataset, problems = validate_tree(root)
        assert not problems, problems[:3]
        t1 = time.perf_counter()
        scores = scoring.score_all(dataset, load_scoring(), TODAY)
        t2 = time.perf_counter()
        ctx = BuildContext(data_root=root, today=TODAY, computed={"scores": scores}, inputs=inputs.read(root, Settings()))
        ctx.computed["agency_stats"] = agency_stats(dataset, ctx)  # the agency pages' overview reads it
        pages = list(evaluation.render(dataset, ctx)) + list(agencies.render(dataset, ctx))
        t3 = time.perf_counter()
        rows = sum(len(scores.for_year(y)) for y in scores.years())
        print(f"{n:>5} agencies  {len(dataset):>6} records  {len(scores.years())} years  {rows:>6} agency-years  "
              f"load+validate {t1 - t0:6.2f} s  scoring {t2 - t1:6.2f} s  "
              f"render {len(pages):>5} pages {t3 - t2:6.2f} s")


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [100, 500, 2000]:
        run(size)
