"""Writing imported records, the report, and the command wiring every importer shares.

Two ownership modes, both safe to re-run:

* **create-only** (new agencies, policies, FAQ from letters — as `import-notices`): an existing record is
  never touched; the report says whether it still equals the source (`已导入过，内容未变`) or not
  (`已有记录，内容不同（可能经人工修改），未覆盖`).
* **importer-owned** (official qualifications, credit records under data/official/): the source is the
  authority and changes (a renewed licence, a removal from the 经营异常 list), so the importer updates its
  own records — but only while nobody edited them: each record carries `import_hash`, the hash of what the
  importer wrote. A record whose content no longer matches its hash was edited by hand and is left alone,
  with the difference reported.

Re-importing the same export changes nothing in either mode: “same” ignores the import date and the list
date, so a weekly run over an unchanged list writes no file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from ...context import ROOT
from ...records import fastcheck, messages, personal
from ...records.safeyaml import YamlError, load_bytes
from ...records.schemas import SCHEMA_DIR, load_kinds, registry, validator
from ...records.sealing import Sealer
from .table import ImportFileError

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml is ~10x faster where available
VOLATILE = ("import_hash", "imported_on")                  # not content: excluded from hashes and comparisons
DATED_SOURCE = "date"                                      # source.date: the list's date, not its content

ADDED, UPDATED, SAME, EDITED = "added", "updated", "same", "edited"


@dataclass
class Report:
    added: list[tuple[str, str]] = field(default_factory=list)           # (row label, file relative to data/)
    updated: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)         # (row label, reason)
    rejected: list[tuple[str, list[str]]] = field(default_factory=list)  # (row label, reasons)
    findings: list[tuple[str, str]] = field(default_factory=list)        # (row label, difference found)
    notes: list[str] = field(default_factory=list)


def today() -> dt.date:
    """The import date; PLATFORM_TODAY pins it (tests, reproducible runs) as it pins the build date."""
    pinned = os.environ.get("PLATFORM_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


# --- records -------------------------------------------------------------------

def content(rec: dict[str, Any]) -> dict[str, Any]:
    """What counts as the record's content: without the import bookkeeping and the list date."""
    out = {k: v for k, v in rec.items() if k not in VOLATILE and k != "id"}
    if isinstance(out.get("source"), dict):
        out["source"] = {k: v for k, v in out["source"].items() if k != DATED_SOURCE}
    return out


def content_hash(rec: dict[str, Any]) -> str:
    """Hash of everything the importer wrote except the hash itself (the id included: a renamed file is an edit)."""
    body = {k: v for k, v in rec.items() if k != "import_hash"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same content; sealed numbers compare by their masked part (each sealing is randomised)."""
    return personal.masked_view(content(a)) == personal.masked_view(content(b))


def seal_numbers(rec: dict[str, Any], fields: tuple[str, ...], sealer: Sealer) -> dict[str, Any]:
    """Full mobile / ID numbers in the text `fields` sealed to the bureau's key (README, Personal numbers):
    no record holds one in clear. Codes, numbers of certificates and dates are left as they are."""
    return {k: sealer.value(v) if k in fields else v for k, v in rec.items()}


def untouched(data: dict[str, Any]) -> bool:
    """Still exactly what the importer wrote (no hand edit since)."""
    return data.get("import_hash") == content_hash(data)


def seal(rec: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """Stamp an importer-owned record: import date and the hash that tells later runs it is untouched."""
    rec = {**rec, "imported_on": on.isoformat()}
    rec.pop("import_hash", None)
    return {**rec, "import_hash": content_hash(rec)}


def ordered(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    """Fields in schema order, so written files read like hand-written ones."""
    order = list(load_kinds(SCHEMA_DIR)[kind].schema["properties"])
    return {k: rec[k] for k in sorted(rec, key=lambda k: order.index(k) if k in order else len(order))}


def schema_errors(kind: str, rec: dict[str, Any], skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The same checks as `validate`, worded per field (fields in `skip` already failed with a better reason)."""
    check = fastcheck.checker(kind, SCHEMA_DIR)
    if check is not None and check(rec):
        return []  # the compiled check passes nearly every row; jsonschema only explains the rejects
    schema = load_kinds(SCHEMA_DIR)[kind].schema
    out = []
    for error in validator(kind, SCHEMA_DIR).iter_errors(rec):
        path, sentence, _ = messages.explain(error, schema, registry(SCHEMA_DIR))
        if path and path[0] in skip:
            continue
        if sentence not in out:
            out.append(sentence)
    return out


def scan(folder: Path, pattern: str = "*.yaml") -> dict[str, tuple[Path, dict[str, Any]]]:
    """Records already there: id (file stem, or folder for agency.yaml) -> (path, data). A broken file still
    owns its name (its data is {}); `validate` reports it."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
        rid = path.parent.name if path.name == "agency.yaml" else path.stem
        try:
            data = load_bytes(path.read_bytes()).data
        except (YamlError, OSError):
            data = {}
        found[rid] = (path, data if isinstance(data, dict) else {})
    return found


def write(path: Path, rec: dict[str, Any], replace: bool = False) -> None:
    """Create the file (mode "x" refuses to replace one created since the scan) or replace it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(rec, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    if not replace:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(text)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def put(path: Path, rec: dict[str, Any], existing: dict[str, Any] | None, owned: bool, on: dt.date,
        dry_run: bool) -> str:
    """Write `rec` unless that would lose something; returns ADDED, UPDATED, SAME or EDITED (left alone)."""
    if existing is None:
        if not dry_run:
            write(path, seal(rec, on) if owned else rec)
        return ADDED
    if same(rec, existing):
        return SAME
    if owned and existing and untouched(existing):
        if not dry_run:
            write(path, seal(rec, on), replace=True)
        return UPDATED
    return EDITED


def free_id(wanted: str, taken: set[str]) -> str:
    """Another record whose derived id is already a file name gets -2, -3 …"""
    rid, n = wanted, 2
    while rid in taken:
        rid, n = f"{wanted[:60]}-{n}", n + 1
    return rid


def differences(old: dict[str, Any], new: dict[str, Any], titles: dict[str, str]) -> str:
    """Which top-level fields differ, by their Chinese titles (for “edited by hand, not overwritten”)."""
    a, b = personal.masked_view(content(old)), personal.masked_view(content(new))
    keys = [k for k in dict.fromkeys([*b, *a]) if a.get(k) != b.get(k)]
    return "、".join(titles.get(k, k) for k in keys)


def titles(kind: str) -> dict[str, str]:
    return {k: v.get("title", k) for k, v in load_kinds(SCHEMA_DIR)[kind].schema["properties"].items()}


def record(report: Report, label: str, outcome: str, rel: str, old: dict | None = None, new: dict | None = None,
           kind: str = "") -> None:
    """Note one outcome of `put` in the report."""
    if outcome == ADDED:
        report.added.append((label, rel))
    elif outcome == UPDATED:
        report.updated.append((label, rel))
    elif outcome == SAME:
        report.skipped.append((label, f"已导入过，内容未变：{rel}"))
    else:
        what = f"（不同之处：{differences(old, new, titles(kind))}）" if old is not None and new is not None and kind else ""
        report.skipped.append((label, f"已有记录，内容不同（可能经人工修改），未覆盖：{rel}{what}"))


# --- report and command ------------------------------------------------------------

def format_report(report: Report, source: Path, dry_run: bool) -> Iterator[str]:
    verb = "将新增" if dry_run else "新增"
    upd = "将更新" if dry_run else "更新"
    yield (f"导入 {source.name}：{verb} {len(report.added)} 条，{upd} {len(report.updated)} 条，"
           f"跳过 {len(report.skipped)} 条，拒绝 {len(report.rejected)} 条"
           f"{'（试运行，未写入文件）' if dry_run else ''}")
    for note in report.notes:
        yield f"注意：{note}"
    for title, items in ((f"{verb}：", report.added), (f"{upd}（来源内容有变化，记录未经人工修改）：", report.updated)):
        if items:
            yield title
            yield from (f"  {label} → {rel}" for label, rel in items)
    if report.findings:
        yield "核验发现（与机构自行填报的信息不一致，机构记录未改动）："
        yield from (f"  {label}：{text}" for label, text in report.findings)
    if report.skipped:
        yield "跳过："
        yield from (f"  {label}：{why}" for label, why in report.skipped)
    if report.rejected:
        yield "拒绝（请修改后重新导入）："
        for label, reasons in report.rejected:
            yield f"  {label}：" + "；".join(reasons)


def add_common(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("file", help=f"{what}（列名见 README 对应一节）")
    p.add_argument("--data", default=str(ROOT / "data"), help="数据目录（默认 data/）")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入文件")


def run(args: argparse.Namespace, importer: Callable[..., Report], **options: Any) -> int:
    """Exit 0 when every row was imported or skipped, 1 when some row was rejected, 2 when the file is unusable."""
    source = Path(args.file)
    try:
        report = importer(source, Path(args.data), dry_run=args.dry_run, **options)
    except (ImportFileError, OSError) as exc:
        message = exc.strerror if isinstance(exc, OSError) else str(exc)
        print(f"无法导入 {source}：{message}", file=sys.stderr)
        return 2
    for line in format_report(report, source, args.dry_run):
        print(line)
    return 1 if report.rejected else 0
