"""`python -m build_tools report --year 2023 [--csv DIR]`: the annual report's tables without building the site."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import inputs
from ..compute import stats
from ..context import ROOT, BuildContext
from ..render.tabular import csv_bytes
from ..records.validate import validate_tree
from ..settings import MKDOCS_YML
from ..settings import load as load_settings


def cmd_report(args: argparse.Namespace) -> int:
    dataset, problems = validate_tree(args.data)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"数据校验未通过（{len(problems)} 个问题），未生成报告。", file=sys.stderr)
        return 1
    settings = load_settings(args.config)  # as `mkdocs build` reads it (mkdocs' loader, tags included)
    ctx = BuildContext(data_root=dataset.root, today=settings.today, settings=settings,
                       inputs=inputs.read(dataset.root, settings))
    year_stats = stats.compute(dataset, ctx).for_year(args.year)
    if year_stats is None:
        print(f"{args.year}年没有可统计的记录。", file=sys.stderr)
        return 1
    if args.csv:
        args.csv.mkdir(parents=True, exist_ok=True)
    for table in stats.tables(year_stats):
        print(f"## {table.title}")
        print(table.frame.astype(object).where(table.frame.notna(), "—").to_string(index=False))
        print()
        if args.csv:
            (args.csv / f"{table.key}.csv").write_bytes(csv_bytes(table.frame))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="输出年度报告的统计表 (print the annual report's tables)")
    p.add_argument("--year", type=int, required=True, help="报告年度，例如 2023")
    p.add_argument("--csv", type=Path, help="同时把各表写成 CSV 文件到该目录")
    p.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录（默认 data/）")
    p.add_argument("--config", type=Path, default=MKDOCS_YML, help="站点配置文件（默认 mkdocs.yml）")
    p.set_defaults(func=cmd_report)
