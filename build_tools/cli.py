"""Command line: `python -m build_tools <command>`. Each command is a small function here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .context import ROOT
from .problems import Problem
from .validate import by_file, validate_tree

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


def github_annotation(p: Problem) -> str:
    """A GitHub Actions workflow command: shown on the PR's changed line."""
    def esc(value: str, prop: bool = False) -> str:
        value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return value.replace(":", "%3A").replace(",", "%2C") if prop else value
    where = f"file={esc(p.file, True)}" + (f",line={p.line}" if p.line else "")
    title = f",title={esc('字段 ' + p.field, True)}" if p.field else ""
    gloss = f" ({p.english})" if p.english else ""
    return f"::error {where}{title}::{esc(p.message + gloss)}"


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
    return parser


# Commands defined in other modules add themselves here: each is `register(subparsers)`.
def _commands() -> list:
    from . import forms, generate, intake, notices, ownership, report, scaffold, seal_commands
    return [generate.register, notices.register, forms.register, intake.register, ownership.register,
            scaffold.register, report.register, seal_commands.register]


COMMANDS: list = _commands()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
