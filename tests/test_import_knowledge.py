"""import-policies (CSV, RSS, Atom, JSON; de-duplicated by 文号/标准号/URL; XML parsed safely) and
import-letters (mailbox letters -> FAQ with their source), on the shipped sample exports; the shared reader."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from build_tools.commands import cli
from build_tools.records.safeyaml import load_bytes
from build_tools.records.validate import validate_tree
from build_tools.render.qa import source_text
from build_tools.submit.importers import feeds
from build_tools.submit.importers.letters import import_letters
from build_tools.submit.importers.policies import doc_key, import_policies, infer_kind, url_key
from build_tools.submit.importers.table import ImportFileError, Spec, read_rows
from conftest import FIXTURES, MINI

SAMPLES = FIXTURES / "imports"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("PLATFORM_TODAY", "2026-11-25")


@pytest.fixture
def data(tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(MINI, dst)
    return dst


def load(path: Path) -> dict:
    return load_bytes(path.read_bytes()).data


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the shared reader -------------------------------------------------------------------------------

SPEC = Spec(columns={"name": ("name", "单位名称"), "code": ("code", "统一社会信用代码"), "note": ("note", "备注")},
            required=("name", "code"))


def test_title_lines_headers_and_placeholders(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("某某名单（2026年）,,\n,,\n 单位名称* ,统一社会 信用代码,备注（说明）\n"
                   "甲公司 ,\u3000９１,—\n,,\n乙公司,92,无\n", encoding="gbk")
    rows, notes = read_rows(src, SPEC)
    assert rows == [("第 4 行", {"name": "甲公司", "code": "９１"}), ("第 6 行", {"name": "乙公司", "code": "92"})]
    assert notes == ["文件不是 UTF-8，已按 GB18030（GBK）编码读取", "表头在第 3 行，其上 2 行（标题等）未导入",
                     "忽略未识别的列：备注（说明）"]


def test_missing_columns_name_the_readme(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("单位名称,电话\n甲,1\n", encoding="utf-8")
    spec = Spec(columns=SPEC.columns, required=("name", "code"), readme="Importing policies and mailbox letters")
    with pytest.raises(ImportFileError, match=r"缺少必需的列：统一社会信用代码（code）（列名见 README“Importing policies"):
        read_rows(src, spec)


def test_json_wrappers_and_non_objects(tmp_path):
    src = tmp_path / "x.json"
    src.write_text(json.dumps({"code": 0, "data": {"list": [{"单位名称": "甲", "统一社会信用代码": 91, "x": None}, "oops"]}},
                               ensure_ascii=False), encoding="utf-8")
    rows, _ = read_rows(src, SPEC)
    assert rows == [("第 1 条", {"name": "甲", "code": "91"}), ("第 2 条", {"__error__": "应为一组“字段: 值”（JSON 对象）"})]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><item><title>&lol3;</title></item></channel></rss>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title><link>https://e.example/1</link></item></channel></rss>"""


@pytest.mark.parametrize("payload", [BOMB, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(tmp_path, data, capsys, payload):
    src = tmp_path / "feed.xml"
    src.write_bytes(payload)
    code = cli.main(["import-policies", str(src), "--issuer", "生态环境部", "--data", str(data)])
    assert code == 2
    assert "XML 中含有实体或文档类型声明（DTD），为安全起见拒绝读取" in capsys.readouterr().err
    assert sorted(p.name for p in (data / "policies").iterdir()) == ["gb-3095-2012.yaml"]


def test_feed_that_is_not_a_feed(tmp_path):
    with pytest.raises(ImportFileError, match="不是 RSS 或 Atom 订阅（根元素为 <html>）"):
        feeds.feed_rows(b"<html><body>portal error page</body></html>")


# --- import-policies ----------------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [("环办固体〔2024〕12号", "环办固体[2024]12 号"), ("GB 3095-2012", "GB3095—2012"),
                                 ("ＨＪ 164－2020", "HJ164-2020")])
def test_document_numbers_compare_as_the_same(a, b):
    assert doc_key(a) == doc_key(b)


def test_urls_compare_without_scheme_and_trailing_slash():
    assert url_key("http://www.mee.gov.cn/a/b.html#top") == url_key("https://www.mee.gov.cn/a/b.html/")


@pytest.mark.parametrize("row,kind", [
    ({"title": "排污许可管理办法", "doc_no": "生态环境部令第32号"}, "部门规章"),
    ({"title": "中华人民共和国固体废物污染环境防治法"}, "法律"),
    ({"title": "排污许可管理条例", "doc_no": "国务院令第736号"}, "行政法规"),
    ({"title": "地下水环境监测技术规范", "doc_no": "HJ 164-2020"}, "标准"),
    ({"title": "关于印发《危险废物转移管理办法》解读的通知"}, "政策解读"),
    ({"title": "关于做好排污许可证执行报告的通知", "doc_no": "环办环评函〔2024〕5号"}, "规范性文件"),
    ({"title": "某文件", "kind": "地方标准"}, "标准"),
])
def test_kind_inference(row, kind):
    assert infer_kind(row)[0] == kind


def test_portal_csv_export(data):
    report = import_policies(SAMPLES / "policies.csv", data)
    assert report.added == [("第 2 行", "policies/pol-2024-12-b19deaec.yaml"), ("第 5 行", "policies/pol-32-57fb301e.yaml"),
                            ("第 6 行", "policies/pol-e0bb49c407.yaml")]
    assert report.skipped == [
        ("第 3 行", "与第 2 行重复（文号“环办固体[2024]12 号”）"),
        ("第 4 行", "已有同一文件的记录（文号或链接相同），内容不同（可能经人工修改或来源不同），未覆盖：policies/gb-3095-2012.yaml")]
    assert report.rejected == [("第 7 行", ["缺少必填字段「发布日期」（issue_date）"])]
    assert "第 5 行：类别“部门规章”、业务领域“综合”按标题、文号或栏目推断，请核对" in report.notes
    notice = load(data / "policies/pol-2024-12-b19deaec.yaml")
    assert notice == {"id": "pol-2024-12-b19deaec", "title": "关于进一步加强危险废物规范化环境管理有关工作的通知",
                      "doc_no": "环办固体〔2024〕12号", "kind": "规范性文件", "domains": ["固废"], "issuer": "生态环境部办公厅",
                      "issue_date": "2024-05-28", "status": "现行",  # 发布日期, not the 成文日期 column before it
                      "url": "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk05/202405/t20240528_0001.html"}
    assert load(data / "policies/pol-32-57fb301e.yaml")["status"] == "现行"  # 2024-07-01 is before today
    _, problems = validate_tree(data)
    assert problems == []


def test_gb2312_rss_feed_and_atom_feed(data):
    import_policies(SAMPLES / "policies.csv", data)
    rss = import_policies(SAMPLES / "policies.rss.xml", data, issuer="生态环境部")
    assert rss.notes[0] == "RSS 订阅，共 4 条"
    assert rss.added == [("第 1 条", "policies/pol-79aac7abe9.yaml"), ("第 2 条", "policies/hj-164-2020.yaml")]
    assert rss.skipped == [("第 3 条", "已有同一文件的记录（文号或链接相同），内容不同（可能经人工修改或来源不同），"
                                     "未覆盖：policies/pol-2024-12-b19deaec.yaml")]  # same URL, http instead of https
    assert rss.rejected == [("第 4 条", ["缺少必填字段「发布日期」（issue_date）"])]
    reading = load(data / "policies/pol-79aac7abe9.yaml")
    assert (reading["kind"], reading["issue_date"], reading["summary"]) == (
        "政策解读", "2026-11-02", "就《危险废物转移管理办法》的主要内容作出解读。")  # CDATA markup dropped
    assert load(data / "policies/hj-164-2020.yaml")["doc_no"] == "HJ 164-2020"
    atom = import_policies(SAMPLES / "policies.atom.xml", data, issuer="江苏省生态环境厅")
    assert [label for label, _ in atom.added] == ["第 1 条", "第 2 条"] and atom.rejected == []
    first = load(data / atom.added[0][1])
    assert (first["kind"], first["domains"], first["issuer"], first["url"]) == (
        "标准", ["水"], "江苏省生态环境厅", "https://sthjt.jiangsu.gov.cn/example/db32-1072-2018.html")
    assert load(data / atom.added[1][1])["issue_date"] == "2024-09-27"  # published, not updated
    _, problems = validate_tree(data)
    assert problems == []


def test_policy_json_and_reimport_no_op(data, tmp_path, capsys):
    src = tmp_path / "p.json"
    src.write_text(json.dumps({"data": {"records": [
        {"title": "环境空气质量标准", "standard_no": "x", "doc_no": "GB 3095-2012", "issuer": "环境保护部",
         "issue_date": "2012-02-29", "kind": "标准", "domains": "气", "effective_date": "2016-01-01",
         "summary": "规定了环境空气功能区分类、标准分级、污染物项目、平均时间及浓度限值等。"},
        {"标题": "声环境质量标准", "标准号": "GB 3096-2008", "发布机关": "环境保护部", "发布日期": "2008-08-19",
         "实施日期": "2028-10-01", "链接": "https://www.mee.gov.cn/example/gb3096.html"}]}}, ensure_ascii=False),
        encoding="utf-8")
    first = import_policies(src, data)
    assert first.skipped == [("第 1 条", "已导入过，内容未变：policies/gb-3095-2012.yaml")]
    assert first.added == [("第 2 条", "policies/gb-3096-2008.yaml")]
    noise = load(data / "policies/gb-3096-2008.yaml")
    assert (noise["kind"], noise["domains"], noise["status"]) == ("标准", ["声"], "即将实施")
    before = snapshot(data)
    assert cli.main(["import-policies", str(src), "--data", str(data)]) == 0
    assert "新增 0 条，更新 0 条，跳过 2 条，拒绝 0 条" in capsys.readouterr().out
    assert snapshot(data) == before


def test_hand_edited_policy_is_never_overwritten(data):
    import_policies(SAMPLES / "policies.csv", data)
    path = data / "policies/pol-2024-12-b19deaec.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "keywords: [危险废物, 规范化管理]\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    report = import_policies(SAMPLES / "policies.csv", data)
    assert report.added == [] and path.read_text(encoding="utf-8") == text
    assert ("第 2 行", "已有同一文件的记录（文号或链接相同），内容不同（可能经人工修改或来源不同），"
                      "未覆盖：policies/pol-2024-12-b19deaec.yaml") in report.skipped


# --- import-letters -----------------------------------------------------------------------------------

def test_minister_mailbox_gbk_export(data):
    report = import_letters(SAMPLES / "letters-minister.gbk.csv", data, mailbox="生态环境部部长信箱")
    assert [label for label, _ in report.added] == ["第 2 行", "第 3 行", "第 4 行"]
    assert report.skipped == [("第 6 行", "与第 2 行重复（链接“https://www.mee.gov.cn/hdjl/bzxx/202609/t20260912_0005.html”）")]
    assert report.rejected == [("第 5 行", ["信件尚无答复，不能作为常见问题导入"])]
    assert "第 4 行：答复过长已截断；分类“环保手续”按关键词推断" in report.notes
    faqs = {label: load(data / rel) for label, rel in report.added}
    transfer = faqs["第 2 行"]
    assert transfer["question"] == "请问危险废物跨省转移需要多长时间审批？我公司联系电话022-66281234。"  # an office landline is public
    assert transfer["category"] == "固废" and transfer["date"] == "2026-09-12"
    assert transfer["source"] == {"mailbox": "生态环境部部长信箱", "reply_date": "2026-09-12",
                                  "url": "https://www.mee.gov.cn/hdjl/bzxx/202609/t20260912_0005.html",
                                  "office": "生态环境部固体废物与化学品司"}
    assert faqs["第 3 行"]["question"] == "我家附近工地 每晚十一点后还在施工，噪音很大，应向哪个部门反映？"
    assert faqs["第 3 行"]["category"] == "声"
    long = faqs["第 4 行"]["answer"]
    assert len(long) == 5000 and long.endswith("……（全文见原文链接）")
    text = "".join(p.read_text(encoding="utf-8") for p in (data / "faq").glob("*.yaml"))
    assert "张某某" not in text  # the writer is not republished
    _, problems = validate_tree(data)
    assert problems == []


def test_government_mailbox_xlsx_and_department_json(data):
    xlsx = import_letters(SAMPLES / "letters-government.xlsx", data)
    assert [label for label, _ in xlsx.added] == ["第 2 行", "第 3 行"]
    fumes = load(data / xlsx.added[0][1])
    assert (fumes["category"], fumes["source"]["mailbox"], fumes["source"]["reply_date"]) == ("气", "天津市人民政府信箱", "2026-06-03")
    assert load(data / xlsx.added[1][1])["category"] == "水"
    js = import_letters(SAMPLES / "letters-department.json", data)
    assert [label for label, _ in js.added] == ["第 1 条"]
    assert load(data / js.added[0][1])["source"]["office"] == "江苏省生态环境厅"
    _, problems = validate_tree(data)
    assert problems == []


def test_letters_reimport_is_a_no_op_and_hand_edits_stay(data):
    first = import_letters(SAMPLES / "letters-minister.gbk.csv", data, mailbox="生态环境部部长信箱")
    edited = data / first.added[1][1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("category: 声", "category: 环保手续"), encoding="utf-8")
    before = snapshot(data)
    again = import_letters(SAMPLES / "letters-minister.gbk.csv", data, mailbox="生态环境部部长信箱")
    assert again.added == [] and snapshot(data) == before
    assert again.skipped[:2] == [("第 2 行", f"已导入过，内容未变：{first.added[0][1]}"),
                                 ("第 3 行", f"已有同一信件的记录，内容不同（可能经人工修改），未覆盖：{first.added[1][1]}")]


def test_letters_need_a_mailbox(data, tmp_path, capsys):
    code = cli.main(["import-letters", str(SAMPLES / "letters-minister.gbk.csv"), "--data", str(data)])
    assert code == 1
    assert "第 2 行：缺少信箱名称：加“信箱”列，或用 --mailbox 指定" in capsys.readouterr().out
    assert sorted(p.name for p in (data / "faq").iterdir()) == ["faq-air-standard.yaml"]


@pytest.mark.parametrize("source,expected", [
    ("示例整理", ("示例整理", "")),
    ({"mailbox": "生态环境部部长信箱", "office": "大气环境司", "reply_date": "2026-08-28", "url": "https://e.example/1"},
     ("生态环境部部长信箱 · 大气环境司答复 · 2026-08-28", "https://e.example/1")),
    ({"mailbox": "天津市人民政府信箱"}, ("天津市人民政府信箱", "")),
])
def test_faq_source_as_shown(source, expected):
    assert source_text(source) == expected


@pytest.mark.parametrize("module,start,end", [
    ("agencies", "### import-agencies columns", "### import-credit columns"),
    ("credit", "### import-credit columns", "## Importing policies and mailbox letters"),
    ("policies", "| column (import-policies)", "`import-letters` turns"),
    ("letters", "| column (import-letters)", "Sample exports of every importer"),
])
def test_readme_tables_list_every_accepted_header(module, start, end):
    """The README's table of each importer is what the importer reads: every header it accepts is listed."""
    import importlib
    spec = importlib.import_module(f"build_tools.submit.importers.{module}").SPEC
    readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(start):readme.index(end)]
    missing = [alias for aliases in spec.columns.values() for alias in aliases
               if alias != "ignored" and alias not in section]
    assert missing == []
