"""综合评价: hand-computed scores on small fixtures, config-driven weights, ranking and methodology pages.

Fixture tests/fixtures/scoring/ (all data in 2024, evaluated as of 2024-12-31), method scoring.yaml:
parts objective 50 / enterprise 25 / management 25, min_parts 2, grades A>=80 B>=60 C>=40 D.
  objective criteria: disclosure 50 (fields 50 pts over [website, introduction]; files 50 pts, cap 2)
                      performance 25 (count 50 pts, cap 4; completed share 50 pts)
                      quality 25 (valid 50 pts, cap 1; none_expired 50 pts)
  enterprise: dimensions quality 1, price 1; review score = mean of (s - 1) / 4 * 100; k = 2.

sc-alpha (甲): website + introduction, 2 files, projects a1 (done 2024-06-30) and a2 (ongoing), 1 valid qual.
  disclosure  = 50 * 2/2 + 50 * 2/2             = 100
  performance = 50 * 2/4 + 50 * 1/2             = 50
  quality     = 50 * 1/1 + 50 * 1               = 100
  objective   = (50*100 + 25*50 + 25*100) / 100 = 87.5
  reviews: 示例甲化工 on a1: (5,5) -> 100 and (3,3) -> 50, enterprise mean 75;
           示例乙电子 on a2: (4,2) -> (75 + 25)/2 = 50.
           m = (75 + 50) / 2 = 62.5 over n = 2 enterprises (per review it would be 66.7: one client counts once)
  management 2024: 70
sc-beta (乙): no optional field, no file, project b1 (done), its only qualification expired 2024-06-30.
  disclosure 0; performance = 50 * 1/4 + 50 * 1 = 62.5; quality = 0 + 0 (expired) = 0
  objective   = (0 + 25*62.5 + 0) / 100 = 15.625
  reviews: 示例丙食品 on b1: (5,5) -> 100; m = 100, n = 1.  management 2024: mean(90, 100) = 95
sc-gamma (丙): website + introduction, no file, project c1 ongoing, no qualification, no review at all.
  disclosure = 50; performance = 50 * 1/4 + 0 = 12.5; quality 0
  objective  = (50*50 + 25*12.5 + 0) / 100 = 28.125; enterprise 无数据, management 无数据

Platform mean over enterprise means: mu = (75 + 50 + 100) / 3 = 75
  enterprise(甲) = (2*75 + 2*62.5) / (2 + 2) = 68.75
  enterprise(乙) = (2*75 + 1*100) / (2 + 1) = 83.333...
Totals, weights 50/25/25:
  甲 = (50*87.5 + 25*68.75 + 25*70) / 100     = 78.4375 -> 78.4  B  rank 1
  乙 = (50*15.625 + 25*83.333 + 25*95) / 100  = 52.396  -> 52.4  C  rank 2
  丙: one part with data < min_parts 2        -> no total, no grade, no rank
Totals, scoring-weights.yaml 10/45/45:
  甲 = (10*87.5 + 45*68.75 + 45*70) / 100     = 71.1875 -> 71.2  B  rank 2
  乙 = (10*15.625 + 45*83.333 + 45*95) / 100  = 81.8125 -> 81.8  A  rank 1
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from build_tools import pipeline
from build_tools.compute import scoring
from build_tools.inputs.config import DEFAULT_SCORING, load_scoring
from build_tools.records.load import load
from build_tools.records.problems import InvalidData
from build_tools.records.validate import validate_tree
from build_tools.settings import PlatformSettings, Settings
from conftest import FIXTURES, MINI, TODAY

FIX = FIXTURES / "scoring"
DATA = FIX / "data"
CONFIG = FIX / "scoring.yaml"
WEIGHTS = FIX / "scoring-weights.yaml"
DAY = dt.date.fromisoformat(TODAY)


def scores_of(data: Path = DATA, config: Path = CONFIG) -> scoring.Scores:
    dataset, problems = validate_tree(data)
    assert problems == []
    return scoring.score_all(dataset, load_scoring(config), DAY)


@pytest.fixture(scope="module")
def scores() -> scoring.Scores:
    return scores_of()


def by_id(scores: scoring.Scores, year: int) -> dict[str, scoring.AgencyScore]:
    return {s.agency: s for s in scores.for_year(year)}


def test_objective_part_by_hand(scores):
    s = by_id(scores, 2024)
    alpha = s["sc-alpha"].parts["objective"]
    assert {c.key: c.score for c in alpha.criteria} == {"disclosure": 100, "performance": 50, "quality": 100}
    assert alpha.score == pytest.approx(87.5)
    assert s["sc-beta"].parts["objective"].score == pytest.approx(15.625)
    assert s["sc-gamma"].parts["objective"].score == pytest.approx(28.125)


def test_expired_qualification_scores_zero_and_says_why(scores):
    quality = {c.key: c for c in by_id(scores, 2024)["sc-beta"].parts["objective"].criteria}["quality"]
    assert quality.score == 0
    assert quality.evidence == ("有效资质：截至 2024-12-31 有效资质 0 项（0/50 分）",
                                "无过期资质：已过期：环保工程专业承包资质（有效期至 2024-06-30）（0/50 分）")


def test_enterprise_part_averages_per_enterprise_then_shrinks(scores):
    s = by_id(scores, 2024)
    assert s["sc-alpha"].parts["enterprise"].score == pytest.approx(68.75)
    assert s["sc-beta"].parts["enterprise"].score == pytest.approx(250 / 3)
    evidence = s["sc-alpha"].parts["enterprise"].evidence
    assert "示例甲化工有限公司：2 条，平均 75.0 分" in evidence
    assert evidence[-1] == "全平台企业平均 μ = 75.0，先验强度 k = 2：(k×μ + n×m)/(k + n) = 68.8"


def test_management_part_is_the_mean_of_the_year(scores):
    s = by_id(scores, 2024)
    assert s["sc-alpha"].parts["management"].score == 70
    assert s["sc-beta"].parts["management"].score == 95


def test_no_reviews_is_shown_as_no_data_not_zero(scores):
    gamma = by_id(scores, 2024)["sc-gamma"]
    assert gamma.parts["enterprise"].score is None and gamma.parts["enterprise"].note == "无数据"
    assert gamma.parts["management"].score is None
    assert (gamma.total, gamma.grade, gamma.rank) == (None, None, None)
    assert gamma.available == ["objective"]


def test_totals_grades_and_ranking(scores):
    assert scores.years() == [2024]
    rows = [(s.agency, s.total, s.grade, s.rank) for s in scores.for_year(2024)]
    assert rows == [("sc-alpha", 78.4, "B", 1), ("sc-beta", 52.4, "C", 2), ("sc-gamma", None, None, None)]
    # weights renormalised over the parts with data: here all three, so the configured shares
    assert [p.effective_weight for p in by_id(scores, 2024)["sc-alpha"].parts.values()] == [50, 25, 25]
    assert scores.latest("sc-alpha").total == 78.4 and scores.latest("nobody") is None


def test_changed_weights_in_config_change_scores_and_order():
    s = scores_of(config=WEIGHTS)
    assert [(r.agency, r.total, r.grade, r.rank) for r in s.for_year(2024)] == [
        ("sc-beta", 81.8, "A", 1), ("sc-alpha", 71.2, "B", 2), ("sc-gamma", None, None, None)]


def test_min_parts_rule_comes_from_config(tmp_path):
    # min_parts 1: 丙 is graded on the objective part alone, its weight renormalised to 100 %:
    # total = 28.125 -> 28.1 -> D (< 40), ranked 3rd behind 甲 78.4 and 乙 52.4
    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    cfg["missing"]["min_parts"] = 1
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    gamma = by_id(scores_of(config=path), 2024)["sc-gamma"]
    assert (gamma.total, gamma.grade, gamma.rank) == (28.1, "D", 3)
    assert gamma.parts["objective"].effective_weight == 100


def test_review_of_another_agencys_project_is_rejected_by_validation_and_ignored_in_code(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    # 甲 claims a review of 乙's project b1, given by b1's real client
    (data / "reviews/enterprise/er-sc-bad.yaml").write_text(
        "id: er-sc-bad\nenterprise: 示例丙食品有限公司\nagency: sc-alpha\nproject: sc-beta-b1\ndate: 2024-06-02\n"
        "scores: {quality: 1, timeliness: 1, professionalism: 1, communication: 1, price: 1}\n", encoding="utf-8")
    _, problems = validate_tree(data)
    assert [(Path(p.file).name, p.field) for p in problems] == [("er-sc-bad.yaml", "project")]
    assert "不属于机构“sc-alpha”" in problems[0].message
    with pytest.raises(InvalidData):
        pipeline.prepare(data)
    # The guard in code: scoring the unvalidated dataset gives the same result as without the review.
    dataset, _ = load(data)
    guarded = scoring.score_all(dataset, load_scoring(CONFIG), DAY)
    alpha = by_id(guarded, 2024)["sc-alpha"]
    assert alpha.parts["enterprise"].score == pytest.approx(68.75) and alpha.total == 78.4
    assert alpha.parts["enterprise"].evidence[-1] == "已剔除 1 条不符合条件的评价（非本机构项目或非委托企业）"


def test_default_config_on_mini_fixture_by_hand():
    # config/scoring.yaml on tests/fixtures/mini, demo-alpha in 2023 (as of 2023-12-31):
    #   disclosure  = 60 * 12/12 + 20 * 1/3 (1 file) + 20 * 1/3 (1 item)          = 73.333
    #   personnel   = 50 * min(25,10)/10 + 50 * min(30,20)/20                      = 100
    #   performance = 40 * 1/10 + 20 * 1/3 (active in 2023) + 20 * 1/1 + 20 * 1/3  = 37.333
    #   quality     = 50 * 2/2 + 50 (both valid on 2023-12-31)                     = 100
    #   objective   = (30*73.333 + 20*100 + 30*37.333 + 20*100) / 100              = 73.2
    #   enterprise: er-0001 is dated 2024-01-05, after 2023-12-31 -> 无数据; management 2023: 88
    #   total = (40*73.2 + 30*88) / (40 + 30) = 79.54 -> 79.5 -> B (70 <= 79.5 < 85)
    # in 2024 the operations certificate (valid until 2023-12-31) has expired:
    #   quality = 50 * 1/2 + 0 = 25
    s = scoring.score_all(validate_tree(MINI)[0], load_scoring(), DAY)
    alpha = [x for x in s.history("demo-alpha")]
    assert [(x.year, x.total, x.grade) for x in alpha] == [(2023, 79.5, "B"), (2024, 70.9, "B")]
    assert alpha[0].parts["objective"].score == pytest.approx(73.2)
    assert alpha[0].parts["enterprise"].score is None
    assert [c.score for c in alpha[1].parts["objective"].criteria if c.key == "quality"] == [25]
    # 2024: enterprise = 1 enterprise, m = mu = (0.3*100 + 0.2*75 + 0.2*100 + 0.15*75 + 0.15*75) = 87.5
    #   objective = (30*73.333 + 20*100 + 30*38 + 20*25) / 100 = 58.4  (performance: 8 + 6.667 + 10 + 13.333)
    #   total = (40*58.4 + 30*87.5) / 70 = 70.857 -> 70.9
    assert alpha[1].parts["enterprise"].score == pytest.approx(87.5)
    assert s.latest("demo-alpha").year == 2024
    beta = s.latest("demo-beta")  # objective part only: shown, but no total / grade / rank
    assert (beta.year, beta.total, beta.grade, beta.rank, beta.available) == (2024, None, None, None, ["objective"])


def test_broken_config_is_refused(tmp_path):
    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    cfg["parts"]["objective"]["criteria"]["quality"]["indicators"]["valid"]["points"] = 40
    cfg["parts"]["objective"]["criteria"]["quality"]["indicators"]["stars"] = {"points": 10}
    cfg["parts"]["objective"]["criteria"]["disclosure"]["indicators"]["fields"]["fields"] = []
    cfg["grades"] = [{"grade": "A", "min": 50}, {"grade": "B", "min": 70}]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(scoring.ScoringConfigError) as err:
        load_scoring(path)
    assert str(err.value).splitlines()[1:] == [
        "指标 disclosure.fields 须列出 fields（计入填写率的选填字段）",
        "未知指标 quality.stars（可用：" + ", ".join(scoring.INDICATORS) + "）",
        "grades 须按 min 从高到低排列，且最后一档 min 为 0"]
    assert scoring.check_config(yaml.safe_load(DEFAULT_SCORING.read_text(encoding="utf-8"))) == []


# ---------------------------------------------------------------------------------------- pages

def pages(config: Path, data: Path = DATA) -> dict[str, str]:
    prepared = pipeline.prepare(data, Settings(platform=PlatformSettings(scoring_config=str(config))))
    return {o.path: o.content for o in pipeline.render(prepared) if isinstance(o.content, str)}


def ranking_order(page: str) -> list[str]:
    table = page.split('class="tp-table tp-rank-table"')[1].split("</table>")[0]
    return re.findall(r'<tr data-agency="([^"]+)"', table)


def test_weights_in_config_reorder_the_ranking_page():
    default, changed = pages(CONFIG), pages(WEIGHTS)
    assert ranking_order(default["evaluation/2024.md"]) == ["sc-alpha", "sc-beta"]
    assert ranking_order(changed["evaluation/2024.md"]) == ["sc-beta", "sc-alpha"]
    assert "<th>客观评价（50%）</th>" in default["evaluation/2024.md"]
    assert "<th>客观评价（10%）</th>" in changed["evaluation/2024.md"]
    assert 'data-agency="sc-gamma"' in default["evaluation/2024.md"].split('id="unranked"')[1]


def test_methodology_is_generated_from_the_config():
    default, changed = pages(CONFIG)["evaluation/methodology.md"], pages(WEIGHTS)["evaluation/methodology.md"]
    weights = lambda page: re.findall(r'<td class="tp-weight">([^<]+)</td>', page)  # noqa: E731
    assert weights(default) == ["50%", "25%", "25%"] and weights(changed) == ["10%", "45%", "45%"]
    assert '<span class="tp-k">2</span>' in default and "<td>C</td><td>40 ≤ 总分 &lt; 60</td>" in default
    assert "以下选填信息的填写比例：官方网站、机构简介" in default


def test_agency_page_shows_breakdown_and_index_links_latest_year():
    out = pages(CONFIG)
    alpha = out["agencies/sc-alpha.md"]
    assert '<strong class="tp-score-total">78.4</strong>' in alpha and "tp-grade-B" in alpha
    assert "示例乙电子有限公司：1 条，平均 50.0 分" in alpha
    gamma = out["agencies/sc-gamma.md"]
    assert "<strong>数据不足</strong>" in gamma and gamma.count('<span class="tp-badge tp-badge-warn">无数据</span>') == 2
    assert '<a class="tp-latest" href="2024/">' in out["evaluation/index.md"]


def test_agency_without_any_scored_year_says_so():
    from build_tools.render.evaluation import config_view
    from build_tools.render.html import env
    empty = scoring.Scores(load_scoring(CONFIG))
    html = env().get_template("agency_score.html").render(score=None, score_history=[], scoring=config_view(empty),
                                                          base="../../")
    assert "暂无综合评价" in html and "tp-score-parts" not in html
