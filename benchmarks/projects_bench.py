"""项目业绩 at scale: manifest size, chunk count and the bytes a page of results reads, for N synthetic projects.

    .venv/bin/python -m benchmarks.projects_bench 1000000
"""
from __future__ import annotations

import json
import random
import sys
import time

from build_tools.records.schemas import enum_values
from build_tools.render.projects import build

PROVINCES = ["天津市", "河北省", "北京市", "上海市", "江苏省", "浙江省", "山东省", "广东省", "辽宁省", "河南省"]


def synthetic(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    types = enum_values("common.schema.json", "$defs", "business_type")
    out = []
    for i in range(n):
        y = rnd.randint(2014, 2026)
        out.append({"id": f"p{i}", "agency": f"ag-{i % 100000}", "name": f"示例项目{i}", "client": f"示例企业{i % 50000}",
                    "type": rnd.choice(types), "status": rnd.choice(["已完成", "已完成", "进行中"]),
                    "start_date": f"{y}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                    "location": {"province": rnd.choice(PROVINCES), "city": "示例市", "district": "示例区"}})
    return out


def main(n: int) -> None:
    projects = synthetic(n)
    names = {f"ag-{i}": f"示例环境服务机构{i}有限公司" for i in range(min(n, 100000))}
    t0 = time.perf_counter()
    manifest, chunks = build(projects, names)
    elapsed = time.perf_counter() - t0
    manifest_bytes = len(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode())
    chunk_bytes = [len(json.dumps(c, ensure_ascii=False, separators=(",", ":")).encode()) for c in chunks[:20]]
    print(f"projects={n:,} build={elapsed:.1f}s cells={len(manifest['cells']):,} manifest={manifest_bytes / 1024:.0f} KB "
          f"chunks={len(chunks):,} chunk≈{sum(chunk_bytes) / len(chunk_bytes) / 1024:.0f} KB "
          f"(a page of 20 rows reads the manifest once and 1–2 chunks)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
