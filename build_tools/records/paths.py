"""Where each kind of record lives: path -> kind and id, record -> path, and paths as contributors see them.

A kind's location is its schema's `x-files` glob (schemas.Kind.glob) and `x-id-from`; nothing else in the
code spells out a folder of data/.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TypeGuard

from .schemas import SCHEMA_DIR, Kind, compile_pattern, registry


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


def record_path(kind: Kind, record: dict, root: Path, kinds: dict[str, Kind]) -> Path | None:
    """Where a record of `kind` lives, from its glob: the id fills its own `*`; an enclosing
    record's `*` (a project inside its agency's folder) comes from the field that refers to it."""
    parts = list(Path(kind.glob).parts)
    rid = record.get("id")
    if not is_id(rid):
        return None
    own = len(parts) - (2 if kind.id_from == "parent" else 1)
    parts[own] = parts[own].replace("*", rid)
    for i, part in enumerate(parts):
        if "*" not in part:
            continue
        prefix = "/".join(parts[: i + 1])
        owner = next((k for k in kinds.values() if k.glob.startswith(prefix + "/") and k.id_from == "parent"), None)
        ref = next((f for f, target in kind.refs if owner and target == owner.name), None)
        value = record.get(ref) if ref else None
        if not is_id(value):
            return None
        parts[i] = part.replace("*", value)
    return root.joinpath(*parts)


@lru_cache(maxsize=4)
def _id_pattern(schema_dir: Path) -> re.Pattern[str]:
    return compile_pattern(registry(schema_dir).resolver().lookup("common.schema.json#/$defs/id").contents["pattern"])


def is_id(value: object, schema_dir: Path = SCHEMA_DIR) -> TypeGuard[str]:
    """Only well-formed ids become path parts (no '..', no '/')."""
    return isinstance(value, str) and _id_pattern(schema_dir).search(value) is not None
