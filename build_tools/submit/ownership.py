"""`python -m build_tools check-ownership`: may this GitHub account change these files?

data/owners.yaml maps agency id -> GitHub accounts and lists the maintainers
(schema: schemas/owners.schema.json). The rules (README "Ownership"):
- maintainers may change anything;
- everything under data/agencies/<id>/ belongs to agency <id>: only its accounts may change it;
  a new agency folder may be created by an account that does not yet represent an agency;
  an existing agency with no registered account can only be changed by maintainers;
- reviews (enterprise/management) may be added by anyone except the reviewed agency's accounts,
  demands by anyone; once published, only maintainers change or delete them;
- everything else (policies, courses, FAQ, experts, owners.yaml, code, workflows) is maintainers only.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..records import messages
from ..context import ROOT
from ..records.paths import display_path
from ..inputs.gitlog import repo_root
from ..records.problems import Problem, github_annotation
from ..records.safeyaml import YamlError, load_bytes
from ..records.schemas import SCHEMA_DIR, StrictValidator, format_checker, registry

OWNERS_FILE = "owners.yaml"
REVIEW_DIRS = (("reviews", "enterprise"), ("reviews", "management"))
OPEN_DIRS = ("demands",)


@dataclass(frozen=True)
class Owners:
    maintainers: frozenset[str]
    agencies: dict[str, frozenset[str]]   # agency id -> lower-cased logins

    def owned_by(self, login: str) -> set[str]:
        return {a for a, logins in self.agencies.items() if login.lower() in logins}

    def is_maintainer(self, login: str) -> bool:
        return login.lower() in self.maintainers


@dataclass(frozen=True)
class Decision:
    file: str
    allowed: bool
    reason: str

    def __str__(self) -> str:
        return f"{'✓ 允许' if self.allowed else '✗ 拒绝'} {self.file}：{self.reason}"


def load_owners(data_root: Path, schema_dir: Path = SCHEMA_DIR) -> tuple[Owners | None, list[Problem]]:
    """Read and schema-check data/owners.yaml (logins compare case-insensitively, as on GitHub)."""
    path = data_root / OWNERS_FILE
    shown = display_path(path)
    try:
        parsed = load_bytes(path.read_bytes())
    except YamlError as exc:
        return None, [Problem(shown, exc.line, "", exc.message, exc.english)]
    except OSError as exc:
        return None, [Problem(shown, 0, "", f"无法读取账号登记文件：{exc.strerror}", str(exc))]
    reg = registry(schema_dir)
    schema = reg.resolver().lookup("owners.schema.json").contents
    checker = StrictValidator(schema, registry=reg, format_checker=format_checker)
    problems = []
    for error in checker.iter_errors(parsed.data):
        fpath, zh, en = messages.explain(error, schema, reg)
        if "propertyNames" in error.absolute_schema_path:  # a bad key: point at the key itself
            fpath = [*fpath, error.instance]
        pointer = messages.pointer(fpath)
        line = next((parsed.lines[p] for p in (pointer, pointer.rsplit("/", 1)[0]) if p in parsed.lines), 1)
        problems.append(Problem(shown, line, messages.field_path(fpath), zh, en))
    if not problems:
        for agency in parsed.data["agencies"]:
            if not (data_root / "agencies" / agency / "agency.yaml").is_file():
                problems.append(Problem(shown, parsed.lines.get(f"/agencies/{agency}", 1), f"agencies.{agency}",
                                        f"找不到机构“{agency}”（data/agencies/{agency}/agency.yaml），请核对编号",
                                        "unknown agency"))
    if problems:
        return None, sorted(problems)
    return Owners(frozenset(m.lower() for m in parsed.data["maintainers"]),
                  {a: frozenset(x.lower() for x in logins) for a, logins in parsed.data["agencies"].items()}), []


def _reviewed_agency(path: Path) -> str | None:
    try:
        data = load_bytes(path.read_bytes()).data
    except (OSError, YamlError):
        return None
    agency = data.get("agency") if isinstance(data, dict) else None
    return agency if isinstance(agency, str) else None


def decide(author: str, file: Path, data_root: Path, owners: Owners, existed: Callable[[Path], bool]) -> Decision:
    """One changed file (deleted files included). `existed(path)` says whether it is in the base branch."""
    shown = display_path(file)
    if owners.is_maintainer(author):
        return Decision(shown, True, "维护者")
    try:
        parts = file.resolve().relative_to(data_root.resolve()).parts
    except ValueError:
        return Decision(shown, False, "数据目录以外的文件（程序、表单、工作流等）只有维护者可以修改")
    mine = owners.owned_by(author)
    if parts[0] == "agencies" and len(parts) >= 3:
        return _agency_file(shown, parts[1], author, mine, owners, data_root, existed)
    if parts[:2] in REVIEW_DIRS and len(parts) == 3:
        if existed(file) or not file.exists():
            return Decision(shown, False, "已发布的评价只有维护者可以修改或删除")
        agency = _reviewed_agency(file)
        if agency is None:
            return Decision(shown, False, "无法读取被评价机构编号（agency），无法判断能否提交")
        if agency in mine:
            return Decision(shown, False, f"不能评价自己代表的机构“{agency}”")
        return Decision(shown, True, f"新增对机构“{agency}”的评价")
    if parts[0] in OPEN_DIRS and len(parts) == 2:
        if existed(file) or not file.exists():
            return Decision(shown, False, "已发布的需求只有维护者可以修改或删除")
        return Decision(shown, True, "新增需求")
    return Decision(shown, False, "该类内容（账号登记、标准政策、课程、问答、专家等）只有维护者可以修改")


def _agency_file(shown: str, agency: str, author: str, mine: set[str], owners: Owners, data_root: Path,
                 existed: Callable[[Path], bool]) -> Decision:
    if agency in mine:
        return Decision(shown, True, f"本人代表的机构“{agency}”")
    if agency in owners.agencies:
        return Decision(shown, False, f"机构“{agency}”的记录只能由其登记的账号修改")
    if existed(data_root / "agencies" / agency / "agency.yaml"):
        return Decision(shown, False, f"机构“{agency}”尚未登记账号，只有维护者可以修改；请联系维护者在 data/owners.yaml 中登记")
    if mine:
        return Decision(shown, False, f"您已代表机构“{'、'.join(sorted(mine))}”，不能再新建机构")
    return Decision(shown, True, f"新机构“{agency}”：合并后由维护者在 data/owners.yaml 中登记您的账号")


def check(author: str, files: list[Path], data_root: Path, owners: Owners,
          existed: Callable[[Path], bool]) -> list[Decision]:
    return [decide(author, f, data_root, owners, existed) for f in files]


def existed_before(base: str | None, changed: list[Path]) -> Callable[[Path], bool]:
    """Was `path` there before this change? With `base`: is it in that git revision. Without: is it on disk
    and not itself among the changed files (a best guess for local runs; CI always passes --base)."""
    if not base:
        touched = {p.resolve() for p in changed}
        return lambda path: path.exists() and path.resolve() not in touched
    top = repo_root(Path.cwd())
    if top is None:
        raise SystemExit("--base 需要在 git 仓库中运行（--base needs a git checkout）")

    def existed(path: Path) -> bool:
        rel = path.resolve().relative_to(top.resolve()).as_posix()
        return subprocess.run(["git", "cat-file", "-e", f"{base}:{rel}"], capture_output=True).returncode == 0
    return existed


def cmd_check_ownership(args: argparse.Namespace) -> int:
    root = Path(args.data) if args.data else ROOT / "data"
    owners, problems = load_owners(root)
    for p in problems:
        print(p, file=sys.stderr)
    if owners is None:
        return 2
    changed = [Path(f) for f in args.changed]
    decisions = check(args.author, changed, root, owners, existed_before(args.base, changed))
    denied = [d for d in decisions if not d.allowed]
    for d in decisions:
        if args.format == "github" and not d.allowed:
            print(github_annotation(Problem(d.file, 0, "", f"账号 {args.author} 无权提交此文件：{d.reason}")))
        else:
            print(d)
    if denied:
        print(f"\n账号 {args.author} 无权修改其中 {len(denied)} 个文件。", file=sys.stderr)
        return 1
    return 0


def register(sub) -> None:
    p = sub.add_parser("check-ownership", help="检查提交者是否有权修改这些文件 (ownership check)")
    p.add_argument("--author", required=True, help="提交者的 GitHub 账号")
    p.add_argument("--changed", nargs="+", required=True, metavar="FILE", help="改动（含删除）的文件")
    p.add_argument("--base", help="目标分支的 git 版本（如 origin/main），用来区分新增与修改")
    p.add_argument("--data", help="数据目录（默认 data/）")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.set_defaults(func=cmd_check_ownership)
