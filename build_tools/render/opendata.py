"""Open data page (opendata/index.md): every dataset (directory, projects, scores, demands, policies,
courses, expert answers) as XLSX, CSV and JSON downloads, with a field dictionary generated from the
schemas' Chinese titles.

Renderers receive the masked dataset, so personal numbers are already masked in every file.
Spreadsheets (XLSX, and CSV in UTF-8 with a BOM so Excel opens Chinese correctly) have Chinese column
headers — the schema titles; the dictionary gives each header's English key, which is the JSON key.
Nested fields are flattened (`parent.child`, header `上级·下级`), lists are joined with “、” (values)
or “；” (items). JSON keeps each record's structure and English keys.
"""
from __future__ import annotations

import functools
import gzip
import json
import pickle
from dataclasses import dataclass
from typing import Any, Callable, Generator, Iterable

import pandas as pd

from ..cache import pages as pagecache
from ..cache.pages import Store as PageStore
from ..context import BuildContext
from ..records.model import Dataset
from ..records.schemas import SCHEMA_DIR, load_kinds
from . import tabular
from .html import page
from .links import base_for
from .output import Output
from .tabular import csv_bytes, xlsx_bytes, xlsx_rows_ok

KINDS = (("agency", "agencies", "机构名录"), ("project", "projects", "项目业绩"), ("demand", "demands", "需求信息"),
         ("policy", "policies", "标准政策"), ("course", "courses", "绿色课堂课程"),
         ("consultation", "consultations", "专家咨询"))


@dataclass(frozen=True)
class Field:
    name: str          # CSV column / JSON path, e.g. registered_address.province
    title: str         # Chinese title from the schema
    description: str
    type: str          # 文本 / 数字 / 是否 / 日期 / 列表


def _common_defs() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "common.schema.json").read_text(encoding="utf-8"))["$defs"]


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Merge a property with the common definition it $refs (the property's own title wins)."""
    ref = node.get("$ref", "")
    if "#/$defs/" not in ref:
        return node
    base = _resolve(defs[ref.rsplit("/", 1)[1]], defs)
    return {**base, **{k: v for k, v in node.items() if k != "$ref"}}


def _type_name(node: dict[str, Any]) -> str:
    if node.get("format") == "date" or node.get("pattern", "").startswith("^\\d{4}-"):
        return "日期"
    return {"integer": "整数", "number": "数字", "boolean": "是否", "array": "列表"}.get(node.get("type", ""), "文本")


def _describe(node: dict[str, Any], defs: dict[str, Any]) -> str:
    """The schema's description, plus the allowed values of enumerations (also for lists of them)."""
    items = _resolve(node.get("items", {}), defs) if node.get("type") == "array" else {}
    allowed = node.get("enum") or items.get("enum")
    text = node.get("description", "") if "enum" not in items else ""
    return f"{text}取值：{'、'.join(map(str, allowed))}。" if allowed else text


def fields(kind: str) -> list[Field]:
    """The CSV columns of a kind, in schema order, with nested objects flattened (`imported.source.title`)."""
    defs = _common_defs()
    return [f for name, raw in load_kinds()[kind].schema["properties"].items()
            for f in _flatten(name, "", _resolve(raw, defs), defs)]


def _flatten(name: str, title: str, prop: dict[str, Any], defs: dict[str, Any]) -> list[Field]:
    label = f"{title}·{prop.get('title', name)}" if title else prop.get("title", name.rsplit(".", 1)[-1])
    if prop.get("type") == "object" and "properties" in prop:
        return [f for sub, raw in prop["properties"].items()
                for f in _flatten(f"{name}.{sub}", label, _resolve(raw, defs), defs)]
    return [Field(name, label, _describe(prop, defs), _type_name(prop))]


def _cell(value: Any) -> Any:
    """Flattened for a table; csv_bytes makes every text cell inert (no formulas)."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "；".join(" ".join(str(v) for v in item.values()) for item in value)
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def flat_row(data: dict[str, Any], columns: list[Field]) -> dict[str, Any]:
    row = {}
    for f in columns:
        value: Any = data
        for part in f.name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        row[f.name] = _cell(value)
    return row


def kind_frame(dataset: Dataset, kind: str) -> tuple[pd.DataFrame, list[Field]]:
    """The kind's records as a table with English keys as column names (see `headed` for the Chinese)."""
    columns = fields(kind)
    records = sorted(dataset.of(kind), key=lambda r: r.id)
    return pd.DataFrame([flat_row(r.data, columns) for r in records], columns=[f.name for f in columns]), columns


def headers(columns: list[Field]) -> dict[str, str]:
    """English key -> Chinese column header (the schema title; the key is added if two titles coincide)."""
    seen = [f.title for f in columns]
    return {f.name: f.title if seen.count(f.title) == 1 else f"{f.title}（{f.name}）" for f in columns}


def headed(frame: pd.DataFrame, columns: list[Field]) -> pd.DataFrame:
    """The table as published in CSV/XLSX: Chinese headers."""
    return frame.rename(columns=headers(columns))


SCORE_FIELDS = [
    Field("agency", "机构编号", "与机构名录的 id 对应。", "文本"),
    Field("name", "机构名称", "", "文本"),
    Field("year", "评价年度", "最近一次综合评价的年度。", "整数"),
    Field("total", "综合得分", "客观评价、企业评价与管理评价的加权总分。", "数字"),
    Field("grade", "评价等级", "", "文本"),
    Field("rank", "排名", "当年参评机构中的名次；数据不足未评分的为空。", "整数"),
]


def score_frame(dataset: Dataset, ctx: BuildContext) -> pd.DataFrame | None:
    """Latest score per agency from the optional "scores" step; None if it did not run or has another shape."""
    scores = ctx.computed.get("scores")
    if scores is None:
        return None
    rows = []
    try:
        for agency in sorted(dataset.of("agency"), key=lambda r: r.id):
            s = scores.latest(agency.id)
            if s is not None:
                rows.append({"agency": agency.id, "name": agency.data["name"], "year": getattr(s, "year", None),
                             "total": s.total, "grade": s.grade, "rank": getattr(s, "rank", None)})
    except (AttributeError, TypeError, KeyError):
        return None
    frame = pd.DataFrame(rows, columns=[f.name for f in SCORE_FIELDS])
    return frame.astype({"year": "Int64", "rank": "Int64"})  # integers even when some ranks are missing


def _json_bytes(items: list[Any]) -> bytes:
    """A JSON array with one record per line: readable and diff-friendly, and written by the C encoder
    (any `indent` falls back to the pure-Python one: 6 s instead of 1 s for 100k projects)."""
    lines = ",\n".join(json.dumps(item, ensure_ascii=False, default=str) for item in items)
    return f"[\n{lines}\n]\n".encode() if items else b"[]\n"


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    sets = []
    for kind, stem, title in KINDS:
        if kind not in load_kinds():
            continue
        columns = fields(kind)
        json_rows = [r.data for r in sorted(dataset.of(kind), key=lambda r: r.id)]
        names = yield from _files(stem, title, functools.partial(_table, dataset, kind), json_rows, ctx.page_cache)
        sets.append({"stem": stem, "title": title, "count": len(json_rows), "fields": columns,
                     "headers": headers(columns), "files": names})
    scores = score_frame(dataset, ctx)
    if scores is not None:
        json_rows = scores.astype(object).where(scores.notna(), None).to_dict(orient="records")
        names = yield from _files("scores", "综合评价", lambda: headed(scores, SCORE_FIELDS), json_rows, ctx.page_cache)
        sets.insert(2, {"stem": "scores", "title": "综合评价", "count": len(scores), "fields": SCORE_FIELDS,
                        "headers": headers(SCORE_FIELDS), "files": names})
    path = "opendata/index.md"
    yield Output(path, page("开放数据", "opendata.html", cache=ctx.page_cache, base=base_for(path), sets=sets,
                            scores_missing=scores is None, today=ctx.today,
                            xlsx_max_rows=f"{tabular.XLSX_MAX_ROWS:,}"), in_nav=True)


RAW_MAX = 8 * 2**20  # CSV/JSON above this size are published gzip-compressed only (.csv.gz, .json.gz)


def file_names(sizes: dict[str, int]) -> dict[str, str]:
    """Published name per format: CSV and JSON above RAW_MAX get .gz (about a tenth of the size; every
    browser, spreadsheet import and `gunzip` reads it). XLSX is already compressed."""
    return {fmt: f"{fmt}.gz" if fmt != "xlsx" and size > RAW_MAX else fmt for fmt, size in sizes.items()}


def _files(stem: str, title: str, table: Callable[[], pd.DataFrame], json_rows: list[Any],
           cache: PageStore | None = None) -> Generator[Output, None, dict[str, str]]:
    """One dataset in three formats; spreadsheets through the shared tabular writer. Returns (as the
    generator's value) the published suffix per format (see `file_names`).

    The rows (`json_rows`, the records as published) decide every byte of the three files, so with a page
    cache a set whose rows did not change is taken from it: a rebuild after one agency changed writes the
    agency list again, not the million-row project table."""
    key = pagecache.key(b"opendata-files", stem, title, pickle.dumps(json_rows, protocol=5),
                        f"{tabular.XLSX_MAX_ROWS} {RAW_MAX}") if cache is not None else None
    cached = cache.get(key) if cache is not None and key is not None else None
    if cached is not None:
        files = _unpack(cached)
    else:
        frame = table()
        data = {"xlsx": xlsx_bytes([(title, frame)])} if xlsx_rows_ok(len(frame)) else {}
        data.update(csv=csv_bytes(frame), json=_json_bytes(json_rows))
        names = file_names({fmt: len(b) for fmt, b in data.items()})
        files = {f"{stem}.{names[fmt]}": gzip.compress(b, 6, mtime=0) if names[fmt].endswith(".gz") else b
                 for fmt, b in data.items()}
        if cache is not None and key is not None:
            cache.put(key, _pack(files))
    for name, content in files.items():
        yield Output(f"opendata/{name}", content)
    return {name.split(".", 1)[1].removesuffix(".gz"): name.split(".", 1)[1] for name in files}


def _table(dataset: Dataset, kind: str) -> pd.DataFrame:
    frame, columns = kind_frame(dataset, kind)
    return headed(frame, columns)


def _pack(files: dict[str, bytes]) -> bytes:
    """Files as one cache value: a JSON list of [name, length], a NUL, then the contents (no pickle to read)."""
    head = json.dumps([[name, len(b)] for name, b in files.items()]).encode()
    return head + b"\0" + b"".join(files.values())


def _unpack(packed: bytes) -> dict[str, bytes]:
    head, _, body = packed.partition(b"\0")
    files, pos = {}, 0
    for name, size in json.loads(head):
        files[name] = body[pos:pos + size]
        pos += size
    return files
