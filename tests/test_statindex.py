"""Stat index, encoded cache entries and facts: faster validation must see every change and report the same."""
from __future__ import annotations

import dataclasses
import marshal
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

from build_tools.cache import statindex
from build_tools.cache.statindex import StatIndex, signature
from build_tools.records import load
from build_tools.records.crossfields import Facts, facts, fields
from build_tools.records.model import CachedRecord
from build_tools.records.schemas import load_kinds
from build_tools.records.validate import ROBUST_CHECKS, TYPED_CHECKS, cross_check, validate_tree, without_faulty_fields
from conftest import FIXTURES, MINI

KEY = b"k" * 16


def _old_file(path: Path, text: str) -> None:
    """Write a file and let time pass so its stat is trusted (the racy rule is narrowed to 0 by the tests)."""
    path.write_text(text, encoding="utf-8")
    time.sleep(0.02)  # past the file system's timestamp tick


@pytest.fixture
def no_racy_window(monkeypatch):
    monkeypatch.setattr(statindex, "RACY_NS", 0)


def test_unchanged_file_is_known_without_reading(tmp_path, no_racy_window):
    f = tmp_path / "a.yaml"
    _old_file(f, "id: a\n")
    index = StatIndex(tmp_path / "index")
    assert index.key("a.yaml", signature(os.stat(f))) is None
    index.note("a.yaml", signature(os.stat(f)), KEY)
    index.save()
    again = StatIndex(tmp_path / "index")
    assert again.key("a.yaml", signature(os.stat(f))) == KEY


def test_same_size_edit_with_mtime_restored_is_seen(tmp_path, no_racy_window):
    f = tmp_path / "a.yaml"
    _old_file(f, "id: a\n")
    before = os.stat(f)
    index = StatIndex(tmp_path / "index")
    index.note("a.yaml", signature(before), KEY)
    index.save()
    f.write_text("id: b\n", encoding="utf-8")
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -r` or an unpacker does
    after = os.stat(f)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert StatIndex(tmp_path / "index").key("a.yaml", signature(after)) is None  # ctime moved


def test_file_changed_just_before_the_run_is_not_trusted(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("id: a\n", encoding="utf-8")  # within RACY_NS of now: an edit in the same tick is invisible
    index = StatIndex(tmp_path / "index")
    index.note("a.yaml", signature(os.stat(f)), KEY)
    index.save()
    assert StatIndex(tmp_path / "index").key("a.yaml", signature(os.stat(f))) is None


def test_deleted_file_drops_out_and_partial_runs_keep_the_rest(tmp_path, no_racy_window):
    for name in ("a.yaml", "b.yaml"):
        _old_file(tmp_path / name, name)
    index = StatIndex(tmp_path / "index")
    for name in ("a.yaml", "b.yaml"):
        index.note(name, signature(os.stat(tmp_path / name)), KEY)
    index.save()
    partial = StatIndex(tmp_path / "index")
    partial.note("a.yaml", signature(os.stat(tmp_path / "a.yaml")), b"n" * 16)
    partial.save(full=False)  # a run over some files only: the others stay known
    index = StatIndex(tmp_path / "index")
    assert (index.key("b.yaml", signature(os.stat(tmp_path / "b.yaml"))),
            index.key("a.yaml", signature(os.stat(tmp_path / "a.yaml")))) == (KEY, b"n" * 16)  # out of order too
    full = StatIndex(tmp_path / "index")
    full.note("a.yaml", signature(os.stat(tmp_path / "a.yaml")), KEY)  # b.yaml was not found by the walk
    full.save()
    assert StatIndex(tmp_path / "index").paths == ["a.yaml"]


@pytest.mark.parametrize("content", [b"", b"\x00garbage", marshal.dumps([1, 2]), marshal.dumps({"a.yaml": 3}),
                                     marshal.dumps(("a.yaml", b"short")), marshal.dumps(("a.yaml", 3))])
def test_damaged_index_is_ignored(tmp_path, content):
    (tmp_path / "index").write_bytes(content)
    assert StatIndex(tmp_path / "index").key("a.yaml", b"x" * 32) is None


def _results(root: Path):
    dataset, problems = validate_tree(root)
    return {k: [(r.id, r.data) for r in v] for k, v in dataset.records.items()}, [str(p) for p in problems]


def _copy_old(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    time.sleep(0.02)
    return dst


def test_warm_run_reads_no_file_and_sees_an_edit(tmp_path, monkeypatch, no_racy_window):
    data = _copy_old(MINI, tmp_path / "data")
    monkeypatch.setenv("PLATFORM_CACHE", str(tmp_path / "cache"))
    jobs: list[int] = []
    real = load._check_files
    monkeypatch.setattr(load, "_check_files", lambda chunk: jobs.append(len(chunk)) or real(chunk))
    first = _results(data)
    assert first[1] == [] and jobs[-1] > 0
    assert _results(data) == first and jobs[-1] == 0  # nothing read: all known from the stat index
    agency = data / "agencies" / "demo-alpha" / "agency.yaml"
    before = os.stat(agency)
    agency.write_text(agency.read_text(encoding="utf-8").replace("company_size: 中型", "company_size: 巨型"),
                      encoding="utf-8")
    os.utime(agency, ns=(before.st_atime_ns, before.st_mtime_ns))
    problems = _results(data)[1]
    assert jobs[-1] == 1 and len(problems) == 1 and "company_size" in problems[0]


def test_damaged_cache_and_index_give_the_same_results(tmp_path, monkeypatch, no_racy_window):
    data = _copy_old(FIXTURES / "hostile", tmp_path / "data")
    monkeypatch.setenv("PLATFORM_CACHE", "0")
    plain = _results(data)
    monkeypatch.setenv("PLATFORM_CACHE", str(tmp_path / "cache"))
    assert _results(data) == plain
    stored = list((tmp_path / "cache").rglob("*.marshal")) + list((tmp_path / "cache").rglob("stat.index"))
    assert len(stored) > 2
    for f in stored:
        f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2])
    assert _results(data) == plain
    assert _results(data) == plain


def test_cached_record_decodes_its_data_on_first_use():
    rec = CachedRecord("faq", "q1", Path("/x/q1.yaml"), blob=marshal.dumps({"id": "q1"}), facts={})
    assert rec.data == {"id": "q1"}
    changed = dataclasses.replace(rec, data={"id": "q2"})
    assert (changed.data, rec.data) == ({"id": "q2"}, {"id": "q1"})


def test_facts_hold_what_the_checks_read():
    kinds = load_kinds()
    assert fields("project") == {"agency", "client", "start_date", "end_date", "disclosed_on"}
    assert fields("policy") == {"supersedes", "superseded_by", "interprets"}
    data = {"id": "x", "name": "n", "attachments": [{"name": "a", "url": "files/a.pdf"}],
            "links": [{"url": "https://example.org/files/a"}], "agency": "a"}
    assert facts(kinds["project"], data) == {"agency": "a", "attachments": data["attachments"]}
    with pytest.raises(KeyError, match="declare it"):
        Facts({"agency": "a"}, fields("project")).get("name")
    assert Facts({"agency": "a"}, fields("project")).get("client") is None  # declared, absent


def _broken_mini(root: Path) -> Path:
    """mini with one problem for every cross-record check, plus a schema-rejected record."""
    shutil.copytree(MINI, root)

    def edit(rel: str, change) -> None:
        path = root / rel
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    edit("reviews/enterprise/er-0001.yaml", lambda d: d.update(project="demo-beta-2023-001", date="2000-01-01"))
    edit("agencies/demo-beta/projects/demo-beta-2023-001.yaml", lambda d: d.update(agency="demo-alpha",
                                                                                   end_date="2023-01-01"))
    edit("courses/c-air-basics.yaml", lambda d: d.update(policies=["gb-0000"]))
    edit("policies/gb-3095-2012.yaml", lambda d: d.update(supersedes=["gb-3095-2012"]))
    edit("demands/dm-0001.yaml", lambda d: d.update(budget={"min": 9, "max": 1}))
    edit("agencies/demo-alpha/agency.yaml", lambda d: d["files"].append({"title": "缺失", "url": "files/none.pdf"}))
    edit("agencies/demo-alpha/projects/demo-alpha-2023-001.yaml", lambda d: d.update(amount="many", agency="x"))
    return root


@pytest.mark.parametrize("case", ["mini", "hostile", "broken"])
def test_checks_on_facts_find_what_checks_on_full_data_find(case, tmp_path):
    root = {"mini": MINI, "hostile": FIXTURES / "hostile"}.get(case) or _broken_mini(tmp_path / "data")
    dataset, problems = load.load(root)
    everything = dataset.everything()
    full = [p for check in ROBUST_CHECKS for p in check(everything)]
    typed = without_faulty_fields(dataset, problems).everything()
    full += [p for check in TYPED_CHECKS for p in check(typed)]
    assert sorted(cross_check(dataset, problems)) == sorted(full)
    assert len(full) >= {"mini": 0, "hostile": 1, "broken": 8}[case]


def test_scan_order_strays_and_folder_links(tmp_path):
    for rel in ("agencies/b/agency.yaml", "agencies/a/agency.yaml", "agencies/a/projects/p2.yaml",
                "agencies/a/projects/p1.yaml", "agencies/a/projects/notes.txt", "agencies/a/x.yaml",
                "faq/q.yaml", "z.yml", "usage/2024.yaml", "owners.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("id: x\n", encoding="utf-8")
    (tmp_path / "agencies" / "c").symlink_to(tmp_path / "agencies" / "a")  # listed by os.walk, never entered
    found, strays = load.scan(tmp_path, load_kinds())
    assert [(k.name, rel) for k, rel in found] == [
        ("agency", "agencies/a/agency.yaml"), ("agency", "agencies/b/agency.yaml"), ("faq", "faq/q.yaml"),
        ("project", "agencies/a/projects/p1.yaml"), ("project", "agencies/a/projects/p2.yaml")]
    assert strays == ["agencies/a/x.yaml", "z.yml"]


def test_read_gets_every_byte_whatever_the_stat_said(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_bytes(b"x" * 3_000_000)
    big = 4_000_000
    assert load._read(str(f), 0, big) == load._read(str(f), 3_000_000, big) == load._read(str(f), 10, big) \
        == b"x" * 3_000_000
    assert load._read(str(f), 5_000_000, big) == b"x" * 3_000_000


def test_read_stops_past_the_size_limit(tmp_path):
    """A file larger than the limit (or one that never ends, like a device) is read just far enough
    for the parser to refuse it as too large."""
    f = tmp_path / "a.yaml"
    f.write_bytes(b"x" * 3_000_000)
    for size in (0, 10, 3_000_000):
        data = load._read(str(f), size, 1000)
        assert 1000 < len(data) < 3_000_000
    assert 1000 < len(load._read("/dev/zero", 0, 1000)) <= 1000 + (1 << 20)


@pytest.mark.parametrize("workers", [1, 2])
def test_unreadable_record_is_reported_not_fatal(tmp_path, monkeypatch, workers):
    data = _copy_old(MINI, tmp_path / "data")
    (data / "faq" / "gone.yaml").write_text("id: gone\n", encoding="utf-8")
    real_read = load._read

    def unreadable(path, *args):  # tests run as root, where file modes do not stop reading
        if path.endswith("gone.yaml"):
            raise PermissionError(13, "Permission denied", path)
        return real_read(path, *args)
    monkeypatch.setattr(load, "_read", unreadable)
    monkeypatch.setenv("PLATFORM_JOBS", str(workers))
    monkeypatch.setattr(load, "PARALLEL_MIN", 1)
    [p] = validate_tree(data)[1]
    assert (p.file.endswith("faq/gone.yaml"), p.line, p.message) == (True, 0, "无法读取文件：Permission denied")
