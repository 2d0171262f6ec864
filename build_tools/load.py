"""Stage 1: find record files, read them safely, check each against its kind's schema.

One generic loader for every kind; a record that fails is reported (file, line,
field, Chinese sentence) and left out of the dataset, so callers decide whether
to fail closed (the build does) or carry on (the validate command lists all).
"""
from __future__ import annotations

import fnmatch
import multiprocessing
import os
import re
from pathlib import Path

from . import cache as cache_mod
from . import fastcheck, messages
from .cache import Entry
from .model import Dataset, Record
from .problems import Problem
from .safeyaml import MAX_BYTES, YamlError, load_bytes
from .schemas import SCHEMA_DIR, Kind, load_kinds, registry, validator


def display_path(path: Path) -> str:
    """Path as the contributor sees it in the PR: relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def record_id(kind: Kind, path: Path) -> str:
    return path.parent.name if kind.id_from == "parent" else path.stem


def kind_of(path: Path, root: Path, kinds: dict[str, Kind]) -> Kind | None:
    rel = path.relative_to(root)
    for kind in kinds.values():
        if rel.match(kind.glob) and len(rel.parts) == len(Path(kind.glob).parts):
            return kind
    return None


def discover(root: Path, kinds: dict[str, Kind]) -> list[tuple[Kind, Path]]:
    return walk(root, kinds)[0]


def walk(root: Path, kinds: dict[str, Kind]) -> tuple[list[tuple[Kind, Path]], list[Path]]:
    """One pass over the tree: record files per kind (kinds in order, files sorted) and stray YAML files.

    A single os.walk instead of a glob per kind plus an rglob: at 1.5 M files the globs took longer
    than parsing."""
    patterns = [(kind, [re.compile(fnmatch.translate(part)) for part in Path(kind.glob).parts])
                for kind in kinds.values()]
    found: dict[str, list[tuple[tuple[str, ...], Path]]] = {k: [] for k in kinds}
    strays = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel_dir = Path(folder).relative_to(root).parts
        for name in files:
            rel = rel_dir + (name,)
            kind = next((k for k, parts in patterns if len(parts) == len(rel)
                         and all(p.match(x) for p, x in zip(parts, rel))), None)
            if kind is not None:
                found[kind.name].append((rel, Path(folder, name)))
            elif name.endswith((".yaml", ".yml")) and rel[0] not in AUXILIARY:
                strays.append((rel, Path(folder, name)))
    targets = [(kinds[k], path) for k, items in found.items() for _, path in sorted(items)]
    return targets, [path for _, path in sorted(strays)]


def load_file(kind: Kind, path: Path, schema_dir: Path = SCHEMA_DIR,
              max_bytes: int = MAX_BYTES) -> tuple[Record | None, list[Problem]]:
    """Read and schema-check one file. Returns the record (None when unparseable) and its problems;
    a record with problems must not be published."""
    shown = display_path(path)
    rid = record_id(kind, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 0, "", f"无法读取文件：{exc.strerror}", str(exc))]
    data, found = check_bytes(kind, rid, raw, schema_dir, max_bytes)
    return (None if data is None else Record(kind.name, rid, path, data)), [Problem(shown, *f) for f in found]


def check_bytes(kind: Kind, rid: str, raw: bytes, schema_dir: Path = SCHEMA_DIR,
                max_bytes: int = MAX_BYTES) -> Entry:
    """The load result of one file's bytes: (data or None, problems as (line, field, message, english)).

    Fast path first (parse without the line map, compiled check); a record it rejects is read
    again with line numbers and explained by jsonschema, so messages never depend on the fast path."""
    try:
        data = load_bytes(raw, max_bytes, with_lines=False).data
    except YamlError as exc:
        return None, [(exc.line, "", exc.message, exc.english)]
    if not isinstance(data, dict):
        return None, [(1, "", "记录应为“字段: 值”形式的一组字段", "top level must be a mapping")]
    fast = fastcheck.checker(kind.name, schema_dir)
    if fast is not None and fast(data) and data.get("id") in (None, rid):
        return data, []
    parsed = load_bytes(raw, max_bytes)
    rec = Record(kind.name, rid, Path(), parsed.data, parsed.lines)
    problems = []
    reg = registry(schema_dir)
    for error in validator(kind.name, schema_dir).iter_errors(parsed.data):
        fpath, zh, en = messages.explain(error, kind.schema, reg)
        problems.append((rec.line(messages.pointer(fpath)), messages.field_path(fpath), zh, en))
    if parsed.data.get("id") not in (None, rec.id):
        where = "所在目录名" if kind.id_from == "parent" else "文件名"
        problems.append((rec.line("/id"), "id", f"编号“{parsed.data.get('id')}”须与{where}“{rec.id}”一致",
                         "id must equal the file/folder name"))
    return parsed.data, problems


def load(root: Path, schema_dir: Path = SCHEMA_DIR, paths: list[Path] | None = None) -> tuple[Dataset, list[Problem]]:
    """Load every record under `root` (or only `paths`), returning valid records and all problems."""
    root = root.resolve()
    kinds = load_kinds(schema_dir)
    strays: list[Path] = []
    if paths is None:
        targets, strays = walk(root, kinds)
    else:
        targets = []
        for p in paths:
            k = kind_of(p.resolve(), root, kinds)
            if k is not None:
                targets.append((k, p.resolve()))
    dataset = Dataset(root, {k: [] for k in kinds})
    problems: list[Problem] = []
    for (kind, path), (data, found) in zip(targets, load_many(targets, root, schema_dir, full=paths is None)):
        problems += [Problem(display_path(path), *f) for f in found]
        if data is not None:
            rec = Record(kind.name, record_id(kind, path), path, data)
            (dataset.rejected.setdefault(kind.name, []) if found else dataset.records[kind.name]).append(rec)
    problems += stray_problems(strays)
    return dataset, problems


# --- bulk loading: content-hash cache + worker processes ------------------------------------------
PARALLEL_MIN = 2000  # below this many files, starting workers costs more than it saves


def jobs() -> int:
    """Worker processes: PLATFORM_JOBS, else one per core."""
    return max(1, int(os.environ.get("PLATFORM_JOBS") or os.cpu_count() or 1))


_worker_state: dict = {}  # set before forking: workers inherit the cache and the schema dir


def _load_chunk(chunk: list[tuple[str, str, str]]) -> list[tuple[bytes, Entry | None]]:
    """Worker: (kind, id, path) -> (key, result), result None when the cache already has it."""
    cache, schema_dir = _worker_state["cache"], _worker_state["schema_dir"]
    kinds = load_kinds(schema_dir)
    out = []
    for kind, rid, path in chunk:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            out.append((b"", (None, [(0, "", f"无法读取文件：{exc.strerror}", str(exc))])))
            continue
        k = cache_mod.key(kind, rid, raw)
        out.append((k, None if cache.get(k) is not None else check_bytes(kinds[kind], rid, raw, schema_dir)))
    return out


def load_many(targets: list[tuple[Kind, Path]], root: Path, schema_dir: Path = SCHEMA_DIR,
              full: bool = True, parallel_min: int | None = None) -> list[Entry]:
    """Load results of `targets`, in order: from the cache when the bytes are unchanged, else computed
    (in worker processes for large trees; merged back in the original order, so output is deterministic)."""
    cache = cache_mod.Cache(cache_mod.location(), root, schema_dir)
    todo = [(kind.name, record_id(kind, path), str(path)) for kind, path in targets]
    _worker_state.update(cache=cache, schema_dir=schema_dir)
    n = jobs() if len(todo) >= (PARALLEL_MIN if parallel_min is None else parallel_min) else 1
    try:
        if n > 1:
            size = max(200, len(todo) // (n * 8))  # several chunks per worker evens out slow ones
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            with multiprocessing.get_context("fork").Pool(n) as pool:
                results = [r for part in pool.imap(_load_chunk, chunks) for r in part]
        else:
            results = _load_chunk(todo)
    finally:
        _worker_state.clear()
    out: list[Entry] = []
    for k, entry in results:
        if entry is None:
            entry = cache.get(k)
        elif k:
            cache.put(k, entry)
        out.append(entry)
    cache.save(keep={k for k, _ in results if k} if full else None)
    return out


def stray_problems(strays: list[Path]) -> list[Problem]:
    """YAML files that match no kind are probably misplaced submissions: say so instead of ignoring them."""
    return [Problem(display_path(p), 0, "", "文件位置或扩展名不对，无法识别记录类别（记录应为 .yaml，放在 data/ 下对应目录）",
                    "file is not in a known record location") for p in strays]


AUXILIARY = ("owners.yaml", "usage")  # data files that are not records (ownership map, usage logs)
