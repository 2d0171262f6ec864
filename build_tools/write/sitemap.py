"""The site's sitemap: mkdocs writes `sitemap.xml` for the pages it renders; the record pages written outside
mkdocs (write/standalone.py) are added here. The sitemap protocol allows 50,000 addresses (and 50 MB) per file:
a national site has several hundred thousand pages, so above that `sitemap.xml` becomes a sitemap index that
lists `sitemap-1.xml`, `sitemap-2.xml` … beside it (search engines read either form at the same address).
"""
from __future__ import annotations

import datetime as dt
import gzip
import os
import re
from pathlib import Path
from xml.sax.saxutils import escape

MAX_URLS = 50_000          # per file, the protocol's limit
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
_URL = re.compile(r"<url>\s*<loc>\s*([^<\s]*)\s*</loc>")
_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_LASTMOD = re.compile(r"<lastmod>([^<]*)</lastmod>")
PART = re.compile(r"sitemap-[0-9]+\.xml")


def extend(site_dir: Path, site_url: str, paths: list[str], limit: int = MAX_URLS) -> None:
    """Add root-relative page addresses to the `sitemap.xml` mkdocs wrote (nothing when it wrote none,
    e.g. without a site_url); split it into parts under a sitemap index when it would exceed `limit`."""
    sitemap = site_dir / "sitemap.xml"
    if not paths or not sitemap.exists() or not site_url:
        return
    base = site_url if site_url.endswith("/") else site_url + "/"
    text = sitemap.read_text(encoding="utf-8")
    found = _LASTMOD.search(text)  # mkdocs' build date: the same for every page
    day = found.group(1) if found else dt.date.today().isoformat()
    # mkdocs' own entries are kept as written (already escaped), ours are escaped here
    locs = _URL.findall(text) + [escape(base + p) for p in paths]
    for old in site_dir.glob("sitemap-*.xml*"):
        old.unlink()
    if len(locs) <= limit:
        _write(sitemap, _urlset(locs, day))
        return
    parts = [locs[i:i + limit] for i in range(0, len(locs), limit)]
    for n, chunk in enumerate(parts, start=1):
        _write(site_dir / f"sitemap-{n}.xml", _urlset(chunk, day), gz=False)
    entries = "".join(f"    <sitemap>\n         <loc>{escape(base)}sitemap-{n}.xml</loc>\n"
                      f"         <lastmod>{day}</lastmod>\n    </sitemap>\n" for n in range(1, len(parts) + 1))
    _write(sitemap, f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
                    f"{entries}</sitemapindex>\n")


def _urlset(locs: list[str], day: str) -> str:
    entries = "".join(f"    <url>\n         <loc>{loc}</loc>\n         <lastmod>{day}</lastmod>\n    </url>\n"
                      for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n{entries}</urlset>\n'


def _write(path: Path, text: str, gz: bool = True) -> None:
    tmp = path.with_suffix(".xml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    if gz and path.with_suffix(".xml.gz").exists():  # mkdocs writes sitemap.xml.gz beside it
        with gzip.GzipFile(path.with_suffix(".xml.gz"), "wb", mtime=0) as fh:
            fh.write(text.encode())


def page_locs(site_dir: Path) -> list[str]:
    """Every page address the sitemap lists, following a sitemap index into its parts (files of this site)."""
    path = site_dir / "sitemap.xml"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    if "<sitemapindex" not in text:
        return _LOC.findall(text)
    locs: list[str] = []
    for loc in _LOC.findall(text):
        name = loc.rsplit("/", 1)[-1]
        if PART.fullmatch(name) and (site_dir / name).is_file():   # never a path taken from the file
            locs += _LOC.findall((site_dir / name).read_text(encoding="utf-8"))
    return locs
