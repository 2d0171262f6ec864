"""资讯 (news): notices, evaluation results, policy releases and good practice published by the operator.

A listing (newest first, by 栏目), one page per item with its related policies, an Atom feed, and the
newest items on the home page (portal.latest). The plan puts 最新资讯 inside the 标准政策 module."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..context import BuildContext
from ..records.model import Dataset, Record
from .atom import Entry, feed_xml
from .html import page, record
from .links import SECTIONS, base_for, page_path
from .output import Output
from .policies import choices
from .relations import link_rows, resolve

TITLE = "最新资讯"
FEED = f"{SECTIONS['news']}/feed.xml"
FEED_SIZE = 50


def newest_first(records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.data["date"], r.id), reverse=True)


def paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines; each paragraph is escaped by the template, never parsed as markup."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    items = newest_first(dataset.of("news"))
    index_path = f"{SECTIONS['news']}/index.md"
    categories = [c for c in choices("news", "category") if any(r.data["category"] == c for r in items)]
    yield Output(index_path, page(TITLE, "news_index.html", cache=ctx.page_cache, base=base_for(index_path),
                                  meta={"feed": FEED, "feed_title": f"{TITLE}（Atom）"},
                                  items=items, categories=categories, feed="feed.xml"), in_nav=True)
    for r in items:
        path = page_path("news", r.id)
        base = base_for(path)
        yield record(path, ctx.chrome, r.data["title"], "news.html", cache=ctx.page_cache, base=base,
                     description=r.data["summary"], n=r.data, body=paragraphs(r.data.get("body", "")),
                     policies=link_rows(resolve(dataset, "policy", r.data.get("policies", [])), "policy", base))
    yield Output(FEED, feed(items, ctx))


def feed(items: list[Record], ctx: BuildContext) -> bytes:
    """Newest items as Atom; absolute links when the site URL is known (feed readers need them)."""
    site = ctx.settings.site_url
    site = site if not site or site.endswith("/") else site + "/"
    here = site + SECTIONS["news"] + "/" if site else ""
    entries = [Entry(id=(here + f"{r.id}/") if site else f"urn:tp-platform:news:{r.id}", title=r.data["title"],
                     link=here + f"{r.id}/", published=dt.date.fromisoformat(r.data["date"]), summary=r.data["summary"],
                     author=r.data["source"], categories=(r.data["category"],))
               for r in items[:FEED_SIZE]]
    return feed_xml(feed_id=(site + FEED) if site else "urn:tp-platform:news", title=TITLE,
                    subtitle="通知公告、工作动态、评价结果、政策发布和先进做法", self_url=here + "feed.xml",
                    alt_url=here or "./", author="生态环境第三方服务平台", entries=entries, fallback_updated=ctx.today)
