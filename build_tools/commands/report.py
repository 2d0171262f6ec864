"""`python -m build_tools report --year 2023 [--csv DIR]`: the annual report's tables without building the site."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import inputs
from ..compute import scoring, stats
from ..context import ROOT, BuildContext
from ..records.validate import validate_tree
from ..render.report import year_sentences
from ..render.tabular import csv_bytes
from ..settings import MKDOCS_YML
from ..settings import load as load_settings


def key_figures(s: stats.YearStats) -> list[str]:
    """The figures a reader checks first, each with its denominator (e.g. shares of the agencies that
    reported business types, not of all registered agencies)."""
    typed = [t for t in s.business_types if t.count]
    lines = [f"累计注册机构 {s.agencies_total} 家，其中 {s.agencies_with_types} 家填报经营类型"
             f"（{s.agencies_total - s.agencies_with_types} 家未填报）。"]
    if typed:
        lines.append(f"经营类型占比以 {s.agencies_with_types} 家为分母：" + "、".join(
            f"{t.label} {t.count} 家（{'—' if t.percent is None else t.percent}%）" for t in typed) + "。")
    lines.append(f"累计公开项目业绩 {s.projects_total} 项，近三年 {s.projects_recent} 项；"
                 f"已完成 {s.projects_completed} 项，进行中 {s.projects_in_progress} 项。")
    return lines


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
    ctx.computed["scores"] = scoring.compute(dataset, ctx)  # the report's 综合评价 section reads it
    year_stats = stats.compute(dataset, ctx).for_year(args.year)
    if year_stats is None:
        print(f"{args.year}年没有可统计的记录。", file=sys.stderr)
        return 1
    if args.csv:
        args.csv.mkdir(parents=True, exist_ok=True)
    # The page's sentences and notes first (the same text as report/<year>/), then the tables, then the
    # definitions: a reader of this output can tell a 0 from a figure that was not collected.
    print(f"# {args.year}年度报告")
    print()
    for part, sentence in year_sentences(year_stats, ctx):
        print(f"{'说明：' if part.endswith('missing') else ''}{sentence}")
        print()
    print("## 要点")
    for line in key_figures(year_stats):
        print(f"- {line}")
    print()
    for table in stats.tables(year_stats):
        print(f"## {table.title}")
        print(table.frame.astype(object).where(table.frame.notna(), "—").to_string(index=False))
        print()
        if args.csv:
            (args.csv / f"{table.key}.csv").write_bytes(csv_bytes(table.frame))
    print("## 统计口径")
    for term, text in stats.DEFINITIONS:
        print(f"- {term}：{text}")
    print()
    print("## 技术说明")
    for note in stats.TECH_NOTES:
        print(f"- {note}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="输出年度报告的统计表 (print the annual report's tables)")
    p.add_argument("--year", type=int, required=True, help="报告年度，例如 2023")
    p.add_argument("--csv", type=Path, help="同时把各表写成 CSV 文件到该目录")
    p.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录（默认 data/）")
    p.add_argument("--config", type=Path, default=MKDOCS_YML, help="站点配置文件（默认 mkdocs.yml）")
    p.set_defaults(func=cmd_report)
