"""Loader + validator: every reject names file, line and field, in Chinese."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from build_tools.records.validate import validate_tree
from conftest import MINI, ROOT


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(root: Path):
    _, problems = validate_tree(root)
    return problems


def test_mini_fixture_is_valid():
    dataset, problems = validate_tree(MINI)
    assert problems == []
    assert {k: len(v) for k, v in dataset.records.items() if v} == {
        "agency": 2, "project": 3, "enterprise_review": 1, "management_review": 1,
        "demand": 1, "policy": 1, "course": 1, "faq": 1, "expert": 1, "official_qualification": 1, "credit_record": 1,
        "procedure": 1, "event": 1, "consultation": 1, "news": 1}


def test_every_error_is_reported_with_file_line_field(data_copy):
    agency = data_copy / "agencies/demo-alpha/agency.yaml"
    text = agency.read_text(encoding="utf-8")
    text = text.replace("91120116MA05T12349", "91120116MA05T12340").replace("company_size: 中型", "company_size: 特大型")
    text = re.sub(r'phone: "sealed:v1:[^"]+"', 'phone: "12345"', text).replace("url: files/cma.pdf", "url: javascript:alert(1)")
    agency.write_text(text, encoding="utf-8")
    found = {(p.file.split("data/")[-1], p.line, p.field) for p in problems_of(data_copy)}
    assert ("agencies/demo-alpha/agency.yaml", 4, "credit_code") in found
    assert ("agencies/demo-alpha/agency.yaml", 23, "company_size") in found
    assert ("agencies/demo-alpha/agency.yaml", 43, "contacts[0].phone") in found
    assert ("agencies/demo-alpha/agency.yaml", 48, "files[0].url") in found
    assert len(found) == 4  # and no cascade into the files that reference this agency


def test_messages_are_chinese_and_specific(data_copy):
    edit(data_copy / "agencies/demo-beta/agency.yaml", lambda d: d.pop("office_in_zone"))
    [p] = problems_of(data_copy)
    assert p.field == "office_in_zone"
    assert "缺少必填字段「区内是否设立办公场地」" in p.message
    assert str(p).startswith(str(p.file) + ":1:")


def test_unknown_field_and_id_mismatch(data_copy):
    edit(data_copy / "experts/ex-wang.yaml", lambda d: d.update(nmae="x", id="ex-li"))
    messages = {p.field: p.message for p in problems_of(data_copy)}
    assert "不认识的字段 nmae" in messages["nmae"]
    assert "须与文件名" in messages["id"]


def test_review_of_another_agencys_project_is_rejected(data_copy):
    edit(data_copy / "reviews/enterprise/er-0001.yaml", lambda d: d.update(project="demo-beta-2023-001"))
    found = {p.field: p.message for p in problems_of(data_copy)}
    assert "不属于机构" in found["project"]
    assert "委托企业" in found["enterprise"]


def test_project_in_wrong_folder_and_dates_backwards(data_copy):
    edit(data_copy / "agencies/demo-beta/projects/demo-beta-2023-001.yaml",
         lambda d: d.update(agency="demo-alpha", end_date="2023-01-01"))
    found = {p.field: p.message for p in problems_of(data_copy)}
    assert "目录下" in found["agency"]
    assert "不能早于" in found["end_date"]


def test_completed_project_needs_end_date(data_copy):
    edit(data_copy / "agencies/demo-beta/projects/demo-beta-2023-001.yaml", lambda d: d.pop("end_date"))
    [p] = problems_of(data_copy)
    assert p.field == "end_date" and "缺少必填字段" in p.message


def test_broken_reference_and_duplicate_id(data_copy):
    edit(data_copy / "courses/c-air-basics.yaml", lambda d: d.update(policies=["gb-0000"]))
    dup = data_copy / "agencies/demo-beta/projects/demo-alpha-2023-001.yaml"
    dup.write_text((data_copy / "agencies/demo-alpha/projects/demo-alpha-2023-001.yaml").read_text(encoding="utf-8")
                   .replace("agency: demo-alpha", "agency: demo-beta"), encoding="utf-8")
    found = {(Path(p.file).name, p.field): p.message for p in problems_of(data_copy)}
    assert "找不到编号为“gb-0000”" in found[("c-air-basics.yaml", "policies[0]")]
    assert "重复" in found[("demo-alpha-2023-001.yaml", "id")]


def test_missing_local_file_and_path_traversal(data_copy):
    edit(data_copy / "agencies/demo-alpha/agency.yaml",
         lambda d: d["files"].extend([{"title": "缺失", "url": "files/none.pdf"},
                                      {"title": "越界", "url": "files/../../secret.txt"}]))
    found: dict[str, str] = {}
    for p in problems_of(data_copy):  # a field may have several problems: keep them all
        found[p.field] = found.get(p.field, "") + p.message
    assert "不存在" in found["files[1].url"]
    assert "不得包含 .." in found["files[2].url"]


def test_stray_yaml_is_reported(data_copy):
    (data_copy / "agencies/demo-alpha/notes.yml").write_text("a: 1\n", encoding="utf-8")
    [p] = problems_of(data_copy)
    assert "无法识别记录类别" in p.message


def test_cli_reports_all_errors_and_exits_1(data_copy):
    edit(data_copy / "agencies/demo-beta/agency.yaml", lambda d: d.update(company_size="巨型"))
    (data_copy / "demands/dm-0001.yaml").write_bytes("title: 测试\n".encode("gbk"))
    result = subprocess.run([sys.executable, "-m", "build_tools", "validate", str(data_copy)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any("demo-beta/agency.yaml:" in line and "company_size" in line for line in lines)
    assert any("dm-0001.yaml:1:" in line and "UTF-8" in line for line in lines)
    assert "2 个问题" in result.stderr


def test_cli_single_file_mode(data_copy):
    target = data_copy / "agencies/demo-beta/agency.yaml"
    result = subprocess.run([sys.executable, "-m", "build_tools", "validate", str(target)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_wrong_types_in_reference_fields_do_not_crash_cross_checks(data_copy):
    """Found by the property-based test: cross-record checks also see schema-invalid records."""
    edit(data_copy / "agencies/demo-alpha/projects/demo-alpha-2023-001.yaml", lambda d: d.update(agency=[]))
    edit(data_copy / "reviews/enterprise/er-0001.yaml", lambda d: d.update(project={"x": 1}))
    found = {(Path(p.file).name, p.field) for p in problems_of(data_copy)}
    assert ("demo-alpha-2023-001.yaml", "agency") in found and ("er-0001.yaml", "project") in found
