"""Knowledge modules, unit level: Q&A retrieval (Python twin of qa.js), policy search keys, two-way links."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from build_tools.compute.qa import retrieval as rt
from build_tools.inputs.config import load_qa
from build_tools.pipeline import qa_index_for
from build_tools.records.validate import validate_tree
from build_tools.render.policies import compact, search_key

KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "knowledge"
FORMS = rt.synonym_forms([["危险废物", "危废"], ["排污许可证", "排污证", "排污许可"], ["挥发性有机物", "VOCs"],
                          ["环境影响评价", "环评"], ["环境影响报告书", "环评报告书", "报告书"]])


@pytest.fixture(scope="module")
def index():
    return qa_index_for(KNOWLEDGE)


def test_fixture_is_valid():
    dataset, problems = validate_tree(KNOWLEDGE)
    assert problems == []
    assert {k: len(v) for k, v in dataset.records.items() if v} == {
        "policy": 7, "faq": 10, "course": 3, "expert": 2, "procedure": 1, "event": 2}


def test_synonyms_become_canonical_longest_form_first():
    assert rt.normalise("危废暂存间", FORMS) == "危险废物暂存间"
    assert rt.normalise("排污证到期", FORMS) == "排污许可证到期"
    assert rt.normalise("排污许可证到期", FORMS) == "排污许可证到期"       # canonical form is not replaced again
    assert rt.normalise("排污许可管理条例", FORMS) == "排污许可证管理条例"
    assert rt.normalise("环评报告书", FORMS) == "环境影响报告书"          # longer form wins over 环评 + 报告书
    assert rt.normalise("ＶＯＣｓ治理", FORMS) == "挥发性有机物治理"       # full-width, upper case folded


def test_forward_maximum_matching_stop_words_split_bigram_pieces():
    vocab = {"危险废物", "危险", "废物", "贮存", "要求"}
    assert rt.segment("危险废物贮存间要求", vocab, set(), 4, {"水"}) == (["危险废物", "贮存", "要求"], ["危险废物贮存间要求"])
    assert rt.segment("废水排放", vocab, set(), 4, {"水"}) == (["水"], ["废水排放"])
    # stop words (spoken Chinese too) are dropped and cut the text: no bigram spans 请问 or 怎么
    assert rt.segment("请问危险废物怎么贮存", vocab, {"请问", "怎么"}, 4, set()) == (["危险废物", "贮存"], ["危险废物", "贮存"])
    assert rt.sub_words("危险废物", vocab) == ["危险", "废物"]
    assert rt.runs("gb 3095-2012 环境空气hj2.2") == ["gb", "3095", "2012", "环境空气", "hj", "2.2"]
    assert rt.bigrams("空气质量") == ["#空气", "#气质", "#质量"]


def test_query_terms_words_then_bigrams(index):
    cfg = load_qa()
    terms = dict(rt.query_terms("排污证过期了怎么延续", index))
    assert list(terms)[:6] == ["排污许可证", "排污", "许可", "许可证", "到期", "延续"]
    # procedural words shared with every office weigh less; bigrams are a weaker fallback
    assert terms["排污许可证"] == 1.0 and terms["延续"] == cfg["generic_weight"]
    assert terms["#排污"] == cfg["bigram_weight"] and terms["#延续"] == cfg["bigram_weight"] * cfg["generic_weight"]
    assert "怎么" not in terms and "#怎么" not in terms and "#了怎" not in terms


def test_typos_are_repaired_by_sound_before_synonyms(index):
    prep = rt.prepare(index)
    assert rt.query_text("危费暂存", prep) == "危险废物贮存"          # 危费 sounds like 危废 -> 危险废物
    assert rt.query_text("排污许可症过期", prep) == "排污许可证到期"    # the longer homophone wins over 排污许可
    assert rt.query_text("厂界燥声", prep) == "厂界噪声"
    assert rt.query_text("危废仓库", prep) == "危险废物仓库"          # correct text is left alone
    assert rt.sound_key("噪声", prep.sounds) == rt.sound_key("燥声", prep.sounds) == "zao sheng"


def test_outside_matters_need_an_answer_that_names_them(index):
    prep = rt.prepare(index)
    assert rt.outside_matters("安全生产许可证到期怎么延续", prep) == ["安全生产许"]
    assert rt.answers("安全生产许可证到期怎么延续", index) == []
    assert rt.answers("排污许可证到期怎么延续", index)[0].id == "faq-permit-renew"


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
    assert [h.id for h in rt.answers("排放标准", index)] == ["faq-noise-boundary", "faq-vocs", "faq-wastewater-sewer"]
    assert [h.id for h in rt.answers("标准 排放 空气", index)] == ["faq-air-grade", "faq-noise-boundary", "faq-vocs"]
    assert [h.id for h in rt.answers("标准 排放 空气", index, "气")] == ["faq-air-grade", "faq-vocs"]
    assert rt.answers("今天股市行情怎么样", index) == []
    assert rt.answers("危废暂存间要满足什么要求", index, "声") == []
    # a procedural word alone ties the question to no matter: ranked, but nothing is shown
    assert rt.score_all("标准", index) and rt.answers("标准", index) == []
    hits = rt.score_all("危废暂存间要满足什么要求", index)
    assert all(0 < h.norm <= 1 for h in hits) and hits == sorted(hits, key=lambda h: (-h.score, h.id))


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


def test_region_filter_keeps_national_answers_and_those_of_the_chosen_region(index):
    zone = [["上海市", "上海市", "青浦区"], ["江苏省", "苏州市", "吴江区"], ["浙江省", "嘉兴市", "嘉善县"]]
    assert next(d for d in index["docs"] if d["id"] == "faq-yrd-cross")["regions"] == zone
    assert rt.in_region(zone, ("江苏省", "苏州市", "吴江区")) and rt.in_region(zone, ("江苏省", "", ""))
    assert not rt.in_region(zone, ("江苏省", "南京市", "")) and not rt.in_region(zone, ("天津市", "", ""))
    assert rt.in_region([], ("天津市", "天津市", "滨海新区"))          # no regions: applies everywhere
    assert rt.in_region([["江苏省", "", ""]], ("江苏省", "苏州市", "吴江区"))  # province-wide answer
    q = "示范区的项目环评去哪里审批"
    assert [h.id for h in rt.answers(q, index)] == ["faq-yrd-cross"]
    assert [h.id for h in rt.answers(q, index, region=("江苏省", "苏州市", "吴江区"))] == ["faq-yrd-cross"]
    assert rt.answers(q, index, region=("天津市", "", "")) == []
    assert next(h.id for h in rt.answers("危废暂存间要满足什么要求", index, region=("天津市", "", ""))) == "faq-hw-storage"
