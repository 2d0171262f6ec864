"""Benchmark of the annual report: statistics, report pages and open data on synthetic data; log parsing speed.

    .venv/bin/python benchmarks/report_bench.py [--agencies 1000] [--log-lines 100000]

Prints figures only (no pass/fail): seconds per stage and output sizes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate
from build_tools import inputs
from build_tools.compute import stats, usage
from build_tools.context import BuildContext
from build_tools.inputs.usage_logs import read_log
from build_tools.records.validate import validate_tree
from build_tools.render import opendata, report
from build_tools.settings import Settings, UsageSettings


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s")
    return result


def synthetic_log(path: Path, lines: int) -> None:
    pages = ["/", "/agencies/", "/agencies/gen-agency-000001/", "/report/2024/", "/opendata/agencies.csv",
             "/assets/stylesheets/platform.css", "/agencies/gen-agency-000002/files/cma.pdf"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            day = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=7 * i)
            ip = f"198.51.100.{i % 200}" if i % 9 == 0 else f"192.0.2.{i % 250}"
            ref = "https://git.example.org/x/pull/1" if i % 5 == 0 else "-"
            out.write(f'{ip} - - [{day:%d/%b/%Y:%H:%M:%S} +0800] "GET {pages[i % len(pages)]} HTTP/1.1" 200 512 '
                      f'"{ref}" "Mozilla/5.0"\n')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--log-lines", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        timed(f"generate {args.agencies} agencies", lambda: generate(data, args.agencies, 1, 10))
        (data / "usage").mkdir()
        log = data / "usage" / "access.log"
        synthetic_log(log, args.log_lines)
        dataset, problems = timed("load + validate", lambda: validate_tree(data))
        print(f"  records: {len(dataset)}  problems: {len(problems)}")
        rule = usage.PortalRule.from_settings(UsageSettings(admin_networks=("198.51.100.0/24",)))
        events = timed(f"parse access log ({args.log_lines} lines)", lambda: usage.log_events([read_log(log)], rule))
        print(f"  counted requests: {len(events)}  ({log.stat().st_size / 1e6:.1f} MB)")
        ctx = BuildContext(data, dt.date(2026, 11, 25), inputs=inputs.read(data, Settings()))
        result = timed("stats.compute (all years)", lambda: stats.compute(dataset, ctx))
        ctx.computed["stats"] = result
        print(f"  years: {min(result.years)}..{max(result.years)}")
        outputs = timed("render report pages, charts, CSV/XLSX", lambda: list(report.render(dataset, ctx)))
        size = sum(len(o.content) for o in outputs if not o.path.endswith("plotly.min.js"))
        print(f"  files: {len(outputs)}  size without plotly.js: {size / 1e6:.2f} MB")
        files = timed("render open data", lambda: list(opendata.render(dataset, ctx)))
        print(f"  files: {len(files)}  size: {sum(len(o.content) for o in files) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
