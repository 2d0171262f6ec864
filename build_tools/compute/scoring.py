"""Comprehensive evaluation (综合评价): objective, enterprise and management parts, credit grade, ranking.

Everything tunable (part weights, criteria, indicator points and caps, grade bands, shrinkage strength,
missing-data rule) comes from ONE file, config/scoring.yaml; the methodology page is generated from the
same config plus the indicator descriptions below, so the published method cannot drift from the code.

Per agency and year Y (evaluated as of `as_of` = 31 Dec Y, or the build date for the current year):

* objective part = sum(criterion weight x criterion score) / sum(criterion weights); a criterion score is
  the sum of its indicators, indicator = points x min(value, cap) / cap (a share indicator: points x share).
  Record fields without history (staff, filled fields) are taken as they are now; dated facts (projects,
  disclosure items, qualification validity) are taken as of `as_of`.
* enterprise part: a review's score = weighted mean of its 1-5 dimension scores mapped to 0-100
  ((s - 1) / 4 x 100); reviews are averaged per enterprise first so one enterprise cannot swamp the rest;
  m = mean over the n enterprises of the agency, mu = mean over all enterprise averages of the year on the
  platform, and the part score is the Bayesian average (k x mu + n x m) / (k + n), k = prior_strength.
  Only reviews of the agency's own projects by that project's client count (validation rejects the others;
  the guard here keeps the score honest even on unvalidated input).
* management part = mean of the management review scores for year Y.
* total = weighted mean of the parts that have data (weights renormalised over them); a part without data is
  shown as 无数据. With fewer than `missing.min_parts` parts the agency gets no total, grade or rank.
  The total is rounded to 0.1 before grading and ranking, so what is shown is what was graded.
* credit records (imported from official platforms, compute/official.py) in force at `as_of` then apply the
  config's `credit` rules by record type: points deducted from the total and/or a cap on the grade.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from ..context import BuildContext
from ..records.model import Agency, Dataset, EnterpriseReview, ManagementReview, Project, views
from ..records.schemas import load_kinds
from .official import CreditRecord, credit_by_code
from .years import year_span

PARTS = ("objective", "enterprise", "management")
NO_DATA = "无数据"


class ScoringConfigError(ValueError):
    """The scoring config is unusable: the build stops rather than publish scores from a broken method."""


# ---------------------------------------------------------------------------------------------- config

def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def check_config(cfg: Any) -> list[str]:
    """Every problem of the config in Chinese (empty list = usable)."""
    if not isinstance(cfg, dict) or not isinstance(cfg.get("parts"), dict):
        return ["缺少 parts（评价部分）"]
    out: list[str] = []
    parts = cfg["parts"]
    if set(parts) != set(PARTS):
        out.append(f"parts 须恰好包含 {', '.join(PARTS)}")
        return out
    if not all(_number(parts[p].get("weight")) for p in PARTS) or sum(parts[p]["weight"] for p in PARTS) <= 0:
        out.append("各部分 weight 须为非负数且合计大于 0")
    for key, crit in (parts["objective"].get("criteria") or {}).items():
        if not _number(crit.get("weight")):
            out.append(f"客观评价指标 {key} 的 weight 须为非负数")
        indicators = crit.get("indicators") or {}
        for name, spec in indicators.items():
            if f"{key}.{name}" not in INDICATORS:
                out.append(f"未知指标 {key}.{name}（可用：{', '.join(INDICATORS)}）")
            elif INDICATORS[f"{key}.{name}"].capped and not (_number(spec.get("cap")) and spec["cap"] > 0):
                out.append(f"指标 {key}.{name} 须有正数 cap")
            elif f"{key}.{name}" == "disclosure.fields" and not spec.get("fields"):
                out.append("指标 disclosure.fields 须列出 fields（计入填写率的选填字段）")
        if sum(spec.get("points", 0) for spec in indicators.values()) != 100:
            out.append(f"客观评价指标 {key} 的各项 points 合计须为 100")
    if not parts["objective"].get("criteria"):
        out.append("客观评价须至少有一项指标（criteria）")
    ent = parts["enterprise"]
    if not _number(ent.get("prior_strength")):
        out.append("企业评价 prior_strength 须为非负数")
    if not (isinstance(ent.get("window_years"), int) and ent["window_years"] >= 1):
        out.append("企业评价 window_years 须为正整数")
    known = set(dimension_titles())
    dims = ent.get("dimensions") or {}
    if not dims or set(dims) - known or not all(_number(w) for w in dims.values()) or sum(dims.values()) <= 0:
        out.append(f"企业评价 dimensions 须为 {', '.join(sorted(known))} 中的分项及非负权重")
    grades = cfg.get("grades") or []
    mins = [g.get("min") for g in grades]
    if not grades or not all(_number(m) for m in mins) or mins != sorted(mins, reverse=True) or mins[-1] != 0:
        out.append("grades 须按 min 从高到低排列，且最后一档 min 为 0")
    out += check_credit(cfg.get("credit"), [g.get("grade") for g in grades])
    min_parts = (cfg.get("missing") or {}).get("min_parts")
    if not (isinstance(min_parts, int) and 1 <= min_parts <= len(PARTS)):
        out.append("missing.min_parts 须为 1–3 的整数")
    from .admission import check as check_admission  # the directory's display rule lives in the same file
    out += check_admission(cfg)
    if not all(isinstance(s, str) for s in cfg.get("review_comments") or []):
        out.append("review_comments 须为文字列表")
    return out


def check_credit(credit: Any, grades: list[str]) -> list[str]:
    """`credit`: record type -> {deduct, max_deduct, max_grade, window_years}, every key optional."""
    if credit is None:
        return []
    if not isinstance(credit, dict):
        return ["credit 须为“记录类别: 规则”"]
    types = credit_types()
    out = []
    for kind, rule in credit.items():
        if kind not in types:
            out.append(f"credit 中的记录类别“{kind}”未知（可用：{'、'.join(types)}）")
            continue
        if not isinstance(rule, dict) or set(rule) - {"deduct", "max_deduct", "max_grade", "window_years"} or not rule:
            out.append(f"credit.{kind} 只能设 deduct、max_deduct、max_grade、window_years")
            continue
        if any(k in rule and not _number(rule[k]) for k in ("deduct", "max_deduct")):
            out.append(f"credit.{kind} 的 deduct、max_deduct 须为非负数")
        if "max_grade" in rule and rule["max_grade"] not in grades:
            out.append(f"credit.{kind}.max_grade 须为 grades 中的等级")
        if "window_years" in rule and not (isinstance(rule["window_years"], int) and rule["window_years"] >= 1):
            out.append(f"credit.{kind}.window_years 须为正整数")
    return out


def credit_types() -> tuple[str, ...]:
    return tuple(load_kinds()["credit_record"].schema["properties"]["type"]["enum"])


def dimension_titles() -> dict[str, str]:
    props = load_kinds()["enterprise_review"].schema["properties"]["scores"]["properties"]
    return {k: v["title"] for k, v in props.items()}


def _agency_field_titles() -> dict[str, str]:
    return {k: v.get("title", k) for k, v in load_kinds()["agency"].schema["properties"].items()}


# ------------------------------------------------------------------------------------------ indicators

@dataclass(frozen=True)
class Facts:
    """What the objective indicators may look at for one agency as of one date."""
    agency: Agency
    data: dict[str, Any]          # the raw record, for "is this optional field filled"
    projects: list[Project]       # the agency's projects started by `as_of`
    year: int
    as_of: dt.date


@dataclass(frozen=True)
class Indicator:
    title: str
    describe: str                 # methodology text; {cap} / {fields} are filled from the config
    measure: Callable[[Facts, dict], tuple[float, str]]   # -> (value, evidence)
    capped: bool = True           # value is a count scored against `cap`; otherwise a share in [0, 1]


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _fields(f: Facts, spec: dict) -> tuple[float, str]:
    titles = _agency_field_titles()
    missing = [titles.get(k, k) for k in spec["fields"] if not _filled(f.data.get(k))]
    filled = len(spec["fields"]) - len(missing)
    text = f"已填写 {filled}/{len(spec['fields'])} 项" + (f"；未填写：{'、'.join(missing)}" if missing else "")
    return filled / len(spec["fields"]), text


def _files(f: Facts, spec: dict) -> tuple[float, str]:
    return len(f.agency.files), f"上传文件 {len(f.agency.files)} 份"


def _items(f: Facts, spec: dict) -> tuple[float, str]:
    n = sum(1 for d in f.agency.disclosure if dt.date.fromisoformat(d["date"]) <= f.as_of)
    return n, f"截至 {f.as_of} 公开事项 {n} 项"


def _resident(f: Facts, spec: dict) -> tuple[float, str]:
    n = f.agency.resident_staff
    return (0, "未填写区内常驻服务人员") if n is None else (n, f"区内常驻服务人员 {n} 人")


def _qualified(f: Facts, spec: dict) -> tuple[float, str]:
    n = f.agency.qualified_staff
    return (0, "未填写持证专业技术人员") if n is None else (n, f"持证专业技术人员 {n} 人")


def _count(f: Facts, spec: dict) -> tuple[float, str]:
    return len(f.projects), f"截至 {f.as_of} 公开项目 {len(f.projects)} 项"


def _recent(f: Facts, spec: dict) -> tuple[float, str]:
    start = dt.date(f.year, 1, 1)
    n = sum(1 for p in f.projects if p.end_date is None or p.end_date >= start)
    return n, f"{f.year} 年内实施的项目 {n} 项"


def _completed(f: Facts, spec: dict) -> tuple[float, str]:
    done = sum(1 for p in f.projects if p.status == "已完成" and p.end_date is not None and p.end_date <= f.as_of)
    if not f.projects:
        return 0.0, "无项目"
    return done / len(f.projects), f"已完成 {done}/{len(f.projects)} 项"


def _variety(f: Facts, spec: dict) -> tuple[float, str]:
    types = sorted({p.type for p in f.projects})
    return len(types), f"项目类型 {len(types)} 种" + (f"：{'、'.join(types)}" if types else "")


def _held(f: Facts) -> list[dict]:
    """Qualifications already issued at `as_of` (issue date optional)."""
    return [q for q in f.agency.qualifications if q.get("issued_on", "0000") <= f.as_of.isoformat()]


def _expired(f: Facts) -> list[dict]:
    return [q for q in _held(f) if dt.date.fromisoformat(q["valid_until"]) < f.as_of]


def _valid(f: Facts, spec: dict) -> tuple[float, str]:
    n = len(_held(f)) - len(_expired(f))
    return n, f"截至 {f.as_of} 有效资质 {n} 项"


def _none_expired(f: Facts, spec: dict) -> tuple[float, str]:
    held, expired = _held(f), _expired(f)
    if not held:
        return 0.0, "未公开资质"
    if expired:
        return 0.0, "已过期：" + "、".join(f"{q['name']}（有效期至 {q['valid_until']}）" for q in expired)
    return 1.0, f"{len(held)} 项资质均在有效期内"


INDICATORS: dict[str, Indicator] = {
    "disclosure.fields": Indicator("选填信息填写率", "以下选填信息的填写比例：{fields}", _fields, capped=False),
    "disclosure.files": Indicator("上传文件", "上传的资质证书、宣传册等文件份数，{cap} 份及以上得满分", _files),
    "disclosure.items": Indicator("公开事项", "截至评价日的自主公开事项数，{cap} 项及以上得满分", _items),
    "personnel.resident": Indicator("区内常驻人员", "区内常驻服务人员数，{cap} 人及以上得满分", _resident),
    "personnel.qualified": Indicator("持证技术人员", "持证专业技术人员数，{cap} 人及以上得满分", _qualified),
    "performance.count": Indicator("项目数量", "截至评价日公开的项目数，{cap} 项及以上得满分", _count),
    "performance.recent": Indicator("近期项目", "评价年度内实施（开始或仍在进行）的项目数，{cap} 项及以上得满分", _recent),
    "performance.completed": Indicator("完成比例", "截至评价日已完成项目占全部项目的比例", _completed, capped=False),
    "performance.variety": Indicator("业务类型", "项目涉及的业务类型数，{cap} 种及以上得满分", _variety),
    "quality.valid": Indicator("有效资质", "评价日处于有效期内的资质数，{cap} 项及以上得满分", _valid),
    "quality.none_expired": Indicator("无过期资质", "已公开资质且评价日无过期资质得满分，有任一过期资质或未公开资质得 0 分",
                                      _none_expired, capped=False),
}


def describe_indicator(criterion: str, name: str, spec: dict) -> str:
    titles = _agency_field_titles()
    fields = "、".join(titles.get(k, k) for k in spec.get("fields", []))
    return INDICATORS[f"{criterion}.{name}"].describe.format(cap=spec.get("cap"), fields=fields)


# ------------------------------------------------------------------------------------------- results

@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    score: float | None
    weight: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    score: float | None           # 0-100, None = 无数据
    weight: float                 # configured weight
    effective_weight: float | None = None   # share (%) actually used in the total, after renormalising
    criteria: tuple[Criterion, ...] = ()
    evidence: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        return NO_DATA if self.score is None else ""


@dataclass(frozen=True)
class AgencyScore:
    agency: str                   # agency id
    name: str
    year: int
    as_of: dt.date
    total: float | None           # 0-100 rounded to 0.1; None when too few parts have data
    grade: str | None
    parts: dict[str, Part]
    rank: int | None = None
    ranked_of: int = 0            # how many agencies were ranked that year
    credit: tuple[str, ...] = ()  # how credit records changed the total or grade (config `credit`)
    before_credit: float | None = None   # the total before credit deductions

    @property
    def available(self) -> list[str]:
        return [k for k, p in self.parts.items() if p.score is not None]


@dataclass
class Scores:
    """ctx.computed["scores"]: per-year ranked scores plus the config they were computed from."""
    config: dict[str, Any]
    by_year: dict[int, list[AgencyScore]] = field(default_factory=dict)
    _by_agency: dict[str, list[AgencyScore]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for year in self.years():
            for s in self.by_year[year]:
                self._by_agency.setdefault(s.agency, []).append(s)

    def years(self) -> list[int]:
        return sorted(self.by_year)

    def for_year(self, year: int) -> list[AgencyScore]:
        """Ranked agencies first (by rank, then name), then those without a total."""
        return list(self.by_year.get(year, []))

    def history(self, agency_id: str) -> list[AgencyScore]:
        """The agency's scores, oldest year first."""
        return list(self._by_agency.get(agency_id, []))

    def latest(self, agency_id: str) -> AgencyScore | None:
        found = self.history(agency_id)
        return found[-1] if found else None


# ------------------------------------------------------------------------------------------ the step

def compute(dataset: Dataset, ctx: BuildContext) -> Scores:
    return score_all(dataset, ctx.need_inputs().scoring, ctx.today)


def score_all(dataset: Dataset, cfg: dict[str, Any], today: dt.date) -> Scores:
    agencies = sorted(views(dataset, "agency"), key=lambda a: (a.name, a.id))
    records = {r.id: r.data for r in dataset.of("agency")}
    projects: list[Project] = views(dataset, "project")
    ereviews: list[EnterpriseReview] = views(dataset, "enterprise_review")
    mreviews: list[ManagementReview] = views(dataset, "management_review")
    own_projects, own_mreviews = _group(projects), _group(mreviews)
    credit = credit_by_code(dataset)
    by_year: dict[int, list[AgencyScore]] = {}
    for year in scored_years(projects, ereviews, mreviews, today):
        as_of = min(dt.date(year, 12, 31), today)
        present = [a for a in agencies if a.registered_on <= as_of]
        if not present:
            continue
        enterprise = enterprise_part(present, projects, ereviews, cfg, year, as_of)
        rows = []
        for a in present:
            own = [p for p in own_projects[a.id] if p.start_date <= as_of]
            parts = {
                "objective": objective_part(Facts(a, records[a.id], own, year, as_of), cfg),
                "enterprise": enterprise[a.id],
                "management": management_part(own_mreviews[a.id], cfg, year),
            }
            rows.append(combine(a, year, as_of, parts, cfg, credit.get(a.credit_code, [])))
        by_year[year] = rank(rows)
    return Scores(cfg, by_year)


def _group(items: list) -> dict[str, list]:
    """Records by the agency they belong to."""
    grouped: dict[str, list] = defaultdict(list)
    for item in items:
        grouped[item.agency].append(item)
    return grouped


def scored_years(projects, ereviews, mreviews, today: dt.date) -> list[int]:
    """Every year from the first to the last year with any project or review (none after the build year)."""
    years = {p.start_date.year for p in projects} | {p.end_date.year for p in projects if p.end_date}
    years |= {r.date.year for r in ereviews} | {r.year for r in mreviews}
    return year_span(years, today)


def objective_part(facts: Facts, cfg: dict) -> Part:
    part_cfg = cfg["parts"]["objective"]
    criteria = []
    for key, crit in part_cfg["criteria"].items():
        score, evidence = 0.0, []
        for name, spec in crit["indicators"].items():
            ind = INDICATORS[f"{key}.{name}"]
            value, text = ind.measure(facts, spec)
            ratio = min(value, spec["cap"]) / spec["cap"] if ind.capped else value
            got = spec["points"] * ratio
            score += got
            evidence.append(f"{ind.title}：{text}（{_pts(got)}/{spec['points']} 分）")
        criteria.append(Criterion(key, crit["title"], score, crit["weight"], tuple(evidence)))
    return Part("objective", part_cfg["title"], weighted(criteria), part_cfg["weight"], criteria=tuple(criteria))


def _pts(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def weighted(items) -> float | None:
    """Weighted mean of items with a score (None if none has one or weights sum to 0)."""
    scored = [(i.score, i.weight) for i in items if i.score is not None]
    total_w = sum(w for _, w in scored)
    return sum(s * w for s, w in scored) / total_w if scored and total_w else None


def review_score(review: EnterpriseReview, dims: dict[str, float]) -> float:
    """Weighted mean of the 1-5 dimension scores, mapped to 0-100."""
    return sum(w * (review.scores[d] - 1) / 4 * 100 for d, w in dims.items()) / sum(dims.values())


def countable(review: EnterpriseReview, by_id: dict[str, Project]) -> bool:
    """Only a review of the agency's own project, by that project's client, counts."""
    proj = by_id.get(review.project)
    return proj is not None and proj.agency == review.agency and proj.client == review.enterprise


def per_enterprise(ents: dict[str, list[EnterpriseReview]], value: Callable[[EnterpriseReview], float]) -> float:
    """Mean over enterprises of each enterprise's mean `value`: every client counts once, however often it rated."""
    return _mean([_mean([value(r) for r in rs]) for rs in ents.values()])


def enterprise_part(present: list[Agency], projects: list[Project], reviews: list[EnterpriseReview],
                    cfg: dict, year: int, as_of: dt.date) -> dict[str, Part]:
    part_cfg = cfg["parts"]["enterprise"]
    dims, k = part_cfg["dimensions"], part_cfg["prior_strength"]
    titles = dimension_titles()
    first = year - part_cfg["window_years"] + 1
    by_id = {p.id: p for p in projects}
    window = [r for r in reviews if first <= r.date.year and r.date <= as_of]
    ignored: dict[str, int] = defaultdict(int)
    grouped: dict[str, dict[str, list[EnterpriseReview]]] = defaultdict(lambda: defaultdict(list))
    for r in window:
        if countable(r, by_id):
            grouped[r.agency][r.enterprise].append(r)
        else:
            ignored[r.agency] += 1
    present_ids = {a.id for a in present}
    ent_means = {a: {e: _mean([review_score(r, dims) for r in rs]) for e, rs in ents.items()}
                 for a, ents in grouped.items() if a in present_ids}  # agency -> enterprise -> mean
    all_means = [m for ents in ent_means.values() for m in ents.values()]
    mu = _mean(all_means) if all_means else None
    span = f"{first}–{year} 年度" if first < year else f"{year} 年度"
    out = {}
    for a in present:
        means = ent_means.get(a.id, {})
        note = (f"已剔除 {ignored[a.id]} 条不符合条件的评价（非本机构项目或非委托企业）",) if ignored[a.id] else ()
        if not means:
            out[a.id] = Part("enterprise", part_cfg["title"], None, part_cfg["weight"],
                             evidence=(f"{span}无企业评价",) + note)
            continue
        n, m = len(means), _mean(list(means.values()))
        shrunk = (k * mu + n * m) / (k + n)
        ents = grouped[a.id]
        criteria = tuple(
            Criterion(d, titles[d], per_enterprise(ents, lambda r, d=d: (r.scores[d] - 1) / 4 * 100), w,  # type: ignore[misc]
                      (f"平均 {per_enterprise(ents, lambda r, d=d: r.scores[d]):.2f}/5 分",))  # type: ignore[misc]
            for d, w in dims.items())
        evidence = (
            f"{span}共 {n} 家企业的 {sum(len(rs) for rs in ents.values())} 条评价，先按企业取平均：企业平均 m = {m:.1f}",
            *(f"{e}：{len(rs)} 条，平均 {means[e]:.1f} 分" for e, rs in sorted(ents.items())),
            f"全平台企业平均 μ = {mu:.1f}，先验强度 k = {_pts(k)}：(k×μ + n×m)/(k + n) = {shrunk:.1f}",
        ) + note
        out[a.id] = Part("enterprise", part_cfg["title"], shrunk, part_cfg["weight"], criteria=criteria,
                         evidence=evidence)
    return out


def management_part(reviews: list[ManagementReview], cfg: dict, year: int) -> Part:
    """`reviews`: the agency's management reviews (any year)."""
    part_cfg = cfg["parts"]["management"]
    mine = sorted((r for r in reviews if r.year == year), key=lambda r: (r.date, r.id))
    if not mine:
        return Part("management", part_cfg["title"], None, part_cfg["weight"], evidence=(f"{year} 年度无管理评价",))
    evidence = tuple(f"{r.reviewer}（{r.date}）：{_pts(r.score)} 分" + (f"；{r.findings}" if r.findings else "")
                     for r in mine)
    score = _mean([r.score for r in mine])
    crit = Criterion("annual", f"{year} 年度管理评价" + (f"（{len(mine)} 次取平均）" if len(mine) > 1 else ""),
                     score, 1, evidence)
    return Part("management", part_cfg["title"], score, part_cfg["weight"], criteria=(crit,))


def combine(agency: Agency, year: int, as_of: dt.date, parts: dict[str, Part], cfg: dict,
            credit: Sequence[CreditRecord] = ()) -> AgencyScore:
    available = [p for p in parts.values() if p.score is not None]
    total_w = sum(p.weight for p in available)
    if len(available) < cfg["missing"]["min_parts"] or not total_w:
        return AgencyScore(agency.id, agency.name, year, as_of, None, None, parts)
    parts = {k: (replace(p, effective_weight=p.weight / total_w * 100) if p.score is not None else p)
             for k, p in parts.items()}
    total = round(sum(p.score * p.weight for p in available if p.score is not None) / total_w, 1)
    deduction, cap, lines = credit_effect(credit, cfg, year, as_of)
    if not lines:
        return AgencyScore(agency.id, agency.name, year, as_of, total, grade_for(total, cfg), parts)
    adjusted = round(max(0.0, total - deduction), 1)
    grade = worse_grade(grade_for(adjusted, cfg), cap, cfg)
    return AgencyScore(agency.id, agency.name, year, as_of, adjusted, grade, parts, credit=lines, before_credit=total)


def credit_effect(records: Sequence[CreditRecord], cfg: dict, year: int,
                  as_of: dt.date) -> tuple[float, str | None, tuple[str, ...]]:
    """(points deducted, grade cap, explanation) from the records in force at `as_of`, by the rules of
    config `credit` (record type -> deduct per record, max_deduct, max_grade, window_years)."""
    deduction, cap, lines = 0.0, None, []
    for kind, rule in (cfg.get("credit") or {}).items():
        first = year - rule["window_years"] + 1 if "window_years" in rule else None
        mine = [r for r in records if r.type == kind and r.in_force(as_of) and (first is None or r.date.year >= first)]
        if not mine:
            continue
        effects = []
        if rule.get("deduct"):
            d = min(rule["deduct"] * len(mine), rule.get("max_deduct", float("inf")))
            deduction += d
            effects.append(f"扣 {_pts(d)} 分")
        if rule.get("max_grade"):
            cap = worse_grade(rule["max_grade"], cap, cfg)
            effects.append(f"等级不高于 {rule['max_grade']}")
        which = "；".join(" ".join(filter(None, (r.authority, r.date.isoformat(), r.data.get("decision_no"))))
                         for r in mine)
        lines.append(f"{kind} {len(mine)} 条（{which}）：{'，'.join(effects)}")
    return deduction, cap, tuple(lines)


def grade_for(total: float, cfg: dict) -> str:
    return next(g["grade"] for g in cfg["grades"] if total >= g["min"])


def worse_grade(a: str, b: str | None, cfg: dict) -> str:
    """The lower of two grades (grades are listed best first); b may be None."""
    order = [g["grade"] for g in cfg["grades"]]
    return a if b is None or order.index(a) >= order.index(b) else b


def rank(rows: list[AgencyScore]) -> list[AgencyScore]:
    """Competition ranking (1, 2, 2, 4) by total; agencies without a total follow, unranked, by name."""
    scored = sorted((r for r in rows if r.total is not None), key=lambda r: (-(r.total or 0), r.name, r.agency))
    out: list[AgencyScore] = []
    for i, r in enumerate(scored):
        place = out[-1].rank if out and out[-1].total == r.total else i + 1
        out.append(replace(r, rank=place, ranked_of=len(scored)))
    rest = sorted((r for r in rows if r.total is None), key=lambda r: (r.name, r.agency))
    return out + [replace(r, ranked_of=len(scored)) for r in rest]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)
