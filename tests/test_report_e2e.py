"""End to end: the annual report and open data pages built from tests/fixtures/report, in Chromium."""
from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from conftest import FIXTURES, built_site
from fictitious import mobile


@pytest.fixture(scope="module")
def report_site(tmp_path_factory):
    return built_site(FIXTURES / "report", tmp_path_factory, "report-site")


def test_report_page_renders_charts_text_and_tables(report_site, serve, page):
    base = serve(report_site)
    page.goto(base + "report/2023/")
    charts = page.locator(".tp-chart")
    assert charts.count() == 8   # regions, types, project types, per year, portals, modules, actions, months
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= 8")
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg.main-svg").count() >= 1
    text = page.locator("article.tp-report").inner_text()
    assert "截至2023年12月底，平台累计注册环境服务第三方机构6家企业，较去年新增3家企业，主要分布在天津地区，" \
           "其中注册在天津范围的企业3家，占比50%。在区内设立办公场地的企业共有3家，区内常驻服务人员22人。" in text
    assert "其中涉及环保咨询类型的机构最多，共3家，占比50%。" in text
    assert "平台累计公开项目业绩8项" in text and "已完成项目6项，进行中项目2项" in text
    assert "2022年项目业绩公开3项，2023年项目业绩公开4项，较去年增长33%。" in text
    assert "其中以企业端为主，企业端操作次数占比为50%，其次为管理端，操作次数占比33%。" in text
    assert "本年度综合评价结果暂未生成。" in text   # scoring ran, but no agency here has enough data for a total
    pie = page.locator("[data-figure='fig-2023-regions'] .js-plotly-plot, .js-plotly-plot[data-figure='fig-2023-regions']")
    assert pie.locator("text", has_text="天津").count() >= 1   # the chart shows the table's labels and percents
    assert pie.locator("text", has_text="50%").count() >= 1
    rows = page.locator("table[data-table='regions'] tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["天津", "3", "50"], ["河北", "1", "17"], ["北京", "1", "17"], ["其他", "1", "17"]]
    # plotly.js comes from this site, once, never from a CDN
    srcs = page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
    assert all(s.startswith(base) for s in srcs)
    assert sum(s.endswith("assets/javascripts/plotly.min.js") for s in srcs) == 1
    assert page.js_errors == []


def test_report_downloads_are_files(report_site, serve, page):
    base = serve(report_site)
    page.goto(base + "report/2023/")
    links = page.locator(".tp-downloads a")
    assert links.count() == 2 * page.locator("table.tp-report-table").count()
    here = base + "report/2023/"
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        body = page.request.get(here + href).body()
        if href.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            assert len(rows) >= 2, href
        else:
            book = openpyxl.load_workbook(io.BytesIO(body))
            assert book.active.max_row >= 2, href
    regions = page.request.get(here + "regions.csv").body().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(regions)))[1] == ["天津", "3", "50"]
    workbook = page.locator("a", has_text="下载全部表格").get_attribute("href")
    book = openpyxl.load_workbook(io.BytesIO(page.request.get(here + workbook).body()))
    assert len(book.sheetnames) == page.locator("table.tp-report-table").count()
    sheet = book["环境服务第三方机构地区分布"]
    assert [c.value for c in sheet[2]] == ["天津", 3, 50]


def test_print_button_calls_window_print(report_site, serve, page):
    page.goto(serve(report_site) + "report/2023/")
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    page.locator("button.tp-print").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.locator("button.tp-print").is_hidden() and page.locator(".md-sidebar").first.is_hidden()


def test_report_index_is_in_nav_and_links_every_year(report_site, serve, page):
    base = serve(report_site)
    page.goto(base)
    page.locator(".md-tabs a, .md-nav a", has_text="年度报告").first.click()
    page.wait_for_url("**/report/")
    rows = page.locator(".tp-report-years tbody tr")
    rows.first.wait_for()  # the click navigates: count rows only once the new page is there
    years = [int(rows.nth(i).get_attribute("data-year")) for i in range(rows.count())]
    # records span 2021..2024; later years appear only when the fixture's git history (its commits) is later
    assert years == list(range(max(years), 2020, -1)) and max(years) >= 2024
    page.locator("a", has_text="2023年度报告").click()
    page.wait_for_url("**/report/2023/")
    assert page.locator("article.tp-report").get_attribute("data-year") == "2023"


def test_missing_usage_input_is_stated(mini_site):
    html = (mini_site / "report/2023/index.html").read_text(encoding="utf-8")
    assert "未提供网站访问记录" in html and "usage_portals.csv" not in html


def test_open_data_downloads_and_field_dictionary(report_site, serve, page):
    base = serve(report_site)
    page.goto(base + "opendata/")
    raw = page.request.get(base + "opendata/agencies.csv").body()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["机构编号"] for r in rows] == [f"r-a{i}" for i in range(1, 8)]  # Chinese headers
    assert rows[0]["注册地址·省级行政区"] == "天津市" and rows[0]["区内是否设立办公场地"] == "是"
    assert "139****1111" in rows[0]["联系人"] and mobile("139", "0000", "1111").encode() not in raw
    # the same table as XLSX, and every dataset offers the three formats
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(page.request.get(base + "opendata/agencies.xlsx").body()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["机构编号", "机构名称"] and sheet.max_row == 8
    for stem in ["agencies", "projects", "scores", "demands", "policies", "courses"]:
        links = page.locator(f"tr[data-set='{stem}'] a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert links == [f"{stem}.xlsx", f"{stem}.csv", f"{stem}.json"], stem
        assert page.request.get(base + f"opendata/{stem}.xlsx").ok
    projects = json.loads(page.request.get(base + "opendata/projects.json").body())
    assert len(projects) == 9 and projects[0]["id"] == "r-p1"
    assert mobile("139", "0000", "1111").encode() not in page.request.get(base + "opendata/agencies.json").body()
    dictionary = page.locator("table.tp-field-dictionary[data-set='agencies']").inner_text()
    assert "统一社会信用代码" in dictionary and "注册地址·省级行政区" in dictionary
    # the scoring step ran: latest score per agency (this fixture has no reviews, so no totals yet)
    assert page.locator("[data-part='scores-missing']").count() == 0
    scores = list(csv.DictReader(io.StringIO(page.request.get(base + "opendata/scores.csv").body().decode("utf-8-sig"))))
    assert [r["机构编号"] for r in scores] == [f"r-a{i}" for i in range(1, 8)] and {r["综合得分"] for r in scores} == {""}
    # the dictionary gives each Chinese header its English (JSON) key
    assert "registered_address.province" in dictionary
    assert "综合得分" in page.locator("table.tp-field-dictionary[data-set='scores']").inner_text()
    assert page.js_errors == []
