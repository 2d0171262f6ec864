"""End to end: build the real site from fixture data into a temp dir and open it in Debian Chromium."""
from __future__ import annotations

import re

import yaml

from conftest import build_site
from fictitious import MOBILE


def test_agency_page_shows_record_fields(mini_site, serve, page):
    base = serve(mini_site)
    page.goto(base + "agencies/demo-alpha/")
    article = page.locator("article.tp-agency")
    assert article.locator("h1").inner_text() == "津沽示例环境监测有限公司"
    text = article.inner_text()
    for expected in ["91120116MA05T12349", "滨海新区", "环境监测", "在线运维", "中型",
                     "检验检测机构资质认定证书", "210212340001", "示例化工厂 2023 年度自行监测", "服务承诺"]:
        assert expected in text, expected
    # the expired operations certificate is flagged, the valid CMA one is not
    expired_rows = article.locator("tr.tp-expired")
    assert expired_rows.count() == 1 and "运营维护能力评价证书" in expired_rows.inner_text()
    # personal mobile masked, file link downloads
    assert "138****5678" in text and MOBILE not in page.content() and "sealed:v1:" not in page.content()
    href = article.locator(".tp-files a").first.get_attribute("href")
    response = page.request.get(base + "agencies/demo-alpha/" + href)
    assert response.ok and response.body().startswith(b"%PDF")
    assert page.js_errors == []


def test_directory_lists_agencies_and_links_work(mini_site, serve, page):
    base = serve(mini_site)
    page.goto(base + "agencies/")
    rows = page.locator(".tp-agency-list tbody tr")
    assert rows.count() == 2
    page.locator("a", has_text="燕赵示例废水治理工程有限公司").click()
    page.wait_for_url(re.compile(r".*/agencies/demo-beta/$"))
    assert "石家庄市" in page.locator("article.tp-agency").inner_text()


def test_record_pages_are_not_in_the_nav(mini_site):
    html = (mini_site / "about/index.html").read_text(encoding="utf-8")  # (the home page links to new records)
    assert "demo-alpha" not in html  # nav would list it on every page


def test_injected_markup_is_inert(tmp_path, data_copy, serve, page):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    data = yaml.safe_load(agency.read_text(encoding="utf-8"))
    payload = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    data["service_scope"] = payload
    data["introduction"] = "**粗体** [链接](javascript:alert(1)) " + payload
    data["disclosure"][0]["content"] = payload
    agency.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site"
    result = build_site(data_copy, site)
    assert result.returncode == 0, result.stderr
    page.goto(serve(site) + "agencies/demo-alpha/")
    assert page.evaluate("window.__pwned") is None
    text = page.locator("article.tp-agency").inner_text()
    assert "<script>window.__pwned = 1</script>" in text  # shown as text, not run
    assert page.locator("article.tp-agency script, article.tp-agency img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


def test_build_fails_closed_on_invalid_data(tmp_path, data_copy):
    (data_copy / "agencies/demo-beta/agency.yaml").write_text("id: demo-beta\nname: x\n", encoding="utf-8")
    site = tmp_path / "site"
    result = build_site(data_copy, site)
    assert result.returncode != 0
    assert "agency.yaml" in result.stderr and "缺少必填字段" in result.stderr
    assert not (site / "index.html").exists()


