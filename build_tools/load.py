"""Stage 1: find record files, read them safely, check each against its kind's schema.

One generic loader for every kind; a record that fails is reported (file, line,
field, Chinese sentence) and left out of the dataset, so callers decide whether
to fail closed (the build does) or carry on (the validate command lists all).
"""
from __future__ import annotations

import os
from pathlib import Path

from . import messages
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
    found = []
    for kind in kinds.values():
        found += [(kind, p) for p in sorted(root.glob(kind.glob)) if p.is_file()]
    return found


def load_file(kind: Kind, path: Path, schema_dir: Path = SCHEMA_DIR,
              max_bytes: int = MAX_BYTES) -> tuple[Record | None, list[Problem]]:
    """Read and schema-check one file. Returns the record (None when unparseable) and its problems;
    a record with problems must not be published."""
    shown = display_path(path)
    try:
        parsed = load_bytes(path.read_bytes(), max_bytes)
    except YamlError as exc:
        return None, [Problem(shown, exc.line, "", exc.message, exc.english)]
    except OSError as exc:
        return None, [Problem(shown, 0, "", f"无法读取文件：{exc.strerror}", str(exc))]
    if not isinstance(parsed.data, dict):
        return None, [Problem(shown, 1, "", "记录应为“字段: 值”形式的一组字段", "top level must be a mapping")]
    rec = Record(kind.name, record_id(kind, path), path, parsed.data, parsed.lines)
    problems = []
    reg = registry(schema_dir)
    for error in validator(kind.name, schema_dir).iter_errors(parsed.data):
        fpath, zh, en = messages.explain(error, kind.schema, reg)
        problems.append(Problem(shown, rec.line(messages.pointer(fpath)), messages.field_path(fpath), zh, en))
    if parsed.data.get("id") not in (None, rec.id):
        where = "所在目录名" if kind.id_from == "parent" else "文件名"
        problems.append(Problem(shown, rec.line("/id"), "id",
                                f"编号“{parsed.data.get('id')}”须与{where}“{rec.id}”一致",
                                "id must equal the file/folder name"))
    return rec, problems


def load(root: Path, schema_dir: Path = SCHEMA_DIR, paths: list[Path] | None = None) -> tuple[Dataset, list[Problem]]:
    """Load every record under `root` (or only `paths`), returning valid records and all problems."""
    root = root.resolve()
    kinds = load_kinds(schema_dir)
    if paths is None:
        targets = discover(root, kinds)
    else:
        targets, problems = [], []
        for p in paths:
            k = kind_of(p.resolve(), root, kinds)
            if k is not None:
                targets.append((k, p.resolve()))
    dataset = Dataset(root, {k: [] for k in kinds})
    problems: list[Problem] = []
    for kind, path in targets:
        rec, found = load_file(kind, path, schema_dir)
        problems += found
        if rec is not None:
            (dataset.rejected.setdefault(kind.name, []) if found else dataset.records[kind.name]).append(rec)
    problems += stray_files(root, kinds) if paths is None else []
    return dataset, problems


def stray_files(root: Path, kinds: dict[str, Kind]) -> list[Problem]:
    """YAML files that match no kind are probably misplaced submissions: say so instead of ignoring them."""
    known = {p for _, p in discover(root, kinds)}
    out = []
    for p in sorted(root.rglob("*")):
        if p.suffix in (".yaml", ".yml") and p not in known and not _is_auxiliary(p, root):
            out.append(Problem(display_path(p), 0, "", "文件位置或扩展名不对，无法识别记录类别（记录应为 .yaml，放在 data/ 下对应目录）",
                               "file is not in a known record location"))
    return out


AUXILIARY = ("owners.yaml", "usage")  # data files that are not records (ownership map, usage logs)


def _is_auxiliary(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).parts
    return rel[0] in AUXILIARY
