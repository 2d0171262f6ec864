"""Commands around sealed personal numbers (see README, *Personal numbers*):

    keygen        the bureau makes its key pair (private key outside the repository)
    seal          number(s) -> tokens; `--in-place` seals the raw numbers of record files
    unseal        the bureau lists (or exports) the full numbers of the records, with its private key
    reseal        key rotation: tokens of an old key -> tokens of the current public key
    scan-numbers  full numbers anywhere in the tracked files (or the whole git history)
"""
from __future__ import annotations

import argparse
import csv
import getpass
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ..context import ROOT
from ..records import personal, sealing
from ..records.safeyaml import YamlError, load_bytes
from ..records.sealing import Sealer

PASSPHRASE_ENV = "SEALING_PASSPHRASE"


# --- sealing text and files ----------------------------------------------------------------------
def seal_file(path: Path, sealer: Sealer) -> tuple[int, str]:
    """Seal the raw numbers of one YAML file in place, keeping its layout and comments.

    The numbers are replaced in the text; the result is accepted only if it parses to the same
    record with the numbers sealed value by value and no raw number is left (a number hidden in a
    YAML escape or split over lines cannot be replaced as text). Returns (numbers sealed, error)."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        before = load_bytes(raw, with_lines=False).data
    except YamlError as exc:  # not a record anyone can read; only a problem if it holds a number
        return 0, f"无法读取：{exc.message}" if personal.find(raw.decode("utf-8", "replace")) else ""
    text = raw.decode("utf-8-sig")
    hits = personal.find(text)
    if not hits and not personal.in_record(before):
        return 0, ""
    new = sealer.text(text)
    try:
        after = load_bytes(new.encode(), with_lines=False).data
    except YamlError:
        after = None
    if after is None or personal.in_record(after) or personal.masked_view(after) != personal.masked_view(sealer.value(before)):
        return 0, "无法自动加密（号码写在转义字符中或跨行），请用 seal 命令加密后手工替换"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + new.encode())
    return len(hits), ""


def yaml_files(paths: list[Path]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file()
                              and not q.is_symlink())
        elif p.is_file():
            yield p


# --- finding tokens in records -------------------------------------------------------------------
@dataclass(frozen=True)
class SealedValue:
    file: Path
    record: str        # record id (file or folder name)
    field: str         # contacts[0].phone
    holder: str        # the "name" next to the token: the contact's, or the record's for a top-level field
    token: str


def sealed_values(paths: list[Path]) -> Iterator[SealedValue]:
    from ..records.messages import field_path
    for path in yaml_files(paths):
        try:
            data = load_bytes(path.read_bytes(), with_lines=False).data
        except (OSError, YamlError):
            continue
        rid = path.parent.name if path.name == "agency.yaml" else path.stem
        for field, parent, text in _strings_with_parent(data):
            for m in personal.TOKEN.finditer(text):
                name = parent.get("name", "") if isinstance(parent, dict) else ""
                yield SealedValue(path, rid, field_path(field), str(name), m.group())


def _strings_with_parent(value: Any, path: tuple = (), parent: Any = None) -> Iterator[tuple[tuple, Any, str]]:
    if isinstance(value, str):
        yield path, parent, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings_with_parent(v, path + (k,), value)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings_with_parent(v, path + (i,), value)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover
        return str(path)


def inert(cell: str) -> str:
    """A spreadsheet never evaluates it as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


# --- keys ----------------------------------------------------------------------------------------
def _passphrase(args: argparse.Namespace, confirm: bool) -> bytes | None:
    if getattr(args, "no_passphrase", False):
        return None
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV].encode()
    if not sys.stdin.isatty():
        raise sealing.SealingError(f"需要私钥口令：在终端中运行，或设置环境变量 {PASSPHRASE_ENV}")
    first = getpass.getpass("私钥口令：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise sealing.SealingError("两次输入的口令不一致")
    return first.encode() or None


def _inside_repository(path: Path) -> bool:
    try:
        path.resolve().relative_to(ROOT.resolve())
    except ValueError:
        return False
    return True


def read_keys(args: argparse.Namespace) -> dict[str, sealing.PrivateKey]:
    keys = []
    for name in args.key:
        path = Path(name)
        passphrase = _passphrase(args, confirm=False) if sealing.is_encrypted_pem(path) else None
        keys.append(sealing.load_private(path, passphrase))
    return sealing.key_ring(keys)


def cmd_keygen(args: argparse.Namespace) -> int:
    private = Path(args.private)
    if _inside_repository(private) and not args.force:
        print(f"✗ 私钥不能保存在仓库目录中（{private}）：请保存到仓库之外，例如主管部门的加密U盘。", file=sys.stderr)
        return 2
    if private.exists():
        print(f"✗ {private} 已存在，不会覆盖。", file=sys.stderr)
        return 2
    key = sealing.generate()
    pem = sealing.private_pem(key, _passphrase(args, confirm=True))
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public = Path(args.public)
    public.write_text(sealing.public_key_file(key.public, args.note or ""), encoding="utf-8")
    print(f"私钥已写入 {private}（只由主管部门保管，切勿提交到仓库）。")
    print(f"公钥已写入 {public}，密钥编号 {key.public.kid}。提交该文件后，新的加密都使用这把密钥；"
          "旧密钥加密的号码请用 reseal 命令转换。")
    return 0


# --- commands ------------------------------------------------------------------------------------
def _public(args: argparse.Namespace) -> sealing.PublicKey:
    return sealing.load_public(Path(args.public_key) if args.public_key else None)


def cmd_seal(args: argparse.Namespace) -> int:
    sealer = Sealer(_public(args))
    if args.in_place:
        problems = 0
        for path in yaml_files([Path(p) for p in args.items]):
            count, error = seal_file(path, sealer)
            if error:
                problems += 1
                print(f"✗ {_shown(path)}：{error}", file=sys.stderr)
            elif count:
                print(f"{_shown(path)}：已加密 {count} 个号码")
        return 1 if problems else 0
    numbers = args.items or [line for line in sys.stdin.read().splitlines() if line.strip()]
    status = 0
    for text in numbers:
        hit = personal.normalise(text)
        if hit is None:
            print(f"✗ 不是完整的手机号或身份证号：{text.strip()[:3]}…", file=sys.stderr)
            status = 1
            continue
        print(sealer.token(hit.number))
    return status


def cmd_unseal(args: argparse.Namespace) -> int:
    keys = read_keys(args)
    rows, failed = [], 0
    for v in sealed_values([Path(p) for p in (args.paths or [ROOT / "data"])]):
        try:
            number = sealing.unseal(v.token, keys)
        except sealing.SealingError as exc:
            failed += 1
            print(f"✗ {_shown(v.file)} {v.field}：{exc}", file=sys.stderr)
            continue
        rows.append((_shown(v.file), v.record, v.field, v.holder, number))
    header = ("文件", "记录", "字段", "姓名或名称", "号码")
    if args.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[inert(c) for c in row] for row in rows])
        fd = os.open(args.csv, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
            out.write(buffer.getvalue())
        print(f"已导出 {len(rows)} 个号码到 {args.csv}（文件含完整号码，请妥善保管）。", file=sys.stderr)
    else:
        for row in rows:
            print("\t".join(row))
    print(f"共 {len(rows)} 个号码已解密" + (f"，{failed} 个无法解密" if failed else "") + "。", file=sys.stderr)
    return 1 if failed else 0


def cmd_reseal(args: argparse.Namespace) -> int:
    keys = read_keys(args)
    target = _public(args)
    changed: dict[Path, list[tuple[str, str]]] = {}
    failed = 0
    for v in sealed_values([Path(p) for p in (args.paths or [ROOT / "data"])]):
        if (m := personal.TOKEN.fullmatch(v.token)) and m["kid"] == target.kid:
            continue
        try:
            number = sealing.unseal(v.token, keys)
        except sealing.SealingError as exc:
            failed += 1
            print(f"✗ {_shown(v.file)} {v.field}：{exc}", file=sys.stderr)
            continue
        changed.setdefault(v.file, []).append((v.token, sealing.seal(number, target)))
    for path, swaps in changed.items():
        text = path.read_bytes().decode("utf-8")
        for old, new in swaps:
            text = text.replace(old, new)
        path.write_bytes(text.encode())
        print(f"{_shown(path)}：{len(swaps)} 个号码已改用密钥 {target.kid} 加密")
    print(f"共转换 {sum(map(len, changed.values()))} 个号码" + (f"，{failed} 个无法解密" if failed else "") + "。",
          file=sys.stderr)
    return 1 if failed else 0


# --- scanning the repository ---------------------------------------------------------------------
@dataclass(frozen=True)
class Leak:
    where: str      # path (and, for history, the commit-independent blob id)
    line: int       # 0 = the path itself
    hit: personal.Found
    text: str       # the number as written (for --replacements only; never printed)


def scan_text(where: str, text: str) -> list[Leak]:
    out = []
    for hit in personal.find(text):
        out.append(Leak(where, text.count("\n", 0, hit.start) + 1, hit, text[hit.start:hit.end]))
    return out


def _is_text(data: bytes) -> bool:
    return b"\0" not in data[:8192]


def _git(args: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True, **kw)


def scan_tree(repo: Path) -> list[Leak]:
    """Every tracked file (as in the working tree): its path and, for text files, its content."""
    names = _git(["ls-files", "-z"], repo).stdout.decode("utf-8", "replace").split("\0")
    leaks = []
    for name in filter(None, names):
        leaks += [Leak(name, 0, x.hit, x.text) for x in scan_text(name, name)]
        path = repo / name
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if _is_text(data):
            leaks += scan_text(name, data.decode("utf-8", "replace"))
    return leaks


def scan_history(repo: Path) -> list[Leak]:
    """Every blob and path reachable from any ref: what a fresh clone downloads."""
    listing = _git(["rev-list", "--objects", "--all"], repo).stdout.decode("utf-8", "replace").splitlines()
    blobs: dict[str, str] = {}
    leaks: list[Leak] = []
    for line in listing:
        oid, _, name = line.partition(" ")
        if name:
            leaks += [Leak(name, 0, x.hit, x.text) for x in scan_text(name, name)]
            blobs.setdefault(oid, name)
    types = _git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], repo,
                 input="\n".join(blobs).encode()).stdout.decode().split("\n")
    wanted = [t.split()[0] for t in types if t.endswith(" blob")]
    out = _git(["cat-file", "--batch"], repo, input="\n".join(wanted).encode()).stdout
    pos = 0
    for oid in wanted:
        head_end = out.index(b"\n", pos)
        size = int(out[pos:head_end].split()[2])
        data = out[head_end + 1: head_end + 1 + size]
        pos = head_end + 1 + size + 1
        if _is_text(data):
            leaks += scan_text(f"{blobs[oid]} ({oid[:10]})", data.decode("utf-8", "replace"))
    return leaks


def cmd_scan(args: argparse.Namespace) -> int:
    repo = Path(args.repo)
    leaks = scan_history(repo) if args.history else scan_tree(repo)
    for leak in leaks:
        where = f"{leak.where}:{leak.line}" if leak.line else f"{leak.where}（文件名）"
        print(f"{where}: {leak.hit.label} {personal.mask_of(leak.hit.number)}")
    if args.replacements:
        lines = sorted({f"{leak.text}==>{personal.mask_of(leak.hit.number)}" for leak in leaks})
        fd = os.open(args.replacements, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in lines))
    what = "历史中的所有版本" if args.history else "受版本管理的文件"
    print(f"{what}中发现 {len(leaks)} 处完整号码。" if leaks else f"{what}中没有完整的手机号或身份证号。",
          file=sys.stderr)
    return 1 if leaks else 0


def _friendly(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A key that cannot be read or a missing passphrase is a sentence, not a traceback."""
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except sealing.SealingError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            return 2
    return run


def register(sub) -> None:
    def add(name: str, help: str, func: Callable) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.set_defaults(func=_friendly(func))
        return p

    p = add("keygen", "生成主管部门的密钥对 (bureau key pair: private key file + public key in config)", cmd_keygen)
    p.add_argument("--private", required=True, help="私钥文件（须在仓库之外）")
    p.add_argument("--public", default=str(sealing.DEFAULT_PUBLIC), help="公钥文件（默认 config/sealing.yaml）")
    p.add_argument("--note", help="写在公钥文件注释中的说明，例如启用日期")
    p.add_argument("--no-passphrase", action="store_true", help="私钥不加口令（仅用于测试）")
    p.add_argument("--force", action="store_true", help="允许把私钥写在仓库目录中（仅用于演示密钥）")

    p = add("seal", "加密手机号/身份证号 (seal numbers to the bureau's public key)", cmd_seal)
    p.add_argument("items", nargs="*", help="号码（默认从标准输入逐行读取）；与 --in-place 连用时为记录文件或目录")
    p.add_argument("--in-place", action="store_true", help="把记录文件中的完整号码就地替换为密文")
    p.add_argument("--public-key", help="公钥文件（默认 config/sealing.yaml 或 PLATFORM_SEALING_KEY）")

    for name, func, text in (("unseal", cmd_unseal, "主管部门用私钥查看完整号码 (bureau: list the full numbers)"),
                             ("reseal", cmd_reseal, "更换密钥：把旧密钥的密文转为当前公钥的密文 (key rotation)")):
        p = add(name, text, func)
        p.add_argument("paths", nargs="*", help="记录文件或目录（默认 data/）")
        p.add_argument("--key", action="append", required=True, help="私钥文件（可多次给出，按密钥编号选用）")
        if name == "unseal":
            p.add_argument("--csv", help="导出为 CSV 文件（含完整号码，权限 600）")
        else:
            p.add_argument("--public-key", help="新公钥文件（默认 config/sealing.yaml）")

    p = add("scan-numbers", "查找仓库中的完整手机号/身份证号 (scan tracked files or history)", cmd_scan)
    p.add_argument("--repo", default=str(ROOT), help="git 仓库目录（默认本仓库）")
    p.add_argument("--history", action="store_true", help="检查历史中的所有版本（即克隆仓库时下载的全部内容）")
    p.add_argument("--replacements", help="写出 git filter-repo --replace-text 用的替换表（号码 ==> 部分号码）")
