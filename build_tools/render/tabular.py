"""Tables as downloadable files: CSV (UTF-8 with BOM, so Excel shows Chinese correctly) and XLSX."""
from __future__ import annotations

import io
import re

import pandas as pd

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


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
    return buffer.getvalue()


def cell(value: object) -> str:
    """A table cell as shown on the page: missing values as an em dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return str(value)
