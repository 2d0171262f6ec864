"""Command line: `python -m build_tools <command>`. Each command is a small function here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..context import ROOT
from ..records.problems import github_annotation
from ..records.validate import by_file, validate_tree
from ..settings import SettingsError

DEFAULT_DATA = ROOT / "data"


def _data_root(paths: list[Path]) -> tuple[Path, list[Path] | None]:
    """`validate` accepts the data folder itself, or files/folders inside it."""
    if not paths:
        return DEFAULT_DATA, None
    if len(paths) == 1 and paths[0].is_dir() and not _inside_data(paths[0]):
        return paths[0], None
    files = []
    for p in paths:
        files += sorted(p.rglob("*.y*ml")) if p.is_dir() else [p]
    root = _find_root(files[0]) if files else DEFAULT_DATA
    return root, files


def _inside_data(path: Path) -> bool:
    return any(parent.name == "data" for parent in path.resolve().parents)


def _find_root(path: Path) -> Path:
    for parent in path.resolve().parents:
        if parent.name == "data":
            return parent
    return DEFAULT_DATA


def cmd_validate(args: argparse.Namespace) -> int:
    root, files = _data_root([Path(p) for p in args.paths])
    dataset, problems = validate_tree(root, files)
    for file, items in by_file(problems).items():
        for p in items:
            print(github_annotation(p) if args.format == "github" else p)
    if problems:
        print(f"\n发现 {len(problems)} 个问题，涉及 {len(by_file(problems))} 个文件。"
              f"（{len(problems)} problem(s) in {len(by_file(problems))} file(s)）", file=sys.stderr)
        return 1
    print(f"全部通过：{len(dataset)} 条记录。（all {len(dataset)} records valid）", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m build_tools", description="生态环境第三方服务平台 构建工具")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="校验记录 (validate records)")
    p.add_argument("paths", nargs="*", help="数据目录，或其中的文件/子目录（默认 data/）")
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="输出格式：text（默认）或 github（::error 注释，显示在 PR 的对应行）")
    p.set_defaults(func=cmd_validate)
    for register in COMMANDS:
        register(sub)
    # The data generator is a benchmark tool (benchmarks/generate.py); this alias passes its arguments on.
    # Imported only when run: the build tools work without the benchmarks folder.
    p = sub.add_parser("generate", help="生成模拟数据 (generate synthetic data; python -m benchmarks.generate)",
                       add_help=False, prefix_chars="\0")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_generate)
    return parser


def _generate(args: argparse.Namespace) -> int:
    from benchmarks.generate import main as generate_main
    return generate_main(args.args)


# Commands defined in other modules add themselves here: each is `register(subparsers)`.
def _commands() -> list:
    from ..submit import forms, intake, notices, ownership, scaffold
    from ..submit.importers import agencies, credit, letters, policies, run
    from . import report, seal
    return [notices.register, agencies.register, credit.register, policies.register, letters.register, run.register,
            forms.register, intake.register, ownership.register, scaffold.register, report.register, seal.register]


COMMANDS: list = _commands()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
