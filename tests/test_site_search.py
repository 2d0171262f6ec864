"""全站搜索: the index's tokens (and their JS twin's fixture), record -> search entry mapping, the Pagefind bundle
of a built site (it holds exactly our tokens), and the box and results page in Chromium (typed into the header
on the home page and on an agency page, the ?q= deep link, full names, parts of names, words typed together,
zero script errors)."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from build_tools.records.model import Dataset, Record
from build_tools.search import records as sr
from build_tools.search import tokens as st
from conftest import ROOT
from fictitious import MOBILE

SEARCH_URL_RE = re.compile(r"search/")


def rec(record_kind: str, rid: str, **data) -> Record:
    return Record(kind=record_kind, id=rid, path=Path(f"/nowhere/{rid}.yaml"), data={"id": rid, **data})


AGENCY = dict(name="甲乙<b>示例</b>&环境监测有限公司", short_name="甲乙监测", credit_code="91120116MA05T12349",
              legal_representative="张示例", registered_address={"province": "天津市", "city": "天津市", "district": "滨海新区",
                                                                 "detail": "某路1号"},
              business_types=["环境监测", "环保咨询"], service_scope="废水、废气检测", service_regions=["天津市", "河北省"],
              contacts=[{"name": "李示例", "role": "经理", "phone": "138****5678", "email": "li@example.com"}],
              introduction="很长的简介，不进入搜索索引。")


def test_tokens_are_bigrams_of_han_runs_and_letter_digit_runs():
    assert st.tokens("汇智示例水处理334号") == ["汇智", "智示", "示例", "例水", "水处", "处理", "334", "号"]
    assert st.tokens("ＧＢ3095-2012 水") == ["gb3095", "gb", "3095", "2012", "水"]
    assert st.tokens("<b>！？</b>") == ["b", "b"] and st.tokens("") == []
    assert st.unique_tokens("在线运维 在线") == ["在线", "线运", "运维"]


def test_js_twin_fixture_is_what_python_makes():
    """tests/js/search-tokens.test.js checks shared.js against this fixture. To regenerate it:
    python -c "import json,sys; from build_tools.search.tokens import tokens; p='tests/js/search-tokens.';
    open(p+'expected.json','w').write(json.dumps([tokens(s) for s in json.load(open(p+'strings.json'))],
    ensure_ascii=False)+chr(10))" """
    folder = ROOT / "tests" / "js"
    strings = json.loads((folder / "search-tokens.strings.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "search-tokens.expected.json").read_text(encoding="utf-8"))
    assert len(strings) > 20 and [st.tokens(x) for x in strings] == expected


def test_common_tokens_are_the_frequent_ones_and_capped():
    from collections import Counter
    df = Counter({"有限": 900, "公司": 950, "监测": 30, "汇智": 2, "示例": 500})
    assert st.common(df, 1000) == ["公司", "有限", "示例"]
    assert st.common(df, 1000, limit=2) == ["公司", "有限"]           # the most frequent kept
    assert st.common(Counter({"有限": 40}), 40) == []               # a small site has none


def test_agency_entry_holds_basic_information_only():
    e = sr.agency(rec("agency", "demo-x", **AGENCY))
    assert e.url == "agencies/demo-x/" and e.kind == "机构"
    assert e.title == "甲乙<b>示例</b>&环境监测有限公司"   # plain text, shown as text by the page (never parsed)
    assert e.sub == "天津市滨海新区 · 环境监测 环保咨询"
    for word in ("甲乙监测", "废水、废气检测", "河北省"):
        assert word in e.content
    for secret in ("91120116MA05T12349", "张示例", "138****5678", "li@example.com", "某路1号", "很长的简介"):
        assert secret not in e.content and secret not in json.dumps(e.meta(), ensure_ascii=False)
    assert e.filters() == {"kind": ["机构"], "province": ["天津市"]}
    assert e.meta()["text"] == "甲乙监测 废水、废气检测 天津市 河北省"   # the line the results page shows
    long = sr.agency(rec("agency", "demo-y", **{**AGENCY, "service_scope": "检测" * 200}))
    assert len(long.meta()["text"]) == sr.MAX_TEXT and long.meta()["text"].endswith("…")


def test_projects_are_one_entry_per_agency_linking_to_its_list():
    agency = rec("agency", "demo-x", **AGENCY)
    projects = [rec("project", f"p{i}", agency="demo-x", name=f"示例项目{i}", client=f"委托企业{i}", type="废水治理",
                    start_date=f"2024-0{i}-01", location={"province": "河北省", "city": "沧州市"}) for i in (1, 2)]
    data = Dataset(Path("/nowhere"), {"agency": [agency], "project": projects})
    entries = list(sr.from_dataset(data))
    assert [e.kind for e in entries] == ["机构", "项目业绩"]
    e = entries[1]
    assert e.url == "agencies/demo-x/#projects" and e.sub == "2 项项目业绩"
    assert "示例项目1 委托企业1 废水治理 河北省沧州市" in e.content and "示例项目2" in e.content
    assert e.content.index("示例项目2") < e.content.index("示例项目1")   # newest first, as on the page
    assert e.filters()["province"] == ["河北省"]


def test_each_kind_maps_and_control_characters_are_dropped():
    data = Dataset(Path("/nowhere"), {
        "policy": [rec("policy", "gb-1", title="环境空气\x07质量标准", doc_no="GB 3095-2012", kind="标准", issuer="生态环境部",
                       status="现行", keywords=["PM2.5"])],
        "faq": [rec("faq", "f1", question="排污许可怎么办？", category="环保手续", keywords=["许可证"])],
        "course": [rec("course", "c1", title="排污许可入门", topic="环评与排污许可", speaker="王示例", level="入门")],
        "demand": [rec("demand", "d1", title="废水站运维需求", publisher="某化工厂", notice_no="N-1",
                       region={"province": "江苏省", "city": "苏州市"}, demand_type="废水治理", status="征集中")],
        "expert": [rec("expert", "e1", name="王示例", title="高级工程师", organisation="某研究院", fields=["大气"])],
        "consultation": [rec("consultation", "z1", question="噪声怎么测？", category="声")],
    })
    by_kind = {e.kind: e for e in sr.from_dataset(data)}
    assert set(by_kind) == {"标准", "问答", "课程", "需求", "专家", "专家咨询"}
    assert by_kind["标准"].title == "环境空气质量标准" and "GB 3095-2012" in by_kind["标准"].sub
    assert by_kind["需求"].url == "demands/d1/" and by_kind["需求"].filters()["province"] == ["江苏省"]
    assert by_kind["专家咨询"].sub == "声 · 待答复" and by_kind["专家"].url == "experts/e1/"
    assert all(len(e.content) <= sr.MAX_CONTENT for e in by_kind.values())


def test_section_text_drops_markup_and_front_matter():
    source = "---\ntitle: 关于\n---\n# 关于平台\n\n<div class=\"x\"><script>var a=1</script>**公开** [办事指南](guide/) " \
             "&amp; 数据</div>\n\n| a | b |\n|---|---|\n"
    assert sr.section_text(source) == "关于平台 公开 办事指南 & 数据 a b"


# --- the built site ---------------------------------------------------------------------------------
def _unpack(path: Path) -> bytes:
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(b"pagefind_dcd")
    return raw[len(b"pagefind_dcd"):]


def fragments(site: Path) -> list[dict]:
    """Every Pagefind fragment (one per search entry), decoded; segment marks (U+200B) removed."""
    return [json.loads(_unpack(path).decode().replace("\u200b", "")) for path in (site / "pagefind" / "fragment").iterdir()]


def _cbor(b: bytes, i: int = 0):
    """A minimal CBOR reader (what Pagefind's index chunks are written in): returns (value, next offset)."""
    major, info = b[i] >> 5, b[i] & 31
    i += 1
    if info < 24:
        n = info
    elif info < 28:
        size = 1 << (info - 24)
        n, i = int.from_bytes(b[i:i + size], "big"), i + size
    else:
        raise ValueError(f"CBOR item {b[i - 1]:#x} not expected in a Pagefind index")
    if major in (0, 1):
        return (n if major == 0 else -1 - n), i
    if major in (2, 3):
        return (b[i:i + n] if major == 2 else b[i:i + n].decode()), i + n
    if major in (4, 5):
        items = []
        for _ in range(n * (2 if major == 5 else 1)):
            value, i = _cbor(b, i)
            items.append(value)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), i
    if major == 6:
        return _cbor(b, i)
    return {20: False, 21: True, 22: None}.get(info, n), i


def index_words(bundle: Path) -> set[str]:
    """Every word of a Pagefind index, read back from its chunks (index/*.pf_index: [[[word, pages], …], …])."""
    words = set()
    for path in (bundle / "index").glob("*.pf_index"):
        chunk, _ = _cbor(_unpack(path))
        words.update(w[0] for w in chunk[0])
    return words


def test_site_has_a_record_fed_index_and_no_whole_site_index(mini_site):
    assert not (mini_site / "search" / "search_index.json").exists()
    entry = json.loads((mini_site / "pagefind" / "pagefind-entry.json").read_text())
    frags = fragments(mini_site)
    assert entry["languages"]["und"]["page_count"] == len(frags) > 15
    by_url = {f["url"]: f for f in frags}
    assert by_url["agencies/demo-alpha/"]["meta"]["title"] == "津沽示例环境监测有限公司"
    # what is indexed is the entry's tokens, each once, after its title's (record entries: title and basic facts)
    projects = by_url["agencies/demo-alpha/#projects"]["content"].split()
    title = st.unique_tokens(by_url["agencies/demo-alpha/#projects"]["meta"]["title"])
    assert projects[:len(title)] == title and projects[len(title):] == list(dict.fromkeys(projects[len(title):]))
    assert {"化工", "工厂", "2023", "年度", "自行", "监测"} <= set(projects)
    assert "化工" not in by_url["agencies/demo-alpha/"]["content"].split()
    assert "示例化工厂" in by_url["agencies/demo-alpha/#projects"]["meta"]["text"]
    # Pagefind kept our tokens as they are: no word of its own segmentation (津/沽) or stemming
    words = index_words(mini_site / "pagefind")
    assert {"津沽", "沽示", "gb", "3095"} <= words and not {"津", "沽"} & words
    assert words == {t for f in frags for t in f["content"].split()}
    assert json.loads((mini_site / "pagefind" / "common.json").read_text()) == []   # too few entries for any
    assert by_url["policies/gb-3095-2012/"]["meta"]["kind"] == "标准"
    assert any(f["meta"]["kind"] == "栏目" and f["url"] == "guide/" for f in frags)
    text = json.dumps(frags, ensure_ascii=False)
    assert "91120116MA05T12349" not in text and MOBILE not in text and "张示例" not in text
    # Pagefind's own UI is not shipped (the site has its own box and page)
    assert not list((mini_site / "pagefind").glob("pagefind-ui*"))


def test_every_page_has_the_search_form(mini_site):
    for rel in ("index.html", "agencies/demo-alpha/index.html", "guide/index.html", "search/index.html"):
        html = (mini_site / rel).read_text(encoding="utf-8")
        form = re.search(r'<form class="platform-search" role="search" action="([^"]*)" method="get"', html)
        assert form, rel
        assert (mini_site / rel).parent.joinpath(form.group(1), "index.html").resolve() == \
            (mini_site / "search" / "index.html").resolve()
        assert 'name="q"' in html and "md-search" not in html


# --- in Chromium --------------------------------------------------------------------------------------
def _offline(page):
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "ERR_FAILED" not in m.text else None)
    return errors


def _type(page, text):
    box = page.locator("header form.platform-search input[name=q]")
    box.click()
    box.press_sequentially(text, delay=20)
    page.wait_for_selector(".platform-search__panel:not([hidden]) a", timeout=20_000)
    return page.locator(".platform-search__panel")


def test_header_search_on_home_and_agency_page(mini_site, serve, page, tmp_path):
    console = _offline(page)
    base = serve(mini_site)
    page.goto(base)
    panel = _type(page, "津沽监测")   # two words of the name, typed as one run: needs segmentation
    assert "津沽示例环境监测有限公司" in panel.inner_text() and "机构" in panel.inner_text()
    page.screenshot(path=str(tmp_path / "home-dropdown.png"))
    panel.get_by_role("link", name="津沽示例环境监测有限公司", exact=True).click()
    page.wait_for_url("**/agencies/demo-alpha/")
    assert "津沽示例环境监测有限公司" in page.locator("h1").inner_text()

    panel = _type(page, "环境空气质量标准")
    assert "环境空气质量标准" in panel.inner_text()
    panel.locator(".tp-search-item", has_text="标准").first.locator("a").click()
    page.wait_for_url("**/policies/gb-3095-2012/")
    assert page.js_errors == [] and console == []


def test_enter_opens_the_results_page_and_deep_link_works(mini_site, serve, page, tmp_path):
    console = _offline(page)
    base = serve(mini_site)
    page.goto(base + "agencies/demo-alpha/")
    box = page.locator("header form.platform-search input[name=q]")
    box.fill("燕赵废水")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.wait_for_selector(".tp-search-results .tp-search-item", timeout=20_000)
    first = page.locator(".tp-search-results .tp-search-item").first
    assert "燕赵示例废水治理工程有限公司" in first.inner_text()

    page.goto(base + "search/?q=" + "GB 3095" + "&kind=标准")
    page.wait_for_selector(".tp-search-results .tp-search-item", timeout=20_000)
    items = page.locator(".tp-search-results .tp-search-item")
    assert items.count() == 1 and items.locator(".tp-search-kind").inner_text() == "标准"
    assert page.locator("select[name=kind]").input_value() == "标准"
    assert page.locator("input[name=q]").last.input_value() == "GB 3095"
    assert "找到 1 条" in page.locator(".tp-search-status").inner_text()
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)
    items.first.locator("a").click()
    page.wait_for_url("**/policies/gb-3095-2012/")

    page.goto(base + "search/?q=" + "qzxjv")
    page.wait_for_function("document.querySelector('.tp-search-status').textContent.includes('未找到')", timeout=20_000)
    assert page.locator(".tp-search-results .tp-search-item").count() == 0
    page.goto(base + "search/")
    assert "请输入关键词" in page.locator(".tp-search-status").inner_text()
    assert page.js_errors == [] and console == []


@pytest.mark.parametrize(("query", "first"), [
    ("津沽示例环境监测有限公司", "津沽示例环境监测有限公司"),   # a full name: that agency first
    ("示例环境监测", "津沽示例环境监测有限公司"),               # part of a name, from its middle
    ("环境监", "津沽示例环境监测有限公司"),
    ("在线运维", "津沽示例环境监测有限公司"),                   # a service type
    ("废水治理 河北省", "燕赵示例废水治理工程有限公司"),        # word + province
    ("燕赵治理", "燕赵示例废水治理工程有限公司"),               # words typed together, apart in the name
])
def test_results_page_finds_names_parts_and_types(mini_site, serve, page, query, first):
    console = _offline(page)
    page.goto(serve(mini_site) + "search/?q=" + query)
    page.wait_for_selector(".tp-search-results .tp-search-item", timeout=20_000)
    item = page.locator(".tp-search-results .tp-search-item").first
    assert item.locator(".tp-search-title").inner_text() == first
    # the line under it is the entry's plain text, the typed words marked with text-only <mark>s
    line = item.locator(".tp-search-excerpt")
    if line.count():
        assert line.locator("*").evaluate_all("els => els.every(e => e.tagName === 'MARK' && !e.children.length)")
    assert page.js_errors == [] and console == []


def test_search_box_works_without_javascript(mini_site, serve, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve(mini_site))
    page.locator("header form.platform-search input[name=q]").fill("监测")
    page.locator("header form.platform-search button").click()
    page.wait_for_url(re.compile(r"/search/\?q=%E7%9B%91%E6%B5%8B$"))
    assert "JavaScript" in page.locator("noscript").first.inner_text() or page.locator(".tp-search-page").count()
    context.close()


def test_a_failing_indexer_fails_the_step_instead_of_hanging(monkeypatch, tmp_path):
    from build_tools.search import pagefind
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")   # exits at once: no answer will ever come
    with pytest.raises(pagefind.PagefindError, match="Pagefind"):
        pagefind.write_index(iter([sr.section(sr.SectionPage("about/", "关于", "文本"))]), tmp_path / "pf")
    assert not (tmp_path / "pf").exists()


def test_index_written_directly_is_complete(tmp_path):
    """Every file the service reports is written whole (its own WriteFiles answered before its writes ended)."""
    from build_tools.search import pagefind
    entries = [sr.SearchRecord(url=f"x/{i}/", kind="机构", title=f"示例机构{i}", content=f"示例机构{i} 环境监测")
               for i in range(300)]
    written = pagefind.write_index(iter(entries), tmp_path / "pf")
    assert written.records == 300
    entry = json.loads((tmp_path / "pf" / "pagefind-entry.json").read_text())
    assert entry["languages"]["und"]["page_count"] == 300
    # tokens in every entry are common; the numbers are not
    common = json.loads((tmp_path / "pf" / "common.json").read_text(encoding="utf-8"))
    assert common == sorted(["示例", "例机", "机构", "环境", "境监", "监测"]) and written.common == 6
    wasm = list((tmp_path / "pf").glob("wasm.*.pagefind"))
    assert wasm and all(p.stat().st_size > 10_000 for p in wasm)
    assert len(list((tmp_path / "pf" / "fragment").iterdir())) == 300
