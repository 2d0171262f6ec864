"""From official exports to the agency page, in Chromium: the sample exports are imported (import-run, as the
scheduled workflow does) into a copy of the mini data, the real site is built, and pages are read as people read
them — 官方名单核验 with verified and differing qualifications, credit records with source and date, the
credit rule in the evaluation, an agency created from a list, and an FAQ from a mailbox letter."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from build_tools.submit.importers.run import import_run
from conftest import FIXTURES, MINI, TODAY, built_site

SAMPLES = FIXTURES / "imports"
SHOTS = Path(os.environ.get("PLATFORM_SCREENSHOTS", "/tmp/platform-screenshots"))
CONFIG = f"""imports:
  - {{importer: agencies, file: {SAMPLES}/agencies-monitoring.gbk.csv, list: 环境监测, publisher: 天津市生态环境局, date: 2026-10-31}}
  - {{importer: agencies, file: {SAMPLES}/agencies-hazardous-waste.xlsx, list: 危废, publisher: 天津市生态环境局, date: 2026-10-15,
      source_url: "https://sthj.tj.gov.cn/example/hw-list.html"}}
  - {{importer: agencies, file: {SAMPLES}/agencies-eia.csv, list: 环评, publisher: 生态环境部, date: 2026-11-01}}
  - {{importer: credit, file: {SAMPLES}/credit-penalties.gb18030.csv, type: 行政处罚, date: 2026-11-20}}
  - {{importer: credit, file: {SAMPLES}/credit-abnormal.xlsx, type: 经营异常, title: 国家企业信用信息公示系统,
      publisher: 国家市场监督管理总局, date: 2026-11-20}}
  - {{importer: credit, file: {SAMPLES}/credit-serious.json, date: 2026-11-20}}
  - {{importer: policies, file: {SAMPLES}/policies.rss.xml, issuer: 生态环境部}}
  - {{importer: letters, file: {SAMPLES}/letters-minister.gbk.csv, mailbox: 生态环境部部长信箱}}
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory, serve) -> str:
    root = tmp_path_factory.mktemp("imported")
    data = root / "data"
    shutil.copytree(MINI, data)
    for agency in (SAMPLES / "agencies").iterdir():
        shutil.copytree(agency, data / "agencies" / agency.name)
    (root / "imports.yaml").write_text(CONFIG, encoding="utf-8")
    os.environ["PLATFORM_TODAY"] = TODAY
    try:
        status, report = import_run(root / "imports.yaml", data, root=Path("/"))
    finally:
        del os.environ["PLATFORM_TODAY"]
    assert status == 1, report  # the samples contain rows meant to be rejected, nothing unusable
    return serve(built_site(data, tmp_path_factory, "imported-site"))


def shot(page, name: str, start: str = "#qualifications") -> None:
    """The part of the page this feature changed: from `start`, one tall screen."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 1500})
    page.locator(start).evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 70)")
    page.screenshot(path=str(SHOTS / name))


def rows(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(selector, "trs => trs.map(tr => [...tr.cells].map(c => c.innerText.trim()))")


def test_differing_qualifications_and_credit_records(base, page):
    page.goto(base + "agencies/jinbin-waste/")
    quals = rows(page, "table.tp-quals tbody tr")
    assert [(r[2], r[5]) for r in quals] == [("TJHW-2021-0123", "不一致"), ("TJHW-2023-0456", "不一致")]
    page.get_by_role("link", name="不一致").first.click()  # the badge leads to the check's details
    assert page.url.endswith("#official")
    assert page.locator(".tp-official-summary strong").inner_text() == "存在差异"
    checks = rows(page, "table.tp-official tbody tr")
    assert checks[0][3] == "不一致\n有效期：机构填报至 2027-06-30，官方名单为至 2026-06-30"
    assert "TJHW-2021-0123\n有效期至 2026-06-30" in checks[0][2] and "经营方式：收集、贮存、利用" in checks[0][2]
    assert checks[0][4] == "天津市生态环境局《危险废物经营许可证企业名单》（天津市），2026-10-15 原文"
    assert checks[1][2] == "未收录" and "官方名单中该单位的编号为 TJHW-2021-0123，没有 TJHW-2023-0456" in checks[1][3]
    assert page.get_by_role("link", name="原文").first.get_attribute("href") == "https://sthj.tj.gov.cn/example/hw-list.html"
    credit = rows(page, "table.tp-credit tbody tr")
    assert [(r[0], r[3], r[4]) for r in credit] == [("行政处罚", "2025-08-12", "公示中"),
                                                    ("经营异常", "2024-07-15", "已移出（2024-11-02）")]
    assert "津滨环罚〔2025〕36号" in credit[0][1] and "罚款 35,000 元" in credit[0][2]
    assert credit[0][5] == "国家公共信用信息中心《信用中国》（全国），2026-11-20"
    assert credit[1][5] == "国家市场监督管理总局《国家企业信用信息公示系统》（全国），2026-11-20"
    shot(page, "import-agency-differs.png")
    assert page.js_errors == []


def test_verified_qualification_and_the_credit_rule_in_the_score(base, page):
    page.goto(base + "agencies/demo-alpha/")
    assert [(r[2], r[5]) for r in rows(page, "table.tp-quals tbody tr")] == [("210212340001", "一致"), ("YW-2019-001", "—")]
    assert page.locator(".tp-official-summary strong").inner_text() == "已核验"
    checks = rows(page, "table.tp-official tbody tr")
    assert [(r[0], r[3]) for r in checks] == [("检验检测机构资质认定(CMA)", "一致")]
    assert rows(page, "table.tp-credit tbody tr")[0][:2] == ["行政处罚", "天津市滨海新区生态环境局\n津滨环罚〔2024〕12号"]
    credit_note = page.locator(".tp-score-credit")
    assert "行政处罚 1 条（天津市滨海新区生态环境局 2024-03-10 津滨环罚〔2024〕12号）：扣 5 分" in credit_note.inner_text()
    shot(page, "import-agency-verified.png")
    shot(page, "import-agency-score.png", start="#evaluation")
    credit_note.get_by_role("link", name="评价方法").click()
    page.wait_for_url("**/evaluation/methodology/#credit")
    assert rows(page, "table.tp-method-credit tbody tr") == [
        ["行政处罚", "评价年度及之前共 3 个年度内作出、评价日尚未移出的记录", "每条扣总分 5 分，最多扣 15 分"],
        ["经营异常", "评价日仍在名单中（尚未移出）的记录", "信用等级最高为 C"],
        ["严重失信", "评价日仍在名单中（尚未移出）的记录", "信用等级最高为 D"]]
    assert page.js_errors == []


def test_agency_not_on_the_official_list(base, page):
    page.goto(base + "agencies/haihe-recycling/")
    checks = rows(page, "table.tp-official tbody tr")
    assert [(r[2], r[3].splitlines()[0]) for r in checks] == [("未收录", "官方名单未收录")]
    assert [r[0] for r in rows(page, "table.tp-credit tbody tr")] == ["严重失信", "经营异常"]


def test_agency_created_from_a_list_until_it_is_claimed(base, page):
    page.goto(base + "agencies/")
    row = page.locator("table.tp-agency-list tr", has_text="天津示例固废处置有限公司")
    assert "未填报" in row.inner_text()
    row.get_by_role("link").click()
    note = page.locator(".tp-imported")
    assert "本条目根据天津市生态环境局公布的《危险废物经营许可证企业名单》（2026-10-15）建立，机构尚未认领" in note.inner_text()
    assert page.locator("table.tp-facts").inner_text().count("未填报") == 2  # office in the zone, company size
    checks = rows(page, "table.tp-official tbody tr")
    assert [(r[1], r[3]) for r in checks] == [("未填报", "官方名单收录，机构未填报")] * 2
    assert "有效期至 2025-08-31 已过期" in checks[0][2]
    shot(page, "import-agency-created.png", start="h1")
    assert page.js_errors == []


def test_faq_from_a_mailbox_letter_names_its_source(base, page):
    page.goto(base + "qa/")
    page.fill(".tp-qa-input", "危险废物跨省转移要审批多久")
    page.press(".tp-qa-input", "Enter")
    card = page.locator(".tp-qa-results .tp-qa-card").first
    assert "生态环境部部长信箱 · 生态环境部固体废物与化学品司答复 · 2026-09-12" in card.locator(".tp-qa-source").inner_text()
    card.locator(".tp-qa-question a").click()
    facts = page.locator("table.tp-facts").inner_text()
    assert "来源\t生态环境部部长信箱 · 生态环境部固体废物与化学品司答复 · 2026-09-12（原文）" in facts
    assert page.get_by_role("link", name="原文").get_attribute("href") == \
        "https://www.mee.gov.cn/hdjl/bzxx/202609/t20260912_0005.html"
    assert page.js_errors == []
