"""The same pages built by peers, for `make bench`: plain mkdocs-material and Hugo.

From a site we built, every page's content (the HTML inside the theme's article) becomes one Markdown page of
a generated project, under the same address: the peers render exactly our page count and content, with their
own default chrome and no hooks. Pages whose body is raw HTML go through each peer's Markdown parser as raw
HTML blocks (Python-Markdown / Goldmark with unsafe HTML on), as a hand-written site would.

- mkdocs-material: theme material, its default search plugin, the site's top-level tabs as nav (record pages
  are `not_in_nav`, as ours are kept out of the nav).
- Hugo (Debian package `hugo`): a minimal layout (head with the same stylesheets, header, tabs, footer).
"""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Iterator

import yaml

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
TITLE = re.compile(r"<title>(.*?)(?: - [^<]*)?</title>", re.S)


def pages(site: Path) -> Iterator[tuple[str, str, str]]:
    """(address, title, content HTML) of every page of a built site (404 and search pages left out)."""
    for f in sorted(site.rglob("index.html")):
        rel = f.relative_to(site).as_posix()
        if rel.startswith(("search/", "assets/")):
            continue
        text = f.read_text(encoding="utf-8")
        body = ARTICLE.search(text)
        if not body:
            continue
        title = TITLE.search(text)
        content = body.group(1)
        # one raw HTML block per page: no blank lines inside (Markdown would end the block there)
        content = "\n".join(line.strip() for line in content.splitlines() if line.strip())
        yield rel[: -len("index.html")], html.unescape(title.group(1)) if title else "page", content


def content_bytes(site: Path) -> tuple[int, int, int]:
    """(pages, total page bytes, bytes inside the article): the rest is theme chrome."""
    n = total = inner = 0
    for f in site.rglob("*.html"):
        rel = f.relative_to(site).as_posix()
        if rel.startswith("assets/") or rel == "404.html":
            continue
        text = f.read_bytes()
        m = re.search(rb'<article class="md-content__inner md-typeset">(.*)</article>', text, re.S)
        if m is None:
            m = re.search(rb"<main>(.*)</main>", text, re.S)  # the Hugo layout below
        n += 1
        total += len(text)
        inner += len(m.group(1)) if m else 0
    return n, total, inner


def _md_path(address: str, hugo: bool) -> str:
    """Source file of an address: agencies/x/ -> agencies/x.md (both peers give it the same address);
    Hugo needs a top-level section's own page as <section>/_index.md."""
    if address == "":
        return "_index.md" if hugo else "index.md"
    if hugo and address.count("/") == 1:
        return address + "_index.md"
    return address.rstrip("/") + ".md"


def write_projects(site: Path, out: Path, tabs: list[dict]) -> int:
    """Write out/mkdocs (plain mkdocs-material) and out/hugo from `site`; returns the page count."""
    shutil.rmtree(out, ignore_errors=True)
    all_pages = list(pages(site))
    css = sorted(p.relative_to(site).as_posix() for p in (site / "assets" / "stylesheets").glob("*.css"))
    mk, hg = out / "mkdocs" / "docs", out / "hugo"
    for address, title, content in all_pages:
        front = yaml.safe_dump({"title": title}, allow_unicode=True)
        for root, hugo in ((mk, False), (hg / "content", True)):
            target = root / _md_path(address, hugo)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"---\n{front}---\n\n{content}\n", encoding="utf-8")
    extra = [c for c in css if not re.match(r"assets/stylesheets/(main|palette)\.", c)]
    for c in extra:
        (mk / c).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site / c, mk / c)
        (hg / "static" / c).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site / c, hg / "static" / c)
    nav = [{t["title"]: _md_path(t["url"], False)} for t in tabs]
    config = {"site_name": "peer", "site_url": "https://example.org/peer/", "docs_dir": "docs",
              "theme": {"name": "material", "language": "zh", "font": False, "features": ["navigation.tabs"]},
              "extra_css": extra, "plugins": ["search"], "nav": nav, "not_in_nav": "*.md",
              "markdown_extensions": ["tables", "attr_list", "admonition"]}
    (out / "mkdocs" / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    _hugo_site(hg, tabs, css)
    return len(all_pages)


def _hugo_site(root: Path, tabs: list[dict], css: list[str]) -> None:
    (root / "hugo.yaml").write_text(yaml.safe_dump({
        "baseURL": "https://example.org/peer/", "languageCode": "zh", "title": "peer", "relativeURLs": True,
        "disableKinds": ["taxonomy", "term", "RSS"], "markup": {"goldmark": {"renderer": {"unsafe": True}}},
        "params": {"tabs": tabs, "css": css}}, allow_unicode=True), encoding="utf-8")
    layout = root / "layouts" / "_default"
    layout.mkdir(parents=True, exist_ok=True)
    base = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{{ .Title }} - {{ site.Title }}</title>
{{ range site.Params.css }}<link rel="stylesheet" href="{{ . | relURL }}">{{ end }}</head><body>
<header class="md-header"><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<form role="search" action="{{ "search/" | relURL }}"><input type="search" name="q"></form></header>
<nav class="md-tabs"><ul>{{ range site.Params.tabs }}<li><a href="{{ .url | relURL }}">{{ .title }}</a></li>{{ end }}</ul></nav>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>
"""
    (layout / "baseof.html").write_text(base, encoding="utf-8")
    for name in ("single.html", "list.html"):
        (layout / name).write_text('{{ define "main" }}{{ .Content }}{{ end }}\n', encoding="utf-8")
    (root / "layouts" / "index.html").write_text('{{ define "main" }}{{ .Content }}{{ end }}\n', encoding="utf-8")
