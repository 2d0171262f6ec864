"""Incremental builds: reuse what an unchanged page produced in an earlier build.

Two layers, both keyed by content hashes (never by file times), so a hit returns the very bytes a
fresh build would have made:

- page sources: what `render.html.page()` returns, keyed by its template, title and context (as JSON);
- finished pages: the theme's HTML and the search entries of a generated page, keyed by its source,
  its address and a fingerprint of everything else the theme reads (mkdocs.yml, overrides, the nav).

A namespace hash of the code, templates and package versions names the database, so any change there
starts a fresh cache. Entries not used for a few builds are dropped. A cache that cannot be opened or
written is switched off for that build: the cache may only ever make a build faster.

PLATFORM_PAGE_CACHE=0 turns it off; PLATFORM_PAGE_CACHE=<folder> moves it (default .cache/pages/).
"""
from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
import sys
import zlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..context import ROOT
from ..settings import Environment, environment
from .validation import unavailable

KEEP_BUILDS = 4  # an entry unused by this many builds in a row is dropped (other data roots share the file)
_PACKAGES = ("jinja2", "markupsafe", "mkdocs", "mkdocs-material", "pyyaml", "jieba", "plotly")


def location(env: Environment | None = None) -> Path | None:
    env = env or environment()
    return env.cache_folder(env.page_cache, ROOT / ".cache" / "pages")


@lru_cache(maxsize=1)
def namespace() -> str:
    """Hash of everything besides a page's own inputs that decides what it renders to."""
    h = hashlib.blake2b(digest_size=8, person=b"tp-pages-v1")
    h.update(sys.version.encode())
    for name in _PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    code = [ROOT / "build_tools", ROOT / "hooks", ROOT / "overrides"]
    for path in sorted(p for folder in code for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Store:
    """Key -> bytes in one SQLite file; reads are immediate, writes are committed by `save()`."""

    def __init__(self, folder: Path | None):
        self.db: sqlite3.Connection | None = None
        self.generation = 0
        self.hits = self.misses = 0
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob("pages-*.sqlite*"):  # made by older code: never read again
                if not stale.name.startswith(f"pages-{namespace()}.sqlite"):
                    stale.unlink(missing_ok=True)
            self.db = sqlite3.connect(folder / f"pages-{namespace()}.sqlite", timeout=30)
            self.db.execute("CREATE TABLE IF NOT EXISTS entry (key BLOB PRIMARY KEY, value BLOB, used INTEGER)")
            self.generation = 1 + (self.db.execute("SELECT MAX(used) FROM entry").fetchone()[0] or 0)
        except (sqlite3.Error, OSError) as exc:
            unavailable(folder, exc)  # unreadable, unwritable or locked: build without the cache
            self.db = None

    def get(self, key: bytes) -> bytes | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value FROM entry WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.db.execute("UPDATE entry SET used = ? WHERE key = ?", (self.generation, key))
            self.hits += 1
            return zlib.decompress(row[0])
        except (sqlite3.Error, zlib.error):
            self.misses += 1
            return None

    def put(self, key: bytes, value: bytes) -> None:
        if self.db is None:
            return
        try:
            self.db.execute("INSERT OR REPLACE INTO entry VALUES (?, ?, ?)",
                            (key, zlib.compress(value, 1), self.generation))
        except sqlite3.Error:
            self.db = None

    def save(self) -> None:
        """Commit this build's entries and drop those no recent build used."""
        if self.db is None:
            return
        try:
            self.db.execute("DELETE FROM entry WHERE used <= ?", (self.generation - KEEP_BUILDS,))
            self.db.commit()
        except sqlite3.Error:
            self.db = None


def key(*parts: str | bytes) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)  # length-prefixed: parts cannot run together
    return h.digest()


def source_key(template: str, context: dict[str, Any]) -> bytes | None:
    """Key of one `page()` call, or None when its context cannot be serialised (e.g. a lambda).

    Pickle is faithful (types included: a date never equals its text) and fast. Equal contexts built in
    another order or with other object sharing may pickle differently: that costs a miss, never a wrong hit."""
    try:
        data = pickle.dumps(context, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    return key(b"source", template, data)


# --- finished pages --------------------------------------------------------------------------------
CACHED_TEMPLATE = "platform-cached.html"  # an empty theme template: a hit's output is taken from the cache


def theme_fingerprint(config: Any) -> bytes:
    """What every page's theme render reads besides the page: the config file, CLI overrides, custom_dir."""
    parts = [Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
             repr((config.site_url, config.use_directory_urls, config.theme.name)).encode()]
    custom = config.theme.custom_dir
    if custom:
        for path in sorted(p for p in Path(custom).rglob("*") if p.is_file()):
            parts += [str(path.relative_to(custom)).encode(), path.read_bytes()]
    return key(*parts)


def nav_fingerprint(nav: Any) -> bytes:
    """Every page carries the whole nav, so its titles and addresses are part of every page."""
    def walk(items: list) -> list:
        return [[type(i).__name__, str(i.title), getattr(i, "url", ""), walk(getattr(i, "children", None) or [])]
                for i in items]
    return key(json.dumps(walk(nav.items), ensure_ascii=False))


class FinishedPages:
    """Theme output and search entries of generated pages, driven by the mkdocs hook.

    A page's search entries are the ones the search plugin appended between the page's context
    event and its post-page event; pages are built one after another, so on a hit appending the
    cached entries at the same point gives the same index, in the same order."""

    def __init__(self, store: Store, theme_fingerprint: bytes, nav_fingerprint: bytes,
                 search_entries: list | None):
        self.store = store
        self.fingerprint = key(b"theme", theme_fingerprint, nav_fingerprint)
        self.entries = search_entries if search_entries is not None else []
        self.mark = len(self.entries)
        self.keys: dict[str, bytes] = {}
        self.hits: dict[str, tuple[str, list]] = {}

    def lookup(self, page: Any, source: str) -> None:
        """At the page's Markdown event: on a hit, skip the theme render and the search parse."""
        k = key(self.fingerprint, page.file.src_uri, page.file.dest_uri, page.url, str(page.title),
                json.dumps(page.meta, ensure_ascii=False, sort_keys=True, default=str), source)
        self.keys[page.file.src_uri] = k
        packed = self.store.get(k)
        if packed is None:
            return
        head, _, html = packed.partition(b"\0")
        self.hits[page.file.src_uri] = (html.decode(), json.loads(head))
        page.meta["template"] = CACHED_TEMPLATE
        page.meta["search"] = {"exclude": True}

    def finish(self, page: Any, output: str) -> str:
        """At the page's post-page event: the cached output on a hit, else remember this one."""
        src = page.file.src_uri
        k = self.keys.pop(src, None)
        if src in self.hits:
            output, entries = self.hits.pop(src)
            self.entries.extend(entries)
        elif k is not None:
            head = json.dumps(self.entries[self.mark:], ensure_ascii=False).encode()
            self.store.put(k, head + b"\0" + output.encode())
        self.mark = len(self.entries)
        return output
