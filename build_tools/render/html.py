"""Shared page plumbing: the Jinja environment (autoescape on) and the page wrapper."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from ..cache import pages as pagecache
from ..records.regions import shown_city
from . import shell
from .output import Output

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _json_script(value: Any) -> Markup:
    """JSON safe to embed inside <script type="application/json">: no '</' or '<!--' can close it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _money(value: float | int | None) -> str:
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 10_000:,.2f} 万元".replace(".00 ", " ")
    return f"{value:,.0f} 元"


@lru_cache(maxsize=1)
def env() -> jinja2.Environment:
    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every record value is untrusted text
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    e.filters["json_script"] = _json_script
    e.filters["money"] = _money
    e.filters["shown_city"] = shown_city
    return e


HTML_PAGE = "platform_html"  # front-matter flag of pages made by `page()`

_UNSAFE_TITLE = re.compile(r"[<>&\"'`\x00-\x1f]")


def safe_title(text: str) -> str:
    """Page titles end up in <title> and the nav unescaped by some templates: strip markup characters."""
    return _UNSAFE_TITLE.sub("", text).strip() or "无标题"


def page(title: str, template: str, *, cache: pagecache.Store | None = None, search: bool = True,
         description: str = "", meta: dict[str, Any] | None = None, chrome: shell.Chrome | None = None,
         path: str = "", **context: Any) -> str:
    """A generated Markdown page: YAML front matter + one HTML block rendered from `template`.

    `meta` adds front-matter keys read by the theme overrides (e.g. `feed` for a <link rel="alternate">).
    With a page `cache` (ctx.page_cache), a page whose template and context are unchanged is not rendered.
    With a `chrome` (record pages, see `record`), the result is instead the finished HTML page at `path`."""
    # HTML_PAGE tells the mkdocs hook that the body is finished HTML: Markdown would only re-parse it
    # (half of the build time at 10k pages) to pass it through unchanged.
    store = cache if cache is not None and cache.db is not None else None
    keyed = {"title": title, "search": search, "description": description, "meta": meta, **context}
    if chrome is not None:
        keyed.update(chrome=chrome, path=path)
    k = store and pagecache.source_key(template, keyed)
    cached = store.get(k) if store is not None and k else None
    if cached is not None:
        return cached.decode()
    if chrome is not None:
        text = shell.render(chrome, path, safe_title(title), _body(template, title, context),
                            safe_title(description)[:160] if description else "")
    else:
        text = _page(title, template, search, description, meta, context)
    if store is not None and k:
        store.put(k, text.encode())
    return text


def _page(title: str, template: str, search: bool, description: str, meta: dict[str, Any] | None,
          context: dict[str, Any]) -> str:
    meta = {"title": safe_title(title), HTML_PAGE: True, **(meta or {})}
    if description:
        meta["description"] = safe_title(description)[:160]
    if not search:
        meta["search"] = {"exclude": True}
    body = _body(template, title, context)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{body}\n"


def _body(template: str, title: str, context: dict[str, Any]) -> str:
    body = env().get_template(template).render(title=title, **context)
    # No blank or indented lines: Markdown must see one raw HTML block, never code blocks or paragraphs.
    return "\n".join(line.strip() for line in body.splitlines() if line.strip())


def record(path: str, chrome: shell.Chrome | None, title: str, template: str, *, search_text: str = "",
           **kw: Any) -> Output:
    """A record page (agency, policy, course …): with the build's `chrome`, a finished page in the slim shell
    that the hook writes straight into the site (`standalone`); without one (tools, some tests), a Markdown
    page for mkdocs as before. The template and its context are the same either way.
    `search_text`: what the site search indexes besides the title (default: the description)."""
    if chrome is None:
        return Output(path, page(title, template, path=path, **kw))
    summary = search_text or kw.get("description", "")
    return Output(path, page(title, template, chrome=chrome, path=path, **kw), standalone=True,
                  title=safe_title(title), summary=" ".join(summary.split()), searchable=kw.get("search", True))
