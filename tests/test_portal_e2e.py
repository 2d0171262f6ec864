"""The ways in, tried as people would: from the home page to a form or an answer by clicking only.

The sample data site is built once; links to the forge's issue forms open in a new tab, which a
route handler answers locally (no network) while recording the exact URL the person arrived at.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import ROOT, built_site

REPO = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0].replace("!!", ""))["repo_url"]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    return built_site(ROOT / "data", tmp_path_factory, "sample-site")


@pytest.fixture
def forge(page):
    """Answer every request to the repository locally; return the list of form URLs opened."""
    opened: list[str] = []

    def answer(route):
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body="<h1>issue form</h1>")

    page.context.route(re.compile(re.escape(REPO) + ".*"), answer)
    return opened


def form_of(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.scheme + "://" + parts.netloc + parts.path == REPO + "/issues/new", url
    return query.pop("template"), query


def click_form(page, locator) -> tuple[str, dict[str, str]]:
    with page.expect_popup() as popup:
        locator.click()
    tab = popup.value
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == "issue form"
    return form_of(tab.url)


def shot(page, name: str, tmp_path_factory) -> None:
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / f"{name}.png"), full_page=True)


def test_agency_registers_from_the_home_page(sample_site, serve, page, forge, tmp_path_factory):
    page.goto(serve(sample_site))
    page.locator(".tp-role", has_text="我是机构").click()
    page.wait_for_url(re.compile(r".*/guide/agency/$"))
    shot(page, "guide-agency", tmp_path_factory)
    template, fields = click_form(page, page.get_by_role("link", name="填写机构注册表单"))
    assert template == "agency.yml" and fields["title"].startswith("[第三方环境服务机构]")
    assert forge and forge[-1].startswith(REPO + "/issues/new?template=agency.yml")
    # the same registration from 登录/注册
    page.goto(serve(sample_site))
    page.locator(".tp-hero").get_by_role("link", name="登录/注册说明").click()
    page.wait_for_url(re.compile(r".*/guide/register/$"))
    assert "无需登录" in page.locator(".tp-register").inner_text()
    template, _ = click_form(page, page.locator("#register ~ p a.tp-form-link").first)
    assert template == "agency.yml"
    assert page.js_errors == []


def test_agency_updates_its_record_and_adds_a_project(sample_site, serve, page, forge):
    page.goto(serve(sample_site))
    page.locator(".tp-module", has_text="服务超市").click()
    page.wait_for_url(re.compile(r".*/agencies/$"))
    page.locator(".tp-agency-list a", has_text="津沽示例环境监测").first.click()
    page.wait_for_url(re.compile(r".*/agencies/jingu-demo-monitor/$"))
    template, fields = click_form(page, page.locator("[data-action=update]"))
    assert template == "agency.yml" and fields["id"] == "jingu-demo-monitor" and fields["name"]
    template, fields = click_form(page, page.locator("[data-action=project]"))
    assert template == "project.yml" and fields["agency"] == "jingu-demo-monitor"


def test_enterprise_posts_a_demand_and_reviews_an_agency(sample_site, serve, page, forge, tmp_path_factory):
    page.goto(serve(sample_site))
    page.locator(".tp-role", has_text="我是企业").click()
    page.wait_for_url(re.compile(r".*/guide/enterprise/$"))
    shot(page, "guide-enterprise", tmp_path_factory)
    template, fields = click_form(page, page.get_by_role("link", name="填写需求表单"))
    assert template == "demand.yml" and fields["title"] == "[需求] 需求名称"
    # review: from the guide's example search to an agency page, then its prefilled review form
    page.get_by_role("link", name="示例：服务上海市的在线运维机构").click()
    page.wait_for_url(re.compile(r".*/agencies/\?kw=.*"))
    first = page.locator(".tp-agency-list tbody tr:not([hidden]) a").first
    first.wait_for()
    first.click()
    page.wait_for_url(re.compile(r".*/agencies/[a-z0-9-]+/$"))
    agency_id = page.locator("article.tp-agency").get_attribute("data-agency-id")
    template, fields = click_form(page, page.locator("[data-action=review]"))
    assert template == "enterprise_review.yml" and fields["agency"] == agency_id
    assert page.js_errors == []


def test_enterprise_asks_an_expert(sample_site, serve, page, forge):
    page.goto(serve(sample_site))
    page.locator(".tp-module", has_text="专家咨询").click()
    page.wait_for_url(re.compile(r".*/consult/$"))
    page.locator("article").get_by_role("link", name="专家库").click()
    page.locator(".tp-expert-list a").first.click()
    page.wait_for_url(re.compile(r".*/experts/expert-[a-z-]+/$"))
    expert_id = page.url.rstrip("/").rsplit("/", 1)[1]
    template, fields = click_form(page, page.locator(".tp-form-link", has_text="咨询"))
    assert template == "consultation.yml" and fields["expert"] == expert_id


def test_public_reads_an_expert_answer(sample_site, serve, page, tmp_path_factory):
    page.goto(serve(sample_site))
    page.locator(".tp-role", has_text="我是公众").click()
    page.wait_for_url(re.compile(r".*/guide/public/$"))
    page.locator("article").get_by_role("link", name="已公开的专家答复").click()
    page.wait_for_url(re.compile(r".*/consult/$"))
    page.locator(".tp-consult-list a").first.click()
    article = page.locator("article.tp-consultation")
    assert "已答复" in article.inner_text()
    assert len(article.locator(".tp-answer").inner_text()) > 30
    shot(page, "consultation", tmp_path_factory)
    # an answer that became an FAQ links to it, and the FAQ page exists
    page.goto(serve(sample_site) + "consult/zx-2026-lab-waste-liquid/")
    page.get_by_role("link", name="查看常见问题").click()
    page.wait_for_url(re.compile(r".*/qa/faq-zx-2026-lab-waste-liquid/$"))
    assert "实验室" in page.locator("article.tp-faq").inner_text()
    assert page.js_errors == []


def test_public_no_answer_leads_to_the_consultation_form(sample_site, serve, page, forge):
    page.goto(serve(sample_site) + "qa/")
    page.locator(".tp-qa-none").evaluate("el => el.hidden = false")  # the message the assistant shows
    page.locator(".tp-consult-link").click()
    page.wait_for_url(re.compile(r".*/consult/$"))
    template, _ = click_form(page, page.locator(".tp-form-link").first)
    assert template == "consultation.yml"


def test_admin_downloads_the_annual_figures(sample_site, serve, page, tmp_path_factory):
    page.goto(serve(sample_site))
    page.locator(".tp-role", has_text="我是管理部门").click()
    page.wait_for_url(re.compile(r".*/guide/admin/$"))
    shot(page, "guide-admin", tmp_path_factory)
    page.get_by_role("link", name="年度报告").first.click()
    page.wait_for_url(re.compile(r".*/report/$"))
    page.locator("article a[href*='20']").first.click()
    page.wait_for_url(re.compile(r".*/report/\d{4}/$"))
    assert "统计口径" in page.locator("article.tp-report").inner_text()
    page.goto(serve(sample_site) + "guide/admin/")
    page.get_by_role("link", name="开放数据").first.click()
    page.wait_for_url(re.compile(r".*/opendata/$"))
    with page.expect_download() as download:
        page.locator("a[href$='.xlsx']").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_home_page_is_the_entry_to_every_module(sample_site, serve, page, tmp_path_factory):
    page.goto(serve(sample_site))
    shot(page, "home", tmp_path_factory)
    hrefs = page.locator(".tp-modules a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    for module in ["agencies/", "projects/", "demands/", "policies/", "courses/", "qa/", "consult/", "evaluation/",
                   "report/", "opendata/", "guide/", "guide/register/"]:
        assert module in hrefs, module
        response = page.request.get(serve(sample_site) + module)
        assert response.ok, module
    # what is new: every list has entries from the records, newest first
    for block in ["demands", "policies", "projects", "courses", "answers"]:
        dates = page.locator(f"[data-block={block}] li small").all_inner_texts()
        assert dates, block
        days = [d.split(" ")[0] for d in dates]
        assert days == sorted(days, reverse=True), block


def _agencies() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data/agencies").glob("*/agency.yaml"))]


def _serves(a: dict, province: str) -> bool:
    return a["registered_address"]["province"] == province or province in a.get("service_regions", [])


def _directory_ids(page) -> set[str]:
    page.wait_for_selector(".tp-directory[data-ready]")
    return set(page.locator(".tp-agency-list tbody tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)"))


def test_directory_finds_agencies_by_service_region(sample_site, serve, page):
    expected = {a["id"] for a in _agencies() if "在线运维" in a.get("business_types", []) and _serves(a, "上海市")}
    assert len(expected) >= 2  # the sample has agencies registered elsewhere that serve Shanghai
    assert any(a["registered_address"]["province"] != "上海市" for a in _agencies() if a["id"] in expected)
    page.goto(serve(sample_site) + "agencies/?kw=上海市 在线运维")
    assert _directory_ids(page) == expected
    # the same through the 服务地区 facet, by clicking
    page.goto(serve(sample_site) + "agencies/")
    page.wait_for_selector(".tp-directory[data-ready]")
    page.locator(".tp-facet-served label", has_text="上海市").locator("input").check()
    assert _directory_ids(page) == {a["id"] for a in _agencies() if _serves(a, "上海市")}
    assert "serve=" in page.url


def test_directory_synonyms(sample_site, serve, page):
    water = {a["id"] for a in _agencies() if "废水治理" in a.get("business_types", [])}
    assert water
    page.goto(serve(sample_site) + "agencies/?kw=污水")
    assert water <= _directory_ids(page)
    page.goto(serve(sample_site) + "agencies/?kw=危废")
    found = _directory_ids(page)
    assert found and all("危险废物" in yaml.safe_dump(a, allow_unicode=True) or "危废" in yaml.safe_dump(a, allow_unicode=True)
                         for a in _agencies() if a["id"] in found)


@pytest.mark.parametrize("typed, meant", [("危废", "危险废物"), ("噪音", "噪声")])
def test_policy_search_synonyms(sample_site, serve, page, typed, meant):
    page.goto(serve(sample_site) + "policies/")
    page.fill(".tp-policy-q", typed)
    rows = page.locator(".tp-filterable tbody tr:not([hidden])")
    assert rows.count() > 0
    policies = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "data/policies").glob("*.yaml")]
    mentioning = [p for p in policies if meant in yaml.safe_dump(p, allow_unicode=True) and typed not in
                  yaml.safe_dump(p, allow_unicode=True)]
    assert rows.count() >= len(mentioning) > 0


def test_report_speaks_to_the_public_and_its_toolbar_is_chinese(sample_site, serve, page, tmp_path_factory):
    page.goto(serve(sample_site) + "report/2025/")
    page.wait_for_selector(".tp-report .modebar-btn", state="attached")
    titles = page.locator(".tp-report .modebar-btn").evaluate_all("els => els.map(e => e.getAttribute('data-title'))")
    assert titles and "下载图片（PNG）" in titles and "自动缩放" in titles
    assert not [t for t in titles if t and re.search(r"[a-z]{2}", t)], titles  # no English words left
    assert page.locator("[data-val=sendChartToCloud], .modebar-btn[data-title*='分享']").count() == 0
    # the report's own text (everything before 统计口径) has no tool names or file names
    text = page.locator("article.tp-report").evaluate(
        "a => { const c = a.cloneNode(true); const d = c.querySelector('#definitions');"
        " while (d && d.nextSibling) d.nextSibling.remove(); return c.innerText; }")
    for word in ["git", "mkdocs", "yml", "data/", "usage.", "admin_networks"]:
        assert word not in text, word
    # …and the technical notes are under 统计口径
    assert "git" in page.locator(".tp-tech-notes").inner_text()
    page.locator(".tp-report .tp-chart").first.hover()
    page.locator(".tp-report .tp-chart").first.screenshot(path=str(tmp_path_factory.getbasetemp() / "report-chart.png"))
    assert page.js_errors == []


def test_every_local_link_of_the_sample_site_resolves(sample_site):
    """The sample site is whole offline: every relative href/src of every page reaches a file."""
    from html.parser import HTMLParser
    from urllib.parse import unquote

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("href", "src") and value:
                    self.found.append(value)

    broken = []
    for html in sample_site.rglob("*.html"):
        if html.name == "404.html":  # served at any depth: its links are absolute to site_url
            continue
        parser = Links()
        parser.feed(html.read_text(encoding="utf-8"))
        for link in parser.found:
            if re.match(r"^([a-z]+:|#|//)", link):
                continue
            target = (html.parent / unquote(link.split("#")[0].split("?")[0])).resolve()
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append((str(html.relative_to(sample_site)), link))
    assert broken == []


def test_course_video_plays_and_courseware_opens(sample_site, serve, page):
    page.goto(serve(sample_site))
    page.locator(".tp-module", has_text="绿色课堂").click()
    page.locator(".tp-filterable tbody a, .tp-course-list a").first.click()
    page.wait_for_url(re.compile(r".*/courses/course-[a-z0-9-]+/$"))
    video = page.locator(".tp-video video")
    duration = video.evaluate("v => new Promise(ok => v.readyState >= 1 ? ok(v.duration) :"
                              " v.addEventListener('loadedmetadata', () => ok(v.duration)))")
    assert 3 <= duration <= 6
    assert video.evaluate("v => v.play().then(() => new Promise(ok => setTimeout(() => ok(v.currentTime), 700)))") > 0
    href = page.locator(".tp-courseware a").first.get_attribute("href")
    pdf = page.request.get(page.url + href)
    assert pdf.ok and pdf.body().startswith(b"%PDF-1.4") and b"/STSong-Light" in pdf.body()
