"""Demand hall at scale: import N synthetic notices, then compute + render the hall.

    .venv/bin/python benchmarks/demands.py [N]

Prints import time (first run and the no-op re-import), render time, and the size of the
hall page (every demand is in it, for the no-JS list and the client-side filters).
"""
from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_tools import pipeline
from build_tools.submit.notices import import_notices

PLACES = [("上海市", "上海市", "青浦区", "朱家角镇"), ("江苏省", "苏州市", "吴江区", "黎里镇"),
          ("浙江省", "嘉兴市", "嘉善县", "西塘镇"), ("天津市", "天津市", "滨海新区", "泰达街道")]
TYPES = ["环境监测", "废水治理", "废气治理", "固废处置", "环评机构"]


def write_export(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["notice_no", "title", "notice_type", "province", "city", "district", "town", "demand_type",
                    "budget", "publisher", "publish_date", "deadline", "description"])
        for i in range(n):
            p = PLACES[i % len(PLACES)]
            month, day = 1 + i % 12, 1 + i % 28
            w.writerow([f"BM-{i:06d}", f"示例环境服务项目 {i}", "采购公告", *p, TYPES[i % len(TYPES)],
                        f"{10 + i % 300}万", f"示例园区管理委员会 {i % 40}", f"2026-{month:02d}-{day:02d}",
                        f"2026-{month:02d}-{min(day + 14, 28):02d}", "项目说明。" * 40])


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export, data = Path(tmp) / "notices.csv", Path(tmp) / "data"
        write_export(export, n)
        report, first = timed(lambda: import_notices(export, data))
        again, second = timed(lambda: import_notices(export, data))
        print(f"import {n} rows: {first:.2f} s ({len(report.added)} added); re-import {second:.2f} s "
              f"({len(again.added)} added, {len(again.skipped)} skipped)")
        prepared, t_prep = timed(lambda: pipeline.prepare(data))
        outputs, t_render = timed(lambda: pipeline.render(prepared))
        hall = next(o for o in outputs if o.path == "demands/index.md")
        feed = next(o for o in outputs if o.path == "demands/feed.xml")
        print(f"load+validate+compute {t_prep:.2f} s; render {t_render:.2f} s ({len(outputs)} outputs)")
        print(f"hall page {len(hall.content.encode('utf-8')) / 1024:.0f} KiB; feed {len(feed.content) / 1024:.0f} KiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
