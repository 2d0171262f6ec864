"""The ways in: the home page (entry to every module, what is new) and the 办事指南 per role.

Every step that asks someone to submit something links to the matching issue form (forge.py);
what is new is computed from the records at build time (newest first, as of the build date).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..context import BuildContext
from ..records.model import Dataset, Record
from .forge import Forge, forge_of
from .html import page
from .links import base_for, url
from .output import Output

LATEST = 5  # items per "what is new" list


@dataclass(frozen=True)
class Link:
    text: str
    href: str              # site-relative ("agencies/") or absolute (a form on the forge)
    form: bool = False     # opens an issue form (shown as a button)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Guide:
    key: str               # guide/<key>/
    role: str              # 机构 / 企业 / 公众 / 管理部门
    title: str
    lead: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


ROLES = ("agency", "enterprise", "public", "admin")


def _form(forge: Forge, text: str, kind: str, subject: str = "", **prefill: str) -> Link:
    """A link to a form, or to 登录/注册 (which explains the forms) when no repository is configured."""
    href = forge.new_issue(kind, subject, **prefill)
    return Link(text, href, form=True) if href else Link(text, "guide/register/")


def guides(forge: Forge) -> dict[str, Guide]:
    """The step-by-step guides. Site links are root-relative; templates prefix the page's base."""
    agency = Guide("agency", "机构", "第三方服务机构办事指南",
                   "环评、监测、治理、运维、咨询等第三方环境服务机构：注册入驻、公开项目业绩、维护机构信息。", (
        Step("1. 登录", "浏览本平台无需登录。提交信息时使用代码托管平台（GitHub）的账号登录，"
             "一个账号代表一家机构；还没有账号的，先在该平台免费注册。",
             (Link("登录/注册说明", "guide/register/"),)),
        Step("2. 填写机构注册表单", "按表单逐项填写：机构名称、统一社会信用代码、注册地址、区内办公场地、企业规模、"
             "经营类型、服务地区、资质、联系人等。下拉项直接选择；资质、联系人等每行填写一项，各栏用竖线“|”分隔。",
             (_form(forge, "填写机构注册表单", "agency", "机构名称"),)),
        Step("3. 等待检查和审核", "提交后平台机器人自动检查（信用代码校验位、日期、必填项等），有问题时在表单下方用中文逐项说明，"
             "修改表单内容即可重新检查；检查通过后由平台运营单位审核，次日随站点更新公开。", ()),
        Step("4. 公开项目业绩", "每个服务项目填写一份项目业绩表单：委托企业、项目类型、起止日期、状态、地点。"
             "企业评价只能针对已公开的项目。",
             (_form(forge, "填写项目业绩表单", "project", "项目名称"), Link("查看全部项目业绩", "projects/"))),
        Step("5. 更新机构信息、信息公开", "在本机构页面点击“更新本机构信息”，表单会带上机构编号；提交的表单内容将整体替换原有信息，"
             "请完整填写。年度报告、服务承诺、收费标准等公开事项填写在表单的“信息公开”一栏。",
             (Link("机构列表", "agencies/"),)),
        Step("6. 查看评价和综合评价", "企业评价、管理评价和平台记录共同构成综合评价，评价方法和展示准入规则公开。",
             (Link("综合评价", "evaluation/"), Link("评价方法与展示准入", "evaluation/methodology/"))),
    ))
    enterprise = Guide("enterprise", "企业", "企业办事指南",
                       "有环境治理需求的企业：找服务机构、发布需求、评价服务、咨询专家。", (
        Step("1. 在服务超市找机构", "按地区、经营类型、服务地区、资质、企业规模筛选，或直接输入关键词，"
             "例如“上海市 在线运维”“危废”。",
             (Link("进入服务超市（机构列表）", "agencies/"),
              Link("示例：服务上海市的在线运维机构", "agencies/?kw=%E4%B8%8A%E6%B5%B7%E5%B8%82%20%E5%9C%A8%E7%BA%BF%E8%BF%90%E7%BB%B4"))),
        Step("2. 看项目业绩和评价", "每家机构公开了项目业绩、企业评价和综合评价，可按类型、年份、状态、地区查看全部项目业绩。",
             (Link("项目业绩", "projects/"), Link("综合评价", "evaluation/"))),
        Step("3. 发布需求", "填写需求表单：需求类型、地区、预算、截止日期、联系人等，审核后在需求大厅公开，"
             "平台同时推荐可承接的机构。",
             (_form(forge, "填写需求表单", "demand", "需求名称"), Link("需求大厅", "demands/"))),
        Step("4. 评价服务机构", "项目完成后，委托企业可对该项目打分并留下评价意见。在机构页面点击“评价该机构”会自动带上机构编号。"
             "评价内容经审核后公开，规则见评价方法。",
             (_form(forge, "填写企业评价表单", "enterprise_review"), Link("评价方法与评语公开规则", "evaluation/methodology/"))),
        Step("5. 咨询专家", "先在智能问答中检索；没有合适答案时填写专家咨询表单，专家答复后公开。",
             (Link("智能问答", "qa/"), _form(forge, "填写专家咨询表单", "consultation"), Link("专家咨询", "consult/"))),
        Step("6. 查政策、看课程", "法律法规、标准规范和政策解读可按关键词、领域、年份检索；绿色课堂提供培训视频和课件。",
             (Link("标准政策", "policies/"), Link("绿色课堂", "courses/"))),
    ))
    public = Guide("public", "公众", "社会公众办事指南", "无需登录即可浏览、检索平台的全部公开信息。", (
        Step("1. 问一个问题", "在智能问答中用一句话描述问题，例如“危废暂存间要满足什么要求”。",
             (Link("智能问答", "qa/"),)),
        Step("2. 查标准政策、看课程", "按关键词（如“危废”“噪音”）、领域、年份检索法律法规和标准；观看培训视频。",
             (Link("标准政策", "policies/"), Link("绿色课堂", "courses/"))),
        Step("3. 了解服务机构", "查看机构档案、项目业绩、信息公开事项和综合评价。",
             (Link("机构列表", "agencies/"), Link("项目业绩", "projects/"))),
        Step("4. 看年度报告、下载数据", "年度报告汇总平台运行情况；开放数据可下载 CSV、Excel 和 JSON。",
             (Link("年度报告", "report/"), Link("开放数据", "opendata/"))),
        Step("5. 向专家提问", "智能问答没有找到答案时，可以填写专家咨询表单。",
             (_form(forge, "填写专家咨询表单", "consultation"), Link("已公开的专家答复", "consult/"))),
    ))
    admin = Guide("admin", "管理部门", "管理部门办事指南",
                  "生态环境管理部门和行业协会：掌握平台运行情况、开展评价、使用数据。", (
        Step("1. 看年度报告", "年度报告按注册情况、地区分布、经营类型、项目业绩和平台使用情况统计，可打印或另存为 PDF，"
             "每张表可下载 CSV/Excel。", (Link("年度报告", "report/"),)),
        Step("2. 综合评价与展示准入", "评价方案（权重、指标、等级）和服务超市的展示准入规则全文公开，评价结果逐年发布。",
             (Link("评价方法与展示准入", "evaluation/methodology/"), Link("综合评价结果", "evaluation/"))),
        Step("3. 下载开放数据", "机构名录、项目业绩、评价结果、需求、标准政策和课程均提供 Excel、CSV 和 JSON 下载，附字段说明。",
             (Link("开放数据", "opendata/"),)),
        Step("4. 提交管理评价", "管理评价（年度、分数、意见）由管理部门书面提交平台运营单位，经核对后录入，"
             "在下一次站点更新时计入综合评价。", (Link("评价方法", "evaluation/methodology/"),)),
        Step("5. 审核提交的信息", "机构注册、项目业绩、企业评价、需求和专家咨询经机器人检查后，以合并请求的形式等待平台运营单位审核。",
             ((Link("待审核的提交", forge.pulls()),) if forge.enabled else ())),
        Step("6. 专家答复收入常见问题", "具有普遍性的专家答复由运营单位收入常见问题库，此后智能问答即可检索到。",
             (Link("专家咨询", "consult/"), Link("智能问答", "qa/"))),
    ))
    return {g.key: g for g in (agency, enterprise, public, admin)}


def forms_list(forge: Forge) -> list[Link]:
    """Every form a person can submit, for 登录/注册."""
    return [_form(forge, "机构注册（新机构入驻或更新机构信息）", "agency"),
            _form(forge, "项目业绩", "project"),
            _form(forge, "企业评价", "enterprise_review"),
            _form(forge, "发布需求", "demand"),
            _form(forge, "专家咨询", "consultation")]


def _newest(records: Iterable[Record], key: str, n: int = LATEST) -> list[Record]:
    return heapq.nlargest(n, records, key=lambda r: (r.data.get(key) or "", r.id))


def latest(dataset: Dataset, ctx: BuildContext, base: str) -> list[dict[str, Any]]:
    """What is new, per module: [{title, more, items: [{text, url, date, note}]}]."""
    facts = ctx.computed.get("demands", {})
    open_demands = [d for d in dataset.of("demand") if getattr(facts.get(d.id), "is_open", False)]
    agencies = dataset.index("agency")

    def rows(kind: str, records: list[Record], label: str, date: str, note=lambda r: "") -> list[dict]:
        return [{"text": r.data[label], "url": base + url(kind, r.id), "date": r.data.get(date, ""), "note": note(r)}
                for r in records]

    answered = [c for c in dataset.of("consultation") if c.data.get("answer")]
    return [
        {"key": "news", "title": "最新资讯", "more": base + "news/",
         "items": rows("news", _newest(dataset.of("news"), "date"), "title", "date", lambda r: r.data["category"])},
        {"key": "demands", "title": "最新需求", "more": base + "demands/",
         "items": rows("demand", _newest(open_demands, "publish_date"), "title", "publish_date",
                       lambda r: r.data["demand_type"])},
        {"key": "policies", "title": "最新标准政策", "more": base + "policies/",
         "items": rows("policy", _newest(dataset.of("policy"), "issue_date"), "title", "issue_date",
                       lambda r: r.data["kind"])},
        {"key": "projects", "title": "最新公开的项目业绩", "more": base + "projects/",
         "items": [{"text": p.data["name"], "url": base + url("agency", p.data["agency"]) + "#projects",
                    "date": p.data["disclosed_on"],
                    "note": agencies[p.data["agency"]].data["name"] if p.data["agency"] in agencies else ""}
                   for p in _newest(dataset.of("project"), "disclosed_on")]},
        {"key": "courses", "title": "最新课程", "more": base + "courses/",
         "items": rows("course", _newest(dataset.of("course"), "date"), "title", "date",
                       lambda r: r.data["topic"])},
        {"key": "answers", "title": "最新专家答复", "more": base + "consult/",
         "items": rows("consultation", _newest(answered, "answer_date"), "question", "answer_date")},
    ]


def modules(dataset: Dataset, ctx: BuildContext, forge: Forge) -> list[dict[str, Any]]:
    """The module grid of the home page, each with a live count."""
    facts = ctx.computed.get("demands", {})
    open_count = sum(1 for d in dataset.of("demand") if getattr(facts.get(d.id), "is_open", False))
    n = lambda kind: len(dataset.of(kind))  # noqa: E731
    return [
        {"title": "惠企服务 · 服务超市", "href": "agencies/", "count": f"{n('agency')} 家机构",
         "text": "按地区、服务地区、经营类型、资质检索第三方环境服务机构。"},
        {"title": "项目业绩", "href": "projects/", "count": f"{n('project')} 项",
         "text": "全部机构公开的服务项目，按类型、年份、状态、地区筛选。"},
        {"title": "需求大厅", "href": "demands/", "count": f"{open_count} 条征集中",
         "text": "招标、采购公告和企业发布的治理需求。"},
        {"title": "标准政策", "href": "policies/", "count": f"{n('policy')} 部",
         "text": "法律、法规、规章、标准规范与政策解读，最新资讯。"},
        {"title": "绿色课堂", "href": "courses/", "count": f"{n('course')} 门课程",
         "text": "环保培训视频和课件。"},
        {"title": "智能问答", "href": "qa/", "count": f"{n('faq')} 条问答",
         "text": "用一句话提问，自动找出最相关的答案。"},
        {"title": "专家咨询", "href": "consult/", "count": f"{n('expert')} 位专家",
         "text": "向专家库的专家提问，答复公开。"},
        {"title": "综合评价", "href": "evaluation/", "count": "评价方法公开",
         "text": "客观评价、企业评价、管理评价三部分。"},
        {"title": "年度报告", "href": "report/", "count": "逐年发布",
         "text": "平台运行情况的年度统计。"},
        {"title": "开放数据", "href": "opendata/", "count": "Excel · CSV · JSON",
         "text": "机构、项目、评价、需求、政策、课程数据下载。"},
        {"title": "办事指南", "href": "guide/", "count": "按角色分步说明",
         "text": "机构、企业、公众、管理部门怎样参与。"},
        {"title": "登录/注册", "href": "guide/register/", "count": "机构注册表单",
         "text": "提交信息需要登录；机构注册即填写机构注册表单。"},
    ]


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    forge = forge_of(ctx)
    all_guides = guides(forge)
    yield Output("index.md", page("首页", "home.html", cache=ctx.page_cache, base="", meta={"hide": ["navigation", "toc"]},
                                  roles=[all_guides[k] for k in ROLES], modules=modules(dataset, ctx, forge),
                                  latest=latest(dataset, ctx, ""), today=ctx.today.isoformat(),
                                  register=_form(forge, "机构注册", "agency")),
                 in_nav=True)
    index_path = "guide/index.md"
    yield Output(index_path, page("办事指南", "guide_index.html", cache=ctx.page_cache, base=base_for(index_path),
                                  roles=[all_guides[k] for k in ROLES]), in_nav=True)
    path = "guide/register.md"
    yield Output(path, page("登录/注册", "guide_register.html", cache=ctx.page_cache, base=base_for(path), forms=forms_list(forge),
                            forge=forge), in_nav=True)
    for key in ROLES:
        path = f"guide/{key}.md"
        yield Output(path, page(all_guides[key].title, "guide.html", cache=ctx.page_cache, base=base_for(path), guide=all_guides[key],
                                others=[all_guides[k] for k in ROLES if k != key]), in_nav=True)
