"""Knowledge modules, unit level: Q&A retrieval (Python twin of qa.js), policy search keys, two-way links."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from build_tools.compute.qa import retrieval as rt
from build_tools.inputs.config import load_qa
from build_tools.pipeline import qa_index_for
from build_tools.render.policies import compact, search_key
from build_tools.records.validate import validate_tree

KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "knowledge"
FORMS = rt.synonym_forms([["危险废物", "危废"], ["排污许可证", "排污证", "排污许可"], ["挥发性有机物", "VOCs"],
                          ["环境影响评价", "环评"], ["环境影响报告书", "环评报告书", "报告书"]])


@pytest.fixture(scope="module")
def index():
    return qa_index_for(KNOWLEDGE)


def test_fixture_is_valid():
    dataset, problems = validate_tree(KNOWLEDGE)
    assert problems == []
    assert {k: len(v) for k, v in dataset.records.items() if v} == {"policy": 7, "faq": 10, "course": 3, "expert": 2}


def test_synonyms_become_canonical_longest_form_first():
    assert rt.normalise("危废暂存间", FORMS) == "危险废物暂存间"
    assert rt.normalise("排污证到期", FORMS) == "排污许可证到期"
    assert rt.normalise("排污许可证到期", FORMS) == "排污许可证到期"       # canonical form is not replaced again
    assert rt.normalise("排污许可管理条例", FORMS) == "排污许可证管理条例"
    assert rt.normalise("环评报告书", FORMS) == "环境影响报告书"          # longer form wins over 环评 + 报告书
    assert rt.normalise("ＶＯＣｓ治理", FORMS) == "挥发性有机物治理"       # full-width, upper case folded


def test_forward_maximum_matching_and_runs():
    vocab = {"危险废物", "危险", "废物", "贮存", "要求"}
    assert rt.forward_max_match("危险废物贮存间要求", vocab, 4, {"水"}) == ["危险废物", "贮存", "要求"]
    assert rt.forward_max_match("废水排放", vocab, 4, {"水"}) == ["水"]
    assert rt.sub_words("危险废物", vocab) == ["危险", "废物"]
    assert rt.runs("gb 3095-2012 环境空气hj2.2") == ["gb", "3095", "2012", "环境空气", "hj", "2.2"]
    assert rt.bigrams("空气质量") == ["#空气", "#气质", "#质量"]


def test_query_terms_words_then_bigrams(index):
    terms = dict(rt.query_terms("排污证过期了怎么延续", index))
    assert [t for t, w in terms.items() if w == 1.0] == ["排污许可证", "排污", "许可", "许可证", "到期", "延续"]
    assert terms["#延续"] == load_qa()["bigram_weight"] and "怎么" not in terms


@pytest.mark.parametrize("question, expected", [
    ("危废暂存间要满足什么要求", "faq-hw-storage"),
    ("排污证过期了怎么延续", "faq-permit-renew"),
    ("厂界噪音执行哪个标准", "faq-noise-boundary"),
    ("VOCs无组织怎么管", "faq-vocs"),
    ("污水排进市政管网要不要预处理", "faq-wastewater-sewer"),
    ("环评报告书还是报告表", "faq-eia-category"),
])
def test_paraphrases_find_their_answer_first(index, question, expected):
    assert rt.answers(question, index)[0].id == expected


def test_category_filter_and_honest_no_answer(index):
    assert [h.id for h in rt.answers("标准", index)] == [
        "faq-noise-boundary", "faq-hw-storage", "faq-wastewater-sewer", "faq-vocs"]
    assert [h.id for h in rt.answers("标准", index, "气")] == ["faq-vocs", "faq-air-grade"]
    assert rt.answers("今天股市行情怎么样", index) == []
    assert rt.answers("危废暂存间要满足什么要求", index, "声") == []
    hits = rt.score_all("标准", index)
    assert all(0 < h.norm < 1 for h in hits) and hits == sorted(hits, key=lambda h: (-h.score, h.id))


def test_policy_search_key_accepts_loose_standard_numbers():
    key = search_key({"title": "地下水质量标准", "doc_no": "GB/T 14848-2017", "kind": "标准", "issuer": "国家质检总局"})
    for typed in ["GB/T 14848", "gb14848", "14848-2017", "ＧＢ １４８４８", "地下水质量"]:
        assert compact(typed) in key, typed
    assert compact("GB 3095 —2012") == "gb30952012"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(KNOWLEDGE, dst)
    return dst


def _edit(path: Path, **changes) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_supersedes_must_be_mirrored_by_superseded_by(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "policies/gb-3095-1996.yaml", superseded_by=None)
    _, problems = validate_tree(data)
    assert [(Path(p.file).name, p.field) for p in problems] == [("gb-3095-2012.yaml", "supersedes[0]")]
    assert "没有指回“gb-3095-2012”" in problems[0].message


def test_superseded_by_must_be_mirrored_by_supersedes(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "policies/gb-3095-1996.yaml", superseded_by="gb-12348-2008")
    _, problems = validate_tree(data)
    assert sorted((Path(p.file).name, p.field) for p in problems) == [
        ("gb-3095-1996.yaml", "superseded_by"), ("gb-3095-2012.yaml", "supersedes[0]")]


def test_iframe_video_must_be_https(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "courses/c-permit.yaml", video={"type": "iframe", "url": "http://player.example.com/embed/permit"})
    _, problems = validate_tree(data)
    assert {p.field for p in problems} == {"video.url"} and any("https://" in p.message for p in problems)
