"""机构列表 / 机构概览 / agency page, on tests/fixtures/directory (8 agencies, hand-checkable).

Fixture at a glance (id: province city district | types | size | qualification kinds | office in zone | projects):
  tj-jinhai-monitor  天津 天津 滨海新区 | 环境监测 在线运维 | 中型 | CMA, 运营维护 | 有 | 5
  tj-qingyuan-water  天津 天津 西青区   | 废水治理           | 小型 | 环保工程专业承包 | 有 | 2
  tj-lvping-eia      天津 天津 和平区   | 环评机构 环保咨询  | 中型 | 环评信用平台备案 | 无 | 1
  hb-jingshui-water  河北 石家庄 长安区 | 废水治理           | 小型 | —               | 无 | 0
  hb-guan-waste      河北 唐山 路北区   | 固废处置           | 大型 | 危险废物经营许可证 | 无 | 1
  hb-jice-lab        河北 石家庄 裕华区 | 环境监测           | 微型 | CMA             | 有 | 0
  zj-ditan-carbon    浙江 杭州 西湖区   | 低碳服务 节能改造   | 中型 | 碳排放核查       | 无 | 0
  zj-lantian-air     浙江 宁波 北仑区   | 废气治理 在线运维  | 大型 | 运营维护, 管理体系 | 有 | 3
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_tools.compute.agency_stats import agency_stats
from build_tools.context import BuildContext
from build_tools.records.validate import validate_tree
from build_tools.render.directory_index import ROW_FIELDS, UNRATED, build_index, score_lookup
from conftest import FIXTURES, built_site

DIRECTORY = FIXTURES / "directory"


@dataclass
class FakeScore:  # the AgencyScore interface of the scoring step (issue 4)
    year: int
    total: float | None
    grade: str | None


class FakeScores:
    def __init__(self, table):
        self.table = table

    def latest(self, agency_id):
        return self.table.get(agency_id)


@pytest.fixture(scope="module")
def dataset():
    data, problems = validate_tree(DIRECTORY)
    assert problems == []
    return data


def _rows(payload):
    return {r[0]: dict(zip(payload["fields"], r)) for r in payload["rows"]}


# ---- payload (unit) ---------------------------------------------------------------------------

def test_index_payload_uses_lookup_tables_and_scores(dataset):
    counts = {"tj-jinhai-monitor": 5, "zj-lantian-air": 3}
    scores = FakeScores({"tj-jinhai-monitor": FakeScore(2025, 91.26, "A"), "hb-jice-lab": FakeScore(2025, 70.0, "C"),
                         "zj-lantian-air": FakeScore(2025, None, None)})
    payload = build_index([a.data for a in dataset.of("agency")], counts, score_lookup(scores))
    assert payload["fields"] == ROW_FIELDS
    assert payload["grades"] == ["A", "C", UNRATED]
    rows = _rows(payload)
    assert [r[1] for r in payload["rows"]] == sorted(r[1] for r in payload["rows"])  # stable order: by name
    jinhai = rows["tj-jinhai-monitor"]
    regions = payload["regions"]
    district = regions[jinhai["region"]]
    city = regions[district[1]]
    assert (district[0], city[0], regions[city[1]]) == ("滨海新区", "天津市", ["天津市", -1])
    assert [payload["types"][t] for t in jinhai["types"]] == ["环境监测", "在线运维"]
    assert payload["sizes"][jinhai["size"]] == "中型"
    assert [payload["quals"][q] for q in jinhai["quals"]] == ["检验检测机构资质认定(CMA)", "运营维护能力评价"]
    assert (jinhai["zone"], jinhai["score"], payload["grades"][jinhai["grade"]], jinhai["projects"]) == (1, 91.3, "A", 5)
    assert payload["grades"][rows["hb-jice-lab"]["grade"]] == "C"
    lantian = rows["zj-lantian-air"]  # scored object without a total counts as unrated
    assert (lantian["score"], payload["grades"][lantian["grade"]], lantian["projects"]) == (None, UNRATED, 3)
    assert rows["hb-jingshui-water"]["quals"] == [] and rows["hb-jingshui-water"]["projects"] == 0
    # search text holds only what the lookups do not: no province/type names repeated per agency
    own = "第三大街 8 号 水、气、声环境质量监测；在线监测设备运维。 检验检测机构资质认定证书 运营维护能力评价证书"
    assert jinhai["text"].startswith(own + " ")
    # plus the synonyms (config/search.yaml) of what it says that it does not say itself
    assert jinhai["text"][len(own) + 1:].split() == ["自动监测", "在线监控"]
    # served provinces: the registered one plus service_regions
    assert [regions[i][0] for i in jinhai["served"]] == ["天津市"] + [
        p for p in next(a for a in dataset.of("agency") if a.id == "tj-jinhai-monitor").data.get("service_regions", [])
        if p != "天津市"]


def test_index_without_scoring_step_rates_nobody(dataset):
    payload = build_index([a.data for a in dataset.of("agency")], {}, score_lookup(None))
    assert payload["grades"] == [UNRATED]
    assert {(r[7], r[8]) for r in payload["rows"]} == {(0, None)}


def test_agency_stats(dataset):
    stats = agency_stats(dataset, BuildContext(data_root=DIRECTORY))
    assert (stats.total, stats.in_zone) == (8, 4)
    assert stats.by_province == [("天津市", 3), ("河北省", 3), ("浙江省", 2)]
    assert stats.by_city == [("天津市", 3), ("河北省 石家庄市", 2), ("河北省 唐山市", 1),
                             ("浙江省 宁波市", 1), ("浙江省 杭州市", 1)]
    assert stats.by_size == [("大型", 2), ("中型", 3), ("小型", 2), ("微型", 1)]
    assert stats.by_type[:3] == [("在线运维", 2), ("废水治理", 2), ("环境监测", 2)]
    assert sorted(stats.by_type[3:]) == sorted([("环评机构", 1), ("环保咨询", 1), ("固废处置", 1), ("低碳服务", 1),
                                                ("节能改造/新能源建设", 1), ("废气治理", 1)])


# ---- browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built_site(DIRECTORY, tmp_path_factory, "directory-site")


@pytest.fixture(scope="module")
def base(site, serve):
    return serve(site)


def open_directory(page, url):
    page.goto(url)
    page.wait_for_selector(".tp-directory[data-ready]")


def settled(page):
    """The rows of all agencies load on the first search/filter/sort (data-loading meanwhile): wait for them."""
    page.wait_for_selector(".tp-directory[data-ready]:not([data-loading])")


def shown_ids(page):
    settled(page)
    return page.locator(".tp-agency-list tbody tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)")


def result_count(page):
    settled(page)
    return int(page.locator(".tp-dir-count").get_attribute("data-n"))


def facet(page, name, label):
    return page.locator(f".tp-facet-{name} label", has_text=label).locator("input")


def facet_count(page, name, label):
    settled(page)
    text = page.locator(f".tp-facet-{name} label", has_text=label).locator(".tp-facet-count").inner_text()
    return int(re.sub(r"\D", "", text))


def test_typing_searches_name_business_address_qualification(base, page):
    open_directory(page, base + "agencies/")
    assert result_count(page) == 8
    box = page.locator(".tp-dir-q")
    box.press_sequentially("监测")  # real key presses: one input event each
    assert sorted(shown_ids(page)) == ["hb-jice-lab", "tj-jinhai-monitor"]
    box.fill("")
    box.press_sequentially("天津 废水")  # terms AND together: address + business type
    assert shown_ids(page) == ["tj-qingyuan-water"]
    assert page.locator(".tp-dir-count").inner_text() == "找到 1 家机构"
    box.fill("危险废物经营")  # qualification
    assert shown_ids(page) == ["hb-guan-waste"]
    box.fill("津海监测")  # partial name with a gap
    assert shown_ids(page) == ["tj-jinhai-monitor"]
    box.fill("ＶＯＣｓ")  # full-width input matches half-width text
    assert shown_ids(page) == ["zj-lantian-air"]
    box.fill("")
    # while an IME composes, the box holds pinyin: nothing is searched until the characters are committed
    box.evaluate("b => { b.value = 'jinhai'; b.dispatchEvent(new InputEvent('input', {isComposing: true})); }")
    assert result_count(page) == 8
    box.evaluate("b => { b.value = '津海'; b.dispatchEvent(new CompositionEvent('compositionend', {data: '津海'})); }")
    assert shown_ids(page) == ["tj-jinhai-monitor"]
    box.fill("上海")
    assert shown_ids(page) == [] and "没有符合条件" in page.locator(".tp-agency-list tbody").inner_text()
    assert page.js_errors == []


def test_facets_combine_cascade_and_count(base, page):
    open_directory(page, base + "agencies/")
    page.select_option(".tp-dir-region[data-level='0']", label="河北省（3）")
    assert sorted(shown_ids(page)) == ["hb-guan-waste", "hb-jice-lab", "hb-jingshui-water"]
    cities = page.locator(".tp-dir-region[data-level='1'] option").all_inner_texts()
    assert cities == ["全部城市", "石家庄市（2）", "唐山市（1）"]  # only this province's cities, pinyin order
    assert (facet_count(page, "type", "废水治理"), facet_count(page, "type", "环境监测"),
            facet_count(page, "type", "在线运维")) == (1, 1, 0)
    page.select_option(".tp-dir-region[data-level='1']", label="石家庄市（2）")
    # ICU's pinyin order reads 长 as zhǎng, so 裕华区 (yù) comes first
    assert page.locator(".tp-dir-region[data-level='2'] option").all_inner_texts() == ["全部区县", "裕华区（1）", "长安区（1）"]
    facet(page, "type", "环境监测").check()
    assert shown_ids(page) == ["hb-jice-lab"]
    # province counts ignore the region filter itself: what picking another province would give
    assert page.locator(".tp-dir-region[data-level='0'] option").all_inner_texts() == [
        "全部省份", "河北省（1）", "天津市（1）"]
    page.locator(".tp-dir-clear").click()
    assert result_count(page) == 8
    facet(page, "type", "在线运维").check()
    facet(page, "type", "环境监测").check()  # values of one facet OR together
    assert sorted(shown_ids(page)) == ["hb-jice-lab", "tj-jinhai-monitor", "zj-lantian-air"]
    assert [facet_count(page, "size", s) for s in ("大型", "中型", "小型", "微型")] == [1, 1, 0, 1]
    facet(page, "size", "大型").check()  # facets AND together
    assert shown_ids(page) == ["zj-lantian-air"]
    facet(page, "size", "大型").uncheck()
    facet(page, "zone", "无").check()
    assert shown_ids(page) == []
    assert facet_count(page, "zone", "有") == 3
    page.locator(".tp-dir-clear").click()
    facet(page, "qual", "检验检测机构资质认定(CMA)").check()
    assert sorted(shown_ids(page)) == ["hb-jice-lab", "tj-jinhai-monitor"]
    facet(page, "grade", UNRATED).check()  # no scores in this fixture: every agency is 未评价
    assert result_count(page) == 2
    assert page.js_errors == []


def test_sort_by_project_count(base, page):
    open_directory(page, base + "agencies/")
    page.select_option(".tp-dir-sort", "projects")
    assert shown_ids(page)[:3] == ["tj-jinhai-monitor", "zj-lantian-air", "tj-qingyuan-water"]
    assert "sort=projects" in page.url


def test_url_restores_filters_and_back_button_works(base, page):
    open_directory(page, base + "agencies/?kw=%E7%9B%91%E6%B5%8B&prov=%E6%B2%B3%E5%8C%97%E7%9C%81")  # kw=监测 prov=河北省
    assert page.locator(".tp-dir-q").input_value() == "监测"
    assert page.locator(".tp-dir-region[data-level='0'] option:checked").inner_text().startswith("河北省")
    assert shown_ids(page) == ["hb-jice-lab"]
    assert not page.evaluate("document.querySelector('[data-md-toggle=search]').checked")  # ?q= would open site search

    open_directory(page, base + "agencies/?type=%E5%BA%9F%E6%B0%B4%E6%B2%BB%E7%90%86&sort=projects")  # 废水治理
    assert facet(page, "type", "废水治理").is_checked()
    assert page.locator(".tp-dir-sort").input_value() == "projects"
    assert shown_ids(page) == ["tj-qingyuan-water", "hb-jingshui-water"]

    open_directory(page, base + "agencies/")
    facet(page, "type", "废水治理").check()
    facet(page, "size", "小型").check()
    page.locator(".tp-dir-q").fill("天津")
    assert shown_ids(page) == ["tj-qingyuan-water"]
    shared = page.url
    page.go_back()  # undo 小型 (typing replaced the entry rather than adding one)
    page.wait_for_function("!document.querySelector('.tp-facet-size input[value=\"小型\"]').checked")
    assert facet(page, "type", "废水治理").is_checked()
    assert sorted(shown_ids(page)) == ["hb-jingshui-water", "tj-qingyuan-water"]
    page.go_back()
    page.wait_for_function("!document.querySelector('.tp-facet-type input[value=\"废水治理\"]').checked")
    assert result_count(page) == 8
    open_directory(page, shared)  # the shared link shows the same result
    assert shown_ids(page) == ["tj-qingyuan-water"] and page.locator(".tp-dir-q").input_value() == "天津"
    assert page.js_errors == []


def test_without_javascript_the_full_table_shows(browser, base):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base + "agencies/")
    assert pg.locator(".tp-agency-list tbody tr").count() == 8
    assert not pg.locator(".tp-dir-ui").is_visible()
    assert "冀测检测技术有限公司" in pg.locator(".tp-agency-list").inner_text()
    context.close()


def test_payload_is_a_manifest_and_lazy_shards(site):
    html = (site / "agencies/index.html").read_text(encoding="utf-8")
    assert 'data-src="../assets/data/directory.json"' in html
    assert "槐安东路" not in html  # search text lives only in the JSON
    manifest = json.loads((site / "assets/data/directory.json").read_text(encoding="utf-8"))
    assert "rows" not in manifest and manifest["total"] == 8
    rows = [r for name in manifest["shards"]
            for r in json.loads((site / "assets/data" / name).read_text(encoding="utf-8"))]
    assert sorted(r[0] for r in rows) == sorted(re.findall(r'<tr data-id="([^"]+)"', html))
    # facet counts over all agencies, as the script counts with no condition set (河北省: 3 agencies)
    regions = [r[0] for r in manifest["regions"]]
    assert manifest["counts"]["region"][regions.index("河北省")] == 3
    assert manifest["counts"]["zone"] == [4, 4]
    raw = (site / "assets/data/directory.json").read_bytes()
    assert len(gzip.compress(raw)) < len(raw)


def test_first_screen_loads_no_rows_until_asked(base, page):
    """The first screen is the server's first page and the manifest; the shards come with the first search."""
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    open_directory(page, base + "agencies/")
    assert not [u for u in fetched if "/directory/rows-" in u]
    assert page.locator(".tp-dir-count").get_attribute("data-n") == "8"
    assert facet_count(page, "type", "废水治理") == 2  # counts over all agencies before any row is loaded
    page.locator(".tp-dir-q").fill("监测")
    assert sorted(shown_ids(page)) == ["hb-jice-lab", "tj-jinhai-monitor"]
    assert [u for u in fetched if "/directory/rows-" in u]
    assert page.js_errors == []


def _git_date(path: Path) -> str | None:
    out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(path)], cwd=path, capture_output=True,
                         text=True).stdout.strip()
    return out or None


def test_agency_page_projects_filter_and_sections(base, page):
    page.goto(base + "agencies/tj-jinhai-monitor/")
    rows = page.locator("table.tp-projects tbody tr")
    visible = lambda: [r.locator("td").first.inner_text() for r in rows.all() if r.is_visible()]  # noqa: E731
    assert rows.count() == 5 and len(visible()) == 5
    page.select_option(".tp-project-year", "2024")
    assert visible() == ["示例食品厂废水在线运维", "示例药厂 2024 年度自行监测"]
    assert page.locator(".tp-project-count").inner_text() == "显示 2 / 5 项"
    page.select_option(".tp-project-type", "环境监测")
    assert visible() == ["示例药厂 2024 年度自行监测"]
    page.select_option(".tp-project-year", "")
    page.select_option(".tp-project-type", "")
    page.select_option(".tp-project-status", "进行中")
    assert visible() == ["示例汽车厂 2025 年度自行监测", "示例食品厂废水在线运维"]
    assert page.locator(".tp-project-year option").all_inner_texts() == ["全部年度", "2025 年", "2024 年", "2023 年", "2022 年"]
    article = page.locator("article.tp-agency")
    assert article.locator("h2#evaluation").inner_text() == "综合评价"
    # no reviews in this fixture: a summary without a total (the scoring partial, once merged, explains why)
    assert article.locator(".tp-score-summary").count() == 1 and article.locator(".tp-score-total").count() == 0
    assert article.locator("tr.tp-expired").count() == 1  # 运营维护能力评价证书 expired 2023-12-31
    assert article.locator(".tp-files a").get_attribute("href") == "https://example.com/jinhai/cma.pdf"
    assert "服务承诺" in article.locator(".tp-disclosure").inner_text()
    expected = _git_date(DIRECTORY / "agencies/tj-jinhai-monitor")
    updated = article.locator(".tp-updated time")
    if expected is None:  # fixture not committed (e.g. a fresh uncommitted copy): nothing is claimed
        assert updated.count() == 0
    else:
        assert updated.get_attribute("datetime") == expected
        assert dt.date.fromisoformat(expected) <= dt.date.today()
    assert page.js_errors == []


def test_overview_charts_and_tables(site, base, page):
    page.goto(base + "agencies/overview/")
    page.wait_for_selector(".tp-chart .main-svg")
    assert page.locator(".tp-chart.js-plotly-plot").count() == 4
    table = page.locator(".tp-chart-table[data-chart='by-province'] tbody tr")
    assert table.all_inner_texts() == ["天津市\t3", "河北省\t3", "浙江省\t2"]
    assert "共收录机构 8 家，其中在区内设有办公场地的 4 家" in page.locator(".tp-overview").inner_text()
    # plotly.js comes once, from the site itself
    scripts = page.locator("script[src]").evaluate_all("ss => ss.map(s => s.getAttribute('src'))")
    assert [s for s in scripts if "plotly" in s] == ["../../assets/javascripts/plotly.min.js"]
    assert all(not s.startswith(("http:", "https:", "//")) for s in scripts)
    assert (site / "assets/javascripts/plotly.min.js").stat().st_size > 1_000_000
    assert page.js_errors == []


def test_scores_show_in_list(dataset):
    from build_tools.render import agencies as render_agencies

    records = sorted(dataset.of("agency"), key=lambda r: r.data["name"])
    scores = {r.id: None for r in records}
    scores["hb-jice-lab"] = FakeScore(2025, 86.04, "B")
    outputs = {o.path: o.content for o in render_agencies.directory(records, {r.id: 0 for r in records}, scores)}
    row = re.search(r'<tr data-id="hb-jice-lab">(.*?)</tr>', outputs["agencies/index.md"], re.S).group(1)
    assert "<td>B 86.0</td>" in row
    assert outputs["agencies/index.md"].count("<td>未评价</td>") == 7

