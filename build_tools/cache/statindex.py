"""Which record files are unchanged since the last run, known without reading them (like git's index).

One file per data root maps each record's path to its stat signature (mtime, size, inode, ctime)
and its content key in the validation cache. A file whose signature is unchanged is not read or
hashed again: at 1.6 M files, reading and hashing was most of a run where nothing changed.
ctime cannot be set back by tools (unlike mtime), so an edit that restores size and mtime is still
seen. Racy case: a file written within the same clock tick as our stat could change without any
visible signature change, so files changed shortly before or during a run are never trusted
(they are read again next time; only the files just edited pay for it).
"""
from __future__ import annotations

import marshal
import os
import stat
import struct
import tempfile
import time
from pathlib import Path

SIGNATURE = struct.Struct("<qqqq")
RACY_NS = 2_000_000_000  # wider than any file system's timestamp tick (FAT: 2 s)


def signature(st: os.stat_result) -> bytes:
    return SIGNATURE.pack(st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


class StatIndex:
    """path -> signature + content key; `file` None keeps nothing.

    Stored as one text of paths and one byte string of fixed-size entries, in the order the loader
    asks for them: loading is two copies, and lookups follow that order (a dict of 1.6 M paths took
    seconds to load); a path out of order is found through a dict built on first need."""

    ENTRY = SIGNATURE.size + 16

    def __init__(self, file: Path | None):
        self.file = file
        self.paths: list[str] = []
        self.entries = b""
        self._next = 0
        self._where: dict[str, int] | None = None
        self.new_paths: list[str] = []
        self.new_entries: list[bytes] = []
        self.trusted_before = time.time_ns() - RACY_NS
        if file is None:
            return
        try:
            paths, entries = marshal.loads(file.read_bytes())
            if isinstance(paths, str) and isinstance(entries, bytes):
                self.paths = paths.split("\n") if paths else []
                self.entries = entries
                if len(entries) != self.ENTRY * len(self.paths):
                    self.paths, self.entries = [], b""
        except (OSError, EOFError, ValueError, TypeError):
            pass  # missing or damaged: every file is read once and the index is rebuilt

    def recorded(self, path: str) -> bytes | None:
        """Signature + key recorded for `path`, or None."""
        i = self._next
        if i < len(self.paths) and self.paths[i] == path:
            self._next = i + 1
        else:
            if self._where is None:
                self._where = {p: n for n, p in enumerate(self.paths)}
            i = self._where.get(path, -1)
            if i < 0:
                return None
            self._next = i + 1
        return self.entries[i * self.ENTRY:(i + 1) * self.ENTRY]

    def key(self, path: str, sig: bytes) -> bytes | None:
        """The content key recorded for `path` if its signature is unchanged."""
        return _unchanged(self.recorded(path), sig)

    def lookup(self, path: str, abs_path: str) -> tuple[bytes, bytes | None]:
        """(signature, content key if unchanged) of a recorded file; (b"", None) for a file the index
        does not know: it is not stat-ed here, the loader's workers do that in parallel."""
        found = self.recorded(path)
        if found is None:
            return b"", None
        try:
            st = os.lstat(abs_path)
        except OSError:
            return b"", None
        if not stat.S_ISREG(st.st_mode):
            return b"", None  # a link or FIFO now: the loader's own lstat refuses it
        sig = signature(st)
        return sig, _unchanged(found, sig)

    def note(self, path: str, sig: bytes, key: bytes) -> None:
        """Keep `path` with signature `sig` (taken before reading it) and content `key` for the next run;
        call in the order paths are looked up."""
        mtime, _, _, ctime = SIGNATURE.unpack(sig)
        if max(mtime, ctime) < self.trusted_before and len(key) == 16 and "\n" not in path:
            self.new_paths.append(path)
            self.new_entries.append(sig + key)

    def save(self, full: bool = True) -> None:
        """Write the index atomically; `full` = every record was noted, so paths not noted are gone."""
        if self.file is None:
            return
        paths, entries = self.new_paths, b"".join(self.new_entries)
        if not full:
            noted = set(paths)
            kept = [i for i, p in enumerate(self.paths) if p not in noted]
            paths = [self.paths[i] for i in kept] + paths
            entries = b"".join(self.entries[i * self.ENTRY:(i + 1) * self.ENTRY] for i in kept) + entries
        if paths == self.paths and entries == self.entries:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(("\n".join(paths), entries)))
            os.replace(tmp, self.file)
        except OSError as exc:  # the next run reads every file again: slower, never wrong
            from .validation import unavailable
            unavailable(self.file.parent, exc)


def _unchanged(found: bytes | None, sig: bytes) -> bytes | None:
    """The content key of a recorded entry whose signature equals `sig`."""
    return found[SIGNATURE.size:] if found is not None and found[:SIGNATURE.size] == sig else None
