"""On-disk cache of per-file load results, keyed by content hash (so rebuilds after one change are incremental).

A file's load result (its data, or its problems) depends only on its bytes, its kind and its id
(derived from the path), and on the code and schemas that read it. The key is a hash of the first
three; the code and schemas name the cache folder, so any change there starts a fresh cache.
Entries are spread over 256 shard files (marshal: plain data only, fastest to read back); a run
rewrites only the shards that changed, and a full load drops entries of files that are gone.
An entry keeps the record's data encoded (marshal bytes, decoded only when a page needs it) and its
facts (crossfields.py): loading 1.6 M decoded records was most of a warm run.

PLATFORM_CACHE=0 turns the cache off; PLATFORM_CACHE=<folder> moves it (default .cache/validate/).
"""
from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..context import ROOT
from ..settings import Environment, environment

# What a cached result is made of: the record's data (None when unreadable) and its problems as
# (line, field, message, english) tuples; the file name is added back when reporting.
Entry = tuple[Any, list[tuple[int, str, str, str]]]
# What the cache keeps: (problems, facts, marshal bytes of the data); facts and data None when unreadable.
Stored = tuple[list[tuple[int, str, str, str]], Any, bytes | None]

_CODE = ("records/safeyaml.py", "records/load.py", "records/fastcheck.py", "records/schemas.py",
         "records/messages.py", "records/codes.py", "cache/validation.py", "records/model.py", "records/crossfields.py",
         "records/paths.py", "records/personal.py", "records/privacy.py", "records/textsafe.py")


def key(kind: str, record_id: str, raw: bytes) -> bytes:
    h = hashlib.blake2b(raw, digest_size=16, person=b"tp-validate-v1")
    h.update(f"\0{kind}\0{record_id}".encode())
    return h.digest()


def _namespace(schema_dir: Path) -> str:
    """Hash of everything that decides a result besides the file itself."""
    h = hashlib.blake2b(digest_size=8)
    h.update(sys.version.encode())  # marshal format and regex behaviour follow the Python version
    package = Path(__file__).resolve().parents[1]
    for path in [package / name for name in _CODE] + sorted(schema_dir.glob("*.json")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


_warned: set[str] = set()


def unavailable(folder: Path | None, exc: BaseException) -> None:
    """Say once per folder that a cache cannot be used: caches only make runs faster, so the run goes
    on without it (an unwritable or misplaced cache folder is not a reason to fail, nor a traceback)."""
    shown = str(folder)
    if shown in _warned:
        return
    _warned.add(shown)
    reason = getattr(exc, "strerror", None) or type(exc).__name__
    print(f"提示：缓存目录 {shown} 无法使用（{reason}），本次不使用缓存继续。"
          f"（cache unavailable, continuing without it）", file=sys.stderr)


def location(env: Environment | None = None) -> Path | None:
    env = env or environment()
    return env.cache_folder(env.cache, ROOT / ".cache" / "validate")


class Cache:
    """Load results of one data root under the current code and schemas."""

    def __init__(self, folder: Path | None, data_root: Path, schema_dir: Path):
        self.entries: dict[bytes, Stored] = {}
        self.dirty: set[int] = set()
        self.folder = None
        if folder is None:
            return
        ns = _namespace(schema_dir)
        root_tag = hashlib.blake2b(str(data_root.resolve()).encode(), digest_size=6).hexdigest()
        self.folder = folder / ns / root_tag
        try:
            for stale in folder.glob("*"):  # results of older code or schemas are never read again
                if stale.is_dir() and stale.name != ns:
                    shutil.rmtree(stale, ignore_errors=True)
            shards = list(self.folder.glob("*.marshal"))
        except OSError as exc:
            unavailable(folder, exc)
            self.folder = None
            return
        for shard in shards:
            try:
                self.entries.update(marshal.loads(shard.read_bytes()))
            except (OSError, EOFError, ValueError, TypeError):
                self.dirty.add(int(shard.stem, 16))  # unreadable shard: rebuilt on save

    def stat_index_file(self) -> Path | None:
        return None if self.folder is None else self.folder / "stat.index"

    def get(self, k: bytes) -> Stored | None:
        return self.entries.get(k)

    def put(self, k: bytes, entry: Stored) -> None:
        if self.entries.get(k) != entry:
            self.entries[k] = entry
            self.dirty.add(k[0])

    def save(self, keep: set[bytes] | None = None) -> None:
        """Write changed shards atomically; with `keep`, drop every entry not in it (files gone or changed)."""
        if self.folder is None:
            return
        if keep is not None:
            for k in [k for k in self.entries if k not in keep]:
                del self.entries[k]
                self.dirty.add(k[0])
        if not self.dirty:
            return
        shards: dict[int, dict[bytes, Stored]] = {n: {} for n in self.dirty}
        for k, entry in self.entries.items():
            if k[0] in shards:
                shards[k[0]][k] = entry
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for n, content in shards.items():
                target = self.folder / f"{n:02x}.marshal"
                fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(marshal.dumps(content))
                os.replace(tmp, target)  # readers see the old or the new shard, never half of one
        except OSError as exc:
            unavailable(self.folder, exc)
            self.folder = None
        self.dirty.clear()
