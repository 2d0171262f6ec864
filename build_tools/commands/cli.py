"""Command line: `python -m build_tools <command>`. Each command is a small function here."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..context import ROOT
from ..records.problems import github_annotation
from ..records.schemas import load_kinds
from ..records.textsafe import printable
from ..records.validate import by_file, validate_tree
from ..settings import SettingsError

DEFAULT_DATA = ROOT / "data"


class PathError(Exception):
    """A path given to `validate` that it cannot check: said in Chinese, exit status 2, never 全部通过."""


def _data_root(paths: list[Path]) -> tuple[Path, list[Path] | None]:
    """`validate` accepts the data folder itself, or files/folders inside it. Paths are taken as
    written (never resolved through a symbolic link: the loader reports the link itself)."""
    if not paths:
        return DEFAULT_DATA, None
    for p in paths:
        if not os.path.lexists(p):
            raise PathError(f"找不到“{p}”：请检查路径拼写（path does not exist）")
    if len(paths) == 1 and paths[0].is_dir() and not paths[0].is_symlink() and _find_root(paths[0]) is None:
        if not _looks_like_data(paths[0]):
            raise PathError(f"“{paths[0]}”不是数据目录：其中没有 agencies/、demands/ 等记录目录（not a data folder）")
        return paths[0], None
    roots = {_find_root(p) for p in paths}
    if None in roots:
        outside = next(p for p in paths if _find_root(p) is None)
        raise PathError(f"“{outside}”不在数据目录 data/ 中：只能校验 data/ 下的记录和附件（path outside data/）")
    if len(roots) > 1:
        raise PathError("所给路径属于不同的数据目录，请分别校验（paths in several data folders）")
    root = roots.pop()
    assert root is not None  # refused above
    files: list[Path] = []
    for p in paths:
        if p.is_dir() and not p.is_symlink():
            inside = [Path(folder, name) for folder, _, names in os.walk(p) for name in names]
            if not inside:
                raise PathError(f"“{p}”中没有任何文件（empty folder）")
            files += sorted(inside)
        elif not _checkable(root, p):
            raise PathError(f"“{p}”不是记录或附件：记录是 data/ 下对应目录中的 .yaml 文件，附件在记录的 files/ 目录中"
                            "（not a record or attachment）")
        else:
            files.append(p)
    return root, files


def _find_root(path: Path) -> Path | None:
    """The data folder holding `path` (the nearest parent named data), lexically."""
    for parent in Path(os.path.abspath(path)).parents:
        if parent.name == "data":
            return parent
    return None


def _looks_like_data(folder: Path) -> bool:
    tops = {Path(kind.glob).parts[0] for kind in load_kinds().values()}
    return any((folder / top).is_dir() for top in tops)


def _checkable(root: Path, path: Path) -> bool:
    """A file `validate` has something to say about: a record or misplaced YAML file, an attachment,
    or an entry that must not be there at all (a link, a FIFO)."""
    rel = Path(os.path.relpath(os.path.abspath(path), root))
    if path.is_symlink() or not path.is_file():
        return True
    return path.suffix in (".yaml", ".yml") or "files" in rel.parts[:-1]


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        root, files = _data_root([Path(p) for p in args.paths])
    except PathError as exc:
        print(f"校验未进行：{printable(str(exc))}", file=sys.stderr)
        return 2
    dataset, problems = validate_tree(root, files)
    for items in by_file(problems).values():
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
    from ..deploy import hosts, nginx, release
    from ..submit import forms, intake, notices, ownership, prcheck, scaffold
    from ..submit.importers import agencies, credit, letters, policies, run
    from . import consult, export, report, samplemedia, seal, sitebuild
    return [notices.register, agencies.register, credit.register, policies.register, letters.register, run.register,
            forms.register, intake.register, ownership.register, prcheck.register, scaffold.register,
            report.register, seal.register, sitebuild.register, release.register, hosts.register, nginx.register,
            consult.register, samplemedia.register, export.register]


COMMANDS: list = _commands()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
