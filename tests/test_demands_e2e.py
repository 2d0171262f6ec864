"""Demand hall in Chromium, built from tests/fixtures/demands with the build date pinned to 2026-11-25.

Fixture (publish date, deadline, budget):
  d01 上海/青浦/朱家角  环境监测  30万        10-10  12-10  open
  d02 上海/青浦/练塘    废水治理  50–80万     11-01  12-01  open
  d03 上海/青浦/朱家角  环境监测  120万       09-01  11-20  deadline passed -> 已截止
  d04 上海/松江         环境监测  45万        10-20  12-31  open
  d05 江苏/苏州/吴江/黎里 废水治理 200万       08-15  12-15  open
  d06 江苏/苏州/吴江/盛泽 废气治理 10–30万     11-10  —      open
  d07 浙江/嘉兴/嘉善/西塘 环评机构 38万        07-01  07-20  已成交
  d08 浙江/嘉兴/嘉善/魏塘 环境监测 —          11-15  12-20  open
  d09 天津/滨海/泰达    固废处置  60万        10-05  11-30  open
  d10 河北/唐山/曹妃甸  固废处置  80–150万    06-01  06-30  已截止
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FIXTURES, built_site
from fictitious import MOBILE

OPEN_BY_DATE = ["d08", "d06", "d02", "d04", "d01", "d09", "d05"]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built_site(FIXTURES / "demands", tmp_path_factory, "demand-site")


@pytest.fixture(scope="module")
def base(site, serve):
    return serve(site)


def shown(page) -> list[str]:
    return page.eval_on_selector_all("#tp-demand-list > li:not([hidden])", "els => els.map(e => e.dataset.id)")


def test_default_view_hides_closed_demands(base, page):
    page.goto(base + "demands/")
    assert shown(page) == OPEN_BY_DATE
    assert page.locator("#tp-demand-count").inner_text() == "显示 7 条（共 10 条，不含已截止）"
    page.check("input[name=closed]")
    assert shown(page) == ["d08", "d06", "d02", "d04", "d01", "d09", "d03", "d05", "d07", "d10"]
    assert page.js_errors == []


def test_region_budget_and_date_range_combine(base, page):
    page.goto(base + "demands/")
    page.select_option("select[name=prov]", "上海市")
    page.select_option("select[name=city]", "上海市")
    assert page.eval_on_selector_all("select[name=dist] option", "os => os.map(o => o.value)") == ["", "松江区", "青浦区"]
    page.select_option("select[name=dist]", "青浦区")
    page.fill("input[name=bmin]", "20")
    page.fill("input[name=bmax]", "100")
    page.fill("input[name=from]", "2026-09-01")
    page.fill("input[name=to]", "2026-11-30")
    # d03 (120万) is over budget and closed; d04 is in 松江; d02's 50–80万 range overlaps 20–100万
    assert shown(page) == ["d02", "d01"]
    page.fill("input[name=bmax]", "150")
    assert shown(page) == ["d02", "d01"]  # d03 fits now, but its deadline has passed
    page.check("input[name=closed]")
    assert shown(page) == ["d02", "d01", "d03"]
    page.select_option("select[name=town]", "朱家角镇")
    assert shown(page) == ["d01", "d03"]
    page.fill("input[name=from]", "2026-10-01")
    assert shown(page) == ["d01"]
    # the whole state is in the query string: reloading it gives the same list
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"prov": ["上海市"], "city": ["上海市"], "dist": ["青浦区"], "town": ["朱家角镇"], "bmin": ["20"],
                     "bmax": ["150"], "from": ["2026-10-01"], "to": ["2026-11-30"], "closed": ["1"]}
    page.reload()
    assert shown(page) == ["d01"]
    assert page.input_value("select[name=town]") == "朱家角镇"
    assert page.js_errors == []


def test_province_budget_floor_and_empty_result(base, page):
    page.goto(base + "demands/?prov=江苏省&bmin=50")
    assert shown(page) == ["d05"]  # d06's range 10–30万 is below 50万
    page.fill("input[name=from]", "2026-09-01")
    assert shown(page) == []
    assert page.locator("#tp-demand-empty").is_visible()
    page.click("#tp-demand-filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('#tp-demand-list > li:not([hidden])').length === 7")
    assert shown(page) == OPEN_BY_DATE and urlsplit(page.url).query == ""
    assert page.is_disabled("select[name=city]")


def test_demands_without_budget_drop_out_of_budget_filters(base, page):
    page.goto(base + "demands/?prov=浙江省&closed=1")
    assert shown(page) == ["d08", "d07"]
    page.fill("input[name=bmax]", "1000")
    assert shown(page) == ["d07"]  # d08 publishes no budget


def test_type_publisher_keyword_and_sorting(base, page):
    page.goto(base + "demands/?type=环境监测")
    assert shown(page) == ["d08", "d04", "d01"]
    page.select_option("select[name=pub]", "松江示例街道办事处")
    assert shown(page) == ["d04"]
    page.goto(base + "demands/?kw=泰达 危废")
    assert shown(page) == ["d09"]
    page.goto(base + "demands/?kw=FX-2026-005")  # notice numbers are searchable
    assert shown(page) == ["d05"]
    page.goto(base + "demands/?sort=budget")
    assert shown(page) == ["d05", "d02", "d09", "d04", "d06", "d01", "d08"]  # by upper bound; none last
    page.select_option("select[name=sort]", "deadline")
    assert shown(page) == ["d09", "d02", "d01", "d05", "d08", "d04", "d06"]  # soonest first; none last


def test_unknown_query_values_are_ignored(base, page):
    page.goto(base + "demands/?prov=火星&city=x&sort=nonsense&from=notadate")
    assert shown(page) == OPEN_BY_DATE
    assert page.js_errors == []


def test_without_javascript_open_demands_are_listed(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "demands/")
    assert page.eval_on_selector_all("#tp-demand-list > li", "els => els.map(e => e.dataset.id)") == OPEN_BY_DATE
    assert not page.locator("#tp-demand-filters").is_visible()
    closed = page.eval_on_selector_all("#tp-demand-closed li", "els => els.map(e => e.dataset.id)")
    assert closed == ["d03", "d07", "d10"]
    page.locator("#tp-demand-list a", has_text="泰达示例园区危废集中收集服务采购").click()
    page.wait_for_url("**/demands/d09/")
    context.close()


def test_demand_page_details_matches_and_safety(base, page):
    page.goto(base + "demands/d09/")
    article = page.locator("article.tp-demand")
    text = article.inner_text()
    for expected in ["FX-2026-009", "天津市滨海新区泰达街道", "60 万元", "2026-11-30", "征集中", "138****5678"]:
        assert expected in text, expected
    assert MOBILE not in page.content() and "sealed:v1:" not in page.content()
    assert "<script>window.__pwned=1</script>" in text and page.evaluate("window.__pwned") is None
    href = article.locator(".tp-files a").get_attribute("href")
    assert page.request.get(base + "demands/d09/" + href).body().startswith(b"%PDF")
    links = article.locator(".tp-matches a")
    assert links.evaluate_all("as => as.map(a => a.getAttribute('href'))") == ["../../agencies/ag-tj-waste/"]
    links.first.click()
    page.wait_for_url("**/agencies/ag-tj-waste/")
    assert page.js_errors == []


def test_match_hints_by_type_and_province(base, page):
    expected = {"d08": ["ag-sh-monitor", "ag-zj-eia"], "d02": ["ag-js-water"], "d10": ["ag-tj-waste"], "d06": []}
    for demand, agencies in expected.items():
        page.goto(base + f"demands/{demand}/")
        hrefs = page.locator(".tp-matches a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert hrefs == [f"../../agencies/{a}/" for a in agencies], demand
    assert "机构名录中暂无符合条件的机构" in page.locator("article.tp-demand").inner_text()
    page.goto(base + "demands/d03/")
    assert "已截止（登记状态：征集中，截止日期已过）" in page.locator("article.tp-demand").inner_text()


def test_atom_feed_is_valid_newest_first_and_linked(site, base, page):
    root = ET.fromstring((site / "demands/feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[-1] for e in entries]
    assert ids == ["d08", "d06", "d02", "d04", "d01", "d09", "d03", "d05", "d07", "d10"]
    assert root.find(f"{ATOM}updated").text == "2026-11-15T00:00:00+08:00"
    for e in entries:
        assert all(e.find(f"{ATOM}{t}") is not None for t in ("id", "title", "updated", "link", "summary"))
        assert e.find(f"{ATOM}id").text.startswith("https://example.org/eco-third-party/demands/")
    d09 = entries[ids.index("d09")]
    summary = d09.find(f"{ATOM}summary").text
    assert "危险废物 & 转运" in summary and "<script>" in summary  # text survives, escaped in the XML
    raw = (site / "demands/feed.xml").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in raw and "<script>" not in raw and "138****5678" not in raw
    page.goto(base + "demands/")
    link = page.locator('head link[rel~="alternate"][type="application/atom+xml"]')
    assert link.get_attribute("href") == "feed.xml"
    assert page.request.get(base + "demands/feed.xml").ok


def test_hall_is_in_nav_and_record_pages_are_not(site):
    home = (site / "about/index.html").read_text(encoding="utf-8")  # (the home page links to the newest demands)
    assert "需求大厅" in home and "demands/d01" not in home


def test_old_q_links_filter_the_hall_without_opening_the_site_search(base, page):
    """?q= is the theme's site-search parameter: old links are renamed to ?kw= before the theme sees them."""
    page.goto(base + "demands/?q=泰达 危废")
    assert shown(page) == ["d09"]
    assert page.input_value("input[name=kw]") == "泰达 危废"
    page.wait_for_timeout(500)  # the theme would open its overlay once its search index is loaded
    assert not page.locator("#__search").is_checked()
    assert "kw=" in page.url and "q=" not in page.url.replace("kw=", "")
    assert page.js_errors == []
