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
import struct
import tempfile
import time
from pathlib import Path

SIGNATURE = struct.Struct("<qqqq")
RACY_NS = 2_000_000_000  # wider than any file system's timestamp tick (FAT: 2 s)


def signature(st: os.stat_result) -> bytes:
    return SIGNATURE.pack(st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


class StatIndex:
    """path -> signature + content key; `file` None keeps nothing."""

    def __init__(self, file: Path | None):
        self.file = file
        self.old: dict[str, bytes] = {}
        self.new: dict[str, bytes] = {}
        self.trusted_before = time.time_ns() - RACY_NS
        if file is None:
            return
        try:
            loaded = marshal.loads(file.read_bytes())
            if isinstance(loaded, dict):
                self.old = loaded
        except (OSError, EOFError, ValueError, TypeError):
            pass  # missing or damaged: every file is read once and the index is rebuilt

    def key(self, path: str, sig: bytes) -> bytes | None:
        """The content key recorded for `path` if its signature is unchanged."""
        found = self.old.get(path)
        if isinstance(found, bytes) and found[:SIGNATURE.size] == sig:
            self.new[path] = found
            return found[SIGNATURE.size:]
        return None

    def note(self, path: str, sig: bytes, key: bytes) -> None:
        """Remember that `path` had signature `sig` (taken before reading it) and content `key`."""
        mtime, _, _, ctime = SIGNATURE.unpack(sig)
        if max(mtime, ctime) < self.trusted_before:
            self.new[path] = sig + key

    def save(self, full: bool = True) -> None:
        """Write the index atomically; `full` = every record was looked at, so entries not seen are gone."""
        if self.file is None:
            return
        content = self.new if full else {**self.old, **self.new}
        if content == self.old:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(content))
        os.replace(tmp, self.file)
