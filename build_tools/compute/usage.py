"""Platform usage for a static site: who did what, where and when, as one table of events.

A static site has no login and no server-side log of its own, so usage comes from two sources (read by
inputs/, so that this module only computes):

(a) Agency-side (and bureau-side) edits: the git history of data/. Each added, modified or deleted
    file is one operation; the path says which portal and module it belongs to (MODULES_BY_PATH),
    the git status says which action (新增/编辑/删除; anything under files/ is 上传 or 删除).
(b) Public-side views and downloads: web-server access logs in the combined format (nginx/Apache)
    or an analytics CSV export, placed under data/usage/ (see README, “Platform usage (平台使用情况)”).
    The portal of a request is decided by a documented rule (`portal_of`), the module by its URL path.

Every event is a row (date, portal, module, action, count, source); the annual report aggregates them.
Missing input is kept distinct from zero: `UsageInput` records which sources were available.

(c) 智能问答 feedback travels the same way: the Q&A page requests the static file qa/feedback.gif with
    `r=answered` (no question: only counted), `r=none&q=…` (no answer shown) or `r=unhelpful&q=…&id=…`
    (没有帮助 clicked) in its query string. These requests are not page views; they are read into
    `UsageInput.feedback` (date, kind, question, faq, count). The page removes personal numbers from the
    question before sending it; `scrub` removes them again here, since a log line can be written by anyone.
"""
from __future__ import annotations

import csv
import datetime as dt
import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qs

import pandas as pd

from ..inputs.gitlog import Change, History
from ..inputs.usage_logs import UsageLog
from ..settings import UsageSettings

PORTALS = ("企业端", "机构端", "管理端")
ACTIONS = ("查看", "下载", "新增", "编辑", "删除", "上传")
COLUMNS = ["date", "portal", "module", "action", "count", "source"]

# --- (a) git history of data/ ------------------------------------------------------------------
# (pattern on the path relative to data/, portal, module). First match wins; unmatched paths are not user actions.
MODULES_BY_PATH: tuple[tuple[str, str, str], ...] = (
    (r"^agencies/[^/]+/agency\.ya?ml$", "机构端", "基本信息"),
    (r"^agencies/[^/]+/projects/", "机构端", "项目业绩"),
    (r"^agencies/[^/]+/files/", "机构端", "文件"),
    (r"^reviews/enterprise/", "企业端", "企业评价"),
    (r"^demands/", "企业端", "需求信息"),
    (r"^reviews/management/", "管理端", "综合评价"),
    (r"^policies/", "管理端", "标准政策"),
    (r"^news/", "管理端", "最新资讯"),
    (r"^courses/", "管理端", "绿色课堂"),
    (r"^faq/", "管理端", "智能问答"),
    (r"^experts/", "管理端", "专家库"),
    (r"^procedures/", "管理端", "办事流程"),
    (r"^events/", "管理端", "生态环境活动"),
    (r"^consultations/", "企业端", "专家咨询"),
)
GIT_ACTIONS = {"A": "新增", "M": "编辑", "D": "删除"}


_GIT_MODULES = tuple((re.compile(p), portal, module) for p, portal, module in MODULES_BY_PATH)


def git_event(change: Change, data_prefix: str) -> dict[str, Any] | None:
    """One git file change as a usage event, or None when the file is not a user-edited record."""
    if not change.path.startswith(data_prefix):
        return None
    rel = change.path[len(data_prefix):]
    for pattern, portal, module in _GIT_MODULES:
        if pattern.search(rel):
            action = GIT_ACTIONS.get(change.status)
            if action is None:
                return None
            if module == "文件" and action != "删除":
                action = "上传"  # a new or replaced attachment is an upload
            return {"date": change.date.date(), "portal": portal, "module": module, "action": action,
                    "count": 1, "source": "git"}
    return None


BULK_FILES = 50  # a commit changing at least this many records is a bulk load (import, migration), not usage


def git_events(history: History, data_root: Path, bulk_files: int = BULK_FILES
               ) -> tuple[list[dict[str, Any]], bool, list[tuple[Any, int]]]:
    """Events from the git history of `data_root`, whether any history was found, and the bulk loads
    left out: [(date, records)]. One import of hundreds of records would otherwise outweigh a year of
    real maintenance and decide which portal 'is used most'."""
    if history.root is None:
        return [], False, []
    prefix = str(data_root.resolve().relative_to(history.root.resolve())).replace("\\", "/")
    prefix = "" if prefix == "." else prefix + "/"
    by_commit: dict[int, list[dict[str, Any]]] = {}
    for change in history.changes:
        event = git_event(change, prefix)
        if event is not None:
            by_commit.setdefault(change.commit, []).append(event)
    events, bulk = [], []
    for group in by_commit.values():
        if len(group) >= bulk_files:
            bulk.append((group[0]["date"], len(group)))
        else:
            events += group
    return events, bool(history.changes), bulk


# --- (b) access logs and analytics exports --------------------------------------------------------
# nginx/Apache "combined": ip ident user [time] "request" status bytes "referer" "user-agent"
COMBINED = re.compile(
    r'^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+)(?: [^"]*)?" '
    r'(?P<status>\d{3}) \S+(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?')
BOT = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|monitor", re.I)
DOWNLOAD_EXT = (".pdf", ".csv", ".xlsx", ".xls", ".json", ".zip", ".doc", ".docx")
ASSET = re.compile(r"^/?(assets/|pagefind/|sitemap|favicon|robots\.txt)|\.(css|js|map|png|jpe?g|gif|svg|ico|woff2?|ttf|webmanifest)$")
OK_STATUS = {"200", "206", "304"}

# URL path (after the site's base path) -> module. First match wins; the order keeps specific before general.
MODULES_BY_URL: tuple[tuple[str, str], ...] = (
    (r"^agencies/[^/]+/files/", "文件"),
    (r"^agencies/$", "机构列表"),
    (r"^agencies/overview/", "机构概览"),
    (r"^agencies/[^/]+/types/", "经营类型"),
    (r"^agencies/[^/]+/disclosure/", "信息公开"),
    (r"^agencies/[^/]+/", "基本信息"),
    (r"^projects/", "项目业绩"),
    (r"^(scores|evaluation)/", "综合评价"),
    (r"^reviews/", "企业评价"),
    (r"^demands/", "需求信息"),
    (r"^policies/", "标准政策"),
    (r"^news/", "最新资讯"),
    (r"^courses/", "绿色课堂"),
    (r"^qa/", "智能问答"),
    (r"^experts/", "专家库"),
    (r"^procedures/", "办事流程"),
    (r"^events/", "生态环境活动"),
    (r"^consult/", "专家咨询"),
    (r"^guide/", "办事指南"),
    (r"^report/", "年度报告"),
    (r"^opendata/", "开放数据"),
    (r"^about/", "关于平台"),
    (r"^(index\.html)?$", "首页"),
)


@lru_cache(maxsize=65536)
def _in_networks(ip: str, networks: tuple[Any, ...]) -> bool:
    """Cached: a log has few distinct client addresses and many lines."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(addr.version == net.version and addr in net for net in networks)


@dataclass(frozen=True)
class PortalRule:
    """Which portal a public request belongs to (a static site has no login to tell us).

    1. 管理端: the client address is in `admin_networks` (the bureau's office network);
    2. 机构端: the referrer contains one of `agency_referrers` (agencies arrive from their pull request
       or the repository's record pages, where they maintain their data);
    3. 企业端: everything else (the public: enterprises looking for agencies).
    Set in mkdocs.yml under extra.platform.usage; `base_path` is the site's path prefix on the server.
    """
    admin_networks: tuple[Any, ...] = ()
    agency_referrers: tuple[str, ...] = ("/pull/", "/pulls", "/merge_requests")
    base_path: str = "/"

    @classmethod
    def from_settings(cls, usage: UsageSettings) -> PortalRule:
        nets = tuple(ipaddress.ip_network(n, strict=False) for n in usage.admin_networks)
        base = "/" + usage.base_path.strip("/") + "/"
        return cls(nets, usage.agency_referrers, base.replace("//", "/"))

    def portal(self, ip: str | None, referer: str | None) -> str:
        if ip and self.admin_networks and _in_networks(ip, self.admin_networks):
            return "管理端"
        if referer and any(r in referer for r in self.agency_referrers):
            return "机构端"
        return "企业端"

    def relative(self, path: str) -> str | None:
        """URL path relative to the site root (query and fragment dropped), or None outside the site."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.base_path):
            return None
        return path[len(self.base_path):]


_URL_MODULES = tuple((re.compile(p), module) for p, module in MODULES_BY_URL)


@lru_cache(maxsize=4096)
def module_of(rel_path: str) -> str:
    for pattern, module in _URL_MODULES:
        if pattern.search(rel_path):
            return module
    return "其他"


def action_of(rel_path: str) -> str | None:
    """查看 for pages, 下载 for data files and attachments, None for the site's own assets (not counted)."""
    lower = rel_path.lower()
    if ASSET.search(lower):
        return None
    return "下载" if lower.endswith(DOWNLOAD_EXT) else "查看"


def request_event(rule: PortalRule, path: str, when: dt.date, ip: str | None = None,
                  referer: str | None = None, count: int = 1, source: str = "log") -> dict[str, Any] | None:
    rel = rule.relative(path)
    if rel is None:
        return None
    action = action_of(rel)
    if action is None:
        return None
    return {"date": when, "portal": rule.portal(ip, referer), "module": module_of(rel), "action": action,
            "count": count, "source": source}


_MONTHS = {name: i for i, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def log_date(stamp: str) -> dt.date | None:
    """The server's local date of `15/Jan/2023:09:12:01 +0800` (sliced: strptime is 10x slower per line)."""
    try:
        return dt.date(int(stamp[7:11]), _MONTHS[stamp[3:6]], int(stamp[0:2]))
    except (KeyError, ValueError):
        return None


def parse_log_line(line: str, rule: PortalRule) -> dict[str, Any] | None:
    """One combined-format line as an event; None for unparseable lines, errors, non-GET, bots and assets."""
    m = COMBINED.match(line)
    if not m or m["method"] not in ("GET", "HEAD") or m["status"] not in OK_STATUS:
        return None
    if BOT.search(m["agent"] or ""):
        return None
    when = log_date(m["time"])
    if when is None:
        return None
    referer = m["referer"] if m["referer"] not in (None, "-") else None
    return request_event(rule, m["path"], when, m["ip"], referer)


def parse_csv(text: str, rule: PortalRule) -> Iterator[dict[str, Any]]:
    """Analytics export: columns date (YYYY-MM-DD), path, count; optional portal, action, referrer.

    A given `portal`/`action` column wins over the derived one (exports may know the user's role)."""
    for row in csv.DictReader(text.lstrip("\ufeff").splitlines()):
        try:
            when = dt.date.fromisoformat((row.get("date") or "").strip()[:10])
            count = int(row.get("count") or 1)
        except ValueError:
            continue
        event = request_event(rule, (row.get("path") or "").strip(), when, None,
                              row.get("referrer") or None, count, "csv")
        if event is None:
            continue
        if (row.get("portal") or "").strip() in PORTALS:
            event["portal"] = row["portal"].strip()
        if (row.get("action") or "").strip() in ACTIONS:
            event["action"] = row["action"].strip()
        yield event


def log_events(logs: Iterable[UsageLog], rule: PortalRule) -> list[dict[str, Any]]:
    return read_usage(logs, rule)[0]


# --- (c) 智能问答 feedback ------------------------------------------------------------------------------
FEEDBACK_FILE = "qa/feedback.gif"
FEEDBACK_KINDS = ("answered", "none", "unhelpful")
FEEDBACK_COLUMNS = ["date", "kind", "question", "faq", "count"]
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_NUMBER = re.compile(r"\d[\d\s-]{4,}[\dXx]")  # same patterns as scrub() in qa.js
_FAQ_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def _personal(number: str) -> bool:
    """A phone, ID card or account number: 10 digits or more (spaces and dashes between them allowed), 7 in a
    row, or 8 split by spaces only (6628 1234). Standard numbers such as GB 18597-2023 (9 digits, 5 in a row,
    a dash) stay: they are what people ask about."""
    digits = len(re.sub(r"\D", "", number))
    return digits >= 10 or re.search(r"\d{7}", number) is not None or (digits >= 8 and "-" not in number)


def scrub(text: str) -> str:
    """The question without e-mail addresses and personal numbers (phones, ID cards, accounts), whitespace
    collapsed, at most 100 characters — what qa.js sends, enforced again on the log side."""
    text = _EMAIL.sub("", text)
    text = _NUMBER.sub(lambda m: "" if _personal(m.group()) else m.group(), text)
    return " ".join(text.split())[:100]


def question_key(text: str) -> str:
    """Questions that differ only in width, case, spaces or end punctuation count as one."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(text.split()).rstrip("?？。.!！~～")


def feedback_record(rule: PortalRule, path: str, when: dt.date, count: int = 1) -> dict[str, Any] | None:
    """A request of qa/feedback.gif as a feedback row; None for anything else or a malformed request."""
    rel = rule.relative(path)
    if rel != FEEDBACK_FILE:
        return None
    query = parse_qs(path.split("?", 1)[1] if "?" in path else "", max_num_fields=10)
    kind = (query.get("r") or [""])[0]
    if kind not in FEEDBACK_KINDS:
        return None
    question = scrub((query.get("q") or [""])[0]) if kind != "answered" else ""
    faq = (query.get("id") or [""])[0] if kind == "unhelpful" else ""
    if kind != "answered" and not question:
        return None
    return {"date": when, "kind": kind, "question": question,
            "faq": faq if _FAQ_ID.match(faq) else "", "count": count}


def parse_feedback_line(line: str, rule: PortalRule) -> dict[str, Any] | None:
    """A combined-format line that requested qa/feedback.gif (successfully, not by a bot) as a feedback row."""
    if FEEDBACK_FILE not in line:
        return None
    m = COMBINED.match(line)
    if not m or m["method"] not in ("GET", "HEAD") or m["status"] not in OK_STATUS or BOT.search(m["agent"] or ""):
        return None
    when = log_date(m["time"])
    return feedback_record(rule, m["path"], when) if when else None


def read_usage(logs: Iterable[UsageLog], rule: PortalRule) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(usage events, Q&A feedback rows) of access logs and analytics exports, each read once."""
    events: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    for log in logs:
        text = log.text
        if log.is_csv:
            events += parse_csv(text, rule)
            for row in csv.DictReader(text.lstrip("\ufeff").splitlines()):
                if FEEDBACK_FILE in (row.get("path") or ""):
                    try:
                        when = dt.date.fromisoformat((row.get("date") or "").strip()[:10])
                        count = int(row.get("count") or 1)
                    except ValueError:
                        continue
                    record = feedback_record(rule, row["path"].strip(), when, count)
                    if record:
                        feedback.append(record)
            continue
        for line in text.splitlines():
            event = parse_log_line(line, rule)
            if event is not None:
                events.append(event)
            else:
                record = parse_feedback_line(line, rule)
                if record is not None:
                    feedback.append(record)
    return events, feedback


def feedback_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=FEEDBACK_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["count"] = frame["count"].astype("int64")
    return frame


# --- the compute result ---------------------------------------------------------------------------
@dataclass
class UsageInput:
    events: pd.DataFrame                          # COLUMNS; date is a datetime64 column
    git_available: bool                           # a git history of data/ was found
    log_files: list[str] = field(default_factory=list)  # names of the access logs / exports read
    feedback: pd.DataFrame = field(default_factory=lambda: feedback_frame([]))  # FEEDBACK_COLUMNS
    bulk_loads: list[tuple[dt.date, int]] = field(default_factory=list)  # (date, records) of bulk loads left out

    def for_year(self, year: int, source: str | None = None) -> pd.DataFrame:
        e = self.events
        mask = e["date"].dt.year == year
        if source == "git":
            mask &= e["source"] == "git"
        elif source == "public":
            mask &= e["source"] != "git"
        return e[mask]

    def feedback_for_year(self, year: int) -> pd.DataFrame:
        return self.feedback[self.feedback["date"].dt.year == year]

    def years(self) -> set[int]:
        return set(int(y) for y in self.events["date"].dt.year.unique()) | \
            set(int(y) for y in self.feedback["date"].dt.year.unique())


def events_frame(events: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(events, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["count"] = frame["count"].astype("int64")
    return frame


def collect(history: History, logs: Iterable[UsageLog], data_root: Path, usage: UsageSettings) -> UsageInput:
    """Usage events and Q&A feedback from what inputs/ read: the git history of `data_root` and the access logs."""
    rule = PortalRule.from_settings(usage)
    logs = list(logs)
    git, has_git, bulk = git_events(history, data_root, usage.bulk_files)
    public, feedback = read_usage(logs, rule)
    return UsageInput(events_frame(git + public), has_git, [log.name for log in logs], feedback_frame(feedback), bulk)
