"""`python -m build_tools import-policies FILE [--issuer 发布机关] [--dry-run]`

Policy documents and standards from a portal's export (CSV/XLSX/JSON) or its feed (RSS 2.0/Atom, parsed
safely) into `data/policies/<id>.yaml`, de-duplicated by 文号 / 标准号 (compared without spaces, width, bracket
and dash variants: “环办〔2024〕12号” = “环办[2024]12 号”, “GB 3095-2012” = “GB3095—2012”), else by URL.
Create-only, as `import-notices`: a policy already in data/policies/ (by number or URL) is never touched.

Feeds rarely say what kind of document an item is or which field it concerns; the importer then infers 类别
from the number and title and 业务领域 from keywords of the title (rules below, in README), and says so.
"""
from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path
from typing import Any

from ...records.sealing import Sealer
from . import cells, store
from .cells import CellError
from .table import Spec, read_rows

SPEC = Spec(
    columns={
        "id": ("id", "编号"),
        "title": ("title", "标题", "名称", "文件名称", "标准名称", "政策名称", "文件标题"),
        "doc_no": ("doc_no", "文号", "发文字号", "标准号", "标准编号", "文件编号", "identifier", "docno"),
        "kind": ("kind", "类别", "文件类型", "类型", "体裁", "文种"),
        "category": ("category", "栏目", "主题分类", "分类"),
        "domains": ("domains", "业务领域", "领域"),
        "issuer": ("issuer", "发布机关", "发文机关", "发布单位", "发布机构", "制定机关", "author", "creator", "publisher"),
        "issue_date": ("issue_date", "发布日期", "发文日期", "成文日期", "印发日期", "日期", "date"),
        "effective_date": ("effective_date", "实施日期", "施行日期", "生效日期"),
        "status": ("status", "效力状态", "状态", "时效性"),
        "summary": ("summary", "摘要", "内容摘要", "简介", "描述"),
        "keywords": ("keywords", "关键词", "主题词"),
        "url": ("url", "链接", "原文链接", "网址", "link"),
        "ignored": ("ignored", "序号", "索引号", "备注"),
    },
    required=("title",),
    one_of=(("doc_no", "url"),),
    readme="Importing policies and mailbox letters",
    feeds=True,
)

KINDS = ("法律", "行政法规", "部门规章", "标准", "规范性文件", "政策解读")
_KIND_WORDS = (("解读", "政策解读"), ("问答", "政策解读"), ("法律", "法律"), ("行政法规", "行政法规"), ("规章", "部门规章"),
               ("标准", "标准"), ("规范性文件", "规范性文件"), ("通知", "规范性文件"), ("公告", "规范性文件"))
DOMAIN_WORDS: dict[str, tuple[str, ...]] = {
    "水": ("水", "流域", "河湖", "海洋", "入河", "排水"),
    "气": ("大气", "空气", "废气", "挥发性有机物", "VOCs", "臭氧", "扬尘", "颗粒物", "烟气"),
    "声": ("噪声", "声环境"),
    "固废": ("固体废物", "危险废物", "固废", "危废", "废物", "垃圾", "污泥", "医疗废物"),
    "土壤": ("土壤", "农用地", "建设用地", "地块"),
    "辐射": ("辐射", "电磁", "放射", "核安全"),
}
_STATUS = (("废止", "废止"), ("失效", "废止"), ("即将", "即将实施"), ("尚未", "即将实施"), ("现行", "现行"), ("有效", "现行"))


def doc_key(doc_no: str) -> str:
    """文号 / 标准号 compared without spaces, width, bracket or dash variants."""
    text = cells.fold(doc_no).upper()
    text = re.sub(r"[〔［【\[(（]", "[", text)
    text = re.sub(r"[〕］】\])）]", "]", text)
    text = re.sub(r"[—–－‐-]+", "-", text)
    return re.sub(r"\s+", "", text)


def url_key(url: str) -> str:
    """URLs compared without scheme, fragment and trailing slash."""
    return re.sub(r"^https?://", "", url.strip().split("#", 1)[0]).rstrip("/").lower()


def infer_kind(row: dict[str, str]) -> tuple[str, bool]:
    """(kind, inferred?) from the kind cell, else the number and the title."""
    for cell in (row.get("kind", ""), row.get("category", "")):
        found = next((k for word, k in _KIND_WORDS if word in cell), None)
        if found:
            return found, cell is row.get("category")
    number, title = cells.fold(row.get("doc_no", "")).upper(), row.get("title", "")
    if re.match(r"^(GB|HJ|DB|CJ|HG|T/)", number) or re.search(r"(标准|技术规范|技术导则|技术指南)", title):
        return "标准", True
    if "解读" in title or "答记者问" in title:
        return "政策解读", True
    if "国务院令" in number or title.endswith("条例"):
        return "行政法规", True
    if re.search(r"令第?\s*\d+\s*号|令第[一二三四五六七八九十百]+号", number) and re.search(r"(办法|规定|规则)$", title):
        return "部门规章", True
    if "主席令" in number or re.search(r"(?<!办)法(（[^）]*修[订正]）)?$", title):
        return "法律", True
    return "规范性文件", True


def infer_domains(row: dict[str, str]) -> tuple[list[str], bool]:
    if "domains" in row:
        given = [d for d in re.split(r"[,，;；、\s]+", row["domains"]) if d]
        return given, False
    text = f"{row.get('title', '')} {row.get('category', '')} {row.get('keywords', '')}"
    found = [d for d, words in DOMAIN_WORDS.items() if any(w in text for w in words)]
    return (found or ["综合"]), True


def status_of(row: dict[str, str], effective: str | None, on: str) -> str:
    cell = row.get("status", "")
    found = next((s for word, s in _STATUS if word in cell), None)
    if found:
        return found
    return "即将实施" if effective and effective > on else "现行"


def record_id(doc_no: str | None, url: str | None) -> str:
    """Readable when the number is ASCII (GB 3095-2012 -> gb-3095-2012, the existing convention), else a hash."""
    key = doc_key(doc_no) if doc_no else url_key(url or "")
    digest = hashlib.sha1(key.encode()).hexdigest()
    if doc_no and re.fullmatch(r"[A-Za-z0-9 ./_-]+", cells.fold(doc_no)):
        slug = re.sub(r"[^a-z0-9]+", "-", cells.fold(doc_no).lower()).strip("-")[:60].strip("-")
        if len(slug) >= 3:
            return slug
    if doc_no:
        slug = re.sub(r"[^a-z0-9]+", "-", cells.fold(doc_no).lower()).strip("-")[:40].strip("-")
        return f"pol-{slug}-{digest[:8]}" if slug else f"pol-{digest[:10]}"
    return f"pol-{digest[:10]}"


def build(row: dict[str, str], issuer: str | None, on: str,
          sealer: Sealer | None = None) -> tuple[dict[str, Any], list[str], list[str]]:
    """(record, errors, what was inferred) for one row."""
    if "__error__" in row:
        return {}, [row["__error__"]], []
    errors: list[str] = []
    inferred: list[str] = []
    rec: dict[str, Any] = {"title": re.sub(r"\s+", " ", row.get("title", ""))}
    if "doc_no" in row:
        rec["doc_no"] = re.sub(r"\s+", " ", row["doc_no"])
    kind, guessed = infer_kind(row)
    rec["kind"] = kind
    domains, guessed_domains = infer_domains(row)
    rec["domains"] = domains
    if guessed:
        inferred.append(f"类别“{kind}”")
    if guessed_domains:
        inferred.append(f"业务领域“{'、'.join(domains)}”")
    rec["issuer"] = row.get("issuer") or issuer or ""
    if not rec["issuer"]:
        errors.append("缺少发布机关：加“发布机关”列，或用 --issuer 指定")
    failed: set[str] = set()  # cells that could not be read: the schema need not repeat "missing"
    for key, title in (("issue_date", "发布日期"), ("effective_date", "实施日期")):
        try:
            value = cells.optional_date(cells.fold(row[key]), title) if key in row else None
            if value:
                rec[key] = value
        except CellError as exc:
            errors.append(str(exc))
            failed.add(key)
    rec["status"] = status_of(row, rec.get("effective_date"), on)
    if "summary" in row:
        rec["summary"], cut = cells.shorten(re.sub(r"<[^>]*>", "", row["summary"]).strip(), 3000)
        if cut:
            inferred.append("摘要过长已截断")
    if "keywords" in row:
        rec["keywords"] = list(dict.fromkeys(k for k in re.split(r"[,，;；、\s]+", row["keywords"]) if k))[:20]
    if "url" in row:
        rec["url"] = row["url"]
    rec = store.seal_numbers(rec, ("title", "summary"), sealer or Sealer())
    rec["id"] = row.get("id") or record_id(rec.get("doc_no"), rec.get("url"))
    errors += store.schema_errors("policy", rec, skip=failed | ({"issuer"} if not rec["issuer"] else set()))
    return store.ordered("policy", rec), errors, inferred


def import_policies(source: Path, data_dir: Path, *, issuer: str | None = None, dry_run: bool = False) -> store.Report:
    on = store.today()
    rows, notes = read_rows(source, SPEC)
    report = store.Report(notes=notes)
    folder = data_dir / "policies"
    existing = store.scan(folder)
    by_doc = {doc_key(str(d["doc_no"])): rid for rid, (_, d) in existing.items() if d.get("doc_no")}
    by_url = {url_key(str(d["url"])): rid for rid, (_, d) in existing.items() if d.get("url")}
    seen: dict[str, str] = {}
    sealer = Sealer()
    for label, row in rows:
        rec, errors, inferred = build(row, issuer, on.isoformat(), sealer)
        if errors:
            report.rejected.append((label, errors))
            continue
        keys = [f"文号“{rec['doc_no']}”"] if rec.get("doc_no") else []
        norm = [doc_key(rec["doc_no"])] if rec.get("doc_no") else []
        if rec.get("url"):
            keys, norm = keys + [f"链接“{rec['url']}”"], norm + [url_key(rec["url"])]
        dup = next(((k, n) for k, n in zip(keys, norm) if n in seen), None)
        if dup:
            report.skipped.append((label, f"与{seen[dup[1]]}重复（{dup[0]}）"))
            continue
        for n in norm:
            seen[n] = label
        match = (by_doc.get(doc_key(rec["doc_no"])) if rec.get("doc_no") else None) or \
                (by_url.get(url_key(rec["url"])) if rec.get("url") else None)
        if match:
            rel = f"policies/{match}.yaml"
            report.skipped.append((label, f"已导入过，内容未变：{rel}" if store.same(rec, existing[match][1]) else
                                   f"已有同一文件的记录（文号或链接相同），内容不同（可能经人工修改或来源不同），未覆盖：{rel}"))
            continue
        rec["id"] = store.free_id(rec["id"], set(existing))
        path = folder / f"{rec['id']}.yaml"
        store.put(path, rec, None, owned=False, on=on, dry_run=dry_run)
        existing[rec["id"]] = (path, rec)
        report.added.append((label, f"policies/{rec['id']}.yaml"))
        if inferred:
            report.notes.append(f"{label}：{'、'.join(inferred)}按标题、文号或栏目推断，请核对")
    return report


def cmd_import(args: argparse.Namespace) -> int:
    return store.run(args, import_policies, issuer=args.issuer)


def register(sub) -> None:
    p = sub.add_parser("import-policies", help="导入政策、标准 (policies: CSV/XLSX/JSON export, RSS/Atom feed)")
    store.add_common(p, "门户网站导出文件（CSV、.xlsx、JSON）或订阅（RSS/Atom，.xml）")
    p.add_argument("--issuer", help="文件或订阅不含发布机关时使用的发布机关，例如 生态环境部")
    p.set_defaults(func=cmd_import)
