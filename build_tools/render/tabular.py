"""Tables as downloadable files: CSV (UTF-8 with BOM, so Excel shows Chinese correctly) and XLSX.

Every cell and header of every table goes through `inert` here, in the two writers, so no table a
renderer or a command writes can carry a spreadsheet formula (CSV/formula injection: a record name
`=HYPERLINK(...)` would run when the download is opened in Excel or WPS)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

from ..records.textsafe import xml_text
from . import xlsx

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


# A cell starting with one of these (after leading spaces; full-width forms too, which NFKC maps to
# them) is read as a formula or a DDE command by Excel, WPS or LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?%?")  # "-3.2%" is a value, not a formula


def inert(value: object) -> object:
    """A cell value that no spreadsheet evaluates: text that could start a formula gets a leading
    apostrophe (shown as text, the usual convention); characters XML cannot carry are dropped (a
    workbook cannot hold them). Numbers, dates and missing values pass unchanged."""
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


XLSX_MAX_ROWS = 200_000  # larger tables are published as CSV/JSON only (see `xlsx_rows_ok`)


def xlsx_rows_ok(rows: int) -> bool:
    """Excel and WPS stop at 1,048,576 rows and open a few hundred thousand slowly; above XLSX_MAX_ROWS a
    table is offered as CSV/JSON only (the open data page says so) instead of a workbook nobody can open."""
    return rows <= XLSX_MAX_ROWS


def xlsx_bytes(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    """A workbook of the tables (render/xlsx.py), every text cell inert, missing values as empty cells."""
    used: set[str] = set()
    parts = []
    for title, frame in sheets:
        name = sheet_name(title)
        while name in used:  # titles may shorten to the same name
            name = sheet_name(f"{len(used)}-{name}")
        used.add(name)
        header = [str(inert(str(c))) for c in frame.columns]
        parts.append((name, header, ([_value(v) for v in row] for row in frame.itertuples(index=False, name=None))))
    return xlsx.workbook(parts)


def _value(value: object) -> object:
    """A cell value as the workbook writer takes it: str, int, float, bool or None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return inert(str(value))


def cell(value: object) -> str:
    """A table cell as shown on the page: missing values as an em dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return str(value)
