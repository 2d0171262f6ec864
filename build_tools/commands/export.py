"""`python -m build_tools export-pages OUT`: the whole docs tree as files, for an engine that runs no hooks.

mkdocs gets the generated pages through the hook (`hooks/platform.py`). Material for MkDocs reaches end of
life in May 2027 and its successor, Zensical, runs no mkdocs hooks: this command writes the same pipeline's
output — the hand-written pages of `content/` plus every generated page, data file and attachment — into a
folder that any static-site engine reading Markdown with front matter can build (README, "Engine").
Record pages are written as Markdown pages (front matter + one escaped HTML block), as mkdocs receives them
without the slim shell.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from ..records.problems import InvalidData
from ..settings import MKDOCS_YML, SettingsError, load


def export(out: Path, config_file: Path = MKDOCS_YML) -> int:
    """Write the docs tree into `out` (which must not exist); returns the number of generated files."""
    from .. import pipeline  # heavy imports only when the command runs
    settings = load(config_file)
    prepared = pipeline.prepare(settings.data_root, settings)
    outputs = pipeline.render(prepared)
    shutil.copytree(settings.project_root / "content", out)
    for o in outputs:
        target = out / o.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(o.content if isinstance(o.content, bytes) else o.content.encode("utf-8"))
    return len(outputs)


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists():
        print(f"目标目录已存在：{out}（请指定一个新目录）(output folder exists)", file=sys.stderr)
        return 2
    try:
        count = export(out)
    except (SettingsError, InvalidData) as exc:
        print(f"导出失败（export failed）：\n{exc}", file=sys.stderr)
        return 1
    print(f"已导出 {count} 个生成文件和 content/ 到 {out}（exported {count} generated files）")
    return 0


def register(sub) -> None:
    p = sub.add_parser("export-pages", help="导出完整的页面目录，供不运行钩子的引擎构建 (docs tree for an engine without hooks)")
    p.add_argument("out", help="新目录 (a folder that does not exist yet)")
    p.set_defaults(func=cmd_export)
