"""Bulk import of official notices (招标公告, 采购公告 …) from CSV, Excel or JSON exports into data/demands/.

`python -m build_tools import-notices FILE [--data DIR] [--dry-run]`

Each row becomes one demand record, checked against schemas/demand.schema.json before it is
written. The importer only ever creates files: a row whose notice number (or, without one,
URL) is already in data/demands/ is skipped and the record left untouched, so records fixed
by hand are never overwritten and importing the same export twice changes nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from ..context import ROOT
from ..records import messages, personal
from ..records.dump import dump_yaml
from ..records.safeyaml import YamlError, load_bytes
from ..records.schemas import SCHEMA_DIR, is_safe_url, load_kinds, registry, validator
from ..records.sealing import Sealer
from .formspec import iso_date
from .importers.table import ImportFileError as NoticeFileError  # the file as a whole cannot be imported
from .importers.table import csv_cells, decode_text, xlsx_cells

SOURCE = "官方公告"
MAX_INPUT = 50 * 1024 * 1024  # an export of a few thousand notices is a few MB

# column -> accepted header names (English key first, then the Chinese headers exports use)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号"),
    "title": ("title", "标题", "公告标题", "项目名称"),
    "notice_type": ("notice_type", "公告类型"),
    "notice_no": ("notice_no", "公告编号", "项目编号"),
    "url": ("url", "原文链接", "链接"),
    "province": ("province", "省", "省份"),
    "city": ("city", "市", "城市"),
    "district": ("district", "区县", "区（县）"),
    "town": ("town", "镇街", "镇（街道）"),
    "demand_type": ("demand_type", "需求类型"),
    "budget": ("budget", "预算", "预算金额"),
    "budget_min": ("budget_min", "预算下限"),
    "budget_max": ("budget_max", "预算上限"),
    "publisher": ("publisher", "发布主体", "采购人", "招标人"),
    "publish_date": ("publish_date", "发布日期"),
    "deadline": ("deadline", "截止日期"),
    "status": ("status", "状态"),
    "description": ("description", "需求说明", "内容摘要"),
    "contact_name": ("contact_name", "联系人"),
    "contact_phone": ("contact_phone", "联系电话"),
    "contact_email": ("contact_email", "电子邮箱"),
    "attachments": ("attachments", "附件"),
}
REQUIRED = ("title", "notice_type", "province", "city", "demand_type", "publisher", "publish_date")
_HEADER = {alias.strip().lower(): name for name, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class Report:
    added: list[tuple[str, str]] = field(default_factory=list)          # (row label, record id)
    skipped: list[tuple[str, str]] = field(default_factory=list)        # (row label, reason)
    rejected: list[tuple[str, list[str]]] = field(default_factory=list)  # (row label, reasons)
    notes: list[str] = field(default_factory=list)


# --- reading ---------------------------------------------------------------

def read_rows(path: Path) -> tuple[list[tuple[str, dict[str, str]]], list[str]]:
    """Rows as (label, {column: text}) plus notes. Table rows are numbered as in a spreadsheet (header = 第 1 行)."""
    raw = path.read_bytes()
    if len(raw) > MAX_INPUT:
        raise NoticeFileError(f"文件过大（{len(raw)} 字节，上限 {MAX_INPUT} 字节），请分批导入")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _table(xlsx_cells(raw), [])
    text, notes = decode_text(raw)
    if suffix == ".json":
        return _json_rows(text), notes
    if suffix in (".csv", ".txt"):
        return _table(csv_cells(text), notes)
    raise NoticeFileError(f"不支持的文件类型“{path.suffix}”：请导出为 .csv、.xlsx 或 .json")


def _canonical(header: str) -> str | None:
    return _HEADER.get(header.strip().lstrip("\ufeff").lower())


def _table(cells: Iterator[list[str]], notes: list[str]) -> tuple[list[tuple[str, dict[str, str]]], list[str]]:
    header = next(cells, None)
    if header is None:
        raise NoticeFileError("文件为空")
    names = [_canonical(h) for h in header]
    _check_columns({n for n in names if n})
    rows = []
    for number, values in enumerate(cells, start=2):
        row = {n: v.strip() for n, v in zip(names, values) if n and v.strip()}
        if row:  # blank lines between blocks of an export are not rows
            rows.append((f"第 {number} 行", row))
    unknown = [h for h, n in zip(header, names) if n is None and h.strip()]
    return rows, notes + ([f"忽略未识别的列：{'、'.join(unknown)}"] if unknown else [])


def _json_rows(text: str) -> list[tuple[str, dict[str, str]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NoticeFileError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from None
    items = doc.get("notices", doc.get("data")) if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise NoticeFileError("JSON 应为公告对象的列表，或含有 notices 列表的对象")
    rows = []
    for number, item in enumerate(items, start=1):
        label = f"第 {number} 条"
        if not isinstance(item, dict):
            rows.append((label, {"__error__": "应为一组“字段: 值”（JSON 对象）"}))
            continue
        row = {}
        for key, value in item.items():
            name = _canonical(str(key))
            if name and value not in (None, ""):
                row[name] = _json_text(name, value)
        rows.append((label, row))
    return rows


def _json_text(name: str, value: Any) -> str:
    """JSON values as the text a CSV cell would hold (attachments may also be a list of {title, url})."""
    if name == "attachments" and isinstance(value, list):
        return "\n".join(f"{a.get('title', '')}|{a.get('url', '')}" if isinstance(a, dict) else str(a) for a in value)
    return str(value).strip()


def _check_columns(present: set[str]) -> None:
    missing = [COLUMNS[c][1] + f"（{c}）" for c in REQUIRED if c not in present]
    if missing:
        raise NoticeFileError(f"缺少必需的列：{'、'.join(missing)}（列名见 README“Importing official notices”）")
    if not {"notice_no", "url"} & present:
        raise NoticeFileError("缺少“公告编号”或“原文链接”列（至少其一，用于去重）")


# --- parsing cells -----------------------------------------------------------

_UNITS = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}
_MONEY = re.compile(r"^(\d+(?:\.\d+)?)(亿元|万元|亿|万|元)?$")
_RANGE = re.compile(r"\s*(?:-|~|～|—|–|至|到)\s*")


class CellError(ValueError):
    pass


def parse_date(text: str, title: str) -> str:
    """2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日 (a time after the date is ignored) -> 2025-03-01."""
    value = iso_date(text)
    if value is None:
        raise CellError(f"{title}“{text}”不是有效日期，应为 YYYY-MM-DD，例如 2025-03-01")
    return value


def _clean(text: str) -> str:
    return re.sub(r"[\s,，¥￥]|人民币", "", text)


def _unit(text: str) -> str:
    m = _MONEY.match(_clean(text))
    return m[2] or "" if m else ""


def parse_money(text: str, title: str, default_unit: str = "元") -> int | float:
    """300000, 300,000.00, ¥300000元, 30万, 30万元, 0.3亿 -> yuan; `default_unit` applies when none is written."""
    m = _MONEY.match(_clean(text))
    if not m:
        raise CellError(f"{title}“{text}”不是有效金额，应为数字，可带“元”或“万元”，例如 300000 或 30万")
    value = Decimal(m[1]) * _UNITS[m[2] or default_unit]  # exact: 1.15万 is 11500, not 11499.999…
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def parse_budget(row: dict[str, str]) -> dict[str, int | float] | None:
    """One budget cell (amount, or a range like 50-80万), or separate 下限/上限 cells."""
    if "budget_min" in row or "budget_max" in row:
        if "budget" in row:
            raise CellError("“预算”与“预算下限/上限”只能填一种")
        if not ("budget_min" in row and "budget_max" in row):
            raise CellError("预算区间须同时填写“预算下限”和“预算上限”")
        budget = {"min": parse_money(row["budget_min"], "预算下限"), "max": parse_money(row["budget_max"], "预算上限")}
    elif "budget" in row:
        parts = _RANGE.split(row["budget"].strip())
        if len(parts) == 1:
            return {"amount": parse_money(parts[0], "预算")}
        if len(parts) != 2:
            raise CellError(f"预算“{row['budget']}”不是有效金额或区间，例如 300000 或 50-80万")
        # "50-80万": the unit written once after the range applies to both ends
        budget = {"min": parse_money(parts[0], "预算下限", _unit(parts[1]) or "元"), "max": parse_money(parts[1], "预算上限")}
    else:
        return None
    if budget["min"] > budget["max"]:
        raise CellError(f"预算下限（{budget['min']} 元）高于上限（{budget['max']} 元）")
    return budget


def parse_attachments(text: str) -> list[dict[str, str]]:
    """One attachment per line or per “;”: 标题|网址, or just the URL."""
    out = []
    for n, part in enumerate(p.strip() for p in re.split(r"[;\n；]", text)):
        if part:
            title, _, link = part.replace("｜", "|").rpartition("|")
            out.append({"title": title.strip() or f"附件{n + 1}", "kind": "公告", "url": link.strip()})
    return out


# --- building records ----------------------------------------------------------

SEALED_FIELDS = ("title", "publisher", "description", "contact")  # text where a notice may print a mobile number


def build(row: dict[str, str], sealer: Sealer | None = None) -> tuple[dict[str, Any], list[str]]:
    """The demand record for one row, and the reasons it cannot be imported (empty when it can).
    Full mobile / ID numbers in its text are sealed to the bureau's public key (README, Personal numbers)."""
    if "__error__" in row:
        return {}, [row["__error__"]]
    errors: list[str] = []
    failed: set[str] = set()  # fields whose cell could not be read: the schema need not repeat "missing"

    rec: dict[str, Any] = {"id": row.get("id") or record_id(row.get("notice_no"), row.get("url", "")), "source": SOURCE}
    for key in ("title", "notice_type", "notice_no", "url", "demand_type", "publisher", "status", "description"):
        if key in row:
            rec[key] = row[key]
    rec.setdefault("status", "征集中")
    rec["region"] = {k: row[k] for k in ("province", "city", "district", "town") if k in row}
    try:
        if (budget := parse_budget(row)) is not None:
            rec["budget"] = budget
    except CellError as exc:
        errors.append(str(exc))
        failed.add("budget")
    for key, title in (("publish_date", "发布日期"), ("deadline", "截止日期")):
        if key in row:
            try:
                rec[key] = parse_date(row[key], title)
            except CellError as exc:
                errors.append(str(exc))
                failed.add(key)
    contact = {k: row[f"contact_{k}"] for k in ("name", "phone", "email") if f"contact_{k}" in row}
    if contact:
        rec["contact"] = contact
    if "attachments" in row:
        rec["attachments"] = parse_attachments(row["attachments"])
        if any(not is_safe_url(a["url"]) for a in rec["attachments"]):
            errors.append("附件须为 https:// 或 http:// 网址（格式：名称|网址，多个用分号隔开）")
            failed.add("attachments")
    sealer = sealer or Sealer()
    for key in SEALED_FIELDS:
        if key in rec:
            rec[key] = sealer.value(rec[key])
    if not (row.get("notice_no") or row.get("url")):
        errors.append("公告编号和原文链接至少填写一项（用于去重）")
    if rec.get("notice_type") == "企业需求":
        errors.append("公告类型“企业需求”不是官方公告：企业需求请由企业按 README 提交记录")
    errors += schema_errors(rec, skip=failed)
    if rec.get("deadline", "9999") < rec.get("publish_date", ""):
        errors.append(f"截止日期（{rec['deadline']}）早于发布日期（{rec['publish_date']}）")
    return _ordered(rec), errors


def _ordered(rec: dict[str, Any]) -> dict[str, Any]:
    """Fields in schema order, so written files read like hand-written ones."""
    order = list(load_kinds(SCHEMA_DIR)["demand"].schema["properties"])
    return {k: rec[k] for k in sorted(rec, key=order.index)}


def schema_errors(rec: dict[str, Any], skip: frozenset[str] | set[str] = frozenset(), schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """The same checks as `validate`, worded per field instead of per YAML line (fields in `skip` already failed)."""
    schema = load_kinds(schema_dir)["demand"].schema
    out = []
    for error in validator("demand", schema_dir).iter_errors(rec):
        path, sentence, _ = messages.explain(error, schema, registry(schema_dir))
        if path and path[0] in skip:
            continue
        if sentence not in out:
            out.append(sentence)
    return out


def record_id(notice_no: str | None, url: str) -> str:
    """Stable id from the notice number (readable when it is ASCII) or the URL: re-imports map to the same file."""
    key = notice_no or url
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    if not notice_no:
        return f"dm-{digest[:10]}"
    slug = re.sub(r"[^a-z0-9]+", "-", notice_no.lower()).strip("-")[:40].strip("-")
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*", notice_no) and len(slug) >= 2:
        return f"dm-{slug}"
    # Chinese characters dropped from the slug could make two numbers equal: add a hash of the full number.
    return f"dm-{slug}-{digest[:8]}" if slug else f"dm-{digest[:10]}"


# --- the import ---------------------------------------------------------------

@dataclass
class Existing:
    """Demand records already in data/: by notice number, by URL, and every file name taken."""
    by_no: dict[str, tuple[str, dict]] = field(default_factory=dict)
    by_url: dict[str, tuple[str, dict]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, folder: Path) -> Existing:
        found = cls()
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            found.ids.add(path.stem)
            try:
                data = load_bytes(path.read_bytes()).data
            except (YamlError, OSError):
                continue  # a broken record still owns its file name; `validate` reports it
            if isinstance(data, dict):
                found.add(path.stem, data)
        return found

    def add(self, rid: str, data: dict) -> None:
        self.ids.add(rid)
        if data.get("notice_no"):
            self.by_no.setdefault(str(data["notice_no"]).strip(), (rid, data))
        if data.get("url"):
            self.by_url.setdefault(str(data["url"]).strip(), (rid, data))

    def find(self, rec: dict) -> tuple[str, dict] | None:
        if rec.get("notice_no") and rec["notice_no"] in self.by_no:
            return self.by_no[rec["notice_no"]]
        return self.by_url.get(rec.get("url", "")) if rec.get("url") else None


def free_id(wanted: str, taken: set[str]) -> str:
    """A different notice whose derived id is already a file name gets -2, -3 …"""
    rid, n = wanted, 2
    while rid in taken:
        rid, n = f"{wanted[:60]}-{n}", n + 1
    return rid


def _same(a: dict, b: dict) -> bool:
    """Equal apart from the id; sealed numbers compare by their masked part (every sealing differs)."""
    a, b = personal.masked_view(a), personal.masked_view(b)
    return {k: v for k, v in a.items() if k != "id"} == {k: v for k, v in b.items() if k != "id"}


def import_notices(source: Path, data_dir: Path, dry_run: bool = False) -> Report:
    rows, notes = read_rows(source)
    folder = data_dir / "demands"
    existing = Existing.scan(folder)
    report = Report(notes=notes)
    seen: dict[str, str] = {}  # dedupe key -> label of the first row in this file that has it
    sealer = Sealer()
    for label, row in rows:
        rec, errors = build(row, sealer)
        if errors:
            report.rejected.append((label, errors))
            continue
        keys = [f"公告编号“{rec['notice_no']}”" if rec.get("notice_no") else "", f"原文链接“{rec['url']}”" if rec.get("url") else ""]
        dup = next((k for k in keys if k and k in seen), None)
        if dup:
            report.skipped.append((label, f"与{seen[dup]}重复（{dup}）"))
            continue
        for k in keys:
            if k:
                seen[k] = label
        match = existing.find(rec)
        if match:
            rid, data = match
            why = "已导入过，内容未变" if _same(rec, data) else "已有记录，内容不同（可能经人工修改），未覆盖"
            report.skipped.append((label, f"{why}：{rid}"))
            continue
        rec["id"] = free_id(rec["id"], existing.ids) if not row.get("id") else rec["id"]
        if row.get("id") and rec["id"] in existing.ids:
            report.rejected.append((label, [f"编号“{rec['id']}”已被其他记录使用"]))
            continue
        if not dry_run:
            write(folder, rec)
        existing.add(rec["id"], rec)
        report.added.append((label, rec["id"]))
    return report


def write(folder: Path, rec: dict[str, Any]) -> Path:
    """Create the record file; mode "x" refuses to replace a file, whatever happens between scan and write."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rec['id']}.yaml"
    with path.open("x", encoding="utf-8") as fh:
        dump_yaml(rec, fh)
    return path


def format_report(report: Report, source: Path, folder: Path, dry_run: bool) -> Iterator[str]:
    verb = "将新增" if dry_run else "新增"
    yield (f"导入 {source.name}：{verb} {len(report.added)} 条，跳过 {len(report.skipped)} 条，"
           f"拒绝 {len(report.rejected)} 条{'（试运行，未写入文件）' if dry_run else ''}")
    for note in report.notes:
        yield f"注意：{note}"
    if report.added:
        yield f"{verb}："
        yield from (f"  {label} → {folder / (rid + '.yaml')}" for label, rid in report.added)
    if report.skipped:
        yield "跳过："
        yield from (f"  {label}：{why}" for label, why in report.skipped)
    if report.rejected:
        yield "拒绝（请修改后重新导入）："
        for label, reasons in report.rejected:
            yield f"  {label}：" + "；".join(reasons)


def cmd_import(args: argparse.Namespace) -> int:
    source, data_dir = Path(args.file), Path(args.data)
    try:
        report = import_notices(source, data_dir, args.dry_run)
    except (NoticeFileError, OSError) as exc:
        message = exc.strerror if isinstance(exc, OSError) else str(exc)
        print(f"无法导入 {source}：{message}", file=sys.stderr)
        return 2
    for line in format_report(report, source, data_dir / "demands", args.dry_run):
        print(line)
    return 1 if report.rejected else 0


def register(sub) -> None:
    p = sub.add_parser("import-notices", help="批量导入官方招标/采购公告 (import official notices from CSV/XLSX/JSON)")
    p.add_argument("file", help="CSV、Excel（.xlsx）或 JSON 导出文件（列名见 README“Importing official notices”）")
    p.add_argument("--data", default=str(ROOT / "data"), help="数据目录（默认 data/），记录写入其中的 demands/")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入文件")
    p.set_defaults(func=cmd_import)
