"""Tables as downloadable files: CSV (UTF-8 with BOM, so Excel shows Chinese correctly) and XLSX."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pandas as pd

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# Workbooks carry their creation time twice (document properties, zip entries); a fixed one makes the
# same table the same bytes, so rebuilds are reproducible and mirrors see no spurious changes.
_FIXED_TIME = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


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
            frame.to_excel(writer, sheet_name=name, index=False)
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
