"""Annual statistics, modelled on the TEDA 2023 annual report, computed from the records with pandas.

Every figure is "as of the end of the year" Y (截至 Y 年 12 月 31 日); DEFINITIONS below states each one in
Chinese and is printed on the report page, so the code and the page say the same thing.
Shares are integer percents rounded half up, as the seed prints them (167/191 -> 87%).
Usage (operations by portal, module, action and month) is in `UsageYear`; see usage.py for its sources.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..context import BuildContext
from ..records.model import Dataset, views
from ..records.schemas import enum_values
from ..settings import DEFAULT_REGIONS
from .usage import ACTIONS, PORTALS, UsageInput, collect, question_key
from .years import year_span

OTHER = "其他"
MONTHS = tuple(range(1, 13))

# (term, definition) — the statistical definitions, shown on the page under 统计口径.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("累计注册机构", "平台注册日期（registered_on）不晚于当年 12 月 31 日的机构数。"),
    ("新增注册机构", "平台注册日期在当年内的机构数；同比增减为当年数减上年数。"),
    ("地区分布", "累计注册机构按注册地址的省级行政区归类（图表所列地区以外的记为“其他”），占比以累计注册机构数为分母。"),
    ("区内办公与常驻人员", "累计注册机构中“区内是否设立办公场地”为是的机构数，及这些机构“区内常驻服务人员”之和（未填按 0 计）。"),
    ("经营类型分布", "填报了经营类型的累计注册机构中，各类型的机构数（一家机构可有多个类型，占比之和可超过 100%），占比以填报经营类型的机构数为分母。"),
    ("累计公开项目业绩", "公开日期（disclosed_on）不晚于当年 12 月 31 日的项目数。"),
    ("近三年项目", "累计公开项目中，开始日期（start_date）在当年及前两年内的项目；项目类型分布及占比以近三年项目数为分母。"),
    ("已完成 / 进行中", "累计公开项目中，状态为“已完成”且结束日期不晚于当年 12 月 31 日的为已完成，其余为进行中（之后才完成的项目在当年底仍在进行）。"),
    ("服务区内企业", "累计公开项目中“委托企业是否在区内”为是的委托企业，按名称去重计数。"),
    ("当年公开项目业绩", "公开日期在当年内的项目数；同比变化 =（当年 − 上年）÷ 上年，取整数百分比。"),
    ("当年", "尚未结束的年度统计到构建当日（“截至”后注明日期），其余年度统计到 12 月 31 日。"),
    ("占比", "整数百分比，四舍五入（如 167 ÷ 191 = 87.4% 记为 87%）。"),
    ("平台操作次数", "机构端数据维护按每次新增、编辑、删除、上传计 1 次，一次批量导入大量记录（数据迁移）的不计入；"
                     "公开访问按网站访问记录计，页面计为查看，数据文件和附件计为下载，不计网页样式等资源、失败的请求和网络爬虫。"
                     "按操作日期归入年度和月份。"),
    ("端口划分", "来自管理部门办公网络的访问计为管理端；从机构提交信息的审核页面进入的访问计为机构端；其余访问计为企业端。"
                 "机构档案、项目业绩、文件的维护计为机构端，企业评价、需求和专家咨询计为企业端，"
                 "管理评价、标准政策、课程、问答和专家信息的维护计为管理端。"),
    ("智能问答反馈", "智能问答页面每次提问后向网站请求一个静态文件（qa/feedback.gif），访问日志据此计数：找到答案的只计次数、"
                   "不记录问题；未找到答案的和用户点击“没有帮助”的记录问题文字（发送前及统计时均删除电话、证件号等 6 位以上数字和邮箱）。"
                   "答复比例 = 找到答案次数 ÷ 提问次数；宽窄、大小写、空格和句末标点不同的问题合并计数。这些请求不计入平台操作次数。"),
)

# Technical notes: where the numbers come from in this implementation. Printed under 统计口径 (技术说明)
# and by `python -m build_tools report`; the report's own sentences never use these terms.
TECH_NOTES: tuple[str, ...] = (
    "全部数字由 build_tools/compute/stats.py 在站点构建时从 data/ 中的记录计算；"
    "`python -m build_tools report --year 年度` 不构建站点，输出同样的表格、正文和说明。",
    "数据维护次数取自 data/ 目录的 git 提交历史：每个记录文件的新增（A）、修改（M）、删除（D）各计 1 次，"
    "agencies/<编号>/files/ 下的文件计为上传；一次提交改动的记录数达到站点配置 extra.platform.usage.bulk_files"
    "（默认 50）的视为批量导入，不计入。",
    "公开访问取自 data/usage/ 下的 nginx/Apache combined 格式访问日志（*.log、*.log.N、*.log.gz）"
    "或统计导出 CSV（date,path,count）；只计 GET/HEAD 且状态为 200/206/304 的请求。",
    "端口划分的网段与来源见站点配置的 extra.platform.usage：admin_networks（管理端网段）、"
    "agency_referrers（机构端来源页地址片段）、base_path（站点路径前缀）。",
    "缺少某一数据来源时，报告注明“未统计”，不以 0 代替；没有访问记录（只有数据维护记录）时不比较各端口的使用情况。",
)


def percent(part: int, whole: int) -> int | None:
    """Integer percent rounded half up (away from zero for negatives); None when the whole is 0."""
    if whole == 0:
        return None
    sign = -1 if (part < 0) != (whole < 0) and part != 0 else 1
    p, w = abs(part), abs(whole)
    return sign * ((200 * p + w) // (2 * w))


def region_label(province: str) -> str:
    """天津市 -> 天津, 河北省 -> 河北: the seed's short names."""
    for suffix in ("特别行政区", "自治区", "省", "市"):
        if province.endswith(suffix):
            return province[: -len(suffix)]
    return province


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: int | None


def shares(counts: pd.Series, whole: int, order: list[str] | None = None) -> list[Share]:
    """Counts as Share rows, in `order` (zeros included) or by count descending."""
    labels = order if order is not None else list(counts.sort_values(ascending=False, kind="stable").index)
    return [Share(str(k), int(counts.get(k, 0)), percent(int(counts.get(k, 0)), whole)) for k in labels]


@dataclass
class UsageYear:
    """Operations within the year, or why there are none."""
    total: int
    by_portal: list[Share]
    by_module: pd.DataFrame     # module x portal counts
    by_action: pd.DataFrame     # action x portal counts
    by_month: pd.DataFrame      # month (1..12) x portal counts
    git_available: bool
    log_files: list[str]
    public_total: int           # views/downloads from access logs or exports
    agency_total: int           # record edits from git
    bulk_loads: list = field(default_factory=list)  # [(date, records)] bulk loads of the year, not counted


@dataclass
class QaFeedback:
    """智能问答反馈 of one year, from the qa/feedback.gif requests in the access logs."""
    by_month: pd.DataFrame                # month (1..12) x [asked, answered, none, unhelpful]
    unanswered: list[tuple[str, int]]     # (question as most often written, times asked), most asked first
    unhelpful: list[tuple[str, str, int]]  # (question, FAQ id judged unhelpful, times)

    @property
    def asked(self) -> int:
        return int(self.by_month["asked"].sum())

    @property
    def answered(self) -> int:
        return int(self.by_month["answered"].sum())


def _most_asked(rows: pd.DataFrame, by: list[str], top: int) -> list[tuple]:
    """Group rows by question_key (+ `by`), most frequent first; each group shown as its most frequent form."""
    if rows.empty:
        return []
    rows = rows.assign(key=rows["question"].map(question_key))
    out = []
    for key, group in rows.groupby(["key", *by], sort=False):
        forms = group.groupby("question")["count"].sum().sort_values(ascending=False, kind="stable")
        out.append((str(forms.index[0]), *key[1:], int(group["count"].sum())))
    out.sort(key=lambda t: (-t[-1], question_key(t[0])))
    return out[:top]


def qa_feedback(usage: UsageInput, year: int, top: int = 20) -> QaFeedback | None:
    rows = usage.feedback_for_year(year)
    if rows.empty:
        return None
    counts = rows.assign(month=rows["date"].dt.month).pivot_table(
        index="month", columns="kind", values="count", aggfunc="sum", fill_value=0)
    grid = counts.reindex(index=list(MONTHS), columns=["answered", "none", "unhelpful"], fill_value=0).astype("int64")
    grid.insert(0, "asked", grid["answered"] + grid["none"])
    return QaFeedback(grid, _most_asked(rows[rows["kind"] == "none"], [], top),
                      _most_asked(rows[rows["kind"] == "unhelpful"], ["faq"], top))


@dataclass
class YearStats:
    year: int
    agencies_total: int
    agencies_new: int
    regions: list[Share]
    office_in_zone: int
    resident_staff: int
    agencies_with_types: int
    business_types: list[Share]
    projects_total: int
    projects_recent: int
    projects_completed: int
    projects_in_progress: int
    enterprises_served: int
    project_types: list[Share]
    disclosed_by_year: dict[int, int]
    usage: UsageYear | None = None
    qa: QaFeedback | None = None
    as_of: dt.date | None = None    # Dec 31, or the build date while the year is not over
    previous: YearStats | None = field(default=None, repr=False)

    @property
    def partial(self) -> bool:
        """The year was not over at build time."""
        return self.as_of is not None and (self.as_of.month, self.as_of.day) != (12, 31)

    @property
    def as_of_text(self) -> str:
        """截至… wording: 2023年12月底 for a finished year, 2026年11月25日 for the current one."""
        if not self.partial:
            return f"{self.year}年12月底"
        assert self.as_of is not None  # partial implies as_of
        return f"{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日"

    @property
    def disclosed(self) -> int:
        return self.disclosed_by_year.get(self.year, 0)

    @property
    def disclosed_previous(self) -> int:
        return self.disclosed_by_year.get(self.year - 1, 0)

    @property
    def disclosed_change(self) -> int | None:
        """Year-on-year change of projects disclosed, in integer percent (None without a previous year)."""
        return percent(self.disclosed - self.disclosed_previous, self.disclosed_previous)

    def delta(self, name: str) -> int | None:
        """This year's count minus last year's (同比增减)."""
        if self.previous is None:
            return None
        return int(getattr(self, name)) - int(getattr(self.previous, name))

    def top_region(self) -> Share:
        return max(self.regions, key=lambda s: s.count)


# Headline figures, in report order: (attribute, Chinese label, unit).
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("agencies_total", "累计注册机构", "家"),
    ("agencies_new", "本年新增注册机构", "家"),
    ("office_in_zone", "区内设立办公场地的机构", "家"),
    ("resident_staff", "区内常驻服务人员", "人"),
    ("agencies_with_types", "填报经营类型的机构", "家"),
    ("projects_total", "累计公开项目业绩", "项"),
    ("projects_recent", "近三年项目", "项"),
    ("projects_completed", "已完成项目", "项"),
    ("projects_in_progress", "进行中项目", "项"),
    ("enterprises_served", "服务区内企业", "家"),
    ("disclosed", "本年公开项目业绩", "项"),
)


# --- frames ----------------------------------------------------------------------------------------
def agency_frame(dataset: Dataset) -> pd.DataFrame:
    rows = [{"id": a.id, "province": a.province, "office_in_zone": bool(a.office_in_zone),
             "resident_staff": a.resident_staff or 0, "business_types": list(a.business_types),
             "registered_on": a.registered_on} for a in views(dataset, "agency")]
    frame = pd.DataFrame(rows, columns=["id", "province", "office_in_zone", "resident_staff", "business_types",
                                        "registered_on"])
    frame["registered_on"] = pd.to_datetime(frame["registered_on"])
    return frame


def project_frame(dataset: Dataset) -> pd.DataFrame:
    rows = [{"id": p.id, "agency": p.agency, "client": p.client, "client_in_zone": p.client_in_zone is True,
             "type": p.type, "status": p.status, "start_date": p.start_date, "end_date": p.end_date,
             "disclosed_on": p.disclosed_on} for p in views(dataset, "project")]
    frame = pd.DataFrame(rows, columns=["id", "agency", "client", "client_in_zone", "type", "status", "start_date",
                                        "end_date", "disclosed_on"])
    for col in ("start_date", "end_date", "disclosed_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def business_type_order() -> list[str]:
    """The ten business types in the schema's order (charts list every type, including zeros)."""
    return list(enum_values("common.schema.json", "$defs", "business_type"))


# --- one year ---------------------------------------------------------------------------------------
def year_stats(agencies: pd.DataFrame, projects: pd.DataFrame, year: int,
               regions: tuple[str, ...] = DEFAULT_REGIONS, usage: UsageInput | None = None,
               with_previous: bool = True, today: dt.date | None = None) -> YearStats:
    as_of = min(dt.date(year, 12, 31), today) if today else dt.date(year, 12, 31)  # the current year: up to today
    end = pd.Timestamp(as_of)
    ag = agencies[agencies["registered_on"] <= end]
    new = ag[ag["registered_on"].dt.year == year]

    region = ag["province"].map(lambda p: region_label(p) if p in regions else OTHER)
    region_order = [region_label(r) for r in regions] + [OTHER]

    typed = ag[ag["business_types"].map(len) > 0]
    type_counts = typed["business_types"].explode().value_counts()
    type_order = business_type_order()

    pr = projects[projects["disclosed_on"] <= end]
    recent = pr[pr["start_date"].dt.year.between(year - 2, year)]
    completed = pr[(pr["status"] == "已完成") & (pr["end_date"] <= end)]
    disclosed = pr["disclosed_on"].dt.year.value_counts()

    stats = YearStats(
        year=year,
        agencies_total=len(ag),
        agencies_new=len(new),
        regions=shares(region.value_counts(), len(ag), region_order),
        office_in_zone=int(ag["office_in_zone"].sum()),
        resident_staff=int(ag.loc[ag["office_in_zone"], "resident_staff"].sum()),
        agencies_with_types=len(typed),
        business_types=shares(type_counts, len(typed), type_order),
        projects_total=len(pr),
        projects_recent=len(recent),
        projects_completed=len(completed),
        projects_in_progress=len(pr) - len(completed),
        enterprises_served=int(pr.loc[pr["client_in_zone"], "client"].nunique()),
        project_types=shares(recent["type"].value_counts(), len(recent), type_order),
        disclosed_by_year={int(y): int(n) for y, n in sorted(disclosed.items())},
        usage=usage_year(usage, year) if usage is not None else None,
        qa=qa_feedback(usage, year) if usage is not None else None,
        as_of=as_of,
    )
    if with_previous:
        stats.previous = year_stats(agencies, projects, year - 1, regions, None, with_previous=False)
    return stats


def usage_year(usage: UsageInput, year: int) -> UsageYear:
    events = usage.for_year(year)

    def table(index: str, order: list[Any]) -> pd.DataFrame:
        grid = events.pivot_table(index=index, columns="portal", values="count", aggfunc="sum", fill_value=0)
        return grid.reindex(index=order, columns=list(PORTALS), fill_value=0).astype("int64")

    monthly = events.assign(month=events["date"].dt.month)
    by_portal = events.groupby("portal")["count"].sum()
    total = int(events["count"].sum())
    modules = list(events.groupby("module")["count"].sum().sort_values(ascending=False, kind="stable").index)
    actions = [a for a in ACTIONS if a in set(events["action"])]
    month_grid = monthly.pivot_table(index="month", columns="portal", values="count", aggfunc="sum", fill_value=0)
    return UsageYear(
        total=total,
        by_portal=shares(by_portal, total, list(PORTALS)),
        by_module=table("module", modules),
        by_action=table("action", actions),
        by_month=month_grid.reindex(index=list(MONTHS), columns=list(PORTALS), fill_value=0).astype("int64"),
        git_available=usage.git_available,
        log_files=list(usage.log_files),
        public_total=int(events.loc[events["source"] != "git", "count"].sum()),
        agency_total=int(events.loc[events["source"] == "git", "count"].sum()),
        bulk_loads=[(d, n) for d, n in usage.bulk_loads if d.year == year],
    )


# --- the compute step -------------------------------------------------------------------------------
@dataclass
class Stats:
    years: dict[int, YearStats]

    def for_year(self, year: int) -> YearStats | None:
        return self.years.get(year)

    @property
    def latest(self) -> YearStats | None:
        return self.years[max(self.years)] if self.years else None


def report_years(agencies: pd.DataFrame, projects: pd.DataFrame, usage: UsageInput | None,
                 today: dt.date) -> list[int]:
    """Every year from the first registration/disclosure to the last one (or the last usage), up to today."""
    years = set(agencies["registered_on"].dt.year.dropna().astype(int))
    years |= set(projects["disclosed_on"].dt.year.dropna().astype(int))
    if usage is not None:
        years |= usage.years()
    return year_span(years, today)


def compute(dataset: Dataset, ctx: BuildContext) -> Stats:
    agencies, projects = agency_frame(dataset), project_frame(dataset)
    inputs = ctx.need_inputs()
    usage = collect(inputs.history, inputs.usage_logs, ctx.data_root, ctx.settings.platform.usage)
    regions = ctx.settings.platform.report_regions
    return Stats({y: year_stats(agencies, projects, y, regions, usage, today=ctx.today)
                  for y in report_years(agencies, projects, usage, ctx.today)})


# --- the report's tables (the same numbers feed the text, the charts, the CSV/XLSX and the CLI) -------
@dataclass(frozen=True)
class Table:
    key: str               # file name stem, e.g. "regions"
    title: str             # Chinese caption
    frame: pd.DataFrame    # shown as is: columns are Chinese headers


def _share_frame(items: list[Share], label: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame({label: [s.label for s in items], f"数量（{unit}）": [s.count for s in items],
                         "占比（%）": pd.array([s.percent for s in items], dtype="Int64")})


def _signed(value: int | None) -> str:
    return "—" if value is None else f"{value:+d}"


def tables(s: YearStats) -> list[Table]:
    summary = pd.DataFrame({
        "指标": [label for _, label, _ in FIGURES],
        "单位": [unit for _, _, unit in FIGURES],
        f"{s.year}年": [int(getattr(s, name)) for name, _, _ in FIGURES],
        f"{s.year - 1}年": pd.array([int(getattr(s.previous, name)) if s.previous else None
                                    for name, _, _ in FIGURES], dtype="Int64"),
        "同比增减": [_signed(s.delta(name)) for name, _, _ in FIGURES],
    })
    years = sorted(y for y in s.disclosed_by_year if y <= s.year)
    per_year = pd.DataFrame({
        "年度": years,
        "公开项目数（项）": [s.disclosed_by_year[y] for y in years],
        "同比变化（%）": pd.array([percent(s.disclosed_by_year[y] - s.disclosed_by_year.get(y - 1, 0),
                                           s.disclosed_by_year.get(y - 1, 0)) for y in years], dtype="Int64"),
    })
    out = [
        Table("summary", f"{s.year}年主要指标（截至{s.as_of_text}）", summary),
        Table("regions", "环境服务第三方机构地区分布", _share_frame(s.regions, "注册地", "家")),
        Table("business_types", "环境服务第三方机构经营类型分布", _share_frame(s.business_types, "经营类型", "家")),
        Table("project_types", f"近三年（{s.year - 2}—{s.year}年）各类型项目业绩分布",
              _share_frame(s.project_types, "项目类型", "项")),
        Table("projects_per_year", "各年度项目业绩公开数量", per_year),
    ]
    if s.usage is not None and s.usage.total:
        u = s.usage
        out += [
            Table("usage_portals", f"{s.year}年平台各端口操作分布", _share_frame(u.by_portal, "端口", "次")),
            Table("usage_modules", f"{s.year}年平台各模块操作次数", _grid(u.by_module, "模块")),
            Table("usage_actions", f"{s.year}年平台各操作行为次数", _grid(u.by_action, "操作行为")),
            Table("usage_months", f"{s.year}年各月平台操作次数",
                  _grid(u.by_month.rename(index=lambda m: f"{m}月"), "月份")),
        ]
    if s.qa is not None:
        q = s.qa
        months = q.by_month[q.by_month["asked"] + q.by_month["unhelpful"] > 0]
        out += [
            Table("qa_months", f"{s.year}年智能问答各月提问与答复情况", pd.DataFrame({
                "月份": [f"{m}月" for m in months.index],
                "提问次数": months["asked"].to_numpy(),
                "找到答案": months["answered"].to_numpy(),
                "未找到答案": months["none"].to_numpy(),
                "答复比例（%）": pd.array([percent(int(a), int(n)) for a, n in zip(months["answered"], months["asked"])],
                                       dtype="Int64"),
                "点击“没有帮助”": months["unhelpful"].to_numpy(),
            })),
            Table("qa_unanswered", f"{s.year}年智能问答未找到答案的问题（按提问次数）", pd.DataFrame({
                "问题": [t[0] for t in q.unanswered], "提问次数": [t[1] for t in q.unanswered]})),
            Table("qa_unhelpful", f"{s.year}年智能问答被标为“没有帮助”的答案", pd.DataFrame({
                "问题": [t[0] for t in q.unhelpful], "答案编号": [t[1] for t in q.unhelpful],
                "次数": [t[2] for t in q.unhelpful]})),
        ]
    return out


def _grid(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    out = frame.reset_index()
    out.columns = [label, *frame.columns]
    out["合计"] = frame.sum(axis=1).to_numpy()
    return out
