"""综合评价 pages: the index (in the nav), one ranking page per year, the methodology generated from the
scoring config, and the score context for the breakdown on each agency page."""
from __future__ import annotations

import functools
from typing import Any, Iterable

from ..compute import admission, scoring
from ..context import BuildContext
from ..records.model import Dataset
from .html import page
from .links import base_for, url
from .output import Output

FOLDER = "evaluation"


def year_path(year: int) -> str:
    return f"{FOLDER}/{year}.md"


def score_context(ctx: BuildContext, agency_id: str) -> dict[str, Any]:
    """Template variables of agency_score.html for one agency page (empty history without the step)."""
    scores: scoring.Scores | None = ctx.computed.get("scores")
    if scores is None:
        return {"score": None, "score_history": [], "scoring": None}
    return {"score": scores.latest(agency_id), "score_history": scores.history(agency_id),
            "scoring": config_view(scores)}


def config_view(scores: scoring.Scores) -> dict[str, Any]:
    """Config figures the templates show: part titles and weight shares (%), grade bands, missing rule."""
    cfg = scores.config
    parts = cfg["parts"]
    total_w = sum(parts[p]["weight"] for p in scoring.PARTS)
    return {
        "parts": [{"key": p, "title": parts[p]["title"], "share": parts[p]["weight"] / total_w * 100}
                  for p in scoring.PARTS],
        "grades": cfg["grades"],
        "labels": {g["grade"]: g.get("label", "") for g in cfg["grades"]},
        "min_parts": cfg["missing"]["min_parts"],
        "title": cfg.get("title", "综合评价方案"),
    }


def methodology(scores: scoring.Scores) -> dict[str, Any]:
    cfg = scores.config
    objective = cfg["parts"]["objective"]
    crit_w = sum(c["weight"] for c in objective["criteria"].values())
    criteria = [{
        "title": c["title"], "share": c["weight"] / crit_w * 100 if crit_w else 0,
        "indicators": [{"title": scoring.INDICATORS[f"{key}.{name}"].title, "points": spec["points"],
                        "text": scoring.describe_indicator(key, name, spec)}
                       for name, spec in c["indicators"].items()],
    } for key, c in objective["criteria"].items()]
    ent = cfg["parts"]["enterprise"]
    titles = scoring.dimension_titles()
    dim_w = sum(ent["dimensions"].values())
    dims = [{"title": titles[d], "share": w / dim_w * 100} for d, w in ent["dimensions"].items()]
    return {"criteria": criteria, "dimensions": dims, "k": ent["prior_strength"], "window": ent["window_years"],
            "credit": credit_rules(cfg.get("credit") or {})}


def credit_rules(credit: dict[str, dict]) -> list[dict[str, str]]:
    """The config's credit rules in words, one row per record type."""
    rows = []
    for kind, rule in credit.items():
        effects = []
        if rule.get("deduct"):
            cap = f"，最多扣 {rule['max_deduct']} 分" if "max_deduct" in rule else ""
            effects.append(f"每条扣总分 {rule['deduct']} 分{cap}")
        if rule.get("max_grade"):
            effects.append(f"信用等级最高为 {rule['max_grade']}")
        window = (f"评价年度及之前共 {rule['window_years']} 个年度内作出、评价日尚未移出的记录" if "window_years" in rule
                  else "评价日仍在名单中（尚未移出）的记录")
        rows.append({"type": kind, "window": window, "effect": "；".join(effects) or "仅公示，不影响评分"})
    return rows


def grade_counts(rows: list[scoring.AgencyScore], grades: list[dict]) -> list[tuple[str, int]]:
    return [(g["grade"], sum(1 for r in rows if r.grade == g["grade"])) for g in grades]


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    scores: scoring.Scores | None = ctx.computed.get("scores")
    if scores is None:
        return
    shown = config_view(scores)
    years = scores.years()
    summary: list[dict[str, Any]] = [{"year": y, "rows": scores.for_year(y), "grades": grade_counts(scores.for_year(y), shown["grades"])}
               for y in years]
    index = f"{FOLDER}/index.md"
    yield Output(index, page("综合评价", "evaluation_index.html", cache=ctx.page_cache, base=base_for(index), scoring=shown,
                             summary=summary, latest=years[-1] if years else None), in_nav=True)
    for item in summary:
        path = year_path(item["year"])
        rows = item["rows"]
        yield Output(path, page(f"{item['year']} 年度综合评价排名", "evaluation_year.html", cache=ctx.page_cache, base=base_for(path),
                                scoring=shown, year=item["year"], years=years, grades=item["grades"],
                                agency_url=functools.partial(url, "agency"),  # picklable: the page cache keys on it
                                ranked=[r for r in rows if r.rank is not None],
                                unranked=[r for r in rows if r.rank is None]))
    path = f"{FOLDER}/methodology.md"
    rule = admission.from_config(scores.config)
    decided = [(a, rule.decide(scores.latest(a.id))) for a in sorted(dataset.of("agency"), key=lambda r: r.data["name"])]
    yield Output(path, page("综合评价方法", "evaluation_methodology.html", cache=ctx.page_cache, base=base_for(path), scoring=shown,
                            method=methodology(scores), admission_text=rule.rule_text(),
                            not_admitted=[{"id": a.id, "name": a.data["name"], "reason": why}
                                          for a, (ok, why) in decided if not ok],
                            admitted_count=sum(ok for _, (ok, _) in decided), registered=len(decided),
                            comment_rules=scores.config.get("review_comments") or []))
