"""Demand hall computations on tests/fixtures/demands (build date pinned to conftest.TODAY = 2026-11-25)."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from build_tools.compute.demands import budget_bounds, demand_facts, effective_status, matching_agencies
from build_tools.context import BuildContext
from build_tools.records.model import Demand, views
from build_tools.records.validate import validate_tree
from build_tools.render.demands import budget_text, region_text, region_tree
from build_tools.settings import Settings
from conftest import FIXTURES, ROOT, TODAY

DEMANDS = FIXTURES / "demands"


@pytest.fixture(scope="module")
def fixture():
    dataset, problems = validate_tree(DEMANDS)
    assert problems == []
    return dataset


@pytest.fixture(scope="module")
def facts(fixture):
    return demand_facts(fixture, BuildContext(DEMANDS, today=dt.date.fromisoformat(TODAY)))


def test_fixture_is_valid(fixture):
    assert {k: len(v) for k, v in fixture.records.items() if v} == {"agency": 4, "demand": 10}


def test_open_demands_on_the_build_date(facts):
    assert sorted(i for i, f in facts.items() if f.is_open) == ["d01", "d02", "d04", "d05", "d06", "d08", "d09"]
    # d03 is still marked 征集中 but its deadline (2026-11-20) has passed
    assert facts["d03"].status == "已截止"
    assert (facts["d07"].status, facts["d10"].status) == ("已成交", "已截止")
    # the deadline day itself is still open
    demand = Demand("x-1", "t", "官方公告", "采购公告", {}, "其他", "p", dt.date(2026, 1, 1), "征集中",
                    deadline=dt.date(2026, 11, 25))
    assert effective_status(demand, dt.date(2026, 11, 25)) == "征集中"
    assert effective_status(demand, dt.date(2026, 11, 26)) == "已截止"


def test_matching_agencies_by_type_and_province(facts):
    assert facts["d01"].matches == ("ag-sh-monitor",)              # 上海 registered
    assert facts["d05"].matches == ("ag-js-water",)                # 江苏 registered
    assert facts["d08"].matches == ("ag-sh-monitor", "ag-zj-eia")  # 浙江: service region / registered
    assert facts["d10"].matches == ("ag-tj-waste",)                # 河北 via service_regions only
    assert facts["d06"].matches == ()                              # nobody does 废气治理
    assert facts["d02"].matches == ("ag-js-water",)                # 上海 via service_regions


@pytest.mark.parametrize("data", [DEMANDS, ROOT / "data"])
def test_indexed_matching_equals_the_definition(data):
    """demand_facts matches through a (type, province) index; it must agree with the plain definition."""
    dataset, _ = validate_tree(data)
    facts = demand_facts(dataset, BuildContext(data, today=dt.date.fromisoformat(TODAY)))
    agencies = views(dataset, "agency")
    assert sum(len(f.matches) for f in facts.values()) > 0
    for d in views(dataset, "demand"):
        assert facts[d.id].matches == matching_agencies(d, agencies), d.id


def test_budget_bounds_and_text():
    assert budget_bounds({"amount": 300000}) == (300000, 300000)
    assert budget_bounds({"min": 1, "max": 2}) == (1, 2)
    assert budget_bounds(None) == (None, None)
    assert budget_text({"min": 500000, "max": 800000}) == "50 万元 – 80 万元"
    assert budget_text(None) == "未公开"


def test_region_text_and_tree(fixture):
    assert region_text({"province": "上海市", "city": "上海市", "district": "青浦区"}) == "上海市青浦区"
    tree = region_tree(fixture.of("demand"))
    assert tree["上海市"] == {"上海市": {"松江区": [], "青浦区": ["朱家角镇", "练塘镇"]}}
    assert tree["河北省"] == {"唐山市": {"曹妃甸区": []}}


def test_budget_range_must_not_go_backwards(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEMANDS, data)
    path = data / "demands/d02.yaml"
    rec = yaml.safe_load(path.read_text(encoding="utf-8"))
    rec["budget"] = {"min": 800000, "max": 500000}
    path.write_text(yaml.safe_dump(rec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = validate_tree(data)
    assert [(p.field, p.message) for p in problems] == [
        ("budget.max", "「预算上限」（500000 元）不能低于「预算下限」（800000 元）")]


def test_feed_is_the_same_on_every_build_date(fixture):
    from build_tools.render.demands import feed, newest_first
    demands = newest_first(fixture.of("demand"))
    settings = Settings(site_url="https://x.example/sub")  # no trailing slash: one is added
    first = feed(demands, BuildContext(DEMANDS, today=dt.date(2026, 11, 25), settings=settings))
    later = feed(demands, BuildContext(DEMANDS, today=dt.date(2027, 3, 1), settings=settings))
    assert first == later
    assert b"<id>https://x.example/sub/demands/d08/</id>" in first
    # without a site URL: links relative to the feed, ids as URNs
    local = feed(demands, BuildContext(DEMANDS, today=dt.date(2026, 11, 25)))
    assert b'href="d08/"' in local and b"<id>urn:tp-platform:demand:d08</id>" in local


def test_demand_page_lists_the_best_matches_and_links_the_rest(tmp_path):
    """At scale a demand matches hundreds of agencies: the page shows the top ones by score, then a link."""
    import re

    from benchmarks.generate import generate
    from build_tools import pipeline
    from build_tools.render.demands import MATCHES_SHOWN

    generate(tmp_path / "data", agencies=120, seed=5, projects_per_agency=4, demands=10)
    prepared = pipeline.prepare(tmp_path / "data")
    facts = prepared.ctx.computed["demands"]
    big = max(facts, key=lambda d: len(facts[d].matches))
    assert len(facts[big].matches) > MATCHES_SHOWN
    pages = {o.path: o.content for o in pipeline.render(prepared)}
    html = pages[f"demands/{big}.md"]
    assert html.count('<li><a href="../../agencies/') == MATCHES_SHOWN
    assert f"共 {len(facts[big].matches)} 家" in html
    assert re.search(r'href="\.\./\.\./agencies/\?type=[^"]+&amp;prov=', html)
    scores = prepared.ctx.computed["scores"]
    shown = re.findall(r'<li><a href="\.\./\.\./agencies/([^/]+)/', html)
    totals = [(scores.latest(a).total if scores.latest(a) else None) for a in shown]
    ranked = [t for t in totals if t is not None]
    assert ranked == sorted(ranked, reverse=True) and totals[: len(ranked)] == ranked
