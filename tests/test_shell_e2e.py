"""Record pages in the slim shell, in Chromium, with the site served under a sub-path as deployed."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def sub_path_base(mini_site, serve, tmp_path_factory):
    """The site at http://host/eco-third-party/ (mkdocs.yml's site_url has that sub-path)."""
    root = tmp_path_factory.mktemp("served")
    (root / "eco-third-party").symlink_to(Path(mini_site), target_is_directory=True)
    return serve(root) + "eco-third-party/"


def test_agency_page_has_the_theme_look_tabs_search_and_way_back(sub_path_base, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: console.append(str(exc)))
    look = ("(() => { const h = getComputedStyle(document.querySelector('.md-header')),"
            " t = getComputedStyle(document.querySelector('.md-typeset h1'));"
            " return [h.backgroundColor, h.color, h.position, t.fontSize, t.color, t.fontFamily]; })()")
    page.goto(sub_path_base + "agencies/")  # a page mkdocs renders with the whole theme
    page.wait_for_load_state("networkidle")
    themed = page.evaluate(look)
    console.clear()  # the theme's pages ask the forge for the repository's stars (no network here): not ours
    page.goto(sub_path_base + "agencies/demo-alpha/")
    page.wait_for_load_state("networkidle")
    assert page.title().endswith(" - 生态环境第三方服务平台")
    # header tabs: mkdocs.yml's top-level nav, the agency's own section marked
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert tabs[:3] == ["首页", "惠企服务", "需求大厅"] and "关于平台" in tabs
    assert page.locator(".md-tabs__item--active").inner_text() == "惠企服务"
    # the theme's stylesheet applies: header and headings look as on the pages mkdocs renders
    assert page.evaluate(look) == themed
    assert themed[0] not in ("rgba(0, 0, 0, 0)", "transparent") and themed[2] == "sticky"
    assert page.evaluate("document.documentElement.classList.contains('js') && typeof __md_scope === 'object'")
    # the site search form leads to the search page of this site, under the sub-path
    form = page.locator("form.platform-search")
    assert form.evaluate("f => f.action") == sub_path_base + "search/"
    # the project's script of agency pages runs (project filter)
    assert page.locator(".tp-project-filter select").count() >= 1
    assert console == []  # the slim page logs no error at all
    # the tab leads back to the directory (a page mkdocs renders, under the sub-path)
    page.locator(".md-tabs__link", has_text="惠企服务").click()
    page.wait_for_url(sub_path_base + "agencies/")
    assert page.locator(".tp-directory").count() == 1
    page.go_back()
    page.locator("article a", has_text="返回机构列表").click()
    page.wait_for_url(sub_path_base + "agencies/")
    context.close()
