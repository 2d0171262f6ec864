"""Knowledge modules in the browser: Q&A assistant, policy search, courses, experts (fixture: tests/fixtures/knowledge)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.compute.qa import retrieval as rt
from build_tools.pipeline import qa_index_for
from conftest import FIXTURES, built_site

KNOWLEDGE = FIXTURES / "knowledge"
# Built from pieces so that no tracked file holds a full personal number (tests/test_sealing.py scans them).
MOBILE = "138" + "1234" + "5678"
RESIDENT_ID = "110105" + "19491231" + "002X"


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
    assert ask(page, "危废暂存间要满足什么要求")[0] == "faq-hw-storage"
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
    assert ask(page, "排放标准") == ["faq-noise-boundary", "faq-vocs", "faq-wastewater-sewer"]
    assert ask(page, "标准 排放 空气") == ["faq-air-grade", "faq-noise-boundary", "faq-vocs"]
    assert ask(page, "标准 排放 空气", category="气") == ["faq-air-grade", "faq-vocs"]
    assert page.locator(".tp-qa-card .tp-qa-category").all_inner_texts() == ["气", "气"]
    # the browse list follows the category too: 3 of the 10 questions are 气
    assert page.locator(".tp-qa-all li:visible").count() == 3


def test_no_good_answer_is_said_with_a_way_to_the_experts(base, page):
    page.goto(base + "qa/")
    assert ask(page, "今天股市行情怎么样") == []
    none = page.locator(".tp-qa-none")
    assert none.is_visible() and "没有找到足够相关的答案" in none.inner_text()
    none.locator("a").click()  # to 专家咨询: its form, and the experts' answers
    page.wait_for_url(re.compile(r".*/consult/$"))
    assert page.locator(".tp-form-link").first.get_attribute("href").endswith("/issues/new?template=consultation.yml")


def test_js_and_python_rank_alike(base, page):
    index = qa_index_for(KNOWLEDGE)
    page.goto(base + "qa/")
    queries = [("危废暂存间要满足什么要求", ""), ("排污证过期了怎么延续", ""), ("厂界噪音执行哪个标准", ""),
               ("VOCs无组织怎么管", ""), ("环评报告书还是报告表", ""), ("标准", "气"), ("排放标准", "气"), ("GB 3095-2012 是什么", ""),
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
    for title in ["标准政策", "绿色课堂", "智能问答", "办事流程", "生态环境活动", "专家库"]:
        assert title in html
    assert "faq-hw-storage" not in html and "proc-permit-renew" not in html  # record pages stay out of the nav


def feedback_requests(page) -> list[dict]:
    """Requests of qa/feedback.gif seen by the page so far (recorded by the `record` listener)."""
    return page.feedback


def record_feedback(page) -> None:
    from urllib.parse import parse_qs, urlsplit
    page.feedback = []

    def seen(response):
        parts = urlsplit(response.url)
        if parts.path.endswith("/qa/feedback.gif"):
            page.feedback.append({"status": response.status, "type": response.headers.get("content-type", ""),
                                  **{k: v[0] for k, v in parse_qs(parts.query).items()}})
    page.on("response", seen)


def test_deep_links_use_ask_and_old_q_links_do_not_open_the_site_search(base, page):
    page.goto(base + "qa/?ask=危废暂存间要满足什么要求")
    assert page.locator(".tp-qa-card").first.get_attribute("data-faq-id") == "faq-hw-storage"
    page.goto(base + "qa/?q=排污证过期了怎么延续")  # an old link
    assert page.locator(".tp-qa-card").first.get_attribute("data-faq-id") == "faq-permit-renew"
    assert page.input_value(".tp-qa-input") == "排污证过期了怎么延续"
    page.wait_for_timeout(500)  # the theme opens its overlay once its search index is loaded
    assert not page.locator("#__search").is_checked()
    assert "ask=" in page.url and "?q=" not in page.url
    ask(page, "厂界噪音执行哪个标准")  # asking updates the address, so the answer can be shared
    assert "ask=" in page.url and "%E5%8E%82%E7%95%8C" in page.url
    assert page.js_errors == []


def test_no_answer_and_unhelpful_are_reported_to_the_access_log_without_personal_numbers(base, page):
    record_feedback(page)
    page.goto(base + "qa/")
    assert ask(page, f"我的电话{MOBILE}，身份证{RESIDENT_ID}，今天股市行情怎么样") == []
    page.wait_for_timeout(300)
    assert feedback_requests(page) == [{"status": 200, "type": "image/gif", "r": "none", "q": "我的电话，身份证，今天股市行情怎么样"}]
    assert ask(page, "危废暂存间要满足什么要求")[0] == "faq-hw-storage"
    button = page.locator(".tp-qa-card").first.locator(".tp-qa-unhelpful")
    assert button.inner_text() == "没有帮助"
    button.click()
    assert button.is_disabled() and "谢谢" in button.inner_text()
    page.wait_for_timeout(300)
    assert feedback_requests(page)[1:] == [
        {"status": 200, "type": "image/gif", "r": "answered"},  # counted, the question is not sent
        {"status": 200, "type": "image/gif", "r": "unhelpful", "q": "危废暂存间要满足什么要求", "id": "faq-hw-storage"}]
    assert ask(page, "今天股市行情怎么样") == []  # the same question twice is reported once
    assert ask(page, "今天股市行情怎么样") == []
    page.wait_for_timeout(300)
    assert [r.get("q") for r in feedback_requests(page)].count("今天股市行情怎么样") == 1
    # the same rule as build_tools/compute/usage.py scrub() (tests/test_qa_feedback.py)
    for typed, sent in [(f"电话 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]} 或 022-66281234，邮箱 a.b@example.com 问危废", "电话 或 ，邮箱 问危废"),
                        (f"身份证{RESIDENT_ID}，GB 18597-2023 的要求", "身份证，GB 18597-2023 的要求"),
                        (f"QQ 1234567 座机 6628 1234 证件 {RESIDENT_ID[:6]} {RESIDENT_ID[6:14]} {RESIDENT_ID[14:]}", "QQ 座机 证件")]:
        assert page.evaluate("t => tpQa.scrub(t)", typed) == sent
    assert page.js_errors == []


def test_region_filter_cards_and_faq_page_show_regions_and_source_link(base, page):
    page.goto(base + "qa/")
    box = page.locator(".tp-qa-region")
    assert box.is_visible()
    provinces = box.locator("select[name=prov] option").all_inner_texts()
    assert provinces == ["全部地区", "上海市", "江苏省", "浙江省"]
    assert ask(page, "示范区的项目环评去哪里审批") == ["faq-yrd-cross"]
    card = page.locator(".tp-qa-card").first
    assert "适用地区：上海市青浦区、江苏省苏州市吴江区、浙江省嘉兴市嘉善县" in card.inner_text()
    assert card.locator("a", has_text="原文").get_attribute("href") == "https://example.org/mailbox/2022-09/cross-review"
    all_items = page.locator(".tp-qa-all li:visible").count()
    page.select_option(".tp-qa-region select[name=prov]", "江苏省")
    assert box.locator("select[name=city] option").all_inner_texts() == ["全部市", "苏州市"]
    page.select_option(".tp-qa-region select[name=city]", "苏州市")
    page.select_option(".tp-qa-region select[name=dist]", "吴江区")
    assert page.locator(".tp-qa-results .tp-qa-card").evaluate_all("els => els.map(e => e.dataset.faqId)") == ["faq-yrd-cross"]
    assert page.locator(".tp-qa-all li:visible").count() == all_items  # every answer is national or covers 吴江区
    page.select_option(".tp-qa-region select[name=prov]", "上海市")  # the cascade resets city and district
    assert page.input_value(".tp-qa-region select[name=dist]") == "" and page.locator(".tp-qa-region select[name=dist]").is_disabled()
    # faq-hw-transfer applies to 吴江区 only (fixture): hidden from the answers and the list in 上海市
    assert "faq-hw-transfer" not in ask(page, "转移危险废物要办理哪些手续")
    assert page.locator(".tp-qa-all li:visible").count() == all_items - 1
    page.select_option(".tp-qa-region select[name=prov]", "")
    assert ask(page, "转移危险废物要办理哪些手续")[0] == "faq-hw-transfer"
    page.goto(base + "qa/faq-yrd-cross/")
    facts = page.locator("table.tp-facts").inner_text()
    assert "上海市青浦区、江苏省苏州市吴江区、浙江省嘉兴市嘉善县" in facts and "https://example.org/mailbox/2022-09/cross-review" in facts
    page.goto(base + "qa/faq-hw-storage/")
    assert "全国通用" in page.locator("table.tp-facts").inner_text()
    assert page.js_errors == []


def test_procedures_and_events_have_pages_and_are_found_by_the_assistant(base, page):
    page.goto(base + "qa/")
    assert ask(page, "排污许可证到期怎么延续")[0] == "faq-permit-renew"
    more = page.locator(".tp-qa-more")
    assert more.is_visible() and "相关办事流程与活动" in more.inner_text()
    items = page.locator(".tp-qa-more-item")
    assert items.first.get_attribute("data-id") == "procedure:proc-permit-renew"
    assert "办事流程" in items.first.inner_text() and "办理部门：市级生态环境主管部门；办理时限：20 个工作日" in items.first.inner_text()
    ask(page, "危险废物贮存培训活动")
    event = page.locator(".tp-qa-more-item[data-id='event:ev-hw-training']")
    assert "时间：2026-12-10 至 2026-12-11" in event.inner_text() and "适用地区：江苏省苏州市吴江区" in event.inner_text()
    page.select_option(".tp-qa-region select[name=prov]", "浙江省")  # the event is in 吴江区: filtered out
    assert page.locator(".tp-qa-more-item[data-id='event:ev-hw-training']").count() == 0
    page.select_option(".tp-qa-region select[name=prov]", "")
    event.locator("a").click()
    page.wait_for_url(re.compile(r".*/events/ev-hw-training/$"))
    facts = page.locator("table.tp-facts").inner_text()
    for expected in ["示例培训中心", "江苏省苏州市吴江区", "示例生态环境局", "电话报名", "https://example.org/signup"]:
        assert expected in facts, expected
    page.goto(base + "events/")  # build date pinned to 2026-11-25
    assert page.locator("[data-list=upcoming] tbody tr").evaluate_all("els => els.map(e => e.dataset.id)") == ["ev-hw-training"]
    assert page.locator("[data-list=past] tbody tr").evaluate_all("els => els.map(e => e.dataset.id)") == ["ev-noise-2025"]
    page.goto(base + "procedures/")
    page.locator(".tp-procedure-list a", has_text="排污许可证延续办理").click()
    page.wait_for_url(re.compile(r".*/procedures/proc-permit-renew/$"))
    article = page.locator("article.tp-procedure").inner_text()
    for expected in ["在全国排污许可证管理信息平台填报延续申请", "守法承诺书", "20 个工作日", "市级生态环境主管部门", "不收费", "全国通用"]:
        assert expected in article, expected
    assert "<script>window.__pwnedProc = 1</script>" in article  # record text is shown as text
    assert page.evaluate("window.__pwnedProc") is None
    assert page.js_errors == []
