"""Tables as downloadable files: CSV (UTF-8 with BOM, so Excel shows Chinese correctly) and XLSX.

Every cell and header of every table goes through `inert` here, in the two writers, so no table a
renderer or a command writes can carry a spreadsheet formula (CSV/formula injection: a record name
`=HYPERLINK(...)` would run when the download is opened in Excel or WPS)."""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile

import pandas as pd

from ..records.textsafe import xml_text

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# Workbooks carry their creation time twice (document properties, zip entries); a fixed one makes the
# same table the same bytes, so rebuilds are reproducible and mirrors see no spurious changes.
_FIXED_TIME = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*")


# A cell starting with one of these (after leading spaces; full-width forms too, which NFKC maps to
# them) is read as a formula or a DDE command by Excel, WPS or LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?%?")  # "-3.2%" is a value, not a formula


def inert(value: object) -> object:
    """A cell value that no spreadsheet evaluates: text that could start a formula gets a leading
    apostrophe (shown as text, the usual convention); characters XML cannot carry are dropped (openpyxl
    refuses them). Numbers, dates and missing values pass unchanged."""
    if not isinstance(value, str):
        return value
    value = xml_text(value)
    first = value.lstrip(" \u00a0\u3000")[:1]
    if first and (first in _FORMULA_START or unicodedata.normalize("NFKC", first) in _FORMULA_START) \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `inert` applied to every text cell and column name."""
    out = frame.rename(columns=lambda c: inert(c) if isinstance(c, str) else c)
    for i, dtype in enumerate(out.dtypes):
        if dtype == object or isinstance(dtype, pd.StringDtype):  # noqa: E721 - numpy dtype equality, not a type check
            out.isetitem(i, out.iloc[:, i].map(inert))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return inert_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ ."""
    return _SHEET_UNSAFE.sub("-", title)[:31] or "Sheet"


def xlsx_bytes(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, frame in sheets:
            name = sheet_name(title)
            while name in used:  # titles may shorten to the same name
                name = sheet_name(f"{len(used)}-{name}")
            used.add(name)
            inert_frame(frame).to_excel(writer, sheet_name=name, index=False)
        writer.book.properties.created = _FIXED_TIME  # openpyxl stamps `modified` itself on save
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(raw: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(info)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), content)
            dst.writestr(fixed, content)
    return out.getvalue()


def cell(value: object) -> str:
    """A table cell as shown on the page: missing values as an em dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return str(value)
