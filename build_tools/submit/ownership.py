"""`python -m build_tools check-ownership`: may this GitHub account change these files?

data/owners.yaml maps agency id -> GitHub accounts and lists the maintainers
(schema: schemas/owners.schema.json). The rules (README "Ownership"):
- no submission may hold a symbolic link, a submodule, a hidden file under data/, or a name with
  control characters, "..", ".git" or bytes that are not UTF-8 — whoever sends it;
- maintainers may change anything else;
- everything under data/agencies/<id>/ belongs to agency <id>: only its accounts may change it;
  a new agency folder may be created by an account that does not yet represent an agency (one per change);
  an existing agency with no registered account can only be changed by maintainers;
- enterprise reviews may be added by anyone except the reviewed agency's accounts, demands by anyone;
  once published, only maintainers change or delete them;
- management reviews (管理评价), and everything else (policies, courses, FAQ, experts, owners.yaml, code,
  schemas, workflows) are maintainers only.

Two ways to name the changes:
- `--base B --head H` (pull requests): the changes are `git diff --no-renames B...H`, read from git
  objects — names, modes and contents of the pull request are data, never a command-line argument,
  and owners.yaml is the one of the base revision B, never the pull request's;
- `[--base B] -- FILE...` (intake bot, local runs): files on disk, judged by their path as written
  (symbolic links are refused, never followed).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..context import ROOT
from ..records import messages
from ..records.paths import display_path
from ..records.problems import Problem, github_annotation
from ..records.safeyaml import YamlError, load_bytes
from ..records.schemas import SCHEMA_DIR, StrictValidator, format_checker, registry
from . import gitdata, mdsafe

OWNERS_FILE = "owners.yaml"
ENTERPRISE_REVIEWS = ("reviews", "enterprise")
MANAGEMENT_REVIEWS = ("reviews", "management")
OPEN_DIRS = ("demands", "consultations")
# A GitHub login (bots end in "[bot]"); anything else is refused before any rule is applied.
LOGIN = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}(?:\[bot\])?")


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
    new_agency: str | None = None   # allowed as the creation of this new agency folder

    def __str__(self) -> str:
        return f"{'✓ 允许' if self.allowed else '✗ 拒绝'} {gitdata.shown(self.file)}：{self.reason}"


@dataclass(frozen=True)
class Item:
    """One changed path as the rules see it. `path` is repository-relative ('data/agencies/…')."""
    path: str
    deleted: bool                                  # gone after the change
    problem: str | None                            # why no one may submit it (link, bad name …)
    content: Callable[[], bytes | None]            # the file after the change (None: unreadable/deleted)


# ---------------------------------------------------------------- owners.yaml

def parse_owners(raw: bytes, shown: str, agency_exists: Callable[[str], bool],
                 schema_dir: Path = SCHEMA_DIR) -> tuple[Owners | None, list[Problem]]:
    """Schema-check the owners file (logins compare case-insensitively, as on GitHub)."""
    try:
        parsed = load_bytes(raw)
    except YamlError as exc:
        return None, [Problem(shown, exc.line, "", exc.message, exc.english)]
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
            if not agency_exists(agency):
                problems.append(Problem(shown, parsed.lines.get(f"/agencies/{agency}", 1), f"agencies.{agency}",
                                        f"找不到机构“{agency}”（data/agencies/{agency}/agency.yaml），请核对编号",
                                        "unknown agency"))
    if problems:
        return None, sorted(problems)
    return Owners(frozenset(m.lower() for m in parsed.data["maintainers"]),
                  {a: frozenset(x.lower() for x in logins) for a, logins in parsed.data["agencies"].items()}), []


def load_owners(data_root: Path, schema_dir: Path = SCHEMA_DIR) -> tuple[Owners | None, list[Problem]]:
    """data/owners.yaml from disk."""
    path = data_root / OWNERS_FILE
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 0, "", f"无法读取账号登记文件：{exc.strerror}", str(exc))]
    return parse_owners(raw, shown, lambda a: (data_root / "agencies" / a / "agency.yaml").is_file(), schema_dir)


def owners_at(repo: Path, rev: str, prefix: str, schema_dir: Path = SCHEMA_DIR) -> tuple[Owners | None, list[Problem]]:
    """data/owners.yaml as revision `rev` has it (the base branch: a pull request cannot edit its own judge)."""
    files = gitdata.tree(repo, rev, prefix)
    shown = f"{prefix}/{OWNERS_FILE}"
    entry = files.get(shown)
    if entry is None or entry.mode not in gitdata.REGULAR:
        return None, [Problem(shown, 0, "", f"目标分支中没有账号登记文件 {shown}", "owners file missing in base")]
    with gitdata.Blobs(repo) as blobs:
        raw = blobs.read(entry.sha)
    return parse_owners(raw, shown, lambda a: f"{prefix}/agencies/{a}/agency.yaml" in files, schema_dir)


# ---------------------------------------------------------------- the rules

def _reviewed_agency(raw: bytes | None) -> str | None:
    try:
        data = load_bytes(raw).data if raw is not None else None
    except YamlError:
        return None
    agency = data.get("agency") if isinstance(data, dict) else None
    return agency if isinstance(agency, str) else None


def decide_item(author: str, item: Item, owners: Owners, existed: Callable[[str], bool],
                prefix: str = "data") -> Decision:
    """One changed path (deleted ones included). `existed(path)` says whether it is in the base branch."""
    if item.problem:
        return Decision(item.path, False, item.problem)
    if owners.is_maintainer(author):
        return Decision(item.path, True, "维护者")
    parts = tuple(item.path.split("/"))
    if parts[0] != prefix or len(parts) < 2:
        return Decision(item.path, False, "数据目录以外的文件（程序、表单、工作流等）只有维护者可以修改")
    parts = parts[1:]
    mine = owners.owned_by(author)
    if parts[0] == "agencies" and len(parts) >= 3:
        return _agency_file(item.path, parts[1], mine, owners, lambda a: existed(f"{prefix}/agencies/{a}/agency.yaml"))
    if parts[:2] == MANAGEMENT_REVIEWS:
        return Decision(item.path, False, "管理评价只能由维护者（管理部门）提交、修改或删除")
    if parts[:2] == ENTERPRISE_REVIEWS and len(parts) == 3:
        if existed(item.path) or item.deleted:
            return Decision(item.path, False, "已发布的评价只有维护者可以修改或删除")
        agency = _reviewed_agency(item.content())
        if agency is None:
            return Decision(item.path, False, "无法读取被评价机构编号（agency），无法判断能否提交")
        if agency in mine:
            return Decision(item.path, False, f"不能评价自己代表的机构“{agency}”")
        return Decision(item.path, True, f"新增对机构“{agency}”的评价")
    if parts[0] in OPEN_DIRS and len(parts) == 2:
        if existed(item.path) or item.deleted:
            return Decision(item.path, False, "已发布的需求只有维护者可以修改或删除")
        return Decision(item.path, True, "新增需求")
    return Decision(item.path, False, "该类内容（账号登记、标准政策、课程、问答、专家等）只有维护者可以修改")


def _agency_file(path: str, agency: str, mine: set[str], owners: Owners,
                 agency_existed: Callable[[str], bool]) -> Decision:
    if agency in mine:
        return Decision(path, True, f"本人代表的机构“{agency}”")
    if agency in owners.agencies:
        return Decision(path, False, f"机构“{agency}”的记录只能由其登记的账号修改")
    if agency_existed(agency):
        return Decision(path, False, f"机构“{agency}”尚未登记账号，只有维护者可以修改；请联系维护者在 data/owners.yaml 中登记")
    if mine:
        return Decision(path, False, f"您已代表机构“{'、'.join(sorted(mine))}”，不能再新建机构")
    return Decision(path, True, f"新机构“{agency}”：合并后由维护者在 data/owners.yaml 中登记您的账号", agency)


def _one_new_agency(decisions: list[Decision]) -> list[Decision]:
    """One account, one agency: a change may create at most one new agency folder."""
    new = sorted({d.new_agency for d in decisions if d.new_agency})
    if len(new) <= 1:
        return decisions
    return [Decision(d.file, False, f"一次只能新建一个机构（本次新建了{'、'.join(f'“{a}”' for a in new)}）")
            if d.new_agency else d for d in decisions]


def check_items(author: str, items: list[Item], owners: Owners, existed: Callable[[str], bool],
                prefix: str = "data") -> list[Decision]:
    return _one_new_agency([decide_item(author, i, owners, existed, prefix) for i in items])


# ---------------------------------------------------------------- pull requests: from git objects

def git_items(repo: Path, base: str, head: str, blobs: gitdata.Blobs,
              prefix: str = "data") -> tuple[list[Item], Callable[[str], bool]]:
    """The changes of `head` against `base` as items, and `existed` (is a path in the base revision)."""
    base_files = gitdata.tree(repo, base)
    items = []
    for change in gitdata.changes(repo, base, head):
        problem = gitdata.path_problem(change.path, prefix) or gitdata.mode_problem(change.new)
        new = change.new

        def content(new=new) -> bytes | None:
            return blobs.read(new.sha) if new is not None and new.mode in gitdata.REGULAR else None
        items.append(Item(change.path, change.new is None, problem, content))
    return items, base_files.__contains__


# ---------------------------------------------------------------- local runs: files on disk

def local_item(file: Path, data_root: Path) -> Item:
    """A file on disk, judged by the path as written: '..' is resolved lexically and links are not followed.
    Its path starts with the data folder's own name ('data/agencies/…')."""
    absolute = Path(os.path.abspath(file))
    root = Path(os.path.abspath(data_root))
    repo_prefix = root.name
    try:
        rel = absolute.relative_to(root).as_posix()
        path = f"{repo_prefix}/{rel}" if rel != "." else repo_prefix
    except ValueError:
        path = os.path.relpath(absolute, root.parent).replace(os.sep, "/")
        return Item(path, not os.path.lexists(absolute), None, lambda: None)
    problem = gitdata.path_problem(path, repo_prefix)
    probe = root
    for part in ([] if rel == "." else rel.split("/")):
        probe = probe / part
        if probe.is_symlink():
            problem = problem or "不允许提交符号链接（symlink），请提交文件本身"
    if not problem and os.path.lexists(absolute) and not absolute.is_file():
        problem = "只能提交普通文件（不能是目录、管道等）"

    def content() -> bytes | None:
        try:
            return absolute.read_bytes() if absolute.is_file() and not absolute.is_symlink() else None
        except OSError:
            return None
    return Item(path, not os.path.lexists(absolute), problem, content)


def decide(author: str, file: Path, data_root: Path, owners: Owners, existed: Callable[[Path], bool]) -> Decision:
    """One file on disk (tests and local runs); `existed(path)` says whether it is in the base branch."""
    item = local_item(file, data_root)
    root = Path(os.path.abspath(data_root))
    decision = decide_item(author, item, owners, lambda rel: existed(root.parent / rel), root.name)
    return Decision(display_path(Path(os.path.abspath(file))), decision.allowed, decision.reason, decision.new_agency)


def check(author: str, files: list[Path], data_root: Path, owners: Owners,
          existed: Callable[[Path], bool]) -> list[Decision]:
    return _one_new_agency([decide(author, f, data_root, owners, existed) for f in files])


def existed_before(base: str | None, changed: list[Path]) -> Callable[[Path], bool]:
    """Was `path` there before this change? With `base`: is it in that git revision. Without: is it on disk
    and not itself among the changed files (a best guess for local runs; CI always passes --base)."""
    if not base:
        touched = {Path(os.path.abspath(p)) for p in changed}
        return lambda path: os.path.lexists(path) and Path(os.path.abspath(path)) not in touched
    top = Path(gitdata.git(".", "rev-parse", "--show-toplevel").decode().strip()).resolve()
    files = gitdata.tree(top, base)

    def existed(path: Path) -> bool:
        absolute = Path(os.path.abspath(path))
        folder = absolute.parent.resolve()  # the folders above may be links on this machine (/tmp …); the name not
        try:
            rel = (folder / absolute.name).relative_to(top).as_posix()
        except ValueError:
            return False
        return rel in files
    return existed


# ---------------------------------------------------------------- command

def _report(decisions: list[Decision], author: str, fmt: str) -> None:
    for d in decisions:
        if fmt == "github" and not d.allowed:
            # shown(): control characters of a hostile name become visible escapes, then the
            # annotation escapes what would end the command (`,` `:` `%`).
            print(github_annotation(Problem(gitdata.shown(d.file), 0, "", f"账号 {author} 无权提交此文件：{d.reason}")))
        else:
            print(d)


def comment(author: str, denied: list[Decision]) -> str:
    """The Chinese comment for the issue when the intake bot may not submit the record."""
    who = f"@{author}" if LOGIN.fullmatch(author) else mdsafe.inline(author)
    return (f"⛔ 账号 {who} 无权提交该记录：\n\n" + mdsafe.block("\n".join(str(d) for d in denied)) +
            "\n\n机构记录只能由该机构登记的账号提交，规则见 README 的 Ownership 一节。\n")


def cmd_check_ownership(args: argparse.Namespace) -> int:
    if not LOGIN.fullmatch(args.author):
        print(f"提交者账号“{gitdata.shown(args.author)}”不是有效的 GitHub 账号 (invalid login)", file=sys.stderr)
        return 2
    root = Path(args.data) if args.data else ROOT / "data"
    args.files = [*args.files, *args.changed[args.changed[:1] == ["--"]:]]
    try:
        if args.head:
            if not args.base or args.files:
                print("--head 须与 --base 一起使用，且不再列出文件 (--head needs --base and no FILE)", file=sys.stderr)
                return 2
            repo = Path(gitdata.git(root.parent if root.parent.is_dir() else ".", "rev-parse", "--show-toplevel")
                        .decode().strip())
            prefix = Path(os.path.abspath(root)).resolve().relative_to(repo.resolve()).as_posix()
            base = gitdata.rev_parse(repo, args.base)
            head = gitdata.rev_parse(repo, args.head)
            owners, problems = owners_at(repo, base, prefix)
            if owners is None:
                for p in problems:
                    print(p, file=sys.stderr)
                return 2
            with gitdata.Blobs(repo) as blobs:
                items, existed = git_items(repo, base, head, blobs, prefix)
                decisions = check_items(args.author, items, owners, existed, prefix)
        else:
            owners, problems = load_owners(root)
            if owners is None:
                for p in problems:
                    print(p, file=sys.stderr)
                return 2
            if not args.files:
                print("没有要检查的文件 (no files)", file=sys.stderr)
                return 2
            changed = [Path(f) for f in args.files]
            decisions = check(args.author, changed, root, owners, existed_before(args.base, changed))
    except gitdata.GitError as exc:
        print(f"无法读取 git 版本信息：{exc}", file=sys.stderr)
        return 2
    _report(decisions, args.author, args.format)
    denied = [d for d in decisions if not d.allowed]
    if denied and args.comment:
        Path(args.comment).write_text(comment(args.author, denied), encoding="utf-8")
    if denied:
        print(f"\n账号 {args.author} 无权修改其中 {len(denied)} 个文件。", file=sys.stderr)
        return 1
    if not decisions:
        print("没有改动的文件。")
    return 0


def register(sub) -> None:
    p = sub.add_parser("check-ownership", help="检查提交者是否有权修改这些文件 (ownership check)",
                       description="FILE 须写在 -- 之后，文件名不会被当作选项。")
    p.add_argument("--author", required=True, help="提交者的 GitHub 账号")
    p.add_argument("--base", help="目标分支的 git 版本（如 origin/main）：区分新增与修改；与 --head 一起时也读取其中的 owners.yaml")
    p.add_argument("--head", help="合并请求的 git 版本：检查 git diff --no-renames BASE...HEAD 中的全部改动（不列出文件）")
    p.add_argument("--data", help="数据目录（默认 data/）")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.add_argument("--comment", help="被拒绝时把给议题的中文回复写入此文件")
    p.add_argument("files", nargs="*", metavar="FILE", help="改动（含删除）的文件，写在 -- 之后")
    # The older spelling `--changed FILE...`: everything after it is a file name, even `--author=x`
    # (REMAINDER), so it cannot turn a name into an option either. It must come last.
    p.add_argument("--changed", nargs=argparse.REMAINDER, default=[], metavar="FILE", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_check_ownership)
