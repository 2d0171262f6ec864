"""`python -m build_tools import-agencies FILE --list 环境监测|危废|环评 --publisher 发布单位 [--region 省] …`

The three official lists, as their publishers export them, keyed by 统一社会信用代码 (GB 32100 check):

* every row's licence goes to `data/official/qualifications/<em|hw|eia>-<code>.yaml` — one record per list and
  unit, holding every licence the list gives it. Those records are the importer's (maintainers only): a
  changed list updates them, unless someone edited one by hand (then it is left alone and reported).
* a code no agency on the platform has yet becomes `data/agencies/ag-<code>/agency.yaml`, marked `imported`
  (list, source, date) until the agency claims it. An agency's own record is never written to.
* what the agency wrote is compared with the list (compute/official.verify, the same check as the agency
  page's 官方名单核验): the differences are printed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from ...compute.official import DIFFERS, LIST_KINDS, NOT_LISTED, coverage, licence_key, verify
from ...records.sealing import Sealer
from . import cells, store
from .cells import CellError
from .table import ImportFileError, Spec, read_rows

LISTS = tuple(LIST_KINDS)
ALIASES = {"环境监测": LISTS[0], "monitoring": LISTS[0], "危废": LISTS[1], "hazardous-waste": LISTS[1],
           "环评": LISTS[2], "eia": LISTS[2], **{name: name for name in LISTS}}
PREFIX = {LISTS[0]: "em", LISTS[1]: "hw", LISTS[2]: "eia"}
BUSINESS_TYPE = {LISTS[0]: "环境监测", LISTS[1]: "固废处置", LISTS[2]: "环评机构"}
NUMBER_REQUIRED = {LISTS[0], LISTS[1]}  # 环评 lists name units without a certificate number
# text where a list may print a person's mobile or ID number (sealed); codes, numbers and dates are not
UNIT_TEXT = ("name", "address", "legal_representative")
LICENCE_TEXT = ("scope", "capacity", "facility_address", "status")

SPEC = Spec(
    columns={
        "name": ("name", "机构名称", "单位名称", "企业名称", "名称", "持证单位", "经营单位名称", "编制单位名称"),
        "credit_code": ("credit_code", "统一社会信用代码", "社会信用代码", "信用代码", "统一代码"),
        "address": ("address", "住所", "注册地址", "单位地址", "地址", "注册地", "机构地址"),
        "province": ("province", "省份", "所在省份", "省"),
        "city": ("city", "地市", "所在地市", "市"),
        "district": ("district", "区县", "所在区县", "区（县）"),
        "legal_representative": ("legal_representative", "法定代表人", "法人代表", "法定代表人（负责人）"),
        "number": ("number", "证书编号", "资质认定证书编号", "许可证编号", "经营许可证编号", "许可证号", "备案编号",
                   "资质证书编号", "编号"),
        "mode": ("mode", "核准经营方式", "经营方式"),
        "scope": ("scope", "核准经营危险废物类别", "经营危险废物类别", "危险废物类别", "检测能力范围", "监测能力范围",
                  "能力范围", "监测类别", "检测类别", "资质范围", "业务范围", "环评类别"),
        "capacity": ("capacity", "核准经营规模", "核准经营规模（吨/年）", "经营规模", "经营规模（吨/年）"),
        "facility_address": ("facility_address", "经营设施地址", "设施地址", "经营地址"),
        "issuer": ("issuer", "发证机关", "发证单位", "批准机关", "审批机关"),
        "issued_on": ("issued_on", "发证日期", "批准日期", "颁发日期", "初次发证日期"),
        "valid_from": ("valid_from", "有效期起", "有效期开始日期", "有效期起始日期"),
        "valid_until": ("valid_until", "有效期至", "有效期截止日期", "有效期截止", "截止日期", "到期日期", "证书有效期至"),
        "validity": ("validity", "有效期", "有效期限", "许可有效期", "证书有效期"),
        "status": ("status", "状态", "证书状态", "许可证状态", "诚信档案状态", "信用状态"),
        "ignored": ("ignored", "序号", "备注", "联系人", "联系电话"),
    },
    required=("name", "credit_code"),
    readme="Importing official lists and credit records",
)


# --- addresses ---------------------------------------------------------------------

_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_PROVINCE = re.compile(r"^(内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|香港特别行政区|澳门特别行政区|"
                       r"[\u4e00-\u9fa5]{2,3}省)")
_CITY = re.compile(r"^([\u4e00-\u9fa5]{2,10}?(?:自治州|地区|盟|市))")
_DISTRICT = re.compile(r"^([\u4e00-\u9fa5]{1,12}?(?:新区|开发区|园区|自治县|区|县|市|旗))")


def split_address(text: str) -> dict[str, str] | None:
    """“天津市滨海新区第三大街 8 号” / “江苏省苏州市吴江区黎里镇…” -> {province, city, district, detail}; None when
    the province, city or district cannot be told (the row then creates no agency)."""
    rest = re.sub(r"\s+", "", text)
    muni = next((m for m in _MUNICIPALITIES if rest.startswith(m)), None)
    if muni:
        province = city = muni + "市"
        rest = rest[len(muni):].removeprefix("市").removeprefix(city)  # “天津市天津市滨海新区”
    else:
        m = _PROVINCE.match(rest)
        if not m:
            return None
        province, rest = m.group(1), rest[m.end():]
        c = _CITY.match(rest)
        if not c:
            return None
        city, rest = c.group(1), rest[c.end():]
    d = _DISTRICT.match(rest)
    if not d or len(rest) - d.end() < 2:
        return None
    return {"province": province, "city": city, "district": d.group(1), "detail": rest[d.end():]}


# --- rows -> licences ----------------------------------------------------------------

def licence(row: dict[str, str], list_name: str) -> tuple[dict[str, Any], list[str]]:
    """The licence of one row and the reasons it cannot be read."""
    errors: list[str] = []
    lic: dict[str, Any] = {}
    if "number" in row:
        lic["number"] = re.sub(r"\s+", " ", row["number"]).strip()
    elif list_name in NUMBER_REQUIRED:
        errors.append("缺少证书（许可证）编号")
    scope = re.sub(r"\s*\n\s*", "；", row.get("scope", ""))
    if "mode" in row:
        scope = f"经营方式：{row['mode']}" + (f"；类别：{scope}" if scope else "")
    if scope:
        lic["scope"] = scope
    for key in ("capacity", "facility_address", "issuer", "status"):
        if key in row:
            lic[key] = re.sub(r"\s*\n\s*", " ", row[key])
    try:
        if "issued_on" in row:
            lic["issued_on"] = cells.optional_date(row["issued_on"], "发证日期")
        start, end = cells.validity(row["validity"]) if "validity" in row else (None, None)
        if "valid_from" in row:
            start = cells.optional_date(row["valid_from"], "有效期起")
        if "valid_until" in row:
            end = cells.optional_date(row["valid_until"], "有效期至")
        lic["valid_from"], lic["valid_until"] = start, end
        if start and end and end < start:
            errors.append(f"有效期至（{end}）早于有效期起（{start}）")
    except CellError as exc:
        errors.append(str(exc))
    return {k: v for k, v in lic.items() if v not in (None, "")}, errors


def code_of(row: dict[str, str]) -> tuple[str | None, list[str]]:
    try:
        return cells.credit_code(row["credit_code"]), []
    except CellError as exc:
        return None, [str(exc)]
    except KeyError:
        return None, ["缺少统一社会信用代码"]


# --- the import ------------------------------------------------------------------------

def source_of(list_name: str, publisher: str, region: str | None, date: dt.date, url: str | None,
              title: str | None, partial: bool) -> dict[str, Any]:
    region = region or region_of(publisher)
    if not region:
        raise ImportFileError(f"无法从发布单位“{publisher}”看出名单覆盖的地区，请用 --region 指定（如 天津市，或 全国）")
    source: dict[str, Any] = {"title": title or list_name, "publisher": publisher, "region": region, "date": date.isoformat()}
    if url:
        source["url"] = url
    if partial:
        source["partial"] = True
    return source


def region_of(publisher: str) -> str | None:
    """天津市生态环境局 -> 天津市; 江苏省生态环境厅 -> 江苏省; 生态环境部 -> 全国."""
    if publisher.startswith(("生态环境部", "国家")):
        return "全国"
    m = re.match(r"^(内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|[\u4e00-\u9fa5]{2,3}省|"
                 r"北京市|天津市|上海市|重庆市)", publisher)
    return m.group(1) if m else None


def import_agencies(source: Path, data_dir: Path, *, list_name: str, publisher: str, region: str | None = None,
                    date: dt.date | None = None, url: str | None = None, title: str | None = None,
                    partial: bool = False, dry_run: bool = False) -> store.Report:
    on = store.today()
    src = source_of(list_name, publisher, region, date or on, url, title, partial)
    rows, notes = read_rows(source, SPEC)
    report = store.Report(notes=notes)
    folder = data_dir / "official" / "qualifications"
    existing = store.scan(folder)
    agencies = store.scan(data_dir / "agencies", "*/agency.yaml")
    by_code = {str(d.get("credit_code", "")).upper(): rid for rid, (_, d) in agencies.items() if d}

    groups: dict[str, list[tuple[str, dict[str, str], dict[str, Any]]]] = defaultdict(list)
    seen: dict[tuple[str, str], str] = {}
    for label, row in rows:
        code, errors = code_of(row)
        lic, lic_errors = licence(row, list_name)
        errors += lic_errors
        if "name" not in row:
            errors.append("缺少单位名称")
        if errors or code is None:
            report.rejected.append((label, errors))
            continue
        key = (code, licence_key(lic.get("number", "")))
        if key in seen:
            report.skipped.append((label, f"与{seen[key]}重复（统一社会信用代码 {code}" +
                                   (f"，编号 {lic['number']}）" if lic.get("number") else "）")))
            continue
        seen[key] = label
        groups[code].append((label, row, lic))

    written: list[dict[str, Any]] = []
    sealer = Sealer()
    for code, items in groups.items():
        label, first, _ = items[0]
        labels = "、".join(lab for lab, _, _ in items)
        rec = _official_record(list_name, code, first, [lic for _, _, lic in items], src, sealer)
        errors = store.schema_errors("official_qualification", rec)
        if errors:
            report.rejected.append((labels, errors))
            continue
        names = {row["name"] for _, row, _ in items}
        if len(names) > 1:
            report.notes.append(f"{labels}：同一统一社会信用代码 {code} 的单位名称不一致（{'、'.join(sorted(names))}），采用第一行")
        rid = rec["id"]
        path = folder / f"{rid}.yaml"
        old = existing.get(rid, (path, None))[1]
        outcome = store.put(path, rec, old, owned=True, on=on, dry_run=dry_run)
        store.record(report, labels, outcome, _rel(path, data_dir), old, rec, "official_qualification")
        written.append(rec if outcome != store.EDITED or old is None else old)
        if code in by_code:
            continue
        agency, why = new_agency(first, code, list_name, src, on, sealer)
        if agency is None:
            report.skipped.append((label, f"平台尚无统一社会信用代码为 {code} 的机构，未新建机构记录：{why}"))
            continue
        agency["id"] = store.free_id(agency["id"], set(agencies))
        apath = data_dir / "agencies" / agency["id"] / "agency.yaml"
        store.put(apath, agency, None, owned=False, on=on, dry_run=dry_run)
        report.added.append((label, _rel(apath, data_dir)))
        agencies[agency["id"]] = (apath, agency)
        by_code[code] = agency["id"]

    report.findings += findings(list(agencies.values()), existing, written, list_name, src)
    return report


def _official_record(list_name: str, code: str, row: dict[str, str], licences: list[dict[str, Any]],
                     source: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": f"{PREFIX[list_name]}-{code.lower()}", "list": list_name, "credit_code": code,
                           "name": row["name"]}
    if "address" in row:
        rec["address"] = re.sub(r"\s+", "", row["address"])
    if "legal_representative" in row:
        rec["legal_representative"] = row["legal_representative"]
    rec["licences"] = [store.seal_numbers(lic, LICENCE_TEXT, sealer) for lic in licences]
    rec["source"] = source
    return store.ordered("official_qualification", store.seal_numbers(rec, UNIT_TEXT, sealer))


def new_agency(row: dict[str, str], code: str, list_name: str, source: dict[str, Any],
               on: dt.date, sealer: Sealer | None = None) -> tuple[dict[str, Any] | None, str]:
    """The record of a unit the platform does not know yet, or None and why not."""
    address = None
    if {"province", "city", "district"} <= row.keys() and "address" in row:
        address = {"province": row["province"], "city": row["city"], "district": row["district"],
                   "detail": row["address"]}
    elif "address" in row:
        address = split_address(row["address"])
    if address is None:
        return None, "住所无法分出省、市、区（县），请补全住所或加上“省份”“地市”“区县”列"
    rec: dict[str, Any] = {"id": f"ag-{code.lower()}", "name": row["name"], "credit_code": code}
    if "legal_representative" in row:
        rec["legal_representative"] = row["legal_representative"]
    rec.update({"registered_on": on.isoformat(), "registered_address": address,
                "business_types": [BUSINESS_TYPE[list_name]],
                "imported": {"list": list_name, "source": source, "imported_on": on.isoformat()}})
    rec = store.seal_numbers(rec, ("name", "legal_representative", "registered_address"), sealer or Sealer())
    errors = store.schema_errors("agency", rec)
    if errors:
        return None, "；".join(errors)
    return store.ordered("agency", rec), ""


def findings(agencies: list[tuple[Path, dict[str, Any]]], existing: dict[str, tuple[Path, dict[str, Any]]],
             written: list[dict[str, Any]], list_name: str, source: dict[str, Any]) -> list[tuple[str, str]]:
    """Where an agency's own entries disagree with this list: the page's 不一致 / 官方名单未收录, in words."""
    records = {r["id"]: r for _, r in existing.values() if r.get("list")}
    records.update({r["id"]: r for r in written})
    relevant = [r for r in records.values() if r.get("list") == list_name]
    covered = coverage(relevant)
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in relevant:
        by_code[r["credit_code"]].append(r)
    out = []
    for path, data in agencies:
        if not data.get("credit_code") or not data.get("qualifications"):
            continue
        for check in verify(data, by_code.get(str(data["credit_code"]).upper(), []), covered):
            if check.list == list_name and check.status in (DIFFERS, NOT_LISTED):
                claim = check.claimed or {}
                out.append((f"{data.get('name', '')}（{path.parent.name}）",
                            f"{check.label}：填报的{claim.get('name', check.kind)} {claim.get('number', '')}；" +
                            "；".join(check.notes)))
    return out


def _rel(path: Path, data_dir: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def cmd_import(args: argparse.Namespace) -> int:
    list_name = ALIASES.get(args.list)
    if list_name is None:
        print(f"未知名单“{args.list}”，可选：{'、'.join(LISTS)}（或 环境监测、危废、环评）")
        return 2
    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"--date “{args.date}”不是有效日期（YYYY-MM-DD）")
        return 2
    return store.run(args, import_agencies, list_name=list_name, publisher=args.publisher, region=args.region,
                     date=date, url=args.url, title=args.title, partial=args.partial)


def register(sub) -> None:
    p = sub.add_parser("import-agencies", help="导入官方机构名单 (official lists of agencies: CSV/XLSX/JSON)")
    store.add_common(p, "名单导出文件：CSV、Excel（.xlsx）或 JSON")
    p.add_argument("--list", required=True, help="名单：环境监测服务机构名单、危险废物经营许可证企业名单、环境影响评价机构名单"
                                                 "（或简写 环境监测、危废、环评）")
    p.add_argument("--publisher", required=True, help="发布单位，例如 天津市生态环境局")
    p.add_argument("--region", help="名单覆盖的省级行政区，或“全国”（默认从发布单位看出）")
    p.add_argument("--date", help="名单日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--url", help="名单原文链接")
    p.add_argument("--title", help="名单名称（默认为名单类别）")
    p.add_argument("--partial", action="store_true", help="分批公布或摘录的部分名单：未列入不作为“官方名单未收录”")
    p.set_defaults(func=cmd_import)
