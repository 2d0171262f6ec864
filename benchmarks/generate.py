"""Deterministic generator of realistic, obviously fictional data at any scale (benchmarks, fuzzing).

`python -m benchmarks.generate --agencies N --seed S OUT_DIR` (or `python -m build_tools generate ...`) writes agencies (with ~10 projects each),
enterprise and management reviews and demands that pass validation. Mixes follow the TEDA 2023 report:
~87 % of agencies registered in Tianjin, 环保咨询 the most common business type, 环境监测 half of projects.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

from build_tools.records.codes import credit_check_char
from build_tools.records.dump import dump_yaml

# province -> (weight, [(city, district, region code)])
REGIONS: dict[str, tuple[int, list[tuple[str, str, str]]]] = {
    "天津市": (80, [("天津市", "滨海新区", "120116"), ("天津市", "西青区", "120111"), ("天津市", "津南区", "120112"),
                   ("天津市", "东丽区", "120110"), ("天津市", "北辰区", "120113"), ("天津市", "武清区", "120114")]),
    "河北省": (5, [("石家庄市", "长安区", "130102"), ("唐山市", "曹妃甸区", "130209"), ("廊坊市", "广阳区", "131003")]),
    "北京市": (2, [("北京市", "海淀区", "110108"), ("北京市", "大兴区", "110115")]),
    "上海市": (4, [("上海市", "青浦区", "310118"), ("上海市", "浦东新区", "310115")]),
    "江苏省": (4, [("苏州市", "吴江区", "320509"), ("南京市", "江宁区", "320115")]),
    "浙江省": (3, [("嘉兴市", "嘉善县", "330421"), ("杭州市", "滨江区", "330108")]),
    "山东省": (2, [("济南市", "历下区", "370102"), ("青岛市", "黄岛区", "370211")]),
}
# business type -> weight (agencies per type in the TEDA report)
TYPES = {"环保咨询": 72, "环境监测": 49, "废气治理": 46, "在线运维": 42, "废水治理": 37, "其他": 31,
         "环评机构": 28, "低碳服务": 28, "节能改造/新能源建设": 15, "固废处置": 13}
# project type -> weight (projects per type in the TEDA report)
PROJECT_TYPES = {"环境监测": 588, "环保咨询": 186, "环评机构": 153, "在线运维": 148, "废气治理": 22,
                 "低碳服务": 20, "其他": 20, "固废处置": 14, "节能改造/新能源建设": 6, "废水治理": 4}
TYPE_WORDS = {"环保咨询": "环境咨询", "环境监测": "环境检测", "废气治理": "废气净化", "在线运维": "环保运维",
              "废水治理": "水处理", "其他": "环境科技", "环评机构": "环评技术", "低碳服务": "低碳科技",
              "节能改造/新能源建设": "节能科技", "固废处置": "固废处置"}
QUAL_KIND = {"环境监测": "检验检测机构资质认定(CMA)", "固废处置": "危险废物经营许可证", "环评机构": "环评信用平台备案",
             "在线运维": "运营维护能力评价", "废水治理": "环保工程专业承包", "废气治理": "环保工程专业承包",
             "低碳服务": "碳排放核查"}
PLACE = ["津沽", "海河", "渤海", "滨城", "泰达", "燕赵", "京畿", "浦江", "太湖", "禾城", "钱塘", "齐鲁", "瀚海", "蓝天",
         "清源", "绿洲", "碧水", "晨曦", "恒信", "中环", "华科", "远景", "汇智", "青禾", "鑫诚", "博远", "卓越", "安泰"]
INDUSTRY = ["精细化工", "汽车零部件", "生物医药", "电子科技", "食品", "新材料", "机械制造", "印染", "包装印刷", "锂电池材料"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "桂英"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def credit_code(rng: random.Random, region_code: str) -> str:
    body = "91" + region_code + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + credit_check_char(body)


def _region(rng: random.Random) -> tuple[str, str, str, str]:
    province = rng.choices(list(REGIONS), weights=[w for w, _ in REGIONS.values()])[0]
    city, district, code = rng.choice(REGIONS[province][1])
    return province, city, district, code


def agency(rng: random.Random, n: int) -> dict[str, Any]:
    province, city, district, code = _region(rng)
    types = list(dict.fromkeys(_weighted(rng, TYPES) for _ in range(rng.choice([1, 1, 2, 2, 3]))))
    name = f"{rng.choice(PLACE)}示例{TYPE_WORDS[types[0]]}{n}号有限公司"
    registered = _date(rng, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    record: dict[str, Any] = {
        "id": f"gen-agency-{n:06d}", "name": name, "credit_code": credit_code(rng, code),
        "registered_on": registered.isoformat(),
        "registered_address": {"province": province, "city": city, "district": district,
                               "detail": f"示例路{rng.randint(1, 999)}号"},
        "office_in_zone": rng.random() < 0.25,
        "resident_staff": rng.randint(0, 60), "staff_total": rng.randint(5, 500), "qualified_staff": rng.randint(1, 80),
        "company_size": rng.choices(["大型", "中型", "小型", "微型"], [1, 4, 8, 3])[0],
        "business_types": types,
        "service_scope": "、".join(types) + "相关技术服务。",
        "service_regions": sorted({province, "天津市"}),
        "qualifications": [{
            "name": f"{QUAL_KIND.get(t, '其他')}证书", "kind": QUAL_KIND.get(t, "其他"),
            "number": f"Q{n:06d}{i}", "issuer": f"{province}示例发证机关",
            "valid_until": _date(rng, dt.date(2023, 1, 1), dt.date(2030, 1, 1)).isoformat()}
            for i, t in enumerate(types) if t in QUAL_KIND],
        "contacts": [{"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "role": "业务经理", "phone": _phone(rng)}],
    }
    if rng.random() < 0.5:
        record["disclosure"] = [{"item": "服务承诺", "content": "依法依规开展服务，数据真实可追溯。",
                                 "date": registered.isoformat()}]
    return record


_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _phone(rng: random.Random) -> str:
    """An office landline, or a mobile number in its sealed form (README, Personal numbers): generated
    data never holds a full mobile number either. The token has the real size and shape but a random
    payload and the key id 000000000000, so it is obviously synthetic and opens with no key."""
    if rng.random() < 0.5:
        return f"022-6{rng.randint(0, 9999999):07d}"
    masked = f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"
    return f"sealed:v1:{masked}:000000000000:" + "".join(rng.choice(_B64URL) for _ in range(139))


def project(rng: random.Random, agency_rec: dict[str, Any], n: int, clients: list[str]) -> dict[str, Any]:
    types = agency_rec["business_types"]
    kind = _weighted(rng, {t: PROJECT_TYPES[t] for t in types})
    start = _date(rng, dt.date(2021, 1, 1), dt.date(2026, 6, 30))
    done = start < dt.date(2026, 1, 1) and rng.random() < 0.92
    client = rng.choice(clients)
    addr = agency_rec["registered_address"]
    rec: dict[str, Any] = {
        "id": f"{agency_rec['id']}-p{n:03d}", "agency": agency_rec["id"],
        "name": f"{client[:-6]}{start.year}年度{kind}服务", "client": client, "client_in_zone": rng.random() < 0.8,
        "type": kind, "start_date": start.isoformat(), "status": "已完成" if done else "进行中",
        "location": {"province": addr["province"], "city": addr["city"], "district": addr["district"]},
        "amount": rng.randint(2, 300) * 1000,
        "summary": f"为委托企业提供{kind}服务。",
        "disclosed_on": (start + dt.timedelta(days=rng.randint(0, 200))).isoformat(),
    }
    if done:
        rec["end_date"] = (start + dt.timedelta(days=rng.randint(7, 300))).isoformat()
        rec["disclosed_on"] = max(rec["disclosed_on"], rec["end_date"])
    return rec


def demand(rng: random.Random, n: int) -> dict[str, Any]:
    province, city, district, _ = _region(rng)
    kind = _weighted(rng, PROJECT_TYPES)
    published = _date(rng, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    official = rng.random() < 0.6
    low = rng.randint(1, 100) * 10000
    return {
        "id": f"gen-demand-{n:06d}", "title": f"{district}{kind}服务{'采购' if official else '需求'}（{n}）",
        "source": "官方公告" if official else "企业需求",
        "notice_type": rng.choice(["招标公告", "采购公告"]) if official else "企业需求",
        "region": {"province": province, "city": city, "district": district},
        "demand_type": kind, "budget": {"min": low, "max": low * 2} if rng.random() < 0.4 else {"amount": low},
        "publisher": f"{rng.choice(PLACE)}示例{rng.choice(INDUSTRY)}有限公司",
        "publish_date": published.isoformat(),
        "deadline": (published + dt.timedelta(days=rng.randint(7, 60))).isoformat(),
        "status": "征集中",
    }


def generate(out: Path, agencies: int, seed: int = 1, projects_per_agency: int = 10,
             demands: int | None = None, jobs: int = 1, chunk: int = 500) -> dict[str, int]:
    """Write a dataset under `out`; returns counts per kind.

    Each agency draws from its own generator seeded by (seed, number), so agencies can be written
    by several processes and the output is the same for any `jobs`."""
    counts: Counter[str] = Counter()
    chunks = [(out, seed, projects_per_agency, agencies, range(i, min(i + chunk, agencies + 1)))
              for i in range(1, agencies + 1, chunk)]
    if jobs > 1 and len(chunks) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap_unordered(_agency_chunk, chunks):
                counts.update(part)
    else:
        for args in chunks:
            counts.update(_agency_chunk(args))
    rng = random.Random(f"{seed}:demands")
    for n in range(1, (demands if demands is not None else max(20, agencies // 5)) + 1):
        _write(out / "demands" / f"gen-demand-{n:06d}.yaml", demand(rng, n))
        counts["demand"] += 1
    return {k: counts[k] for k in ("agency", "project", "enterprise_review", "management_review", "demand")}


def _clients(seed: int, agencies: int) -> list[str]:
    rng = random.Random(f"{seed}:clients")
    return [f"{rng.choice(PLACE)}示例{rng.choice(INDUSTRY)}{i}号有限公司" for i in range(max(50, agencies * 2))]


def _agency_chunk(args: tuple[Path, int, int, int, range]) -> Counter:
    """Agencies numbered `numbers`, each with its projects, enterprise reviews and management reviews."""
    out, seed, projects_per_agency, agencies, numbers = args
    clients = _clients(seed, agencies)
    counts: Counter = Counter()
    for n in numbers:
        rng = random.Random(f"{seed}:{n}")
        a = agency(rng, n)
        folder = out / "agencies" / a["id"]
        _write(folder / "agency.yaml", a)
        counts["agency"] += 1
        for i in range(1, rng.randint(projects_per_agency // 2, projects_per_agency * 3 // 2) + 1):
            p = project(rng, a, i, clients)
            _write(folder / "projects" / f"{p['id']}.yaml", p)
            counts["project"] += 1
            if rng.random() < 0.3:
                rid = f"gen-er-{n:06d}-{i:03d}"
                _write(out / "reviews/enterprise" / f"{rid}.yaml", {
                    "id": rid, "enterprise": p["client"], "agency": a["id"], "project": p["id"],
                    "date": p.get("end_date", p["start_date"]),
                    "scores": {k: rng.choices([1, 2, 3, 4, 5], [1, 1, 3, 6, 5])[0]
                               for k in ("quality", "timeliness", "professionalism", "communication", "price")}})
                counts["enterprise_review"] += 1
        for year in (2023, 2024, 2025):
            if rng.random() < 0.6:
                rid = f"gen-mr-{year}-{n:06d}"
                _write(out / "reviews/management" / f"{rid}.yaml", {
                    "id": rid, "reviewer": "示例市生态环境局", "agency": a["id"], "year": year,
                    "score": rng.randint(55, 98), "date": f"{year + 1}-01-15"})
                counts["management_review"] += 1
    return counts


def _write(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(record), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.generate", description="生成模拟数据 (generate synthetic data)")
    p.add_argument("out", type=Path, help="输出目录 (output folder, created)")
    p.add_argument("--agencies", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--projects-per-agency", type=int, default=10)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="并行进程数 (worker processes)")
    a = p.parse_args(argv)
    print(generate(a.out, a.agencies, a.seed, a.projects_per_agency, jobs=a.jobs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
