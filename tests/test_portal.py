"""Unit tests of the ways in: form links, the 专家咨询 flow, display admission, synonyms, usage modules."""
from __future__ import annotations

import shutil
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import yaml

from build_tools.commands.consult import promote
from build_tools.compute import usage
from build_tools.compute.admission import Admission, check, from_config
from build_tools.records.validate import validate_tree
from build_tools.render.forge import Forge
from build_tools.render.synonyms import expansions
from conftest import ROOT

CFG = yaml.safe_load((ROOT / "config/scoring.yaml").read_text(encoding="utf-8"))


def test_form_links_prefill_by_field_id():
    link = Forge("https://github.com/o/r/").new_issue("enterprise_review", "某机构", agency="ag-1", project="")
    parts = urlsplit(link)
    assert parts.path == "/o/r/issues/new"
    assert parse_qs(parts.query) == {"template": ["enterprise_review.yml"], "title": ["[企业评价] 某机构"],
                                     "agency": ["ag-1"]}
    # nested fields use the form id (dots become hyphens), as the generated forms do
    assert "registered_address-province=" in Forge("https://x.org/r").new_issue("agency", **{"registered_address.province": "天津市"})
    assert Forge("").new_issue("demand") == ""  # no repository configured: no form link


def test_admission_rule_from_scoring_config():
    rule = from_config(CFG)
    assert check(CFG) == [] and rule.enabled and rule.min_grade == "C"
    assert rule.decide(SimpleNamespace(grade="B")) == (True, "")
    shown, why = rule.decide(SimpleNamespace(grade="D"))
    assert not shown and "D" in why and "C" in why
    assert rule.decide(None) == (True, "")  # unrated: shown (marked 未评价)
    assert not Admission(True, "C", "hide", rule.grades, rule.labels).decide(None)[0]
    assert Admission().decide(SimpleNamespace(grade="D")) == (True, "")
    assert check({**CFG, "admission": {"enabled": True, "min_grade": "Z"}})


def test_consultation_becomes_a_faq(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "consultations/zx-2026-lab-waste-liquid.yaml").unlink()
    (data / "faq/faq-zx-2026-lab-waste-liquid.yaml").unlink()
    path, problems = promote(data, "zx-2026-noise-night-work")
    assert problems == [] and path == data / "faq/faq-zx-2026-noise-night-work.yaml"
    faq = yaml.safe_load(path.read_text(encoding="utf-8"))
    consultation = yaml.safe_load((data / "consultations/zx-2026-noise-night-work.yaml").read_text(encoding="utf-8"))
    assert faq["question"] == consultation["question"] and faq["answer"] == consultation["answer"]
    assert faq["expert"] == consultation["answered_by"] and consultation["faq"] == path.stem
    assert validate_tree(data)[1] == []
    # not yet answered: refused, nothing written
    before = (data / "consultations/zx-2026-permit-change.yaml").read_bytes()
    path, problems = promote(data, "zx-2026-permit-change")
    assert path is None and "尚无专家答复" in problems[0]
    assert (data / "consultations/zx-2026-permit-change.yaml").read_bytes() == before
    assert not (data / "faq/faq-zx-2026-permit-change.yaml").exists()


def test_an_answer_needs_its_expert_and_date(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "consultations/zx-2026-permit-change.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "answer: 需要判断新增设备是否属于重大变动，一般应办理变更。\n",
                    encoding="utf-8")
    problems = validate_tree(data)[1]
    assert {p.field for p in problems} == {"answered_by", "answer_date"}


def test_synonyms_expand_on_the_record_side():
    assert "污水" in expansions("废水治理")
    assert "危废" in expansions("危险废物贮存污染控制标准")
    assert "噪音" in expansions("工业企业厂界环境噪声排放标准")
    assert expansions("噪声 噪音") == []  # nothing the text already says


def test_usage_modules_of_agency_subpages():
    assert usage.module_of("agencies/overview/") == "机构概览"
    assert usage.module_of("agencies/ag-1/types/") == "经营类型"
    assert usage.module_of("agencies/ag-1/disclosure/") == "信息公开"
    assert usage.module_of("agencies/ag-1/") == "基本信息"
    assert usage.module_of("projects/") == "项目业绩"
    assert usage.module_of("consult/zx-1/") == "专家咨询"


def test_zone_name_setting_names_the_zone_in_page_text():
    from build_tools.context import BuildContext
    from build_tools.render.report import ZONE, zone_name, zone_text
    from build_tools.settings import PlatformSettings, Settings
    ctx = BuildContext(data_root=ROOT / "data", settings=Settings(platform=PlatformSettings(zone_name="示范区")))
    assert zone_name(ctx) == "示范区" and zone_name(BuildContext(data_root=ROOT / "data")) == ZONE == "区内"
    assert zone_text("区内设立办公场地的机构", "示范区") == "示范区设立办公场地的机构"
    assert zone_text("区内常驻服务人员", ZONE) == "区内常驻服务人员"
