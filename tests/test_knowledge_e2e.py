"""Knowledge modules in the browser: Q&A assistant, policy search, courses, experts (fixture: tests/fixtures/knowledge)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.compute.qa import retrieval as rt
from build_tools.pipeline import qa_index_for
from conftest import FIXTURES, built_site

KNOWLEDGE = FIXTURES / "knowledge"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(KNOWLEDGE, tmp_path_factory, "knowledge-site")


@pytest.fixture(scope="module")
def base(site, serve) -> str:
    return serve(site)


def ask(page, question: str, category: str = "") -> list[str]:
    if category:
        page.locator(f".tp-qa-cats input[value='{category}']").check()
    page.fill(".tp-qa-input", question)
    page.press(".tp-qa-input", "Enter")
    return page.locator(".tp-qa-results .tp-qa-card").evaluate_all("els => els.map(e => e.dataset.faqId)")


def test_paraphrased_question_gets_the_right_answer_first(base, page):
    page.goto(base + "qa/")
    assert ask(page, "危废暂存间要满足什么要求") == ["faq-hw-storage"]
    card = page.locator(".tp-qa-card").first
    assert card.locator(".tp-qa-question").inner_text() == "危险废物贮存设施应当满足哪些要求？"
    text = card.inner_text()
    for expected in ["GB 18597-2023", "固废", "生态环境部部长信箱 2023-08 回复", "李示例"]:
        assert expected in text, expected
    policy_links = card.locator(".tp-qa-policies a")
    assert policy_links.all_inner_texts() == ["危险废物贮存污染控制标准（GB 18597-2023）",
                                              "中华人民共和国固体废物污染环境防治法（主席令第四十三号）"]
    policy_links.first.click()
    page.wait_for_url(re.compile(r".*/policies/gb-18597-2023/$"))
    page.go_back()
    assert ask(page, "排污证过期了怎么延续")[0] == "faq-permit-renew"
    card.locator(".tp-qa-question a").click()
    page.wait_for_url(re.compile(r".*/qa/faq-permit-renew/$"))
    assert "60 日前" in page.locator("article.tp-faq").inner_text()
    assert page.js_errors == []


def test_category_filter_narrows_results(base, page):
    page.goto(base + "qa/")
    assert ask(page, "标准") == ["faq-noise-boundary", "faq-hw-storage", "faq-wastewater-sewer", "faq-vocs"]
    assert ask(page, "标准", category="气") == ["faq-vocs", "faq-air-grade"]
    assert page.locator(".tp-qa-card .tp-qa-category").all_inner_texts() == ["气", "气"]
    # the browse list follows the category too: 3 of the 10 questions are 气
    assert page.locator(".tp-qa-all li:visible").count() == 3


def test_no_good_answer_is_said_with_a_way_to_the_experts(base, page):
    page.goto(base + "qa/")
    assert ask(page, "今天股市行情怎么样") == []
    none = page.locator(".tp-qa-none")
    assert none.is_visible() and "没有找到足够相关的答案" in none.inner_text()
    none.locator("a").click()
    page.wait_for_url(re.compile(r".*/experts/$"))


def test_js_and_python_rank_alike(base, page):
    index = qa_index_for(KNOWLEDGE)
    page.goto(base + "qa/")
    queries = [("危废暂存间要满足什么要求", ""), ("排污证过期了怎么延续", ""), ("厂界噪音执行哪个标准", ""),
               ("VOCs无组织怎么管", ""), ("环评报告书还是报告表", ""), ("标准", "气"), ("GB 3095-2012 是什么", ""),
               ("constructor __proto__", "")]
    for query, category in queries:
        js = page.evaluate("([q, c]) => window.tpQa.rank(q, c)", [query, category])
        py = rt.score_all(query, index, category)
        assert [h["id"] for h in js] == [h.id for h in py], query
        assert [h["score"] for h in js] == pytest.approx([h.score for h in py], rel=1e-12), query
        assert page.evaluate("([q, c]) => window.tpQa.terms(q)", [query, category]) == \
            [list(t) for t in rt.query_terms(query, index)]
    assert page.js_errors == []


def test_answer_markup_is_shown_as_text(base, page):
    page.goto(base + "qa/")
    assert ask(page, "恶臭投诉") == ["faq-odor-markup"]
    assert "<script>window.__pwned = 1</script>" in page.locator(".tp-qa-answer").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".tp-qa-results script, .tp-qa-results img").count() == 0


def visible_policies(page, **filters) -> set[str]:
    for name, value in filters.items():
        if name == "q":
            page.fill(".tp-policy-q", value)
        else:
            page.select_option(f".tp-filters select[name={name}]", value)
    return set(page.locator(".tp-policy-list tbody tr:visible").evaluate_all("els => els.map(e => e.dataset.id)"))


@pytest.mark.parametrize("typed, expected", [
    ("GB 3095", {"gb-3095-2012", "gb-3095-1996"}),
    ("gb3095", {"gb-3095-2012", "gb-3095-1996"}),
    ("3095-2012", {"gb-3095-2012"}),
    ("空气质量", {"gb-3095-2012", "gb-3095-1996"}),
    ("危险废物 贮存", {"gb-18597-2023"}),
    ("排污许可", {"permit-regulation", "permit-regulation-reading"}),
    ("不存在的文件", set()),
])
def test_policy_search_by_number_and_title(base, page, typed, expected):
    page.goto(base + "policies/")
    assert visible_policies(page, q=typed) == expected
    assert page.locator(".tp-empty").is_visible() == (not expected)


def test_policy_filters(base, page):
    page.goto(base + "policies/")
    assert page.locator(".tp-policy-list tbody tr").count() == 7
    assert visible_policies(page, status="废止") == {"gb-3095-1996"}
    page.reload()
    assert visible_policies(page, domain="固废") == {"gb-18597-2023", "solid-waste-law"}
    assert visible_policies(page, kind="法律") == {"solid-waste-law"}
    page.reload()
    assert visible_policies(page, issuer="生态环境部") == {"gb-18597-2023", "permit-regulation-reading"}
    page.reload()
    assert visible_policies(page, **{"from": "2012", "to": "2021"}) == {
        "gb-3095-2012", "permit-regulation", "permit-regulation-reading", "solid-waste-law"}
    assert page.locator(".tp-result-count").inner_text() == "找到 4 件（共 7 件）"
    assert page.js_errors == []


def test_policy_pages_link_both_ways(base, page):
    page.goto(base + "policies/gb-3095-1996/")
    assert "本文件已被替代" in page.locator(".tp-superseded").inner_text()
    page.locator(".tp-superseded-by a").click()
    page.wait_for_url(re.compile(r".*/policies/gb-3095-2012/$"))
    assert page.locator(".tp-supersedes a").all_inner_texts() == ["环境空气质量标准"]
    assert page.locator(".tp-answers a").all_inner_texts() == ["环境空气功能区分为几类，分别执行几级浓度限值？"]
    page.goto(base + "policies/permit-regulation-reading/")
    page.locator(".tp-interprets a").click()
    page.wait_for_url(re.compile(r".*/policies/permit-regulation/$"))
    assert page.locator(".tp-interpretations a").all_inner_texts() == ["《排污许可管理条例》解读"]


def test_courses_listing_filter_video_and_courseware(base, page):
    page.goto(base + "courses/")
    rows = page.locator(".tp-course-list tbody tr")
    assert rows.evaluate_all("els => els.map(e => e.dataset.id)") == ["c-permit", "c-hw-storage", "c-noise"]
    assert "总时长 130 分钟" in page.locator(".tp-lead").inner_text()
    page.select_option(".tp-filters select[name=topic]", "固废与危废管理")
    assert page.locator(".tp-course-list tbody tr:visible").evaluate_all("els => els.map(e => e.dataset.id)") == ["c-hw-storage"]
    page.goto(base + "courses/c-hw-storage/")
    video = page.locator(".tp-video video")
    assert video.get_attribute("src") == "https://example.com/v/hw-storage.mp4" and video.get_attribute("controls") is not None
    href = page.locator(".tp-courseware a").get_attribute("href")
    response = page.request.get(base + "courses/c-hw-storage/" + href)
    assert response.ok and response.body().startswith(b"%PDF")
    page.goto(base + "courses/c-permit/")
    frame = page.locator(".tp-video iframe")
    assert frame.get_attribute("src") == "https://player.example.com/embed/permit"
    assert frame.get_attribute("sandbox") == "allow-scripts allow-same-origin allow-presentation"
    page.goto(base + "courses/c-noise/")
    assert page.locator(".tp-video").count() == 0 and "暂未提供在线视频" in page.locator("article.tp-course").inner_text()


def test_expert_pages_list_answers_courses_and_how_to_ask(base, page):
    page.goto(base + "experts/")
    rows = page.locator(".tp-expert-list tbody tr")
    assert rows.all_inner_texts()[1].split("\t")[-2:] == ["2", "1"]  # 王示例: 2 answers, 1 course
    page.locator("a", has_text="王示例").click()
    page.wait_for_url(re.compile(r".*/experts/ex-wang/$"))
    assert page.locator(".tp-answers a").all_inner_texts() == ["工业企业厂界噪声执行什么排放标准？", "排污许可证有效期届满后如何延续？"]
    assert page.locator(".tp-courses a").all_inner_texts() == ["排污许可证申请与延续实务"]
    assert "专家咨询" in page.locator(".tp-consult").inner_text()
    page.goto(base + "experts/ex-li/")
    assert "智能问答" in page.locator(".tp-consult").inner_text()  # default way to ask


def test_sections_are_in_the_nav(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    for title in ["标准政策", "绿色课堂", "智能问答", "专家库"]:
        assert title in html
    assert "faq-hw-storage" not in html  # record pages stay out of the nav
