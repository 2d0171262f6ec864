"""import-notices: CSV/JSON exports -> validated demand records; never overwrites, re-import is a no-op."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from build_tools.commands import cli
from build_tools.records.safeyaml import load_bytes
from build_tools.records.validate import validate_tree
from build_tools.submit.notices import CellError, NoticeFileError, import_notices, parse_budget, parse_date, record_id

HEADER = "公告编号,标题,公告类型,省,市,区县,镇街,需求类型,预算,发布主体,发布日期,截止日期,原文链接,联系人,联系电话,附件"
GOOD = [
    "沪采-2026-001,青浦示例园区监测服务采购,采购公告,上海市,上海市,青浦区,朱家角镇,环境监测,30万,青浦示例管委会,"
    "2026/10/1,2026年12月1日,https://example.com/n/1,李工,021-59871234,需求书|https://example.com/n/1.pdf",
    "QP-2026-002,示例污水厂运营服务招标,招标公告,上海市,上海市,青浦区,,废水治理,50-80万,青浦示例水务有限公司,"
    "2026-10-02,2026-12-02,,,,",
]


def write_csv(path: Path, rows: list[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["import-notices", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml"))}


def test_rows_become_valid_records(tmp_path):
    data = tmp_path / "data"
    report = import_notices(write_csv(tmp_path / "n.csv", GOOD), data)
    assert report.added == [("第 2 行", "dm-2026-001-273928c4"), ("第 3 行", "dm-qp-2026-002")]
    assert report.skipped == [] and report.rejected == []
    dataset, problems = validate_tree(data)
    assert problems == []
    first = dataset.get("demand", "dm-2026-001-273928c4").data
    assert first == {
        "id": "dm-2026-001-273928c4", "title": "青浦示例园区监测服务采购", "source": "官方公告", "notice_type": "采购公告",
        "notice_no": "沪采-2026-001", "url": "https://example.com/n/1",
        "region": {"province": "上海市", "city": "上海市", "district": "青浦区", "town": "朱家角镇"},
        "demand_type": "环境监测", "budget": {"amount": 300000}, "publisher": "青浦示例管委会",
        "publish_date": "2026-10-01", "deadline": "2026-12-01", "status": "征集中",
        "contact": {"name": "李工", "phone": "021-59871234"},
        "attachments": [{"title": "需求书", "kind": "公告", "url": "https://example.com/n/1.pdf"}]}
    second = dataset.get("demand", "dm-qp-2026-002").data
    assert second["budget"] == {"min": 500000, "max": 800000} and "town" not in second["region"]


def test_duplicate_rows_in_one_file_are_skipped(tmp_path):
    dup_no = GOOD[1].replace("示例污水厂运营服务招标", "示例污水厂运营服务招标（更正）")
    dup_url = "QP-2026-009,另一标题,采购公告,上海市,上海市,,,环境监测,1000,某单位,2026-10-03,,https://example.com/n/1,,,"
    report = import_notices(write_csv(tmp_path / "n.csv", GOOD + [dup_no, dup_url]), tmp_path / "data")
    assert [label for label, _ in report.added] == ["第 2 行", "第 3 行"]
    assert report.skipped == [("第 4 行", "与第 3 行重复（公告编号“QP-2026-002”）"),
                              ("第 5 行", "与第 2 行重复（原文链接“https://example.com/n/1”）")]
    assert len(list((tmp_path / "data/demands").glob("*.yaml"))) == 2


def test_malformed_dates_and_amounts_are_rejected_with_row_numbers(tmp_path, capsys):
    bad = [
        GOOD[1],
        "QP-2026-003,坏日期,招标公告,上海市,上海市,,,废水治理,100000,某单位,2026-02-30,,,,,",
        "QP-2026-004,坏金额,招标公告,上海市,上海市,,,废水治理,约三十万,某单位,2026-10-01,,,,,",
        "",  # blank rows in exports are not rows, but still count in the spreadsheet numbering
        "QP-2026-005,倒置,招标公告,上海市,上海市,,,水处理,80-50万,某单位,20261001,2026-09-01,,,,",
        "QP-2026-006,截止早于发布,招标公告,上海市,上海市,,,废水治理,,某单位,2026-10-01,2026-09-01,,,,",
    ]
    code, out, _ = run(capsys, write_csv(tmp_path / "n.csv", bad), "--data", tmp_path / "data")
    assert code == 1
    assert "新增 1 条，跳过 0 条，拒绝 4 条" in out
    assert "第 3 行：发布日期“2026-02-30”不是有效日期，应为 YYYY-MM-DD，例如 2025-03-01" in out
    assert "第 4 行：预算“约三十万”不是有效金额，应为数字，可带“元”或“万元”，例如 300000 或 30万" in out
    line6 = next(line for line in out.splitlines() if line.startswith("  第 6 行："))
    assert "预算下限（500000 元）高于上限（800000 元）" not in line6  # 80-50万 is min 800000 > max 500000
    assert "预算下限（800000 元）高于上限（500000 元）" in line6
    assert "发布日期“20261001”不是有效日期" in line6
    assert "「需求类型」的取值“水处理”不在允许范围内" in line6
    assert "第 7 行：截止日期（2026-09-01）早于发布日期（2026-10-01）" in out
    assert [p.name for p in (tmp_path / "data/demands").glob("*.yaml")] == ["dm-qp-2026-002.yaml"]


def test_reimport_is_a_no_op(tmp_path, capsys):
    source, data = write_csv(tmp_path / "n.csv", GOOD), tmp_path / "data"
    assert run(capsys, source, "--data", data)[0] == 0
    before = snapshot(data / "demands")
    code, out, _ = run(capsys, source, "--data", data)
    assert code == 0
    assert snapshot(data / "demands") == before
    assert "新增 0 条，跳过 2 条，拒绝 0 条" in out
    assert "第 2 行：已导入过，内容未变：dm-2026-001-273928c4" in out
    assert "第 3 行：已导入过，内容未变：dm-qp-2026-002" in out


def test_hand_edited_record_is_never_overwritten(tmp_path):
    source, data = write_csv(tmp_path / "n.csv", GOOD), tmp_path / "data"
    import_notices(source, data)
    edited = data / "demands/dm-qp-2026-002.yaml"
    text = edited.read_text(encoding="utf-8").replace("status: 征集中", "status: 已成交").replace(
        "示例污水厂运营服务招标", "示例污水厂运营服务招标（人工更正）")
    edited.write_text(text, encoding="utf-8")
    # a record written by hand under another file name, with the notice number of a new row
    manual = data / "demands/qingpu-manual.yaml"
    manual.write_text(edited.read_text(encoding="utf-8").replace("dm-qp-2026-002", "qingpu-manual")
                      .replace("QP-2026-002", "QP-2026-010"), encoding="utf-8")
    row10 = GOOD[1].replace("QP-2026-002", "QP-2026-010")
    report = import_notices(write_csv(tmp_path / "n2.csv", GOOD + [row10]), data)
    assert report.added == []
    assert report.skipped == [
        ("第 2 行", "已导入过，内容未变：dm-2026-001-273928c4"),
        ("第 3 行", "已有记录，内容不同（可能经人工修改），未覆盖：dm-qp-2026-002"),
        ("第 4 行", "已有记录，内容不同（可能经人工修改），未覆盖：qingpu-manual")]
    assert edited.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (data / "demands").glob("*.yaml")) == [
        "dm-2026-001-273928c4.yaml", "dm-qp-2026-002.yaml", "qingpu-manual.yaml"]


def test_json_export_with_numbers_and_attachment_list(tmp_path):
    notices = {"notices": [
        {"notice_no": "JS-2026-7", "title": "吴江示例园区废气监测", "notice_type": "询价公告", "province": "江苏省",
         "city": "苏州市", "district": "吴江区", "demand_type": "环境监测", "budget_min": 100000, "budget_max": 250000.5,
         "publisher": "吴江示例园区", "publish_date": "2026-11-01", "deadline": None,
         "attachments": [{"title": "询价函", "url": "https://example.com/js7.pdf"}]},
        {"notice_no": "JS-2026-8", "title": "x", "notice_type": "询价公告", "province": "江苏", "city": "苏州市",
         "demand_type": "环境监测", "publisher": "吴江示例园区", "publish_date": "2026-11-01"},
        "not an object",
    ]}
    source = tmp_path / "n.json"
    source.write_text(json.dumps(notices, ensure_ascii=False), encoding="utf-8")
    report = import_notices(source, tmp_path / "data")
    assert report.added == [("第 1 条", "dm-js-2026-7")]
    data = load_bytes((tmp_path / "data/demands/dm-js-2026-7.yaml").read_bytes()).data
    assert data["budget"] == {"min": 100000, "max": 250000.5} and "deadline" not in data
    assert data["attachments"] == [{"title": "询价函", "kind": "公告", "url": "https://example.com/js7.pdf"}]
    labels = {label: reasons for label, reasons in report.rejected}
    assert any("「标题」内容太短" in r for r in labels["第 2 条"])
    assert "「省级行政区」格式不正确：全称，例如 天津市、河北省、浙江省。（现为“江苏”）" in labels["第 2 条"]
    assert labels["第 3 条"] == ["应为一组“字段: 值”（JSON 对象）"]


def test_gbk_export_from_excel_is_read(tmp_path):
    report = import_notices(write_csv(tmp_path / "n.csv", GOOD[1:], encoding="gbk"), tmp_path / "data")
    assert report.added == [("第 2 行", "dm-qp-2026-002")]
    assert report.notes == ["文件不是 UTF-8，已按 GB18030（GBK）编码读取"]


def test_unusable_file_exits_2_with_reason(tmp_path, capsys):
    source = write_csv(tmp_path / "n.csv", ["x,y"], header="标题,发布主体")
    code, _, err = run(capsys, source, "--data", tmp_path / "data")
    assert code == 2
    assert "缺少必需的列：公告类型（notice_type）、省（province）、市（city）、需求类型（demand_type）、发布日期（publish_date）" in err
    assert not (tmp_path / "data").exists()


def test_dry_run_writes_nothing(tmp_path, capsys):
    code, out, _ = run(capsys, write_csv(tmp_path / "n.csv", GOOD), "--data", tmp_path / "data", "--dry-run")
    assert code == 0 and "将新增 2 条" in out and not (tmp_path / "data").exists()


@pytest.mark.parametrize("cell,expected", [
    ("300000", {"amount": 300000}), ("300,000.00", {"amount": 300000}), ("¥30万元", {"amount": 300000}),
    ("12.5万", {"amount": 125000}), ("1.15万", {"amount": 11500}), ("0.3亿", {"amount": 30000000}),
    ("1234.56元", {"amount": 1234.56}), ("1234.567", {"amount": 1234.57}),
    ("50-80万", {"min": 500000, "max": 800000}), ("50万～80万元", {"min": 500000, "max": 800000}),
    ("200000 至 300000", {"min": 200000, "max": 300000}),
])
def test_budget_cells(cell, expected):
    assert parse_budget({"budget": cell}) == expected


@pytest.mark.parametrize("cell", ["约三十万", "30万美元", "-5", "1-2-3", "万"])
def test_bad_budget_cells(cell):
    with pytest.raises(CellError):
        parse_budget({"budget": cell})


@pytest.mark.parametrize("cell,expected", [("2026-10-01", "2026-10-01"), ("2026/1/5", "2026-01-05"),
                                           ("2026.01.05", "2026-01-05"), ("2026年1月5日", "2026-01-05"),
                                           ("2026-01-05 09:30", "2026-01-05")])
def test_date_cells(cell, expected):
    assert parse_date(cell, "发布日期") == expected


@pytest.mark.parametrize("cell", ["2026-13-01", "2026-02-29", "01/05/2026", "明天"])
def test_bad_date_cells(cell):
    with pytest.raises(CellError, match=f"发布日期“{cell}”不是有效日期"):
        parse_date(cell, "发布日期")


def test_ids_are_stable_and_distinct():
    assert record_id("QP-2026-002", "") == "dm-qp-2026-002"
    # the Chinese prefix is what tells these two apart: it must not be lost
    assert record_id("沪采〔2026〕12号", "") != record_id("苏采〔2026〕12号", "")
    assert record_id(None, "https://example.com/n/1") == record_id(None, "https://example.com/n/1")
    assert record_id(None, "https://example.com/n/1").startswith("dm-")


def test_excel_export_with_date_and_number_cells(tmp_path):
    import datetime as dt

    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["QP-2026-020", "Excel 导出的公告", "采购公告", "上海市", "上海市", "青浦区", None, "环境监测", 300000.0,
                  "青浦示例管委会", dt.datetime(2026, 10, 1), dt.date(2026, 12, 1), None, None, None, None])
    sheet.append(["QP-2026-021", "日期写错", "采购公告", "上海市", "上海市", None, None, "环境监测", "三十万",
                  "青浦示例管委会", "2026-10-32", None, None, None, None, None])
    source = tmp_path / "n.xlsx"
    book.save(source)
    report = import_notices(source, tmp_path / "data")
    assert report.added == [("第 2 行", "dm-qp-2026-020")]
    data = load_bytes((tmp_path / "data/demands/dm-qp-2026-020.yaml").read_bytes()).data
    assert (data["budget"], data["publish_date"], data["deadline"]) == ({"amount": 300000}, "2026-10-01", "2026-12-01")
    assert report.rejected == [("第 3 行", [
        "预算“三十万”不是有效金额，应为数字，可带“元”或“万元”，例如 300000 或 30万",
        "发布日期“2026-10-32”不是有效日期，应为 YYYY-MM-DD，例如 2025-03-01"])]


def test_damaged_excel_file_is_refused(tmp_path):
    source = tmp_path / "n.xlsx"
    source.write_bytes(b"not a zip")
    with pytest.raises(NoticeFileError, match="无法读取 Excel 文件"):
        import_notices(source, tmp_path / "data")
