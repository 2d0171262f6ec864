"""Annual statistics on tests/fixtures/report: every figure equals a hand count (see the fixture's README)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from build_tools import inputs
from build_tools.commands import cli
from build_tools.compute import stats, usage
from build_tools.context import BuildContext
from build_tools.inputs.gitlog import read_history
from build_tools.records.validate import validate_tree
from build_tools.render import charts, opendata, report
from build_tools.settings import UsageSettings
from build_tools.settings import load as load_settings
from conftest import FIXTURES

REPORT = FIXTURES / "report"


def compute(root: Path) -> stats.Stats:
    dataset, problems = validate_tree(root)
    assert problems == []
    settings = load_settings()  # the site's own mkdocs.yml, as `mkdocs build` reads it
    ctx = BuildContext(root.resolve(), dt.date(2026, 11, 25), settings=settings, inputs=inputs.read(root, settings))
    return stats.compute(dataset, ctx)


@pytest.fixture(scope="module")
def computed() -> stats.Stats:
    return compute(REPORT)


def csv_rows(frame) -> list[list[str]]:
    from build_tools.render.tabular import csv_bytes
    return list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))


def shares(items: list[stats.Share]) -> dict[str, tuple[int, int | None]]:
    return {s.label: (s.count, s.percent) for s in items if s.count}


def test_percent_is_integer_rounded_half_up_like_the_seed():
    assert stats.percent(167, 191) == 87      # the seed's 天津 share
    assert stats.percent(72, 153) == 47       # 环保咨询
    assert stats.percent(300 - 371, 371) == -19  # projects disclosed 2023 vs 2022
    assert stats.percent(1, 8) == 13 and stats.percent(-1, 8) == -13  # 12.5 -> 13, not banker's 12
    assert stats.percent(3, 0) is None


def test_years_span_the_data(computed):
    years = sorted(computed.years)
    # records span 2021..2024; the fixture's own git commits (usage: 机构端 edits) may add later years
    assert years == list(range(2021, max(years) + 1)) and max(years) >= 2024


def test_the_current_year_counts_up_to_the_build_date():
    dataset, _ = validate_tree(REPORT)
    settings = load_settings()
    ctx = BuildContext(REPORT.resolve(), dt.date(2023, 6, 30), settings=settings, inputs=inputs.read(REPORT, settings))
    result = stats.compute(dataset, ctx)
    assert sorted(result.years) == [2021, 2022, 2023]
    s = result.for_year(2023)
    assert s.partial and s.as_of_text == "2023年6月30日" and s.previous.as_of_text == "2022年12月底"
    assert (s.agencies_total, s.agencies_new) == (5, 2)          # r-a6 (Dec 31) not yet
    assert (s.projects_total, s.projects_completed, s.projects_in_progress) == (6, 4, 2)  # r-p3 ended on Jun 30
    assert stats.tables(s)[0].title == "2023年主要指标（截至2023年6月30日）"


def test_2023_registration_and_regions(computed):
    s = computed.for_year(2023)
    assert not s.partial and s.as_of_text == "2023年12月底"
    # registered_on <= 2023-12-31: r-a1..r-a6 (r-a6 on Dec 31 counts, r-a7 on 2024-01-01 does not)
    assert s.agencies_total == 6
    assert s.agencies_new == 3                # r-a4, r-a5, r-a6
    assert shares(s.regions) == {"天津": (3, 50), "河北": (1, 17), "北京": (1, 17), "其他": (1, 17)}
    assert [r.label for r in s.regions] == ["天津", "河北", "北京", "其他"]
    assert s.top_region().label == "天津"
    assert s.office_in_zone == 3              # r-a1, r-a2, r-a4
    assert s.resident_staff == 10 + 5 + 7     # r-a3's 3 staff are not in the zone


def test_2023_business_types(computed):
    s = computed.for_year(2023)
    assert s.agencies_with_types == 6
    assert shares(s.business_types) == {"环境监测": (1, 17), "在线运维": (1, 17), "环保咨询": (3, 50), "废水治理": (1, 17),
                                        "环评机构": (1, 17), "低碳服务": (1, 17), "其他": (1, 17)}
    assert len(s.business_types) == 10       # every type is listed, zeros included


def test_2023_projects(computed):
    s = computed.for_year(2023)
    assert s.projects_total == 8              # r-p8 was disclosed on 2024-01-02
    assert s.projects_recent == 7             # start 2021..2023: all but r-p1 (2020)
    assert s.projects_completed == 6          # r-p1 p2 p3 p6 p7 p9; r-p4 only ended in 2024
    assert s.projects_in_progress == 2        # r-p4, r-p5
    assert s.enterprises_served == 3          # 甲, 乙, 丁 (丙 is outside, 戊 did not say)
    assert shares(s.project_types) == {"环境监测": (2, 29), "环保咨询": (2, 29), "在线运维": (1, 14),
                                       "废水治理": (1, 14), "环评机构": (1, 14)}
    assert s.disclosed_by_year == {2021: 1, 2022: 3, 2023: 4}  # as of 2023-12-31: r-p8 (2024) not yet
    assert (s.disclosed, s.disclosed_previous, s.disclosed_change) == (4, 3, 33)


def test_2022_figures_and_year_on_year_deltas(computed):
    s22 = computed.for_year(2022)
    assert (s22.agencies_total, s22.agencies_new, s22.office_in_zone, s22.resident_staff) == (3, 2, 2, 15)
    assert shares(s22.regions) == {"天津": (2, 67), "河北": (1, 33)}
    assert (s22.projects_total, s22.projects_recent, s22.projects_completed, s22.projects_in_progress) == (4, 4, 2, 2)
    assert s22.enterprises_served == 2
    assert s22.disclosed_change == 200
    s = computed.for_year(2023)
    deltas = {name: s.delta(name) for name, _, _ in stats.FIGURES}
    assert deltas == {"agencies_total": 3, "agencies_new": 1, "office_in_zone": 1, "resident_staff": 7,
                      "agencies_with_types": 3, "projects_total": 4, "projects_recent": 3, "projects_completed": 4,
                      "projects_in_progress": 0, "enterprises_served": 1, "disclosed": 1}


def test_2023_usage_from_access_log_and_export(computed):
    u = computed.for_year(2023).usage
    # 12 log lines + 1 junk line: 5 counted in 2023 + export rows 3 + 2; asset, 404, bot, POST and 2022 are not.
    assert u.log_files == ["access.log", "analytics.csv"]
    assert u.public_total == 12 and u.total == 12
    assert shares(u.by_portal) == {"企业端": (6, 50), "机构端": (2, 17), "管理端": (4, 33)}
    grid = u.by_module.to_dict(orient="index")
    assert grid == {"基本信息": {"企业端": 1, "机构端": 2, "管理端": 0}, "年度报告": {"企业端": 0, "机构端": 0, "管理端": 3},
                    "项目业绩": {"企业端": 3, "机构端": 0, "管理端": 0}, "开放数据": {"企业端": 0, "机构端": 0, "管理端": 1},
                    "文件": {"企业端": 1, "机构端": 0, "管理端": 0}, "机构列表": {"企业端": 1, "机构端": 0, "管理端": 0}}
    assert u.by_action.to_dict(orient="index") == {"查看": {"企业端": 5, "机构端": 2, "管理端": 1},
                                                   "下载": {"企业端": 1, "机构端": 0, "管理端": 3}}
    months = u.by_month.sum(axis=1)
    assert {m: int(n) for m, n in months.items() if n} == {1: 2, 3: 3, 5: 5, 12: 2}
    assert computed.for_year(2022).usage.public_total == 1  # the 2022-12-31 visit of the home page


def test_usage_text_names_the_leading_portal_and_modules(computed):
    text = report.usage_text(computed.for_year(2023))
    assert [p.label for p in text["portals"]] == ["企业端", "管理端", "机构端"]
    assert text["top_modules"] == "基本信息、年度报告和项目业绩"
    assert text["enterprise_modules"] == "项目业绩、基本信息和文件"
    assert text["agency_actions"] == "" and text["admin_actions"] == "管理端除查看外，主要以下载行为为主。"
    assert text["max_month"] == (5, 5) and text["min_month"][1] == 0


def test_action_sentences_follow_the_data():
    import pandas as pd
    grid = pd.DataFrame({"企业端": [5, 1, 0, 0], "机构端": [2, 0, 4, 1], "管理端": [0, 0, 3, 0]},
                        index=["查看", "下载", "新增", "上传"])
    assert report.action_sentences(grid) == ("除查看、下载之外，机构端的操作行为还包括新增、上传等行为。", "管理端主要以新增行为为主。")
    grid.loc["查看", "机构端"] = 0
    assert report.action_sentences(grid)[0] == "机构端的操作行为主要为新增、上传。"


def test_missing_usage_input_is_said_not_zeroed(tmp_path):
    data = tmp_path / "data"  # a copy outside any git checkout and without data/usage
    shutil.copytree(REPORT, data, ignore=shutil.ignore_patterns("usage"))
    s = compute(data).for_year(2023)
    assert s.usage.total == 0 and s.usage.log_files == [] and not s.usage.git_available
    notes = " ".join(report.usage_missing(s))
    assert "未提供网站访问记录" in notes and "未取得数据维护记录" in notes  # public wording: no tool names
    assert "git" not in notes and "data/" not in notes
    assert [t.key for t in stats.tables(s)][-1] == "projects_per_year"  # no usage tables of zeros


def _git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_agency_actions_come_from_git_history(tmp_path):
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(REPORT, data, ignore=shutil.ignore_patterns("usage"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "old records", date="2022-06-01T10:00:00+08:00")  # 16 records added in 2022
    agency = data / "agencies/r-a2/agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8") + "staff_total: 9\n", encoding="utf-8")
    (data / "agencies/r-a2/files").mkdir()
    (data / "agencies/r-a2/files/brochure.pdf").write_bytes(b"%PDF-1.4\n")
    (data / "usage").mkdir()
    (data / "usage/access.log").write_text("", encoding="utf-8")   # logs are not user actions
    (repo / "README.md").write_text("outside data/", encoding="utf-8")  # outside data/: not counted
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "edit + upload", date="2023-12-05T10:00:00+08:00")
    _git(repo, "rm", "-q", "data/agencies/r-a2/projects/r-p5.yaml")
    _git(repo, "commit", "-qm", "remove project", date="2023-12-07T10:00:00+08:00")
    got = usage.git_events(read_history(data), data)
    assert got[1] is True
    events = [(e["date"].isoformat(), e["portal"], e["module"], e["action"]) for e in got[0] if e["date"].year == 2023]
    assert sorted(events) == [("2023-12-05", "机构端", "基本信息", "编辑"), ("2023-12-05", "机构端", "文件", "上传"),
                              ("2023-12-07", "机构端", "项目业绩", "删除")]
    added_2022 = [e for e in got[0] if e["date"].year == 2022]
    assert len(added_2022) == 16 and {e["action"] for e in added_2022} == {"新增"}
    s = compute(data).for_year(2023)
    assert s.usage.agency_total == 3 and s.usage.git_available
    assert s.usage.by_action.loc["上传", "机构端"] == 1


def test_portal_rule_and_modules():
    rule = usage.PortalRule.from_settings(UsageSettings(base_path="/eco/", admin_networks=("198.51.100.0/24",)))
    assert rule.portal("198.51.100.9", None) == "管理端"
    assert rule.portal("192.0.2.9", "https://git.example.org/x/pull/3") == "机构端"
    assert rule.portal("192.0.2.9", "https://www.example.com/") == "企业端"
    assert rule.relative("/eco/agencies/?q=1") == "agencies/" and rule.relative("/other/") is None
    assert usage.module_of("agencies/x/files/a.pdf") == "文件" and usage.module_of("") == "首页"
    assert usage.action_of("opendata/projects.json") == "下载" and usage.action_of("assets/x.js") is None


def test_chart_labels_from_data_are_escaped():
    import pandas as pd
    frame = pd.DataFrame({"类型": ["<b onmouseover=x>粗</b>"], "数量（项）": [2]})
    fig = charts.bar(frame, "<i>标题</i>", "项")
    assert fig["data"][0]["x"] == ["&lt;b onmouseover=x&gt;粗&lt;/b&gt;"]
    assert fig["layout"]["title"]["text"] == "&lt;i&gt;标题&lt;/i&gt;"


def test_cli_report_prints_tables_and_writes_csv(tmp_path, capsys):
    assert cli.main(["report", "--year", "2023", "--data", str(REPORT), "--csv", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "## 环境服务第三方机构地区分布" in out and "累计注册机构" in out
    raw = (tmp_path / "regions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["注册地", "数量（家）", "占比（%）"], ["天津", "3", "50"], ["河北", "1", "17"], ["北京", "1", "17"],
                    ["其他", "1", "17"]]
    assert cli.main(["report", "--year", "1999", "--data", str(REPORT)]) == 1


def test_field_dictionary_comes_from_schema_titles():
    agency = {f.name: f for f in opendata.fields("agency")}
    assert agency["credit_code"].title == "统一社会信用代码"
    assert agency["registered_address.province"].title == "注册地址·省级行政区"
    assert agency["registered_on"].type == "日期"
    assert agency["company_size"].description == "取值：大型、中型、小型、微型。"
    assert agency["business_types"].type == "列表" and "环保咨询" in agency["business_types"].description
    project = {f.name: f.title for f in opendata.fields("project")}
    assert project["client"] == "委托企业" and project["location.city"] == "项目地点·市"


class _FakeScores:
    """The interface the report relies on: for_year(year) and latest(agency_id), items with .total/.grade."""
    def __init__(self, items):
        self.items = items

    def for_year(self, year):
        return [i for i in self.items if i.year == year]

    def latest(self, agency_id):
        found = [i for i in self.items if i.agency == agency_id]
        return found[-1] if found else None


def test_scores_are_used_when_present_and_skipped_otherwise():
    from types import SimpleNamespace as NS
    dataset, _ = validate_tree(REPORT)
    fake = _FakeScores([NS(agency="r-a1", year=2023, total=90.0, grade="A", rank=1),
                        NS(agency="r-a2", year=2023, total=71.0, grade="B", rank=2),
                        NS(agency="r-a3", year=2023, total=None, grade=None, rank=None)])
    ctx = BuildContext(REPORT, dt.date(2026, 11, 25), computed={"scores": fake})
    assert report.score_summary(ctx, 2023) == {"count": 2, "grades": [("A", 1), ("B", 1)], "average": 80.5}
    assert report.score_summary(ctx, 2022) is None
    frame = opendata.score_frame(dataset, ctx)
    assert frame["agency"].tolist() == ["r-a1", "r-a2", "r-a3"] and frame["grade"].tolist()[:2] == ["A", "B"]
    assert csv_rows(frame) == [["agency", "name", "year", "total", "grade", "rank"],
                               ["r-a1", "报告示例监测一号有限公司", "2023", "90.0", "A", "1"],
                               ["r-a2", "报告示例咨询二号有限公司", "2023", "71.0", "B", "2"],
                               ["r-a3", "报告示例水务三号有限公司", "2023", "", "", ""]]
    broken = BuildContext(REPORT, dt.date(2026, 11, 25), computed={"scores": object()})
    assert report.score_summary(broken, 2023) is None and opendata.score_frame(dataset, broken) is None


def test_pie_slices_show_the_tables_integer_percents():
    import pandas as pd
    frame = pd.DataFrame({"注册地": ["天津", "河北"], "数量（家）": [2, 1], "占比（%）": pd.array([67, 33], dtype="Int64")})
    fig = charts.pie(frame, "地区")
    assert fig["data"][0]["text"] == ["67%", "33%"] and fig["data"][0]["values"] == [2, 1]


def test_open_data_csv_cells_cannot_become_formulas():
    """Rows are flattened as they are; the CSV writer makes every cell inert (render/tabular.inert)."""
    import pandas as pd

    from build_tools.render.tabular import csv_bytes
    columns = [f for f in opendata.fields("agency") if f.name in ("name", "service_regions", "office_in_zone")]
    row = opendata.flat_row({"name": "=HYPERLINK(\"http://x\")", "service_regions": ["天津市", "河北省"],
                             "office_in_zone": False}, columns)
    assert row == {"name": "=HYPERLINK(\"http://x\")", "office_in_zone": "否", "service_regions": "天津市、河北省"}
    written = list(csv.DictReader(io.StringIO(csv_bytes(pd.DataFrame([row])).decode("utf-8-sig"))))
    assert written == [{"name": "'=HYPERLINK(\"http://x\")", "office_in_zone": "否", "service_regions": "天津市、河北省"}]
