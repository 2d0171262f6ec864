"""`python -m build_tools new KIND`: Chinese prompts, each answer checked at once, a valid file at the end."""
from __future__ import annotations

import io
import os
import subprocess
import sys

from build_tools.submit.scaffold import scaffold
from conftest import ROOT

PROJECT_ANSWERS = [
    "demo-beta-2025-001",   # 项目编号
    "demo-beta",            # 机构编号
    "燕赵示例食品 2025 年度废水站运维",  # 项目名称
    "燕赵示例食品有限公司",   # 委托企业
    "否",                   # 委托企业是否在区内
    "2",                    # 项目类型: option 2 = 废水治理
    "2025-13-01",           # 开始日期: no such month -> asked again
    "2025年3月1日",          # 开始日期
    "",                     # 结束日期 (optional)
    "进行中",                # 项目状态
    "河北",                  # 省级行政区: pattern fails -> asked again
    "河北省", "沧州市", "", "",  # province, city, district, town
    "８０，０００",            # 合同金额（元）
    "",                     # 项目概述
    "",                     # 公开日期 is required -> asked again
    "2025-03-05",
]


def run(kind, answers, data):
    out = io.StringIO()
    path, errors = scaffold(kind, io.StringIO("\n".join(answers) + "\n"), out, data)
    return path, errors, out.getvalue()


def test_new_project_reasks_invalid_answers_and_writes_a_valid_file(data_copy):
    path, errors, shown = run("project", PROJECT_ANSWERS, data_copy)
    assert errors == []
    assert path == data_copy / "agencies/demo-beta/projects/demo-beta-2025-001.yaml"
    assert path.read_text(encoding="utf-8") == (
        "id: demo-beta-2025-001\nagency: demo-beta\nname: 燕赵示例食品 2025 年度废水站运维\nclient: 燕赵示例食品有限公司\n"
        "client_in_zone: false\ntype: 废水治理\nstart_date: 2025-03-01\nstatus: 进行中\n"
        "location:\n  province: 河北省\n  city: 沧州市\namount: 80000\ndisclosed_on: 2025-03-05\n")
    assert "项目类型（必填）\n" in shown and "1. 环评机构  2. 废水治理" in shown
    assert "  ✗ 「开始日期」日期格式不正确或日期不存在，应为 YYYY-MM-DD，例如 2023-06-30（现为“2025-13-01”）\n" in shown
    assert "  ✗ 「省级行政区」格式不正确：全称，例如 天津市、河北省、浙江省。（现为“河北”）\n" in shown
    assert shown.count("公开日期（必填）") == 2 and "  ✗ 此项必填\n" in shown


def test_table_rows_are_checked_one_by_one(data_copy):
    answers = ["dm-0900", "示例区 2026 年土壤污染状况调查", "企业需求", "企业需求", "", "",
               "天津市", "天津市", "", "", "低碳服务", "", "100000", "50000", "某示例企业", "2026-01-05", "2026-01-01",
               "征集中", "", "", "", "", "",
               "调查方案 | 海报 | https://example.com/a.pdf",   # 海报 is not a 附件类别 -> row refused
               "调查方案 | 公告 | https://example.com/a.pdf | 多余",  # too many columns -> row refused
               "调查方案 | 公告 | https://example.com/a.pdf", ""]
    path, errors, shown = run("demand", answers, data_copy)
    assert "  ✗ 「附件类别」的取值“海报”不在允许范围内，可选：资质证书、宣传册、报告、课件、公告、其他\n" in shown
    assert "  ✗ 第 1 行有 4 栏，最多 3 栏（顺序：附件名称 | 附件类别 | 文件链接；内容中不能含竖线）\n" in shown
    # Each answer was fine alone, but the record is not: min > max budget is allowed by the schema,
    # a deadline before the publish date is not. Nothing is written.
    assert path == data_copy / "demands/dm-0900.yaml" and not path.exists()
    assert errors == ["「预算（元）·预算上限（元）」：「预算上限」（50000 元）不能低于「预算下限」（100000 元）",
                      "「截止日期」（2026-01-01）不能早于「发布日期」（2026-01-05）"]


def test_cli_reads_stdin(data_copy):
    answers = ["mr-2024-demo-beta", "示例市环保产业协会", "demo-beta", "2024", "88.5", "2025-01-20", ""]
    run_ = subprocess.run([sys.executable, "-m", "build_tools", "new", "management_review", "--data", str(data_copy)],
                          input="\n".join(answers) + "\n", capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run_.returncode == 0, run_.stdout + run_.stderr
    written = data_copy / "reviews/management/mr-2024-demo-beta.yaml"
    assert written.read_text(encoding="utf-8") == (
        "id: mr-2024-demo-beta\nreviewer: 示例市环保产业协会\nagency: demo-beta\nyear: 2024\nscore: 88.5\ndate: 2025-01-20\n")
    short = subprocess.run([sys.executable, "-m", "build_tools", "new", "management_review", "--data", str(data_copy)],
                           input="mr-x\n", capture_output=True, text=True, cwd=ROOT)
    assert short.returncode == 1 and "输入已结束，未写入文件。" in short.stderr


def _agency_answers(agency_id: str, in_zone: list[str]) -> list[str]:
    from build_tools.records.codes import credit_check_char
    code = "91120116MA07NEW01"
    return [*agency_id, "示例新机构环境科技有限公司", "", code + credit_check_char(code), "", "", "2026-01-05",
            "天津市", "天津市", "滨海新区", "", "示例路 9 号", *in_zone,
            "", "", "3", "", "", "", "", "", "", "", "", ""]


def test_new_agency_confirms_a_changed_id_and_skips_the_zone_office_after_no(data_copy):
    # "Demo-Gamma" would be written as demo-gamma: asked, refused, typed again
    answers = _agency_answers(["Demo-Gamma", "否", "demo-gamma"], ["否"])
    path, errors, shown = run("agency", answers, data_copy)
    assert errors == [] and path == data_copy / "agencies/demo-gamma/agency.yaml"
    assert "将写为“demo-gamma”（您输入的是“Demo-Gamma”）。确认吗？（是/否）" in shown
    assert shown.count("机构编号（必填）") == 2
    assert "区内办公地址" not in shown and "区内常驻服务人员" not in shown  # not asked after 否
    written = path.read_text(encoding="utf-8")
    assert "office_in_zone: false" in written and "office_address" not in written
    assert "business_types" not in written  # optional: registering without business types is allowed


def test_new_agency_accepts_yes_and_asks_the_zone_office(data_copy):
    answers = _agency_answers(["Demo-Delta", "是"], ["是", "天津市", "天津市", "滨海新区", "", "示例大厦 1 层", "12"])
    path, errors, _shown = run("agency", answers, data_copy)
    assert errors == [] and path == data_copy / "agencies/demo-delta/agency.yaml"
    written = path.read_text(encoding="utf-8")
    assert "office_in_zone: true" in written and "detail: 示例大厦 1 层" in written and "resident_staff: 12" in written
