"""The page cache only ever makes builds faster: a cached build is byte-identical to an uncached one."""
from __future__ import annotations

import datetime as dt
import filecmp
import sqlite3
from pathlib import Path

import pytest

from build_tools.cache import pages as pagecache
from conftest import build_site
from test_site_search import fragments


def test_source_key_follows_the_context():
    ctx = {"title": "甲", "rows": [{"a": 1, "d": dt.date(2024, 1, 2)}], "p": Path("x/y")}
    assert pagecache.source_key("t.html", ctx) == pagecache.source_key("t.html", dict(ctx))
    assert pagecache.source_key("t.html", ctx) != pagecache.source_key("u.html", ctx)
    assert pagecache.source_key("t.html", ctx) != pagecache.source_key("t.html", {**ctx, "title": "乙"})
    # a date and its text render alike but are different inputs: never confused
    assert pagecache.source_key("t.html", {"d": dt.date(2024, 1, 2)}) != pagecache.source_key("t.html", {"d": "2024-01-02"})


@pytest.mark.parametrize("value", [lambda: 1, (x for x in "ab")])
def test_contexts_that_cannot_be_serialised_are_not_cached(value):
    assert pagecache.source_key("t.html", {"v": value}) is None


def test_store_round_trip_and_pruning(tmp_path):
    store = pagecache.Store(tmp_path)
    store.put(b"k1", "页面".encode())
    store.save()
    for _ in range(pagecache.KEEP_BUILDS - 1):  # builds that do not use k1
        pagecache.Store(tmp_path).save()
    assert pagecache.Store(tmp_path).get(b"k1") == "页面".encode()  # still kept, and now used again
    for _ in range(pagecache.KEEP_BUILDS):
        pagecache.Store(tmp_path).save()
    assert pagecache.Store(tmp_path).get(b"k1") is None


def test_a_damaged_cache_is_ignored(tmp_path):
    pagecache.Store(tmp_path).save()
    (db,) = tmp_path.glob("pages-*.sqlite")
    db.write_bytes(b"not a database" * 100)
    store = pagecache.Store(tmp_path)
    assert store.get(b"k") is None
    store.put(b"k", b"v")
    store.save()  # no exception: the build goes on without the cache


def test_off_switch(monkeypatch):
    monkeypatch.setenv("PLATFORM_PAGE_CACHE", "0")
    assert pagecache.location() is None
    assert pagecache.Store(None).get(b"k") is None


def same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ or exist on one side only (empty when the trees are byte-identical)."""
    def walk(cmp: filecmp.dircmp, prefix: str = "") -> list[str]:
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out = [prefix + f for f in mismatch + errors + cmp.left_only + cmp.right_only]
        for name, sub in cmp.subdirs.items():
            out += walk(sub, prefix + name + "/")
        return out
    return walk(filecmp.dircmp(a, b))


def used_in_last_build(cache: Path) -> tuple[int, int]:
    (db,) = cache.glob("pages-*.sqlite")
    with sqlite3.connect(db) as con:
        last = con.execute("SELECT MAX(used) FROM entry").fetchone()[0]
        return con.execute("SELECT COUNT(*) FROM entry WHERE used = ?", (last,)).fetchone()[0], last


def test_cached_builds_equal_uncached_builds(data_copy, tmp_path):
    cache = tmp_path / "cache"
    env = {"PLATFORM_PAGE_CACHE": str(cache)}
    off = {"PLATFORM_PAGE_CACHE": "0"}
    for name, e in [("plain", off), ("cold", env), ("warm", env)]:
        result = build_site(data_copy, tmp_path / name, e)
        assert result.returncode == 0, result.stderr
    assert same_tree(tmp_path / "plain", tmp_path / "cold") == []
    assert same_tree(tmp_path / "plain", tmp_path / "warm") == []  # incl. the site search index (pagefind/)
    pages, generation = used_in_last_build(cache)
    assert generation == 2 and pages > 20  # the warm build really read the cache

    # One agency changes: the rebuild equals a fresh uncached build of the new data.
    agency = data_copy / "agencies" / "demo-alpha" / "agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8").replace("津沽示例环境监测有限公司", "津沽示例环境检测有限公司"),
                      encoding="utf-8")
    for name, e in [("plain2", off), ("warm2", env)]:
        result = build_site(data_copy, tmp_path / name, e)
        assert result.returncode == 0, result.stderr
    assert same_tree(tmp_path / "plain2", tmp_path / "warm2") == []
    assert "津沽示例环境检测有限公司" in (tmp_path / "warm2" / "agencies" / "demo-alpha" / "index.html").read_text()
    assert any(f["meta"]["title"] == "津沽示例环境检测有限公司" for f in fragments(tmp_path / "warm2"))
    assert same_tree(tmp_path / "plain", tmp_path / "warm2") != []


def test_every_sample_page_can_be_cached(monkeypatch):
    """A context that cannot be serialised (e.g. a lambda) silently re-renders its page on every build."""
    from build_tools import pipeline
    from conftest import ROOT, TODAY

    monkeypatch.setenv("PLATFORM_TODAY", TODAY)
    uncached: list[str] = []
    real = pagecache.source_key

    def spy(template, context):
        k = real(template, context)
        if k is None:
            uncached.append(template)
        return k

    monkeypatch.setattr(pagecache, "source_key", spy)

    class NeverHits:  # an open store that misses, so every page() call asks for its key
        db = object()

        def get(self, k):
            return None

        def put(self, k, v):
            pass

    outputs = pipeline.render(pipeline.prepare(ROOT / "data"), NeverHits())
    assert len(outputs) > 100 and uncached == []
