"""qa.js and its Python twin (build_tools/compute/qa/retrieval.py) give the same answers on every benchmark question.

The page's retrieval core (window.tpQaCore, the code the Q&A page runs) is loaded from content/ into a blank
page in Chromium together with the index of the real sample data, and asked every question of the three
benchmark sets (benchmarks/qa_*.yaml: answerable and off-topic, typos and letters included)."""
from __future__ import annotations

import json
import sys

import pytest

from build_tools.compute.qa import retrieval as rt
from build_tools.pipeline import qa_index_for
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from qa_bench import question_sets


@pytest.fixture(scope="module")
def index():
    return qa_index_for(ROOT / "data")


@pytest.fixture(scope="module")
def questions() -> list[str]:
    qs = []
    for s in question_sets().values():
        qs += [c["q"] for c in s.answerable] + list(s.offtopic)
    # edge cases: empty after folding, markup, prototype names, emoji, full-width, only stop words
    return qs + ["", "   ", "constructor __proto__", "<script>alert(1)</script>", "危废😀暂存", "ＶＯＣｓ治理",
                 "您好请问一下", "排污许可症", "toString hasOwnProperty"]


@pytest.fixture(scope="module")
def core_page(browser, tmp_path_factory, serve, index):
    site = tmp_path_factory.mktemp("qa-core")
    for name in ("qa.js", "shared.js"):  # qa.js is an ES module importing ./shared.js
        (site / name).write_bytes((ROOT / "content/assets/javascripts" / name).read_bytes())
    (site / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    (site / "index.html").write_text('<!doctype html><meta charset="utf-8"><script type="module" src="qa.js"></script>',
                                     encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(serve(site) + "index.html")
    page.evaluate("async () => { const r = await fetch('index.json'); window.P = tpQaCore.prepare(await r.json()); }")
    yield page, errors
    context.close()


def test_same_terms_ranking_and_answers_on_every_benchmark_question(core_page, index, questions):
    page, errors = core_page
    prep = rt.prepare(index)
    js = page.evaluate("""qs => qs.map(q => ({
        terms: tpQaCore.queryTerms(q, P),
        ranked: tpQaCore.scoreAll(q, P, '').slice(0, 10),
        shown: tpQaCore.answers(q, P, ''),
        water: tpQaCore.answers(q, P, '水').map(h => h.id),
        zone: tpQaCore.answers(q, P, '', ['江苏省', '苏州市', '吴江区']).map(h => h.id),
        tianjin: tpQaCore.scoreAll(q, P, '', ['天津市', '', '']).slice(0, 5).map(h => [h.id, h.score])}))""", questions)
    assert len(js) == len(questions) > 500
    for q, got in zip(questions, js):
        assert got["terms"] == [list(t) for t in rt.query_terms(q, index, prep)], q
        ranked = rt.score_all(q, index, prep=prep)[:10]
        assert [h["id"] for h in got["ranked"]] == [h.id for h in ranked], q
        assert [h["score"] for h in got["ranked"]] == pytest.approx([h.score for h in ranked], rel=1e-12), q
        assert [h["norm"] for h in got["ranked"]] == pytest.approx([h.norm for h in ranked], rel=1e-12), q
        assert [h["id"] for h in got["shown"]] == [h.id for h in rt.answers(q, index, prep=prep)], q
        assert got["water"] == [h.id for h in rt.answers(q, index, "水", prep=prep)], q
        assert got["zone"] == [h.id for h in rt.answers(q, index, prep=prep, region=("江苏省", "苏州市", "吴江区"))], q
        tianjin = rt.score_all(q, index, prep=prep, region=("天津市", "", ""))[:5]
        assert [h[0] for h in got["tianjin"]] == [h.id for h in tianjin], q
        assert [h[1] for h in got["tianjin"]] == pytest.approx([h.score for h in tianjin], rel=1e-12), q
    assert errors == []


def test_typos_are_repaired_the_same_way(core_page, index):
    page, _ = core_page
    prep = rt.prepare(index)
    for typed, repaired in [("危费仓库", "危险废物仓库"), ("排污许可症到期", "排污许可证到期"), ("厂界燥声", "厂界噪声")]:
        assert rt.query_text(typed, prep) == repaired
        assert page.evaluate("q => tpQaCore.queryText(q, P)", typed) == repaired


def test_procedures_and_events_index_ranks_alike(core_page, questions):
    """The second index (办事流程 and 生态环境活动, listed under the FAQ answers) goes through the same code."""
    from build_tools.compute.qa.index import build_entries, event_entry, procedure_entry
    from build_tools.inputs.config import load_qa
    from build_tools.records.validate import validate_tree
    dataset, problems = validate_tree(ROOT / "data")
    assert problems == []
    policies = dataset.index("policy")
    more = build_entries([procedure_entry(r, policies) for r in dataset.of("procedure")] +
                         [event_entry(r) for r in dataset.of("event")], load_qa())
    assert {d["id"].split(":")[0] for d in more["docs"]} == {"procedure", "event"}
    page, errors = core_page
    page.evaluate("m => { window.M = tpQaCore.prepare(m); }", more)
    prep = rt.prepare(more)
    js = page.evaluate("qs => qs.map(q => tpQaCore.answers(q, M, '').map(h => [h.id, h.score]))", questions)
    found = 0
    for q, got in zip(questions, js):
        want = rt.answers(q, more, prep=prep)
        assert [h[0] for h in got] == [h.id for h in want], q
        assert [h[1] for h in got] == pytest.approx([h.score for h in want], rel=1e-12), q
        found += bool(want)
    assert found > 20  # the benchmark questions do find procedures and events
    assert errors == []
