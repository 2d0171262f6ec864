"""Site search (全站搜索): a Pagefind index fed from the records, not from the finished pages.

- records.py  record -> search entry (title and basic information only, plain text, masked records)
- tokens.py   the index's words (Han bigrams, letter/digit runs), made the same way by the browser (shared.js)
- pagefind.py the Pagefind service: records are streamed to it while mkdocs renders the pages, and the
              bundle (sharded index, one fragment per entry, wasm, pagefind.js) is written to site/pagefind/

The browser loads only the index shards its query needs (content/assets/javascripts/site-search.js):
no page downloads a whole-site index. The results page is search/ (render/search_page.py); the search
box of every page is templates/partials/search_form.html.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

import jinja2

from ..records.model import Dataset
from .pagefind import Indexer, PagefindError, Written, write_index
from .records import SearchRecord, SectionPage, from_dataset, section, section_text

__all__ = ["BUNDLE", "Indexer", "PagefindError", "Sections", "Written", "add_templates", "entries", "finish",
           "start", "write_index"]

log = logging.getLogger("mkdocs.plugins.platform.search")
BUNDLE = "pagefind"   # folder of the index inside the site
TEMPLATES = Path(__file__).resolve().parent.parent / "render" / "templates"


class Sections:
    """Hand-written and section pages (首页, 办事指南, 关于平台 …), as the hook sees their sources."""

    def __init__(self) -> None:
        self.pages: list[SectionPage] = []

    def add(self, url: str, title: str, source: str) -> None:
        self.pages.append(SectionPage(url=url, title=title, text=section_text(source)))


def entries(public: Dataset, sections: Iterable[SectionPage] = ()) -> Iterator[SearchRecord]:
    """Every entry of the index: section pages, then the records."""
    yield from (section(p) for p in sections)
    yield from from_dataset(public)


def start(public: Dataset) -> Indexer:
    """Start indexing the records in the background; `finish` adds the section pages and writes."""
    indexer = Indexer()
    indexer.feed(from_dataset(public))
    return indexer


def finish(indexer: Indexer | None, sections: Sections | None, site_dir: Path) -> Written:
    if indexer is None:
        raise PagefindError("站内搜索索引未启动（search indexer not started）")
    try:
        indexer.add(section(p) for p in (sections.pages if sections else []))
    except BaseException:
        indexer.close()
        raise
    written = indexer.finish(Path(site_dir) / BUNDLE)
    seconds = time.perf_counter() - indexer.started
    log.info("站内搜索索引：%d 条，%d 个文件，%.1f MB，常见词 %d 个（%.1f s，与页面生成并行）", written.records, written.files,
             written.bytes / 1e6, written.common, seconds)
    return written


def add_templates(env: Any) -> None:
    """Let the theme's Jinja environment include this project's partials (the search box)."""
    loader = env.loader
    if not isinstance(loader, jinja2.ChoiceLoader) or not any(
            isinstance(x, jinja2.FileSystemLoader) and str(TEMPLATES) in x.searchpath for x in loader.loaders):
        env.loader = jinja2.ChoiceLoader([loader, jinja2.FileSystemLoader(str(TEMPLATES))])
