"""最新资讯: record checks, plain-text paragraphs, the Atom feed, and the way in from the home page."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from build_tools.records.validate import validate_tree
from build_tools.render.news import paragraphs
from conftest import MINI

ATOM = "{http://www.w3.org/2005/Atom}"


def test_paragraphs_split_at_blank_lines_and_keep_text_as_text():
    assert paragraphs("第一段\n仍是第一段\n\n\n<b>第二段</b>\r\n\r\n") == ["第一段\n仍是第一段", "<b>第二段</b>"]
    assert paragraphs("") == []


def test_a_news_item_with_an_unknown_category_and_policy_is_refused_with_its_field(tmp_path):
    import shutil
    root = tmp_path / "data"
    shutil.copytree(MINI, root)
    item = root / "news" / "news-trial.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("通知公告", "小道消息")
                    .replace("policies: [gb-3095-2012]", "policies: [no-such-policy]"), encoding="utf-8")
    _, problems = validate_tree(root)
    text = "\n".join(str(p) for p in problems)
    assert "news/news-trial.yaml" in text
    assert "栏目" in text and "小道消息" in text
    assert "no-such-policy" in text


def test_feed_lists_the_items_with_absolute_links(mini_site):
    root = ET.parse(mini_site / "news" / "feed.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["平台试运行通知"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith("https://") and link.endswith("/news/news-trial/")
    assert entries[0].find(f"{ATOM}category").get("term") == "通知公告"


def test_reader_goes_from_the_home_page_to_a_news_item_and_its_policy(mini_site, serve, page, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(serve(mini_site))
    block = page.locator(".tp-latest-block[data-block='news']")
    assert "最新资讯" in block.inner_text()
    block.get_by_role("link", name="平台试运行通知").click()
    page.wait_for_url(re.compile(r".*/news/news-trial/$"))
    article = page.locator("article.tp-news")
    assert article.locator("h1").inner_text() == "平台试运行通知"
    assert [p.inner_text() for p in article.locator("p").all()][-2:] == ["第一段正文。", "第二段正文。"]
    assert "通知公告" in article.inner_text() and "示例生态环境局" in article.inner_text()
    page.screenshot(path=str(tmp_path / "news-item.png"), full_page=True)
    article.locator(".tp-news-policies a").first.click()
    page.wait_for_url(re.compile(r".*/policies/gb-3095-2012/$"))
    # back to the listing through the 标准政策 tab and its section of the navigation
    page.locator(".md-tabs__link", has_text="标准政策").click()
    page.wait_for_url(re.compile(r".*/policies/$"))
    page.locator(".md-nav__link", has_text="最新资讯").first.click()
    page.wait_for_url(re.compile(r".*/news/$"))
    assert page.locator(".tp-news-table tbody tr").count() == 1
    assert page.evaluate("document.querySelector(\"link[rel='alternate feed']\").href").endswith("/news/feed.xml")
    assert errors == []
