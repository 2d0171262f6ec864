"""综合评价 in the browser: the mini site (default config/scoring.yaml; figures hand-computed in test_scoring.py)."""
from __future__ import annotations

import re


def test_agency_score_breakdown_trend_and_ranking_links(mini_site, serve, page):
    base = serve(mini_site)
    page.goto(base + "agencies/demo-alpha/")
    score = page.locator(".tp-score")
    assert score.locator(".tp-score-total").inner_text() == "70.9"
    assert score.locator(".tp-score-summary .tp-grade").inner_text() == "B"
    parts = score.locator("tr.tp-score-part")
    assert parts.count() == 3
    assert "无数据" in parts.nth(2).inner_text()  # no management review for 2024
    assert "已过期：运营维护能力评价证书" in score.inner_text()
    trend = score.locator(".tp-score-trend tbody tr")
    assert [trend.nth(i).get_attribute("data-year") for i in range(trend.count())] == ["2024", "2023"]
    assert "79.5" in trend.nth(1).inner_text()
    score.locator("a", has_text="年度排名").click()
    page.wait_for_url(re.compile(r".*/evaluation/2024/$"))
    rows = page.locator(".tp-rank-table tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-agency") == "demo-alpha"
    assert page.locator(".tp-unranked-table tbody tr").first.get_attribute("data-agency") == "demo-beta"
    assert page.js_errors == []


def test_evaluation_index_is_in_the_nav_and_links_latest_year(mini_site, serve, page):
    base = serve(mini_site)
    page.goto(base)
    link = page.locator("nav a.md-nav__link", has_text="综合评价").first
    assert link.get_attribute("href") == "evaluation/"  # listed in the nav (hidden inside its tab on small screens)
    page.goto(base + "evaluation/")
    years = page.locator(".tp-eval-years tbody tr")
    assert [years.nth(i).get_attribute("data-year") for i in range(years.count())] == ["2024", "2023"]
    page.locator("a.tp-latest").click()
    page.wait_for_url(re.compile(r".*/evaluation/2024/$"))
    page.locator("a", has_text="评价方法").first.click()
    page.wait_for_url(re.compile(r".*/evaluation/methodology/$"))
    weights = page.locator(".tp-method-parts .tp-weight")
    assert [weights.nth(i).inner_text() for i in range(3)] == ["40%", "30%", "30%"]
