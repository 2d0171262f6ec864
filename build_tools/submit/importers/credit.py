"""`python -m build_tools import-credit FILE [--type 行政处罚|经营异常|严重失信] [--title 信用中国 …]`

Credit records (行政处罚, 经营异常, 严重失信) as 信用中国 and the provincial credit platforms export them, by
统一社会信用代码, into `data/official/credit/cr-<code>-<key>.yaml`. Only units that are agencies on the platform
are imported: a national export names hundreds of thousands of enterprises, and the platform publishes credit
records to inform about agencies, not to republish a blacklist. A record is identified by its decision number
(or, without one, by date and authority), so a later export that adds the 移出日期 of a 经营异常 listing
updates that record — unless it was edited by hand (store.py, importer-owned records).

The agency page lists them with source and date; config/scoring.yaml `credit` turns them into deductions or a
grade cap (compute/scoring.py), by record type, without code per type.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from ...records.sealing import Sealer
from ..notices import parse_money
from . import cells, store
from .cells import CellError
from .table import Spec, read_rows

TYPES = ("行政处罚", "经营异常", "严重失信")
_TYPE_WORDS = (("严重失信", "严重失信"), ("严重违法", "严重失信"), ("黑名单", "严重失信"), ("经营异常", "经营异常"),
               ("异常名录", "经营异常"), ("行政处罚", "行政处罚"), ("处罚", "行政处罚"))

SPEC = Spec(
    columns={
        "name": ("name", "行政相对人名称", "企业名称", "单位名称", "当事人名称", "市场主体名称", "主体名称", "名称"),
        "credit_code": ("credit_code", "统一社会信用代码", "行政相对人代码_1(统一社会信用代码)", "社会信用代码", "信用代码"),
        "type": ("type", "记录类别", "信用类别", "类别", "信息类别", "数据类别", "名单类别"),
        "decision_no": ("decision_no", "行政处罚决定书文号", "处罚决定书文号", "决定书文号", "决定文书号", "列入决定书文号",
                        "认定文书号", "文书号"),
        "reason": ("reason", "违法事实", "违法行为", "列入经营异常名录原因", "列入原因", "列入严重失信主体名单原因",
                   "列入严重违法失信名单原因", "失信行为", "认定原因", "事由"),
        "violation": ("violation", "违法行为类型"),
        "kind": ("kind", "处罚类别"),
        "content": ("content", "处罚内容", "处罚结果", "管理措施", "惩戒措施"),
        "basis": ("basis", "处罚依据", "列入依据", "认定依据"),
        "amount": ("amount", "罚款金额", "罚款金额（元）"),  # headers compare with （） and () alike
        "amount_wan": ("amount_wan", "罚款金额（万元）"),
        "authority": ("authority", "处罚机关", "决定机关", "作出决定机关", "作出决定机关名称", "列入机关", "列入决定机关",
                      "认定机关", "认定部门", "作出决定机关（列入）"),
        "date": ("date", "处罚决定日期", "决定日期", "列入日期", "认定日期", "作出决定日期", "列入经营异常名录日期"),
        "publicity_until": ("publicity_until", "公示截止期", "公示截止日期", "公示期限"),
        "removed_on": ("removed_on", "移出日期", "移出经营异常名录日期", "修复日期", "信用修复日期", "退出日期"),
        "removal_reason": ("removal_reason", "移出原因", "移出经营异常名录原因", "修复原因"),
        "url": ("url", "原文链接", "链接", "详情链接"),
        "ignored": ("ignored", "序号", "数据来源", "数据来源单位", "备注", "法定代表人", "作出决定机关（移出）"),
    },
    required=("name", "credit_code", "authority", "date"),
    readme="Importing official lists and credit records",
)


def record_type(text: str | None, default: str | None) -> str:
    if not text:
        if default:
            return default
        raise CellError("未注明记录类别（行政处罚、经营异常或严重失信）：加“记录类别”列，或用 --type 指定")
    text = text.strip()
    found = next((t for word, t in _TYPE_WORDS if word in text), None)
    if found is None:
        raise CellError(f"记录类别“{text}”无法识别，可选：{'、'.join(TYPES)}")
    return found


SEALED = ("name", "reason", "content", "basis", "removal_reason")  # text that may print a person's number


def build(row: dict[str, str], default_type: str | None, source: dict[str, Any],
          sealer: Sealer | None = None) -> tuple[dict[str, Any], list[str]]:
    """The record of one row (id not yet final) and the reasons it cannot be imported; numbers sealed."""
    errors: list[str] = []
    rec: dict[str, Any] = {"name": row.get("name", "")}
    try:
        rec["credit_code"] = cells.credit_code(row.get("credit_code", ""))
    except CellError as exc:
        errors.append(str(exc))
    try:
        rec["type"] = record_type(row.get("type"), default_type)
    except CellError as exc:
        errors.append(str(exc))
    for key in ("decision_no", "reason", "basis", "authority", "removal_reason", "url"):
        if key in row:
            rec[key] = re.sub(r"\s*\n\s*", " ", row[key])
    if "violation" in row:  # 违法行为类型 heads the facts: “监测数据：出具的…”
        rec["reason"] = f"{row['violation']}：{rec['reason']}" if "reason" in rec else row["violation"]
    content = "；".join(row[k] for k in ("kind", "content") if k in row)
    if content:
        rec["content"] = re.sub(r"\s*\n\s*", " ", content)
    for key, title in (("date", "决定（列入）日期"), ("publicity_until", "公示截止日期"), ("removed_on", "移出日期")):
        try:
            value = cells.optional_date(row.get(key), title)
            if value:
                rec[key] = value
        except CellError as exc:
            errors.append(str(exc))
    try:
        if "amount_wan" in row:
            rec["amount"] = parse_money(cells.fold(row["amount_wan"]), "罚款金额（万元）", default_unit="万元")
        elif "amount" in row:
            rec["amount"] = parse_money(cells.fold(row["amount"]), "罚款金额")
    except CellError as exc:
        errors.append(str(exc))
    rec["source"] = source
    rec = store.seal_numbers(rec, SEALED, sealer or Sealer())
    if not errors:
        rec["id"] = record_id(rec)
        errors += store.schema_errors("credit_record", store.ordered("credit_record", rec))
        if rec.get("removed_on", "9999") < rec.get("date", ""):
            errors.append(f"移出日期（{rec['removed_on']}）早于决定（列入）日期（{rec['date']}）")
    return store.ordered("credit_record", rec) if not errors else rec, errors


def key_of(rec: dict[str, Any]) -> str:
    """What identifies a record across exports: its decision number, else its date and authority
    (a removal or a corrected text later must map to the same record)."""
    ident = re.sub(r"\s+", "", cells.fold(rec.get("decision_no") or f"{rec['date']}|{rec['authority']}"))
    return f"{rec['credit_code']}|{rec['type']}|{ident}"


def record_id(rec: dict[str, Any]) -> str:
    return f"cr-{rec['credit_code'].lower()}-{hashlib.sha1(key_of(rec).encode()).hexdigest()[:8]}"


def import_credit(source: Path, data_dir: Path, *, default_type: str | None = None, title: str = "信用中国",
                  publisher: str = "国家公共信用信息中心", region: str = "全国", date: dt.date | None = None,
                  url: str | None = None, dry_run: bool = False) -> store.Report:
    on = store.today()
    src = {"title": title, "publisher": publisher, "region": region, "date": (date or on).isoformat()}
    if url:
        src["url"] = url
    rows, notes = read_rows(source, SPEC)
    report = store.Report(notes=notes)
    folder = data_dir / "official" / "credit"
    existing = store.scan(folder)
    agencies = store.scan(data_dir / "agencies", "*/agency.yaml").values()
    known = {str(d.get("credit_code", "")).upper() for _, d in agencies}
    seen: dict[str, str] = {}
    outside = 0
    sealer = Sealer()
    for label, row in rows:
        rec, errors = build(row, default_type, src, sealer)
        if errors:
            report.rejected.append((label, errors))
            continue
        if rec["credit_code"] not in known:
            outside += 1
            continue
        if rec["id"] in seen:
            report.skipped.append((label, f"与{seen[rec['id']]}重复（{rec['type']} {rec.get('decision_no', rec['date'])}）"))
            continue
        seen[rec["id"]] = label
        path = folder / f"{rec['id']}.yaml"
        old = existing.get(rec["id"], (path, None))[1]
        outcome = store.put(path, rec, old, owned=True, on=on, dry_run=dry_run)
        store.record(report, label, outcome, path.relative_to(data_dir).as_posix(), old, rec, "credit_record")
    if outside:
        report.notes.append(f"{outside} 条记录的统一社会信用代码不属于平台上的机构，未导入（平台只公开在册机构的信用记录）")
    return report


def cmd_import(args: argparse.Namespace) -> int:
    if args.type and args.type not in TYPES:
        print(f"--type 可选：{'、'.join(TYPES)}")
        return 2
    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"--date “{args.date}”不是有效日期（YYYY-MM-DD）")
        return 2
    return store.run(args, import_credit, default_type=args.type, title=args.title, publisher=args.publisher,
                     region=args.region, date=date, url=args.url)


def register(sub) -> None:
    p = sub.add_parser("import-credit", help="导入信用记录：行政处罚、经营异常、严重失信 (credit records: CSV/XLSX/JSON)")
    store.add_common(p, "信用记录导出文件：CSV、Excel（.xlsx）或 JSON")
    p.add_argument("--type", help="文件没有“记录类别”列时，全部记录的类别：行政处罚、经营异常、严重失信")
    p.add_argument("--title", default="信用中国", help="来源名称（默认 信用中国）")
    p.add_argument("--publisher", default="国家公共信用信息中心", help="发布单位（默认 国家公共信用信息中心）")
    p.add_argument("--region", default="全国", help="覆盖地区：省级行政区或 全国（默认）")
    p.add_argument("--date", help="导出日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--url", help="来源链接")
    p.set_defaults(func=cmd_import)
