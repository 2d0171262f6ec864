"""Form-to-record intake: real-looking issue bodies -> exact YAML, or exact Chinese errors naming the form field."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from build_tools.submit.intake import intake, parse_body
from conftest import FIXTURES, ROOT

BODIES = FIXTURES / "intake"

AGENCY_YAML = """\
id: haihe-eco-lab
name: 天津海河示例生态检测有限公司
credit_code: 91120116MA05T5678D
legal_representative: 王示例
established: 2016-03-08
registered_on: 2024-05-20
registered_address:
  province: 天津市
  city: 天津市
  district: 滨海新区
  detail: 第二大街示例路18号（海河大厦）
office_in_zone: true
resident_staff: 12
staff_total: 1200
company_size: 中型
business_types:
- 环境监测
- 在线运维
service_scope: 水、气、声环境监测；在线监测设施运维。
service_regions:
- 天津市
- 河北省
website: https://example.com/haihe
qualifications:
- name: 检验检测机构资质认定证书
  kind: 检验检测机构资质认定(CMA)
  number: '210212340099'
  issuer: 天津市市场监督管理局
  valid_until: 2027-05-31
- name: 危险废物经营许可证
  kind: 危险废物经营许可证
  number: TJHW-2023-01
  issuer: 天津市生态环境局
  issued_on: 2023-01-01
  valid_until: 2028-01-01
contacts:
- name: 李示例
  role: 业务经理
  phone: SEALED
  email: li@example.com
- name: 赵示例
  phone: 022-66281234
disclosure:
- item: 服务承诺
  content: 按国家标准开展监测，数据真实可追溯。
  date: 2024-05-20
"""


def body(name: str) -> str:
    return (BODIES / name).read_text(encoding="utf-8")


SEALED = re.search(r"sealed:v1:\S+", body("agency.md")).group()  # sealed to the DEMO key of tests/keys


def test_parse_body_headings_and_no_response():
    answers = parse_body("### 机构编号\n\nabc-def\n\n### 简称\n\n_No response_\n\n### 资质\n\na | b\nc | d\n")
    assert answers == {"机构编号": "abc-def", "简称": "", "资质": "a | b\nc | d"}


def test_new_agency_exact_yaml(data_copy):
    """Full-width digits and letters, 2016年3月8日, 1,200, '022 6628 1234', a sealed mobile, '｜' separators,
    empty optional fields and a whole empty optional address are all normalised or left out."""
    result = intake(body("agency.md"), data_copy)
    assert result.errors == []
    assert result.path == data_copy / "agencies/haihe-eco-lab/agency.yaml"
    assert result.path.read_text(encoding="utf-8") == AGENCY_YAML.replace("SEALED", SEALED)


def test_project_exact_yaml_with_cross_references(data_copy):
    result = intake(body("project.md"), data_copy)
    assert result.errors == []
    assert result.path == data_copy / "agencies/demo-alpha/projects/demo-alpha-2025-001.yaml"
    assert result.path.read_text(encoding="utf-8") == (
        "id: demo-alpha-2025-001\nagency: demo-alpha\nname: 示例园区2025年地下水监测\nclient: 示例园区管理委员会\n"
        "type: 环境监测\nstart_date: 2025-03-25\nstatus: 进行中\n"
        "location:\n  province: 天津市\n  city: 天津市\n  district: 滨海新区\n"
        "amount: 298000\nsummary: |-\n  按季度开展地下水监测，\n  共 12 个点位。\ndisclosed_on: 2025-04-01\n")


def test_wrong_credit_code_and_other_mistakes_exact_errors(data_copy):
    text = (body("agency.md").replace("９１１２０１１６ＭＡ０５Ｔ５６７８Ｄ", "91120116MA05T12340")
            .replace("2016年3月8日", "2016年2月30日").replace("\n中型\n", "\n特大型\n")
            .replace(SEALED, "138 1234 567").replace("\n１２\n", "\n十二\n"))
    result = intake(text, data_copy)
    assert result.errors == [
        "「统一社会信用代码」校验不通过：应为 18 位，按 GB 32100-2015 计算校验位，请对照营业执照核对（现为“91120116MA05T12340”）",
        "「成立日期」日期格式不正确或日期不存在，应为 YYYY-MM-DD，例如 2023-06-30（现为“2016-02-30”）",
        "「区内常驻服务人员（人）」应为整数，现在是“十二”",
        "「企业规模」的取值“特大型”不在允许范围内，可选：大型、中型、小型、微型",
        "「联系人」第 1 行：「电话」格式不正确：带区号的固定电话（例如 022-66281234）或 400 电话可直接填写；"
        "手机号属于个人信息，须先在平台网站的「号码加密」页面加密，填写以 sealed:v1: 开头的密文"
        "（网站只显示 138****5678 这样的部分号码）。（现为“1381234567”）",
    ]
    assert not (data_copy / "agencies/haihe-eco-lab").exists()  # nothing half-written


def test_table_row_with_too_many_columns_is_reported_with_the_rest(data_copy):
    text = body("agency.md").replace("赵示例 | | 022 6628 1234 |", "赵示例 | | 022 6628 1234 | | 多余")
    result = intake(text, data_copy.parent / "other-root")
    assert result.errors == ["「联系人」第 2 行有 5 栏，最多 4 栏（顺序：姓名 | 职务 | 电话 | 电子邮箱；内容中不能含竖线）"]


def test_review_cross_record_errors_name_form_fields(data_copy):
    result = intake(body("review_wrong.md"), data_copy)
    assert result.kind == "enterprise_review"  # guessed from the headings
    assert result.errors == [
        "「评价企业」：评价企业须为该项目的委托企业“燕赵示例食品有限公司”",
        "「项目编号」：项目“demo-beta-2023-001”不属于机构“demo-alpha”，评价须针对该机构自己的项目",
        "「分项评分·专业能力」：缺少必填字段「专业能力」（professionalism）",
    ]
    assert not (data_copy / "reviews/enterprise/er-9001.yaml").exists()


def test_failed_update_restores_the_existing_record(data_copy):
    existing = data_copy / "agencies/demo-alpha/agency.yaml"
    before = existing.read_bytes()
    text = body("agency.md").replace("haihe-eco-lab", "demo-alpha").replace("\n中型\n", "\n特大型\n")
    result = intake(text, data_copy)
    assert result.path == existing and len(result.errors) == 1
    assert existing.read_bytes() == before


def test_missing_id_and_unknown_heading(data_copy):
    text = body("project.md").replace("demo-alpha-2025-001", "_No response_") + "\n### 备注\n\n请尽快\n"
    result = intake(text, data_copy, "project")
    assert result.path is None
    assert result.errors == ["表单中有无法识别的栏目「备注」，请不要修改栏目标题",
                             "「项目编号」：缺少必填字段「项目编号」（id）"]


def test_cli_exit_codes_and_comment(data_copy, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(body("review_wrong.md"), encoding="utf-8")
    comment = tmp_path / "comment.md"
    run = subprocess.run([sys.executable, "-m", "build_tools", "intake", str(bad), "--data", str(data_copy),
                          "--comment", str(comment)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1 and run.stdout == ""
    assert "「项目编号」：项目“demo-beta-2023-001”不属于机构“demo-alpha”" in run.stderr
    assert comment.read_text(encoding="utf-8").startswith("⚠️ 表单内容未通过检查，共 3 个问题：\n\n```text\n- 「评价企业」")
    ok = subprocess.run([sys.executable, "-m", "build_tools", "intake", str(BODIES / "project.md"), "--kind", "project",
                         "--data", str(data_copy)], cwd=data_copy.parent, capture_output=True, text=True,
                        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == str(Path("data/agencies/demo-alpha/projects/demo-alpha-2025-001.yaml"))
