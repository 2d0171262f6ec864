"""Reading exports into numbered rows: CSV (UTF-8, BOM, GBK/GB18030), Excel .xlsx, JSON, RSS 2.0 and Atom.

Every importer describes its columns with a `Spec` (canonical name -> the headers publishers use) and gets
back `(label, {column: text})` rows, labelled as a person finds them: `第 N 行` as in the spreadsheet (header
row included, blank rows counted), `第 N 条` for JSON objects and feed items. Government exports often put a
title line (“2026 年第二批环境监测服务机构名单”) above the header: the header is the first of the first rows
that names every required column.
"""
from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ...records.safeyaml import YamlError, decode

MAX_INPUT = 50 * 1024 * 1024  # an export of tens of thousands of rows is a few MB
HEADER_SEARCH = 10            # title lines a sheet may have above its header
# Cells that mean “nothing here” in official exports.
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "－", "/", "／", "无", "暂无", "空", "null", "none", "n/a", "#n/a"})
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\xa0\u3000"

Row = tuple[str, dict[str, str]]


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong format, missing columns): exit status 2."""


@dataclass(frozen=True)
class Spec:
    """The columns one importer reads."""
    columns: dict[str, tuple[str, ...]]           # canonical column -> accepted headers (English key first)
    required: tuple[str, ...] = ()                # columns every file must have
    one_of: tuple[tuple[str, ...], ...] = ()      # groups of which a file must have at least one column
    readme: str = ""                              # README section that lists the columns (for messages)
    feeds: bool = False                           # RSS/Atom accepted (items become title/url/summary/date/…)

    def header_map(self) -> dict[str, str]:
        return {header_key(alias): name for name, aliases in self.columns.items() for alias in aliases}

    def rank(self) -> dict[str, int]:
        """Header -> its place among its column's aliases: when an export has two headers for one column
        (成文日期 and 发布日期), the one listed first wins, whatever the order of the export's columns."""
        return {header_key(alias): i for aliases in self.columns.values() for i, alias in enumerate(aliases)}

    def missing(self, present: set[str]) -> list[str]:
        """Sentences for what the file lacks (empty: it can be imported)."""
        out = []
        absent = [c for c in self.required if c not in present]
        if absent:
            names = "、".join(f"{self.columns[c][1] if len(self.columns[c]) > 1 else c}（{c}）" for c in absent)
            out.append(f"缺少必需的列：{names}")
        for group in self.one_of:
            if not present & set(group):
                out.append("缺少“" + "”或“".join(self.columns[c][1] for c in group) + "”列（至少其一）")
        return out


def header_key(text: str) -> str:
    """Headers compare without spaces, required-markers, BOM and full-width brackets: “统一社会 信用代码*”."""
    text = text.translate(_HEADER_FOLD)
    return re.sub(r"[\s*＊" + _INVISIBLE + "]", "", text).lower()


_HEADER_FOLD = str.maketrans("（）【】：", "()[]:")


def clean(text: str) -> str:
    """Trimmed cell (also non-breaking, ideographic and zero-width spaces); placeholders become empty."""
    text = text.strip(" \t\r\n" + _INVISIBLE)
    return "" if text.lower() in PLACEHOLDERS else text


# --- files -----------------------------------------------------------------------

def read_rows(path: Path, spec: Spec) -> tuple[list[Row], list[str]]:
    """Rows of an export plus notes about how it was read. Raises ImportFileError for an unusable file."""
    raw = path.read_bytes()
    if len(raw) > MAX_INPUT:
        raise ImportFileError(f"文件过大（{len(raw)} 字节，上限 {MAX_INPUT} 字节），请分批导入")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return table_rows(xlsx_cells(raw), spec, [])
    if suffix in (".xml", ".rss", ".atom") and spec.feeds:
        from .feeds import feed_rows  # XML only for the importers that take feeds
        rows, notes = feed_rows(raw)
        return _keyed(rows, spec), notes
    text, notes = decode_text(raw)
    if suffix == ".json":
        return json_rows(text, spec), notes
    if suffix in (".csv", ".txt"):
        return table_rows(csv_cells(text), spec, notes)
    kinds = ".csv、.xlsx、.json" + ("、.xml（RSS/Atom）" if spec.feeds else "")
    raise ImportFileError(f"不支持的文件类型“{path.suffix}”：请导出为 {kinds}")


def decode_text(raw: bytes) -> tuple[str, list[str]]:
    """UTF-8 (BOM fine); exports saved by Excel on Chinese Windows are GB18030/GBK, accepted with a note."""
    try:
        return decode(raw, MAX_INPUT), []
    except YamlError:
        try:
            return raw.decode("gb18030"), ["文件不是 UTF-8，已按 GB18030（GBK）编码读取"]
        except UnicodeDecodeError:
            raise ImportFileError("无法识别文件编码，请另存为 UTF-8 后重试") from None


def csv_cells(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误（第 {reader.line_num} 行附近）：{exc}") from None


def xlsx_cells(raw: bytes) -> Iterator[list[str]]:
    """First worksheet; date cells become YYYY-MM-DD, whole numbers lose their “.0”."""
    import openpyxl  # only needed for Excel files
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for damaged files
        raise ImportFileError(f"无法读取 Excel 文件（{type(exc).__name__}），请确认是 .xlsx 格式") from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [xlsx_text(v) for v in values]
    finally:
        book.close()


def xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:  # beyond: Excel already lost digits
        return str(int(value))
    return str(value)


def table_rows(cells: Iterator[list[str]], spec: Spec, notes: list[str]) -> tuple[list[Row], list[str]]:
    cells = iter(cells)  # the data rows continue where the header search stopped
    names_of = spec.header_map()
    head: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    number = 0
    for number, values in enumerate(cells, start=1):
        head.append((number, values))
        present = {names_of[header_key(v)] for v in values if header_key(v) in names_of}
        if not spec.missing(present):
            header = values
            break
        if number >= HEADER_SEARCH:
            break
    if header is None:
        if not head:
            raise ImportFileError("文件为空")
        best = max(head, key=lambda h: len({names_of.get(header_key(v)) for v in h[1]} - {None}))[1]
        present = {names_of[header_key(v)] for v in best if header_key(v) in names_of}
        where = f"（列名见 README“{spec.readme}”）" if spec.readme else ""
        raise ImportFileError("；".join(spec.missing(present)) + where)
    if number > 1:
        notes = notes + [f"表头在第 {number} 行，其上 {number - 1} 行（标题等）未导入"]
    names = [names_of.get(header_key(h)) for h in header]
    order = sorted(range(len(header)), key=lambda i: spec.rank().get(header_key(header[i]), 0))
    rows: list[Row] = []
    for n, values in enumerate(cells, start=number + 1):
        row: dict[str, str] = {}
        for i in order:
            if i < len(values) and (name := names[i]) and name not in row and (text := clean(values[i])):
                row[name] = text
        if row:  # blank lines between blocks of an export are not rows
            rows.append((f"第 {n} 行", row))
    unknown = [h.strip() for h, name in zip(header, names) if name is None and clean(h)]
    return rows, notes + ([f"忽略未识别的列：{'、'.join(unknown)}"] if unknown else [])


def json_rows(text: str, spec: Spec) -> list[Row]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from None
    items = _json_list(doc)
    if items is None:
        raise ImportFileError("JSON 应为对象的列表，或含有 data / items / records / list 列表的对象")
    return _keyed([(f"第 {n} 条", item) for n, item in enumerate(items, start=1)], spec)


def _json_list(doc: Any) -> list | None:
    """A list, or the list under a usual wrapper key (portal APIs nest it: {"data": {"list": [...]}})."""
    for _ in range(3):
        if isinstance(doc, list):
            return doc
        if not isinstance(doc, dict):
            return None
        doc = next((doc[k] for k in ("data", "items", "records", "list", "rows", "result") if k in doc), None)
    return doc if isinstance(doc, list) else None


def _keyed(items: list[tuple[str, Any]], spec: Spec) -> list[Row]:
    """JSON objects / feed items to rows: keys matched like headers, values as the text a cell would hold."""
    names_of, rank = spec.header_map(), spec.rank()
    rows: list[Row] = []
    for label, item in items:
        if not isinstance(item, dict):
            rows.append((label, {"__error__": "应为一组“字段: 值”（JSON 对象）"}))
            continue
        row = {}
        for key, value in sorted(item.items(), key=lambda kv: rank.get(header_key(str(kv[0])), 0)):
            name = names_of.get(header_key(str(key)))
            if name and name not in row and (text := clean(cell_text(value))):
                row[name] = text
        rows.append((label, row))
    return rows


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        return "\n".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def feed_date(text: str) -> str:
    """RSS pubDate (RFC 822) or Atom date (ISO 8601) -> YYYY-MM-DD as dated by the publisher; else unchanged."""
    text = text.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return text
