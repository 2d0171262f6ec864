"""Pull-request checks with the base branch's code: the pull request is only ever data.

`python -m build_tools pr-data --base B --head H --into DIR`
    writes DIR/data: the base revision's data/ with the pull request's changes (`git diff B...H`)
    applied — the tree that merging would publish — from git objects (no checkout of the pull
    request, no .gitattributes applied, nothing executed). Only regular files: a symbolic link or a
    submodule anywhere in that tree stops it before anything is written.

`python -m build_tools pr-validate --base B --head H DIR/data`
    validates that whole tree. A problem in a file the pull request changed is shown on that file.
    A problem in a file it did not change (an existing review that a changed project no longer
    matches) is shown on the change that caused it: each changed file is put back as the base has
    it, one at a time, and the change whose reverting makes the problem go away is named. A problem
    the base branch already had is shown as such. Any problem fails the check: the nightly build
    validates the same tree.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..context import ROOT
from ..records.problems import Problem, github_annotation
from ..records.validate import validate_tree
from . import gitdata
from .ownership import OWNERS_FILE, load_owners

MAX_CAUSE_CANDIDATES = 40   # changed files tried one by one when a problem appears in an unchanged file


def _repo() -> Path:
    return Path(gitdata.git(ROOT, "rev-parse", "--show-toplevel").decode().strip())


def data_changes(repo: Path, base: str, head: str, prefix: str) -> list[gitdata.Change]:
    return [c for c in gitdata.changes(repo, base, head) if c.path.startswith(prefix + "/")]


def merged_tree(repo: Path, base: str, head: str, prefix: str) -> tuple[dict[str, gitdata.Entry], list[str]]:
    """The files of `prefix` after merging: base's, with the pull request's additions, edits and deletions.
    Also every reason the tree cannot be written (links, submodules, unsafe names), as messages."""
    files = gitdata.tree(repo, base, prefix)
    for change in data_changes(repo, base, head, prefix):
        if change.new is None:
            files.pop(change.path, None)
        else:
            files[change.path] = change.new
    refused = []
    for path, entry in sorted(files.items()):
        why = gitdata.path_problem(path, prefix) or gitdata.mode_problem(entry)
        if why:
            refused.append(f"{gitdata.shown(path)}：{why}")
    return files, refused


def write_tree(repo: Path, files: dict[str, gitdata.Entry], into: Path) -> None:
    """Write regular files only, each created new (O_EXCL, O_NOFOLLOW) under `into`."""
    paths = sorted(files)
    made: set[Path] = set()
    with gitdata.Blobs(repo) as blobs:
        for path, data in zip(paths, blobs.read_many([files[p].sha for p in paths])):
            target = into.joinpath(*gitdata.fs_path(path).split("/"))
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            _write_new(target, data)


def _write_new(target: Path, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def cmd_pr_data(args: argparse.Namespace) -> int:
    repo = _repo()
    into = Path(args.into)
    try:
        base, head = gitdata.rev_parse(repo, args.base), gitdata.rev_parse(repo, args.head)
        files, refused = merged_tree(repo, base, head, args.prefix)
    except gitdata.GitError as exc:
        print(f"无法读取 git 版本信息：{exc}", file=sys.stderr)
        return 2
    if refused:
        for line in refused:
            print(f"::error::不能生成合并后的数据：{_data(line)}" if args.format == "github" else line)
        print(f"\n合并后的数据中有 {len(refused)} 个不允许的文件，未写出。", file=sys.stderr)
        return 1
    if into.exists() and any(into.iterdir()):
        print(f"目标目录不是空的：{into}", file=sys.stderr)
        return 2
    try:
        write_tree(repo, files, into)
    except OSError as exc:
        print(f"无法写出合并后的数据：{exc}", file=sys.stderr)
        return 1
    print(f"合并后的数据：{len(files)} 个文件 → {into / args.prefix}")
    return 0


# ---------------------------------------------------------------- validation with attribution

def _key(p: Problem) -> tuple[str, str, str, str]:
    return p.file, p.field, p.message, p.english   # lines of an unchanged file do not move


def tree_problems(data_root: Path) -> list[Problem]:
    """Every problem of a data tree: records (validate) and, when present, the owners file.
    Paths are shown relative to the data folder's parent ('data/…', as in the repository)."""
    with _cwd(data_root.parent):
        _, problems = validate_tree(data_root)
        if (data_root / OWNERS_FILE).exists():
            problems += load_owners(data_root)[1]
    return sorted(set(problems))


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@dataclass(frozen=True)
class Finding:
    problem: Problem
    where: str                 # "changed" | "caused" | "joint" | "base"
    causes: tuple[str, ...] = ()


def base_problems(repo: Path, base: str, prefix: str) -> set[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="pr-base-") as tmp:
        write_tree(repo, gitdata.tree(repo, base, prefix), Path(tmp))
        return {_key(p) for p in tree_problems(Path(tmp) / prefix)}


def causes_of(repo: Path, base: str, data_root: Path, changes: list[gitdata.Change],
              targets: set[tuple[str, str, str, str]]) -> dict[tuple[str, str, str, str], list[str]]:
    """For each target problem: the changed files whose reverting alone makes it disappear."""
    base_files = gitdata.tree(repo, base, data_root.name)
    found: dict[tuple, list[str]] = defaultdict(list)
    with gitdata.Blobs(repo) as blobs:
        for change in changes[:MAX_CAUSE_CANDIDATES]:
            target = data_root.parent.joinpath(*gitdata.fs_path(change.path).split("/"))
            saved = target.read_bytes() if target.is_file() and not target.is_symlink() else None
            before = base_files.get(change.path)
            created = [d for d in reversed(target.parents) if not d.exists()]
            try:
                if target.exists() or target.is_symlink():
                    target.unlink()
                if before is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _write_new(target, blobs.read(before.sha))
                remaining = {_key(p) for p in tree_problems(data_root)}
            finally:
                if target.exists():
                    target.unlink()
                if saved is not None:
                    _write_new(target, saved)
                for folder in reversed(created):
                    folder.rmdir()
            for key in targets - remaining:
                found[key].append(change.path)
    return found


def findings(repo: Path, base: str, head: str, data_root: Path) -> list[Finding]:
    prefix = data_root.name
    problems = tree_problems(data_root)
    if not problems:
        return []
    changes = data_changes(repo, base, head, prefix)
    changed = {c.path for c in changes}
    out = [Finding(p, "changed") for p in problems if p.file in changed]
    elsewhere = [p for p in problems if p.file not in changed]
    if elsewhere:
        known = base_problems(repo, base, prefix)
        new = [p for p in elsewhere if _key(p) not in known]
        out += [Finding(p, "base") for p in elsewhere if _key(p) in known]
        causes = causes_of(repo, base, data_root, changes, {_key(p) for p in new}) if new else {}
        out += [Finding(p, "caused", tuple(causes[_key(p)])) if causes.get(_key(p)) else Finding(p, "joint")
                for p in new]
    return out


def _data(value: str) -> str:
    return gitdata.shown(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def report(found: list[Finding], fmt: str) -> list[str]:
    lines = []
    for f in found:
        p = f.problem
        where = f"{p.file} 第 {p.line} 行" if p.line else f"{p.file} "
        if f.where == "changed":
            lines.append(github_annotation(p) if fmt == "github" else str(p))
            continue
        note = {"base": "（目标分支中已存在，不是本次改动引起的，请联系维护者）",
                "joint": "（由本次的几处改动共同引起）",
                "caused": f"（由本次对 {'、'.join(f.causes)} 的改动引起）"}[f.where]
        shifted = Problem(p.file, p.line, p.field, p.message + note, p.english)
        lines.append(github_annotation(shifted) if fmt == "github" else str(shifted))
        for cause in f.causes:
            on_cause = Problem(cause, 0, "", f"本次对此文件的改动使未改动的 {where}出错：{p.message}", p.english)
            lines.append(github_annotation(on_cause) if fmt == "github" else str(on_cause))
    return lines


def cmd_pr_validate(args: argparse.Namespace) -> int:
    data_root = Path(args.data).resolve()
    repo = _repo()
    try:
        base, head = gitdata.rev_parse(repo, args.base), gitdata.rev_parse(repo, args.head)
        found = findings(repo, base, head, data_root)
    except gitdata.GitError as exc:
        print(f"无法读取 git 版本信息：{exc}", file=sys.stderr)
        return 2
    for line in report(found, args.format):
        print(line)
    if found:
        files = len({f.problem.file for f in found})
        print(f"\n合并后的数据有 {len(found)} 个问题，涉及 {files} 个文件。（{len(found)} problem(s) in {files} file(s)）",
              file=sys.stderr)
        return 1
    print("合并后的全部数据校验通过。（the merged data tree is valid）", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("pr-data", help="合并请求：写出合并后的 data/（只读 git 对象，不执行合并请求中的任何内容）")
    p.add_argument("--base", required=True, help="目标分支的 git 版本")
    p.add_argument("--head", required=True, help="合并请求的 git 版本")
    p.add_argument("--into", required=True, help="写入此目录（须为空）下的 data/")
    p.add_argument("--prefix", default="data", help=argparse.SUPPRESS)
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.set_defaults(func=cmd_pr_data)
    p = sub.add_parser("pr-validate", help="合并请求：校验合并后的整个数据树，并把问题归到引起它的改动")
    p.add_argument("--base", required=True, help="目标分支的 git 版本")
    p.add_argument("--head", required=True, help="合并请求的 git 版本")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.add_argument("data", help="pr-data 写出的 data/ 目录")
    p.set_defaults(func=cmd_pr_validate)
