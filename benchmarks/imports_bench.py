"""Time of `import-agencies` and `import-credit` on large synthetic exports: first import, re-import (no-op).

    .venv/bin/python -m benchmarks.imports_bench [--rows 10000]

A national 危险废物经营许可证 list has a few thousand units, a provincial monitoring list a few hundred; credit
exports are filtered to the platform's agencies. Rows are GBK CSV as Excel saves them; every unit is new, so the
first run also creates one agency folder per row (the worst case).
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

from build_tools.records.codes import credit_check_char
from build_tools.submit.importers.agencies import import_agencies
from build_tools.submit.importers.credit import import_credit

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ("滨海新区", "东丽区", "西青区", "津南区", "北辰区", "武清区")


def code(n: int) -> str:
    first = f"9112011{n % 7 + 1}MA{n:07d}"  # 17 characters: a distinct valid code per row
    return first + credit_check_char(first)


def lists(rows: int, folder: Path) -> tuple[Path, Path]:
    agencies, credit = io.StringIO(), io.StringIO()
    a, c = csv.writer(agencies), csv.writer(credit)
    a.writerow(["序号", "单位名称", "统一社会信用代码", "注册地址", "许可证编号", "核准经营方式", "核准经营危险废物类别", "有效期限"])
    c.writerow(["行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "违法事实", "处罚决定日期", "处罚机关", "罚款金额（万元）"])
    for n in range(rows):
        name = f"示例环保科技第{n}号有限公司"
        a.writerow([n + 1, name, code(n), f"天津市{DISTRICTS[n % 6]}示例路{n}号", f"TJHW-{2020 + n % 5}-{n:05d}",
                    "收集、贮存", "HW08 废矿物油与含矿物油废物", f"{2020 + n % 5}年1月1日至{2025 + n % 5}年12月31日"])
        if n % 10 == 0:
            c.writerow([name, code(n), f"津环罚〔2025〕{n}号", "示例", "2025-06-01", "天津市生态环境局", "1.5"])
    (folder / "list.csv").write_bytes(agencies.getvalue().encode("gbk"))
    (folder / "credit.csv").write_bytes(credit.getvalue().encode("gbk"))
    return folder / "list.csv", folder / "credit.csv"


def timed(label: str, fn) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    report = fn()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU   "
          f"新增 {len(report.added)}，更新 {len(report.updated)}，跳过 {len(report.skipped)}，拒绝 {len(report.rejected)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    os.environ.setdefault("PLATFORM_TODAY", "2026-11-25")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "data"
        shutil.copytree(ROOT / "tests/fixtures/mini", data)
        listed, credit = lists(args.rows, folder)
        run = lambda: import_agencies(listed, data, list_name="危险废物经营许可证企业名单", publisher="天津市生态环境局")  # noqa: E731
        print(f"{args.rows} rows, {listed.stat().st_size // 1024} KB GBK CSV")
        timed("import-agencies (first, all new)", run)
        timed("import-agencies (re-import)", run)
        pen = lambda: import_credit(credit, data, default_type="行政处罚")  # noqa: E731
        timed(f"import-credit ({args.rows // 10} rows, first)", pen)
        timed("import-credit (re-import)", pen)


if __name__ == "__main__":
    main()
