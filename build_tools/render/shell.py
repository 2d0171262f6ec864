"""The slim page shell of record pages (agencies, policies, courses, …): the theme's look without its per-page pass.

mkdocs renders every page through the whole Material template (sidebars with the whole nav, search dialog,
table of contents) and then the search plugin re-parses it: at 100,000 agencies that is most of the build.
Record pages need none of it. They are rendered here into one small Jinja shell — the theme's compiled CSS and
the project's stylesheets, a header with the site name and the site search form, the top-level tabs of
mkdocs.yml's nav, a footer, the project's scripts — and written straight into the site folder
(`build_tools/write/standalone.py`). Section pages (home, lists, report …) stay in mkdocs.

`Chrome` holds everything the shell reads besides the page itself. It is built once per build from the mkdocs
config (`from_mkdocs`), is part of every record page's cache key, and holds only plain values (picklable).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from markupsafe import Markup

SEARCH_PATH = "search/"  # the site search results page (a form GET with ?q=)


@dataclass(frozen=True)
class Tab:
    title: str
    url: str                      # root-relative, directory style ("" = home, "agencies/")
    folders: tuple[str, ...]      # first path segments of the pages under this tab (active-tab test)


@dataclass(frozen=True)
class Chrome:
    site_name: str
    site_url: str = ""            # absolute base ("https://…/eco-third-party/") for <link rel=canonical>, or ""
    language: str = "zh"
    tabs: tuple[Tab, ...] = ()
    css: tuple[str, ...] = ()     # root-relative stylesheet paths, theme first
    js: tuple[tuple[str, bool], ...] = ()  # the project's extra_javascript: (root-relative path, is an ES module)
    palette: tuple[tuple[str, str], ...] = (("scheme", "default"), ("primary", "indigo"), ("accent", "indigo"))
    favicon: str = "assets/images/favicon.png"

    def active_tab(self, path: str) -> str:
        """Title of the tab a page belongs to, by its first folder (agencies/x.md -> 惠企服务)."""
        folder = path.split("/", 1)[0] if "/" in path else ""
        for tab in self.tabs:
            if folder in tab.folders:
                return tab.title
        return ""


def url_of(path: str) -> str:
    """Root-relative directory-style URL of a docs path: agencies/x.md -> agencies/x/, a/index.md -> a/."""
    stem = path[:-3] if path.endswith(".md") else path
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _pages(item: Any) -> Iterable[str]:
    """Every Markdown path of one nav entry (str, {title: str} or {title: [entries]})."""
    if isinstance(item, str):
        yield item
    elif isinstance(item, dict):
        for value in item.values():
            yield from _pages(value)
    elif isinstance(item, list):
        for entry in item:
            yield from _pages(entry)


def tabs_of(nav: list[Any] | None) -> tuple[Tab, ...]:
    """mkdocs.yml's top-level nav as tabs: each links to its first page, as the theme's tabs do."""
    tabs = []
    for entry in nav or []:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        (title, value), = entry.items()
        pages = [p for p in _pages(value) if p.endswith(".md") and "://" not in p]
        if not pages:
            continue
        folders = tuple(dict.fromkeys(p.split("/", 1)[0] if "/" in p else "" for p in pages))
        tabs.append(Tab(str(title), url_of(pages[0]), folders))
    return tuple(tabs)


def theme_css(theme_dirs: Iterable[str | Path]) -> tuple[str, ...]:
    """Material's compiled stylesheets (content-hashed names, found in the installed theme)."""
    found: list[str] = []
    for name in ("main", "palette"):
        for folder in theme_dirs:
            hits = sorted((Path(folder) / "assets" / "stylesheets").glob(f"{name}.*.min.css"))
            if hits:
                found.append(f"assets/stylesheets/{hits[0].name}")
                break
    return tuple(found)


def from_mkdocs(config: Any) -> Chrome:
    """The shell's inputs from a loaded mkdocs config (the hook's `config`)."""
    theme = config.theme
    palette = theme.get("palette") or {}
    if isinstance(palette, list):
        palette = palette[0] if palette else {}
    extra_css = tuple(str(c) for c in config.extra_css)
    extra_js = tuple((str(getattr(s, "path", s)), getattr(s, "type", "") == "module") for s in config.extra_javascript)
    site_url = config.site_url or ""
    return Chrome(
        site_name=config.site_name,
        site_url=site_url if site_url.endswith("/") or not site_url else site_url + "/",
        language=theme.get("language") or "en",
        tabs=tabs_of(config.nav),
        css=theme_css(theme.dirs) + ("assets/stylesheets/shell.css",) + extra_css,
        js=extra_js,
        palette=(("scheme", palette.get("scheme", "default")), ("primary", palette.get("primary", "indigo")),
                 ("accent", palette.get("accent", "indigo"))),
        favicon=theme.get("favicon") or "assets/images/favicon.png",
    )


def render(chrome: Chrome, path: str, title: str, body: str, description: str = "") -> str:
    """A whole record page: the shell around `body` (finished HTML from the page's autoescaping template;
    `title` and `description` are plain text and escaped here).

    Every link is relative (`base` leads back to the site root), so the site works under a sub-path."""
    from .html import env  # html.py imports this module for Chrome
    url = url_of(path)
    base = "../" * url.count("/")
    return env().get_template("record_shell.html").render(
        chrome=chrome, title=title, description=description, body=Markup(body), base=base, home=base or "./",
        scope=base.rstrip("/") or ".", canonical=chrome.site_url + url if chrome.site_url else "",
        active=chrome.active_tab(path), search_action=base + SEARCH_PATH, palette=dict(chrome.palette))
