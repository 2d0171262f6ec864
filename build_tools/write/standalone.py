"""Write finished record pages (`Output.standalone`, render/shell.py) into the site folder, and list them in
the sitemap mkdocs wrote, as mkdocs would have listed them.

The pages are written as the renderers yield them, so no build holds them all in memory at once.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..render.output import Output
from ..render.shell import url_of
from . import sitemap


def destination(path: str) -> str:
    """Site file of a docs path: agencies/x.md -> agencies/x/index.html (mkdocs' directory URLs)."""
    url = url_of(path)
    if path.startswith("/") or ".." in path.split("/") or "\\" in path:
        raise ValueError(f"unsafe page path: {path!r}")
    return url + "index.html"


def search_entry(out: Output, segment: Callable[[str], str] = lambda text: text) -> dict[str, str] | None:
    """The entry of a written page in mkdocs-material's search index (title and summary, escaped as that
    index holds text), or None for pages kept out of search. `segment`: the plugin's Chinese word splitter."""
    if not out.searchable:
        return None
    return {"location": url_of(out.path), "title": segment(html.escape(out.title, quote=False)),
            "text": segment(html.escape(out.summary, quote=False))}


def segmenter(search_index: object) -> Callable[[str], str]:
    """The search plugin's Chinese word splitter, when it uses one (jieba installed), as it treats its pages."""
    import sys
    module = sys.modules.get(type(search_index).__module__)
    if getattr(module, "jieba", None) and hasattr(search_index, "_segment_chinese"):
        return search_index._segment_chinese
    return lambda text: text


@dataclass
class Writer:
    site_dir: Path
    urls: list[str] = field(default_factory=list)   # root-relative URLs of the pages written, in order
    written: int = 0
    bytes: int = 0

    def write(self, out: Output) -> None:
        rel = destination(out.path)
        target = self.site_dir / rel
        data = out.content.encode() if isinstance(out.content, str) else out.content
        try:
            target.write_bytes(data)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.urls.append(url_of(out.path))
        self.written += 1
        self.bytes += len(data)

    def add_to_sitemap(self, site_url: str) -> None:
        """List the written pages in mkdocs' sitemap.xml (a sitemap index above 50,000 pages: write/sitemap.py)."""
        sitemap.extend(self.site_dir, site_url, self.urls)
