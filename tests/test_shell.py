"""The slim record-page shell (build_tools/render/shell.py) and its writer (build_tools/write/standalone.py)."""
from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser

import pytest
from mkdocs.config import load_config

from build_tools.cache import pages as pagecache
from build_tools.render import shell
from build_tools.render.html import record
from build_tools.render.output import Output
from build_tools.write.standalone import Writer, destination, search_entry
from conftest import ROOT

HOSTILE = '<script>alert(1)</script>"\'&<img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def chrome() -> shell.Chrome:
    return shell.from_mkdocs(load_config(str(ROOT / "mkdocs.yml")))


def test_chrome_from_mkdocs_yml(chrome):
    assert [t.title for t in chrome.tabs] == ["首页", "惠企服务", "需求大厅", "标准政策", "绿色课堂", "智能问答", "年度报告",
                                              "开放数据", "办事指南", "关于平台"]
    assert [t.url for t in chrome.tabs][:3] == ["", "agencies/", "demands/"]
    assert chrome.active_tab("agencies/x.md") == "惠企服务" and chrome.active_tab("consult/q-1.md") == "智能问答"
    assert chrome.active_tab("experts/e-1.md") == "智能问答" and chrome.active_tab("policies/p.md") == "标准政策"
    # the theme's compiled CSS (hashed names, found in the installed theme), then the project's stylesheets
    assert re.fullmatch(r"assets/stylesheets/main\.\w+\.min\.css", chrome.css[0])
    assert re.fullmatch(r"assets/stylesheets/palette\.\w+\.min\.css", chrome.css[1])
    assert "assets/stylesheets/platform.css" in chrome.css and ("assets/javascripts/agency.js", False) in chrome.js
    assert ("assets/javascripts/directory.js", True) in chrome.js  # ES modules keep type="module"
    assert chrome.site_url == "https://example.org/eco-third-party/"


@pytest.mark.parametrize("path,url,base", [("agencies/a-1.md", "agencies/a-1/", "../../"),
                                           ("agencies/a-1/types.md", "agencies/a-1/types/", "../../../"),
                                           ("agencies/index.md", "agencies/", "../"), ("index.md", "", "")])
def test_relative_links_from_nested_pages(chrome, path, url, base):
    assert shell.url_of(path) == url and destination(path) == url + "index.html"
    html = shell.render(chrome, path, "标题", "<p>正文</p>")
    refs = re.findall(r'(?:href|src|action)="([^"]*)"', html)
    local = [r for r in refs if not r.startswith(("https://", "http://"))]
    assert local and all(not r.startswith("/") for r in local)  # works under a sub-path (/eco-third-party/)
    assert all(r.startswith(base) for r in local if r not in ("./",)), local
    # the site search box shared with the theme's pages (templates/partials/search_form.html)
    assert f'<form class="platform-search" role="search" action="{base}search/" method="get" data-platform-search>' in html
    assert '<input class="platform-search__input" type="search" name="q"' in html
    assert f'<link rel="canonical" href="https://example.org/eco-third-party/{url}">' in html


class Tags(HTMLParser):
    """Every element and attribute of a page, and the text inside each <script>, as a browser parses them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def test_record_values_are_escaped_and_no_inline_script_or_style(chrome):
    out = record("agencies/evil.md", chrome, HOSTILE, "agency_disclosure.html", base="../../", search=False,
                 description=HOSTILE, items=[{"date": "2024-01-01", "item": HOSTILE, "content": HOSTILE}],
                 agency={"name": HOSTILE, "id": "evil"}, updated=None, zone="区内")
    assert out.standalone and out.title and "<" not in out.title
    parsed = Tags(out.content)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts and all(a.get("src") for a in scripts) and parsed.script_text == []  # external scripts only
    assert [tag for tag, _ in parsed.tags if tag == "img"] == []  # the record's <img> stayed text
    assert [(t, k) for t, attrs in parsed.tags for k in attrs if k.startswith("on") or k == "style"] == []
    assert HOSTILE in html_text(out.content)


def html_text(page: str) -> str:
    """The text a reader sees (entities decoded): the hostile value is shown, as text."""
    import html as html_module
    return html_module.unescape(re.sub(r"<[^>]+>", "", page))


def test_record_pages_use_the_page_cache(chrome, tmp_path):
    store = pagecache.Store(tmp_path)
    kw = dict(base="../../", search=False, items=[], agency={"name": "甲", "id": "a"}, updated=None, zone="区内")
    first = record("agencies/a.md", chrome, "甲", "agency_disclosure.html", cache=store, **kw)
    assert store.misses == 1
    again = record("agencies/a.md", chrome, "甲", "agency_disclosure.html", cache=store, **kw)
    assert store.hits == 1 and again == first
    other = shell.Chrome(**{**chrome.__dict__, "site_name": "另一个站点"})
    changed = record("agencies/a.md", other, "甲", "agency_disclosure.html", cache=store, **kw)
    assert store.misses == 2 and "另一个站点" in changed.content  # the shell is part of the key


def test_without_chrome_record_pages_stay_markdown_for_mkdocs():
    out = record("agencies/a.md", None, "甲", "agency_disclosure.html", base="../../", search=False, items=[],
                 agency={"name": "甲", "id": "a"}, updated=None, zone="区内")
    assert not out.standalone and out.content.startswith("---\n")


def test_writer_writes_pages_and_extends_the_sitemap(tmp_path):
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "    <url>\n         <loc>https://example.org/p/</loc>\n         <lastmod>2026-11-25</lastmod>\n    </url>\n"
        "</urlset>", encoding="utf-8")
    writer = Writer(tmp_path)
    writer.write(Output("agencies/a&b.md", "<!doctype html>页", standalone=True, title="甲"))
    assert (tmp_path / "agencies/a&b/index.html").read_text(encoding="utf-8") == "<!doctype html>页"
    writer.add_to_sitemap("https://example.org/p/")
    sitemap = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/p/agencies/a&amp;b/</loc>\n         <lastmod>2026-11-25</lastmod>" in sitemap
    assert sitemap.rstrip().endswith("</urlset>")
    with pytest.raises(ValueError):
        writer.write(Output("../outside.md", "x", standalone=True))


def test_search_entries_hold_escaped_title_and_summary():
    entry = search_entry(Output("agencies/a.md", "", standalone=True, title="甲<b>", summary="乙&"))
    assert entry == {"location": "agencies/a/", "title": "甲&lt;b&gt;", "text": "乙&amp;"}
    assert search_entry(Output("agencies/a/types.md", "", standalone=True, searchable=False)) is None


def test_sitemap_above_the_limit_becomes_an_index_of_parts(tmp_path):
    from build_tools.deploy import release
    from build_tools.write import sitemap
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "    <url>\n         <loc>https://example.org/p/</loc>\n         <lastmod>2026-11-25</lastmod>\n    </url>\n"
        "</urlset>", encoding="utf-8")
    (tmp_path / "sitemap.xml.gz").write_bytes(b"")
    pages = [f"agencies/a{i}/" for i in range(7)]
    sitemap.extend(tmp_path, "https://example.org/p/", pages, limit=3)
    index = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and index.count("<sitemap>") == 3   # 1 + 7 addresses, 3 per part
    assert "<loc>https://example.org/p/sitemap-3.xml</loc>" in index
    parts = [(tmp_path / f"sitemap-{n}.xml").read_text(encoding="utf-8") for n in (1, 2, 3)]
    assert [p.count("<url>") for p in parts] == [3, 3, 2] and all(p.rstrip().endswith("</urlset>") for p in parts)
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == index
    locs = sitemap.page_locs(tmp_path)
    assert locs == ["https://example.org/p/"] + [f"https://example.org/p/{p}" for p in pages]
    assert release.site_url(tmp_path) == "https://example.org/p/"
    assert release.sitemap_pages(tmp_path)[1] == "agencies/a0/index.html"
    # a smaller site later (mkdocs writes a plain sitemap again): the parts go, the sitemap is one file again
    (tmp_path / "sitemap.xml").write_text(parts[2], encoding="utf-8")
    sitemap.extend(tmp_path, "https://example.org/p/", ["b/"], limit=3)
    assert not list(tmp_path.glob("sitemap-*.xml")) and "<urlset" in (tmp_path / "sitemap.xml").read_text("utf-8")
