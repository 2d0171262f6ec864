"""智能问答 feedback with no server: qa/feedback.gif requests in the access log -> the annual report's
智能问答反馈问题 section (usage stage unit tests, then the report built from a sample log in Chromium)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from build_tools.compute import usage
from build_tools.compute.stats import qa_feedback
from build_tools.inputs.usage_logs import read_log
from conftest import FIXTURES, build_site

RULE = usage.PortalRule()
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0"
# Built from pieces so that no tracked file holds a full personal number (tests/test_sealing.py scans them).
MOBILE = "138" + "1234" + "5678"
RESIDENT_ID = "110105" + "19491231" + "002X"


def line(day: str, query: dict[str, str], status: int = 200, agent: str = AGENT, path: str = "/qa/feedback.gif") -> str:
    return (f'192.0.2.20 - - [{day}:10:00:00 +0800] "GET {path}?{urlencode(query)} HTTP/1.1" {status} 43 '
            f'"https://example.org/qa/" "{agent}"')


def test_feedback_requests_are_read_and_personal_numbers_removed_again():
    rec = usage.parse_feedback_line(line("03/Mar/2025", {"q": f"电话{MOBILE} 养殖场粪污怎么处理", "r": "none"}), RULE)
    assert rec == {"date": dt.date(2025, 3, 3), "kind": "none", "question": "电话 养殖场粪污怎么处理", "faq": "", "count": 1}
    rec = usage.parse_feedback_line(line("04/Mar/2025", {"q": "危废仓库", "r": "unhelpful", "id": "faq-solid-hw-storage"}), RULE)
    assert (rec["kind"], rec["question"], rec["faq"]) == ("unhelpful", "危废仓库", "faq-solid-hw-storage")
    rec = usage.parse_feedback_line(line("05/Mar/2025", {"r": "answered", "q": "不应记录的问题"}), RULE)
    assert (rec["kind"], rec["question"]) == ("answered", "")  # answered questions are only counted
    for ignored in [line("05/Mar/2025", {"q": "x", "r": "none"}, status=404),
                    line("05/Mar/2025", {"q": "x", "r": "none"}, agent="Googlebot/2.1"),
                    line("05/Mar/2025", {"q": "x", "r": "hack"}),
                    line("05/Mar/2025", {"r": "none"}),                      # nothing to count as a question
                    line("05/Mar/2025", {"q": "x", "r": "none"}, path="/other/feedback.gif")]:
        assert usage.parse_feedback_line(ignored, RULE) is None, ignored
    rec = usage.parse_feedback_line(line("05/Mar/2025", {"q": "x", "r": "unhelpful", "id": "<script>"}), RULE)
    assert rec["faq"] == ""  # not an id: dropped
    # a feedback request is not a page view
    assert usage.parse_log_line(line("05/Mar/2025", {"q": "x", "r": "none"}), RULE) is None


def test_scrub_matches_the_page():
    assert usage.scrub(f"电话 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]} 或 022-66281234，邮箱 a.b@example.com 问危废") == "电话 或 ，邮箱 问危废"
    assert usage.scrub(f"身份证{RESIDENT_ID}，GB 18597-2023 的要求") == "身份证，GB 18597-2023 的要求"
    assert usage.scrub("国标 18597 和 2023 年") == "国标 18597 和 2023 年"  # short numbers stay
    assert usage.scrub(f"QQ 1234567 座机 6628 1234 证件 {RESIDENT_ID[:6]} {RESIDENT_ID[6:14]} {RESIDENT_ID[14:]}") == "QQ 座机 证件"
    assert len(usage.scrub("问" * 300)) == 100


def test_month_table_answered_share_and_most_asked(tmp_path):
    log = tmp_path / "access.log"
    rows = [line("10/Jan/2025", {"r": "answered"})] * 3 + [
        line("11/Jan/2025", {"q": "养殖场粪污怎么处理", "r": "none"}),
        line("12/Feb/2025", {"q": "养殖场粪污怎么处理？", "r": "none"}),
        line("13/Feb/2025", {"q": "ＡＢＣ 光伏板回收", "r": "none"}),
        line("14/Feb/2025", {"q": "abc光伏板回收", "r": "none"}),
        line("15/Feb/2025", {"q": "abc光伏板回收", "r": "none"}),
        line("16/Feb/2025", {"q": "排污证", "r": "unhelpful", "id": "faq-proc-permit-renewal"}),
        line("01/Jan/2024", {"q": "去年的问题", "r": "none"}),
    ]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    events, feedback = usage.read_usage([read_log(log)], RULE)
    assert events == [] and len(feedback) == 10
    u = usage.UsageInput(usage.events_frame(events), False, [log.name], usage.feedback_frame(feedback))
    assert u.years() == {2024, 2025}
    q = qa_feedback(u, 2025)
    assert (q.asked, q.answered) == (8, 3)
    assert q.by_month.loc[1].tolist() == [4, 3, 1, 0] and q.by_month.loc[2].tolist() == [4, 0, 4, 1]
    # width, case, spaces and end punctuation do not split a question; the most frequent wording is shown
    assert q.unanswered == [("abc光伏板回收", 3), ("养殖场粪污怎么处理", 2)]
    assert q.unhelpful == [("排污证", "faq-proc-permit-renewal", 1)]


def test_a_year_without_feedback_has_no_section_data():
    u = usage.UsageInput(usage.events_frame([]), False, [], usage.feedback_frame([
        {"date": dt.date(2025, 3, 1), "kind": "answered", "question": "", "faq": "", "count": 3},
        {"date": dt.date(2025, 3, 2), "kind": "none", "question": "光伏板回收", "faq": "", "count": 1}]))
    q = qa_feedback(u, 2025)
    months = q.by_month[q.by_month["asked"] > 0]
    assert months.index.tolist() == [3] and months.loc[3, "asked"] == 4
    assert qa_feedback(u, 2024) is None  # no feedback that year: the section says so instead of zeros


@pytest.fixture(scope="module")
def feedback_site(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("qa-feedback-data") / "data"
    shutil.copytree(FIXTURES / "report", data)
    day = [f"{d:02d}/{m}/2023" for d, m in [(5, "Mar"), (9, "Mar"), (12, "Apr"), (20, "Apr"), (2, "May")]]
    lines = [line(day[0], {"r": "answered"}), line(day[1], {"r": "answered"}), line(day[2], {"r": "answered"}),
             line(day[0], {"q": "养殖场粪污怎么处理", "r": "none"}),
             line(day[2], {"q": "养殖场粪污怎么处理？", "r": "none"}),
             line(day[3], {"q": f"联系电话{MOBILE}，光伏板回收", "r": "none"}),
             line(day[4], {"q": "危废仓库防渗", "r": "unhelpful", "id": "faq-hw-storage"})]
    (data / "usage" / "qa-2023.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = tmp_path_factory.mktemp("qa-feedback-site")
    result = build_site(data, site)
    assert result.returncode == 0, result.stderr
    return site


def test_annual_report_section_built_from_a_sample_log(feedback_site, serve, page, tmp_path):
    page.goto(serve(feedback_site) + "report/2023/")
    section = page.locator("#qa-feedback")
    assert section.inner_text() == "三、智能问答反馈问题"
    text = page.locator("[data-part=qa]").inner_text()
    assert text.startswith("2023年智能问答共收到提问6次，其中3次找到答案，答复比例50%；用户对答案点击“没有帮助”1次。")
    assert "提问较多的有“养殖场粪污怎么处理”“联系电话，光伏板回收”" in text
    rows = page.locator("table[data-table='qa_months'] tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["3月", "3", "2", "1", "67", "0"], ["4月", "3", "1", "2", "33", "0"], ["5月", "0", "0", "0", "—", "1"]]
    unanswered = page.locator("table[data-table='qa_unanswered'] tbody tr")
    assert [unanswered.nth(i).inner_text().split("\t") for i in range(unanswered.count())] == [
        ["养殖场粪污怎么处理", "2"], ["联系电话，光伏板回收", "1"]]
    assert f"{MOBILE}" not in page.content()
    page.wait_for_function("document.querySelector(\"[data-figure='fig-2023-qa_months'] svg.main-svg\") !== null")
    assert "智能问答反馈" in page.locator("dl.tp-definitions").inner_text()
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "qa-feedback-report.png"), full_page=False)
    assert page.js_errors == []
