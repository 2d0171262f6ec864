"""The shipped sample data is valid and has the breadth the foundation issue asks for."""
from collections import Counter

import pytest

from build_tools.records.validate import validate_tree
from conftest import ROOT

ALL_TYPES = {"环评机构", "废水治理", "废气治理", "固废处置", "环保咨询", "在线运维", "环境监测", "低碳服务",
             "节能改造/新能源建设", "其他"}


@pytest.fixture(scope="module")
def sample():
    dataset, problems = validate_tree(ROOT / "data")
    assert problems == [], "\n".join(map(str, problems))
    return dataset


def test_agencies_cover_provinces_and_types(sample):
    agencies = sample.of("agency")
    assert len(agencies) >= 30
    assert len({a.data["registered_address"]["province"] for a in agencies}) >= 4
    assert {t for a in agencies for t in a.data["business_types"]} == ALL_TYPES
    assert all("示例" in a.data["name"] for a in agencies)  # invented companies are obviously fictional


def test_projects_span_three_years(sample):
    projects = sample.of("project")
    assert len(projects) >= 150
    per_year = Counter(p.data["start_date"][:4] for p in projects)
    assert sum(1 for n in per_year.values() if n >= 20) >= 3


def test_other_kinds_have_enough_records(sample):
    assert len(sample.of("enterprise_review")) > 0 and len(sample.of("management_review")) > 0
    assert len(sample.of("demand")) >= 20
    assert len(sample.of("policy")) >= 30
    assert len(sample.of("course")) >= 10
    assert len(sample.of("expert")) >= 10
    faq = Counter(f.data["category"] for f in sample.of("faq"))
    assert sum(faq.values()) >= 60
    assert all(faq[c] >= 5 for c in ("水", "气", "声", "固废", "环保手续"))


def test_real_standards_carry_their_numbers(sample):
    numbers = {p.data.get("doc_no") for p in sample.of("policy")}
    assert {"GB 3095-2012", "GB 3838-2002", "GB 18597-2023", "HJ 819-2017"} <= numbers
