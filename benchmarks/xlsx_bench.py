"""Workbook writers side by side on the same table: the project's own (build_tools/render/xlsx.py), pandas with
openpyxl (pinned) and XlsxWriter in constant-memory mode (when installed).

    python -m benchmarks.xlsx_bench [--rows 100000]

The table has the shape of the open data's project table (16 text columns, one number), generated here.
"""
from __future__ import annotations

import argparse
import io
import random
import time

import pandas as pd

from build_tools.render import tabular


def table(rows: int) -> pd.DataFrame:
    rnd = random.Random(1)
    words = "环境 监测 检测 技术 环保 科技 工程 咨询 治理 废水 废气 固废 在线 运维 华科 绿源 清源 蓝天".split()
    data = {f"列{c}": ["".join(rnd.sample(words, 3)) + str(i) for i in range(rows)] for c in range(15)}
    data["金额"] = [rnd.random() * 1e6 for _ in range(rows)]
    return pd.DataFrame(data)


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    size = len(fn())
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    frame = table(parser.parse_args().rows)
    inert = tabular.inert_frame(frame)

    def openpyxl_writer() -> bytes:
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as w:
            inert.to_excel(w, index=False)
        return buf.getvalue()

    def xlsxwriter_writer() -> bytes:
        import xlsxwriter  # type: ignore[import-not-found]
        buf = io.BytesIO()
        book = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, list(inert.columns))
        for r, row in enumerate(inert.itertuples(index=False, name=None), start=1):
            sheet.write_row(r, 0, row)
        book.close()
        return buf.getvalue()

    writers = {"ours (render/xlsx.py)": lambda: tabular.xlsx_bytes([("表", frame)]), "pandas + openpyxl": openpyxl_writer}
    try:
        import xlsxwriter  # type: ignore[import-not-found]  # noqa: F401
        writers["XlsxWriter constant_memory"] = xlsxwriter_writer
    except ImportError:
        print("XlsxWriter not installed: not compared")
    base = None
    for name, fn in writers.items():
        seconds, size = timed(fn)
        base = base or seconds
        print(f"{name:28s} {seconds:7.2f} s  {size / 2**20:6.1f} MB  {seconds / base:5.1f} x")


if __name__ == "__main__":
    main()
