"""import-agencies and import-credit on the shipped sample exports (tests/fixtures/imports/), and the
官方名单核验 / credit computations the agency page and the evaluation read."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from build_tools.commands import cli
from build_tools.compute import official as off
from build_tools.compute import scoring
from build_tools.records.safeyaml import load_bytes
from build_tools.records.validate import validate_tree
from build_tools.submit.importers import cells, store
from build_tools.submit.importers.agencies import import_agencies, split_address
from build_tools.submit.importers.credit import import_credit
from build_tools.submit.importers.table import ImportFileError
from conftest import FIXTURES, MINI
from fictitious import MOBILE_2, RESIDENT_ID

SAMPLES = FIXTURES / "imports"
TODAY = "2026-11-25"
MONITORING, HAZARDOUS, EIA = "环境监测服务机构名单", "危险废物经营许可证企业名单", "环境影响评价机构名单"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("PLATFORM_TODAY", TODAY)


@pytest.fixture
def data(tmp_path) -> Path:
    """The mini data plus two waste agencies that entered their own 危废 licences."""
    dst = tmp_path / "data"
    shutil.copytree(MINI, dst)
    for agency in (SAMPLES / "agencies").iterdir():
        shutil.copytree(agency, dst / "agencies" / agency.name)
    return dst


def load(path: Path) -> dict:
    return load_bytes(path.read_bytes()).data


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def monitoring(data: Path, **kw) -> store.Report:
    return import_agencies(SAMPLES / "agencies-monitoring.gbk.csv", data, list_name=MONITORING,
                           publisher="天津市生态环境局", date=dt.date(2026, 10, 31), **kw)


def hazardous(data: Path, **kw) -> store.Report:
    return import_agencies(SAMPLES / "agencies-hazardous-waste.xlsx", data, list_name=HAZARDOUS,
                           publisher="天津市生态环境局", date=dt.date(2026, 10, 15), **kw)


# --- cells --------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["９１１２０１１６ＭＡ０５Ｔ１２３４９", "91120116ma05t12349", " 9112 0116 MA05 T123 49 ",
                                  "91120116-MA05T12349"])
def test_credit_codes_as_typed_in_exports(cell):
    assert cells.credit_code(cell) == "91120116MA05T12349"


@pytest.mark.parametrize("cell,reason", [
    ("91120116MA05T12340", "校验位不符（GB 32100-2015：按前 17 位应为 9）"),
    ("9.11201E+17", "被 Excel 存成了数字（科学计数法）"),
    ("91120116MA05T1234", "应为 18 位（现为 17 位）"),
    ("91120116MA05O12349", "含有不允许的字符 O"),
    ("9112A116MA05T12349", "第 3–8 位应为数字"),
])
def test_bad_credit_codes_say_why(cell, reason):
    with pytest.raises(cells.CellError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        cells.credit_code(cell)


@pytest.mark.parametrize("cell,expected", [
    ("2021年7月1日至2026年6月30日", ("2021-07-01", "2026-06-30")),
    ("2020.9.1-2025.8.31", ("2020-09-01", "2025-08-31")),
    ("2021-06-30-2026-06-29", ("2021-06-30", "2026-06-29")),
    ("2021-06-30～长期", ("2021-06-30", None)),
    ("２０２７年５月３１日", (None, "2027-05-31")),
    ("长期有效", (None, None)),
])
def test_validity_cells(cell, expected):
    assert cells.validity(cell) == expected


def test_validity_ending_before_it_starts_is_refused():
    with pytest.raises(cells.CellError, match="截止日早于起始日"):
        cells.validity("2024-03-01至2024-02-28")


@pytest.mark.parametrize("text,expected", [
    ("天津市滨海新区第三大街示例路8号", ("天津市", "天津市", "滨海新区", "第三大街示例路8号")),
    ("天津市天津市南开区示例道 3 号", ("天津市", "天津市", "南开区", "示例道3号")),
    ("天津东丽区华明街道示例路12号", ("天津市", "天津市", "东丽区", "华明街道示例路12号")),
    ("江苏省苏州市吴江区黎里镇示例路88号", ("江苏省", "苏州市", "吴江区", "黎里镇示例路88号")),
    ("浙江省嘉兴市嘉善县西塘镇示例路6号", ("浙江省", "嘉兴市", "嘉善县", "西塘镇示例路6号")),
    ("新疆维吾尔自治区乌鲁木齐市天山区示例路1号", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "示例路1号")),
])
def test_addresses_split_into_province_city_district(text, expected):
    assert tuple(split_address(text).values()) == expected


@pytest.mark.parametrize("text", ["示例工业园3号楼", "江苏省示例路1号", "天津市滨海新区"])
def test_incomplete_addresses_are_not_guessed(text):
    assert split_address(text) is None


# --- import-agencies ------------------------------------------------------------------------------

def test_monitoring_list_gbk_csv(data):
    own = snapshot(data / "agencies")
    report = monitoring(data)
    assert report.notes == ["文件不是 UTF-8，已按 GB18030（GBK）编码读取", "表头在第 3 行，其上 2 行（标题等）未导入"]
    assert report.added == [
        ("第 4 行", "official/qualifications/em-91120116ma05t12349.yaml"),
        ("第 5 行", "official/qualifications/em-91120118ma06abcd1y.yaml"),
        ("第 5 行", "agencies/ag-91120118ma06abcd1y/agency.yaml"),
        ("第 6 行", "official/qualifications/em-91120104ma05xy7k3f.yaml"),
        ("第 6 行", "agencies/ag-91120104ma05xy7k3f/agency.yaml"),
        ("第 12 行", "official/qualifications/em-91120113ma05lm1236.yaml")]
    assert report.skipped == [
        ("第 7 行", "与第 5 行重复（统一社会信用代码 91120118MA06ABCD1Y，编号 230212340099）"),
        ("第 12 行", "平台尚无统一社会信用代码为 91120113MA05LM1236 的机构，未新建机构记录：住所无法分出省、市、区（县），"
                    "请补全住所或加上“省份”“地市”“区县”列")]
    assert report.rejected == [
        ("第 9 行", ["统一社会信用代码“91120116MA05T12340”校验位不符（GB 32100-2015：按前 17 位应为 9），请对照营业执照核对"]),
        ("第 10 行", ["统一社会信用代码“9.11201E+17”被 Excel 存成了数字（科学计数法），后几位已丢失：请将该列设为“文本”后重新导出"]),
        ("第 11 行", ["有效期至“2026-02-30”不是有效日期，应为 YYYY-MM-DD，例如 2025-03-01"])]
    assert report.findings == []  # demo-alpha's CMA entry matches the list
    # the agencies' own records are untouched, byte for byte; only new folders were added
    after = snapshot(data / "agencies")
    assert {k: v for k, v in after.items() if k in own} == own
    assert sorted({k.split("/")[0] for k in after} - {k.split("/")[0] for k in own}) == [
        "ag-91120104ma05xy7k3f", "ag-91120118ma06abcd1y"]
    _, problems = validate_tree(data)
    assert problems == []

    alpha = load(data / "official/qualifications/em-91120116ma05t12349.yaml")
    assert alpha["licences"] == [{"number": "210212340001", "scope": "水和废水、环境空气和废气、噪声；土壤和沉积物",
                                  "issuer": "天津市市场监督管理局", "valid_until": "2027-05-31"}]
    assert alpha["source"] == {"title": MONITORING, "publisher": "天津市生态环境局", "region": "天津市", "date": "2026-10-31"}
    assert alpha["imported_on"] == TODAY and store.untouched(alpha)
    new = load(data / "agencies/ag-91120104ma05xy7k3f/agency.yaml")
    assert new == {
        "id": "ag-91120104ma05xy7k3f", "name": "示例环境技术（天津）有限公司", "credit_code": "91120104MA05XY7K3F",
        "legal_representative": "赵示例", "registered_on": TODAY,
        "registered_address": {"province": "天津市", "city": "天津市", "district": "南开区", "detail": "示例道3号"},
        "business_types": ["环境监测"],
        "imported": {"list": MONITORING, "source": alpha["source"], "imported_on": TODAY}}


def test_hazardous_waste_xlsx_groups_licences_and_reports_differences(data):
    before = (data / "agencies/jinbin-waste/agency.yaml").read_bytes()
    report = hazardous(data)
    assert report.notes == ["表头在第 2 行，其上 1 行（标题等）未导入"]
    assert report.added == [("第 3 行", "official/qualifications/hw-91120116ma07hw0128.yaml"),
                            ("第 4 行、第 5 行", "official/qualifications/hw-91120116ma06kk889e.yaml"),
                            ("第 4 行", "agencies/ag-91120116ma06kk889e/agency.yaml")]
    assert report.rejected == [("第 7 行", ["有效期“2024-03-01至2024-02-28”的截止日早于起始日"])]
    assert report.findings == [
        ("海河示例再生资源有限公司（haihe-recycling）", "官方名单未收录：填报的危险废物经营许可证 TJHW-2022-0789；"
         "天津市危险废物经营许可证企业名单中没有该单位（统一社会信用代码 91120110MA05RC7787）"),
        ("津滨示例环保科技有限公司（jinbin-waste）", "不一致：填报的危险废物经营许可证（综合经营） TJHW-2021-0123；"
         "有效期：机构填报至 2027-06-30，官方名单为至 2026-06-30"),
        ("津滨示例环保科技有限公司（jinbin-waste）", "不一致：填报的危险废物经营许可证（收集） TJHW-2023-0456；"
         "官方名单中该单位的编号为 TJHW-2021-0123，没有 TJHW-2023-0456")]
    assert (data / "agencies/jinbin-waste/agency.yaml").read_bytes() == before  # what the agency wrote stays
    two = load(data / "official/qualifications/hw-91120116ma06kk889e.yaml")
    assert [(lic["number"], lic.get("valid_from"), lic["valid_until"], lic["capacity"]) for lic in two["licences"]] == [
        ("TJHW-2020-0042", "2020-09-01", "2025-08-31", "30000"), ("TJHW-2025-0101", "2025-09-01", "2030-08-31", "50000")]
    assert "facility_address" not in two["licences"][0]  # “—” is an empty cell
    assert two["licences"][0]["scope"] == "经营方式：收集、贮存、处置；类别：HW18 焚烧处置残渣"
    assert two["licences"][0]["issued_on"] == "2020-09-01"  # an Excel date cell
    _, problems = validate_tree(data)
    assert problems == []


def test_national_eia_list_without_certificate_numbers(data):
    report = import_agencies(SAMPLES / "agencies-eia.csv", data, list_name=EIA, publisher="生态环境部",
                             date=dt.date(2026, 11, 1), url="https://www.mee.gov.cn/example/eia-list")
    assert report.rejected == [] and report.notes == ["忽略未识别的列：编制人员数量、环境影响评价工程师数量"]
    beta = load(data / "official/qualifications/eia-91130100ma0k54321r.yaml")
    assert beta["source"]["region"] == "全国" and beta["licences"] == [{"status": "正常公开"}]
    shanghai = load(data / "agencies/ag-91310118ma1jl0012x/agency.yaml")
    assert shanghai["registered_address"] == {"province": "上海市", "city": "上海市", "district": "青浦区",
                                              "detail": "朱家角镇示例路18号"}
    assert shanghai["business_types"] == ["环评机构"]


def test_reimport_is_a_no_op_even_with_another_list_date(data, capsys):
    monitoring(data)
    hazardous(data)
    before = snapshot(data)
    again = monitoring(data)
    assert again.added == [] and again.updated == []
    assert ("第 4 行", "已导入过，内容未变：official/qualifications/em-91120116ma05t12349.yaml") in again.skipped
    code = cli.main(["import-agencies", str(SAMPLES / "agencies-hazardous-waste.xlsx"), "--list", "危废",
                     "--publisher", "天津市生态环境局", "--date", "2026-11-30", "--data", str(data)])
    out = capsys.readouterr().out
    assert code == 1 and "新增 0 条，更新 0 条，跳过 2 条，拒绝 1 条" in out
    assert snapshot(data) == before


def test_a_changed_list_updates_official_records_but_never_hand_edited_ones(data, tmp_path):
    hazardous(data)
    renewed = tmp_path / "renewed.csv"
    renewed.write_text("单位名称,统一社会信用代码,许可证编号,有效期限\n"
                       "津滨示例环保科技有限公司,91120116MA07HW0128,TJHW-2021-0123,2021-07-01至2027-06-30\n"
                       "天津示例固废处置有限公司,91120116MA06KK889E,TJHW-2025-0101,2025-09-01至2030-08-31\n",
                       encoding="utf-8")
    # a maintainer corrects one official record by hand: the importer must leave it alone from now on
    edited = data / "official/qualifications/hw-91120116ma06kk889e.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("吴示例", "吴某示例"), encoding="utf-8")
    edited_text = edited.read_text(encoding="utf-8")
    report = import_agencies(renewed, data, list_name=HAZARDOUS, publisher="天津市生态环境局", date=dt.date(2026, 11, 20))
    assert report.updated == [("第 2 行", "official/qualifications/hw-91120116ma07hw0128.yaml")]
    assert report.skipped == [("第 3 行", "已有记录，内容不同（可能经人工修改），未覆盖："
                                          "official/qualifications/hw-91120116ma06kk889e.yaml（不同之处：资质（许可证）、住所、法定代表人）")]
    assert edited.read_text(encoding="utf-8") == edited_text
    jinbin = load(data / "official/qualifications/hw-91120116ma07hw0128.yaml")
    assert jinbin["licences"] == [{"number": "TJHW-2021-0123", "valid_from": "2021-07-01", "valid_until": "2027-06-30"}]
    assert jinbin["source"]["date"] == "2026-11-20" and store.untouched(jinbin)
    # the renewed validity now matches the agency's own entry; its other number is still not on the list
    assert [f[1] for f in report.findings if "jinbin" in f[0]] == [
        "不一致：填报的危险废物经营许可证（收集） TJHW-2023-0456；官方名单中该单位的编号为 TJHW-2021-0123，没有 TJHW-2023-0456"]


def test_dry_run_and_exit_codes(data, tmp_path, capsys):
    before = snapshot(data)
    args = ["import-agencies", str(SAMPLES / "agencies-monitoring.gbk.csv"), "--list", "环境监测",
            "--publisher", "天津市生态环境局", "--data", str(data)]
    assert cli.main(args + ["--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "将新增 6 条，将更新 0 条，跳过 2 条，拒绝 3 条（试运行，未写入文件）" in out
    assert snapshot(data) == before
    assert cli.main(args[:2] + ["--list", "名单", "--publisher", "x", "--data", str(data)]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("序号,资质认定证书编号\n1,2102\n", encoding="utf-8")
    assert cli.main(["import-agencies", str(bad), "--list", "环境监测", "--publisher", "天津市生态环境局",
                     "--data", str(data)]) == 2
    assert "缺少必需的列：机构名称（name）、统一社会信用代码（credit_code）" in capsys.readouterr().err
    assert cli.main(["import-agencies", str(bad), "--list", "环境监测", "--publisher", "某协会", "--data", str(data)]) == 2
    assert "请用 --region 指定" in capsys.readouterr().err


# --- 官方名单核验 ---------------------------------------------------------------------------------------

AGENCY = {"credit_code": "91120116MA07HW0128", "registered_address": {"province": "天津市"}, "qualifications": [
    {"name": "危废证", "kind": "危险废物经营许可证", "number": "TJHW-2021-0123", "valid_until": "2026-06-30"}]}


def _official(number: str | None, until: str | None, region: str = "天津市", partial: bool = False) -> dict:
    lic = {k: v for k, v in (("number", number), ("valid_until", until)) if v}
    source = {"title": HAZARDOUS, "publisher": "天津市生态环境局", "region": region, "date": "2026-10-15"}
    return {"list": HAZARDOUS, "credit_code": AGENCY["credit_code"], "licences": [lic],
            "source": {**source, **({"partial": True} if partial else {})}}


@pytest.mark.parametrize("records,other,status,notes", [
    ([_official("TJHW 2021－0123", "2026-06-30")], [], off.VERIFIED, ()),  # width, dash and space variants
    ([_official("TJHW-2021-0123", "2026-12-31")], [], off.DIFFERS, ("有效期：机构填报至 2026-06-30，官方名单为至 2026-12-31",)),
    ([_official("TJHW-2019-0001", "2026-06-30")], [], off.DIFFERS, ("官方名单中该单位的编号为 TJHW-2019-0001，没有 TJHW-2021-0123",)),
    ([], [_official("X", "2027-01-01")], off.NOT_LISTED, ("天津市危险废物经营许可证企业名单中没有该单位（统一社会信用代码 91120116MA07HW0128）",)),
    ([], [_official("X", "2027-01-01", region="全国")], off.NOT_LISTED, ("全国危险废物经营许可证企业名单中没有该单位（统一社会信用代码 91120116MA07HW0128）",)),
    ([], [_official("X", "2027-01-01", region="河北省")], off.UNCHECKED, ()),
    ([], [_official("X", "2027-01-01", partial=True)], off.UNCHECKED, ()),  # a batch list proves no absence
])
def test_verify_statuses(records, other, status, notes):
    checks = off.verify(AGENCY, records, off.coverage(records + other))
    assert (checks[0].kind, checks[0].status, checks[0].notes) == ("危险废物经营许可证", status, notes)
    # a listed licence under another number is shown too, as one the agency did not enter
    assert [c.status for c in checks[1:]] == ([off.OFFICIAL_ONLY] if "编号为" in "".join(notes) else [])


def test_official_licence_the_agency_did_not_enter():
    rec = _official("TJHW-2025-0101", "2030-08-31")
    checks = off.verify({**AGENCY, "qualifications": []}, [rec], off.coverage([rec]))
    assert [(c.status, c.label, c.official["number"]) for c in checks] == [
        (off.OFFICIAL_ONLY, "官方名单收录，机构未填报", "TJHW-2025-0101")]
    assert off.summary(checks) == "已核验"


# --- import-credit --------------------------------------------------------------------------------

def import_all_credit(data: Path) -> list[store.Report]:
    return [import_credit(SAMPLES / "credit-penalties.gb18030.csv", data, default_type="行政处罚"),
            import_credit(SAMPLES / "credit-abnormal.xlsx", data, default_type="经营异常",
                          title="国家企业信用信息公示系统", publisher="国家市场监督管理总局"),
            import_credit(SAMPLES / "credit-serious.json", data)]


def test_credit_exports_in_three_layouts(data):
    penalties, abnormal, serious = import_all_credit(data)
    assert penalties.notes[0] == "文件不是 UTF-8，已按 GB18030（GBK）编码读取"
    assert "1 条记录的统一社会信用代码不属于平台上的机构，未导入（平台只公开在册机构的信用记录）" in penalties.notes
    assert [label for label, _ in penalties.added] == ["第 2 行", "第 3 行"]
    assert penalties.rejected == [("第 5 行", [
        "决定（列入）日期“2026-13-01”不是有效日期，应为 YYYY-MM-DD，例如 2025-03-01",
        "罚款金额（万元）“一万二”不是有效金额，应为数字，可带“元”或“万元”，例如 300000 或 30万"])]
    assert [label for label, _ in abnormal.added] == ["第 2 行", "第 3 行"] and abnormal.rejected == []
    assert [label for label, _ in serious.added] == ["第 1 条"]
    _, problems = validate_tree(data)
    assert problems == []
    records = {r["decision_no"] if "decision_no" in r else r["date"]: r
               for r in map(load, (data / "official/credit").glob("*.yaml"))}
    fine = records["津滨环罚〔2024〕12号"]
    assert (fine["type"], fine["amount"], fine["date"], fine["publicity_until"], fine["authority"]) == (
        "行政处罚", 12000, "2024-03-10", "2027-03-10", "天津市滨海新区生态环境局")
    assert fine["content"] == "罚款；罚款人民币1.2万元" and fine["source"]["title"] == "信用中国"
    assert fine["reason"] == "监测数据：出具的一份噪声监测报告未按规范记录仪器校准信息"
    listed = records["2024-07-15"]
    assert (listed["type"], listed["removed_on"], listed["source"]["publisher"]) == (
        "经营异常", "2024-11-02", "国家市场监督管理总局")
    assert records["津环信〔2026〕3号"]["type"] == "严重失信"


def test_credit_reimport_is_a_no_op_and_a_removal_updates_the_record(data, tmp_path):
    import_all_credit(data)
    before = snapshot(data)
    again = import_all_credit(data)
    assert all(r.added == [] and r.updated == [] for r in again)
    assert snapshot(data) == before
    later = tmp_path / "abnormal-later.csv"  # a later export: the listing has since been removed
    later.write_text("企业名称,统一社会信用代码,列入经营异常名录原因,列入日期,作出决定机关（列入）,移出经营异常名录原因,移出日期\n"
                     "海河示例再生资源有限公司,91120110MA05RC7787,通过登记的住所或者经营场所无法联系的,2026-04-01,"
                     "天津市东丽区市场监督管理局,依法办理住所变更登记,2026-09-30\n", encoding="utf-8")
    report = import_credit(later, data, default_type="经营异常", title="国家企业信用信息公示系统",
                           publisher="国家市场监督管理总局")
    assert [label for label, _ in report.updated] == ["第 2 行"]
    rec = load(data / report.updated[0][1])
    assert (rec["removed_on"], rec["removal_reason"]) == ("2026-09-30", "依法办理住所变更登记")


# --- credit in the evaluation: a rule in config/scoring.yaml ------------------------------------------------

def _credit(kind: str, date: str, removed: str | None = None) -> off.CreditRecord:
    data = {"type": kind, "date": date, "authority": "示例局", **({"removed_on": removed} if removed else {})}
    return off.credit_record(data)


CFG = {"grades": [{"grade": "A", "min": 85}, {"grade": "B", "min": 70}, {"grade": "C", "min": 60}, {"grade": "D", "min": 0}],
       "credit": {"行政处罚": {"deduct": 5, "max_deduct": 8, "window_years": 3}, "经营异常": {"max_grade": "C"},
                  "严重失信": {"max_grade": "D"}}}


def test_credit_effect_follows_the_configured_rules():
    on = dt.date(2026, 12, 31)
    records = [_credit("行政处罚", "2026-03-10"), _credit("行政处罚", "2025-01-05"), _credit("行政处罚", "2023-12-31"),
               _credit("经营异常", "2024-07-15", removed="2024-11-02")]
    deduction, cap, lines = scoring.credit_effect(records, CFG, 2026, on)
    assert (deduction, cap) == (8, None)  # two penalties in 2024–2026, 10 points capped at 8; removed listing ignored
    assert lines == ("行政处罚 2 条（示例局 2026-03-10；示例局 2025-01-05）：扣 8 分",)
    deduction, cap, _ = scoring.credit_effect([_credit("经营异常", "2026-04-01"), _credit("严重失信", "2026-05-18")],
                                              CFG, 2026, on)
    assert (deduction, cap) == (0, "D")
    assert scoring.credit_effect([_credit("严重失信", "2027-01-05")], CFG, 2026, on) == (0, None, ())


def test_credit_rules_are_checked():
    from build_tools.inputs.config import load_scoring
    cfg = load_scoring()
    assert scoring.check_config(cfg) == []
    bad = {**cfg, "credit": {"失信被执行人": {"deduct": 1}, "经营异常": {"max_grade": "E"}, "行政处罚": {"deduct": -1, "x": 1}}}
    assert scoring.check_config(bad) == [
        "credit 中的记录类别“失信被执行人”未知（可用：行政处罚、经营异常、严重失信）",
        "credit.经营异常.max_grade 须为 grades 中的等级",
        "credit.行政处罚 只能设 deduct、max_deduct、max_grade、window_years"]


def test_imported_credit_changes_the_score_through_the_config(data):
    from build_tools.pipeline import prepare
    before = prepare(data).ctx.computed["scores"].history("demo-alpha")
    import_all_credit(data)
    after = prepare(data).ctx.computed["scores"].history("demo-alpha")
    by_year = {s.year: (s.total, s.before_credit, s.credit) for s in after}
    old = {s.year: s.total for s in before}
    assert by_year[2023] == (old[2023], None, ())  # the 2024 penalty does not reach back
    total, raw, lines = by_year[2024]
    assert raw == old[2024] and total == round(old[2024] - 5, 1)
    assert lines == ("行政处罚 1 条（天津市滨海新区生态环境局 2024-03-10 津滨环罚〔2024〕12号）：扣 5 分",)


def test_agency_page_context_joins_official_data_by_credit_code(data):
    from build_tools.pipeline import prepare
    monitoring(data)
    hazardous(data)
    import_all_credit(data)
    official = prepare(data).ctx.computed["official"]
    alpha = official.for_agency("demo-alpha")
    assert alpha["official_summary"] == "已核验"
    assert [(c.kind, c.status) for c in alpha["official_checks"]] == [("检验检测机构资质认定(CMA)", off.VERIFIED)]
    assert [(r.type, r.date.isoformat()) for r in alpha["credit_records"]] == [("行政处罚", "2024-03-10")]
    jinbin = official.for_agency("jinbin-waste")
    assert jinbin["official_summary"] == "存在差异"
    assert [(c.status, c.claimed["number"]) for c in jinbin["official_checks"]] == [
        (off.DIFFERS, "TJHW-2021-0123"), (off.DIFFERS, "TJHW-2023-0456")]
    assert [(r.type, r.in_force(dt.date(2026, 11, 25))) for r in jinbin["credit_records"]] == [
        ("行政处罚", True), ("经营异常", False)]


def test_unusable_files_raise(tmp_path, data):
    bomb = tmp_path / "x.xlsx"
    bomb.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportFileError, match="无法读取 Excel 文件"):
        import_credit(bomb, data, default_type="行政处罚")


def test_only_maintainers_change_official_records(data):
    """Official data lives apart from the agency's folder, so the folder rule keeps the agency out of it."""
    from build_tools.submit.ownership import decide, load_owners
    (data / "owners.yaml").write_text("maintainers: [eco-admin]\nagencies:\n  jinbin-waste: [jinbin]\n", encoding="utf-8")
    hazardous(data)
    import_all_credit(data)
    owners, problems = load_owners(data)
    assert problems == []
    official = data / "official/qualifications/hw-91120116ma07hw0128.yaml"
    penalty = next((data / "official/credit").glob("cr-91120116ma07hw0128-*.yaml"))
    for path in (official, penalty):
        assert not decide("jinbin", path, data, owners, lambda p: True).allowed
        assert decide("eco-admin", path, data, owners, lambda p: True).allowed
    assert decide("jinbin", data / "agencies/jinbin-waste/agency.yaml", data, owners, lambda p: True).allowed
    # an imported agency's record is no one's until a maintainer registers the agency's account
    imported = data / "agencies/ag-91120116ma06kk889e/agency.yaml"
    assert not decide("someone", imported, data, owners, lambda p: True).allowed


def test_hand_edited_credit_record_is_never_overwritten(data, tmp_path):
    report = import_credit(SAMPLES / "credit-abnormal.xlsx", data, default_type="经营异常")
    path = data / report.added[1][1]  # 海河示例再生资源有限公司, still listed
    path.write_text(path.read_text(encoding="utf-8").replace("通过登记的住所或者经营场所无法联系的",
                                                             "通过登记的住所无法联系（经核实已整改）"), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    later = tmp_path / "later.csv"
    later.write_text("企业名称,统一社会信用代码,列入经营异常名录原因,列入日期,作出决定机关（列入）,移出日期\n"
                     "海河示例再生资源有限公司,91120110MA05RC7787,通过登记的住所或者经营场所无法联系的,2026-04-01,"
                     "天津市东丽区市场监督管理局,2026-09-30\n", encoding="utf-8")
    again = import_credit(later, data, default_type="经营异常")
    assert again.updated == [] and path.read_text(encoding="utf-8") == text
    assert again.skipped == [("第 2 行", f"已有记录，内容不同（可能经人工修改），未覆盖：{report.added[1][1]}"
                                        "（不同之处：事由、移出（修复）日期）")]


@pytest.mark.parametrize("args", [
    ["import-credit", str(SAMPLES / "credit-serious.json")],
    ["import-policies", str(SAMPLES / "policies.atom.xml"), "--issuer", "江苏省生态环境厅"],
    ["import-letters", str(SAMPLES / "letters-government.xlsx")],
])
def test_dry_run_writes_nothing(data, capsys, args):
    before = snapshot(data)
    assert cli.main(args + ["--data", str(data), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "（试运行，未写入文件）" in out and "将新增" in out and "将新增 0 条" not in out
    assert snapshot(data) == before


def test_personal_numbers_in_official_text_are_sealed(data, tmp_path):
    """No record holds a full mobile or ID number: the importers seal them, and re-imports still compare equal."""
    from build_tools.records import personal
    penalties = tmp_path / "p.csv"
    penalties.write_text("行政相对人名称,统一社会信用代码,行政处罚决定书文号,违法事实,处罚决定日期,处罚机关\n"
                         "津沽示例环境监测有限公司,91120116MA05T12349,津滨环罚〔2025〕7号,"
                         f"现场负责人（身份证号{RESIDENT_ID}，电话{MOBILE_2}）拒绝检查,2025-05-06,天津市滨海新区生态环境局\n",
                         encoding="utf-8")
    report = import_credit(penalties, data, default_type="行政处罚")
    path = data / report.added[0][1]
    text = path.read_text(encoding="utf-8")
    assert RESIDENT_ID not in text and MOBILE_2 not in text and text.count("sealed:v1:") == 2
    assert personal.masked_view(load(path)["reason"]) == "现场负责人（身份证号110105********002X，电话139****5678）拒绝检查"
    _, problems = validate_tree(data)
    assert problems == []
    before = snapshot(data)
    again = import_credit(penalties, data, default_type="行政处罚")
    assert again.added == again.updated == [] and snapshot(data) == before
