"""Write a Pagefind index from search records: their tokens (tokens.py), not their text.

Speaks the binary's service protocol (`pagefind_extended --service`: base64 JSON messages ended by a
comma on stdin/stdout) — the protocol of Pagefind's own Python and Node APIs. Pagefind's Python wrapper
(`pagefind.index.PagefindIndex`) sleeps 0.1 s before reading each answer, i.e. at most 10 records a
second (measured: 200 records in 21.6 s; a 10,000-agency site would take an hour), so requests are
pipelined here instead: records are written while a reader thread takes the answers.

`Indexer` can be fed while the rest of the site is still being built (the service is its own process).
"""
from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import tokens
from .records import SearchRecord

log = logging.getLogger(__name__)
# The index language. Entries are fed as our own tokens (tokens.py), which Pagefind must keep as they are.
# Tried with the extended binary 1.4.0 (the words it stores, read back from the index chunks): "zh", "ja"
# and any "zh-…" are segmented again with its dictionary (汇智 -> 汇 智); "en" stems (services -> servic)
# and ships a second WebAssembly module; a code without a stemmer ("und", "xx") splits on whitespace only,
# lowercases, and ships wasm.unknown.pagefind. "und" is BCP 47's "undetermined"; the browser picks the index
# by the page's lang (zh) and falls back to the only index there is.
LANGUAGE = "und"
COMMON = "common.json"   # the common tokens (tokens.common), beside the index: the browser drops them
# Records in flight at once. The service starts a task per message; with all records queued at once its
# throughput fell from ~1,500 to ~80 records/s at 70,000 queued (measured), so writers wait for answers.
WINDOW = 256
UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-highlight")  # Pagefind's own UI: the site has its own


class PagefindError(RuntimeError):
    pass


def executable() -> Path:
    """The extended binary from the pinned `pagefind[extended]` package (PAGEFIND_BINARY_PATH overrides)."""
    env = os.environ.get("PAGEFIND_BINARY_PATH")
    if env:
        return Path(env)
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        found = shutil.which("pagefind_extended")
        if found:
            return Path(found)
        raise PagefindError("未安装 Pagefind（pip install 'pagefind[extended]'），无法生成站内搜索索引"
                            "（pagefind not installed）") from None
    return Path(get_executable())


@dataclass
class Written:
    records: int
    files: int
    bytes: int
    common: int = 0     # tokens in common.json


class Indexer:
    """One in-memory Pagefind index in a service process: `add` records (any thread), then `finish`."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([str(executable()), "--service"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._answers: dict[int, dict[str, Any]] = {}
        self._next_id = 0
        self._sent = self._received = 0     # records only
        self._error: str | None = None
        self._slots = threading.Semaphore(WINDOW)
        self._df: Counter[str] = Counter()   # entries holding each token (records are added from two threads)
        self._df_lock = threading.Lock()
        self._feeder: threading.Thread | None = None
        self._feed_error: BaseException | None = None
        self._reader = threading.Thread(target=self._read, name="pagefind-read", daemon=True)
        self._reader.start()
        self.index_id = self._call({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]

    # --- protocol ---------------------------------------------------------------------------------
    def _send(self, payload: dict[str, Any], flush: bool) -> int:
        with self._write_lock:
            self._next_id += 1
            text = json.dumps({"message_id": self._next_id, "payload": payload}, ensure_ascii=False)
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(base64.b64encode(text.encode("utf-8")) + b",")
                if flush:
                    self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                raise PagefindError("Pagefind 进程意外退出（pagefind service ended）") from None
            return self._next_id

    def _flush(self) -> None:
        with self._write_lock:
            assert self.proc.stdin is not None
            self.proc.stdin.flush()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        pending: list[bytes] = []   # pieces of a message not yet ended (GetFiles sends one large message)
        while True:
            chunk = self.proc.stdout.read1(1 << 16)  # type: ignore[attr-defined]  # a BufferedReader (bufsize>0)
            if not chunk:
                with self._cond:
                    self._error = self._error or "Pagefind 进程意外退出（pagefind service ended）"
                    self._cond.notify_all()
                self._slots.release(WINDOW)   # a writer waiting for a slot sees the error
                return
            if b"," not in chunk:
                pending.append(chunk)
                continue
            first, *messages = chunk.split(b",")
            pending.append(first)
            messages.insert(0, b"".join(pending))
            last = messages.pop()          # the start of the next message (b"" after a final comma)
            pending = [last] if last else []
            for message in messages:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                with self._cond:
                    if payload.get("type") == "Error":
                        self._error = f"Pagefind 报错（pagefind error）：{payload.get('message')}"
                        self._slots.release()
                    if payload.get("type") == "IndexedFile":
                        self._received += 1
                        self._slots.release()
                    else:
                        self._answers[answer.get("message_id") or 0] = payload
                    self._cond.notify_all()

    def _call(self, payload: dict[str, Any]) -> dict[str, Any]:
        message_id = self._send(payload, flush=True)
        with self._cond:
            self._cond.wait_for(lambda: message_id in self._answers or self._error is not None)
            if self._error is not None:
                raise PagefindError(self._error)
            return self._answers.pop(message_id)

    # --- use --------------------------------------------------------------------------------------
    def add(self, records: Iterable[SearchRecord]) -> None:
        for rec in records:
            if not self._slots.acquire(blocking=False):
                self._flush()   # answers come only for records the service has seen
                self._slots.acquire()
            if self._error is not None:
                raise PagefindError(self._error)
            words = tokens.unique_tokens(rec.content)
            with self._df_lock:
                self._df.update(words)
            # the title's tokens twice: Pagefind ranks an entry whose title holds the query above one that
            # holds it further down (its ranking counts occurrences; AddRecord has no per-field weights)
            indexed = " ".join(tokens.unique_tokens(rec.title) + words)
            self._send({"type": "AddRecord", "index_id": self.index_id, "url": rec.url, "content": indexed,
                        "language": LANGUAGE, "meta": rec.meta(), "filters": rec.filters(), "sort": None},
                       flush=False)
            with self._cond:
                self._sent += 1
        self._flush()

    def feed(self, records: Iterable[SearchRecord]) -> None:
        """Add `records` in a background thread (while the site is being built)."""
        def run() -> None:
            try:
                self.add(records)
            except BaseException as exc:  # noqa: BLE001 - raised again by finish()
                self._feed_error = exc
        self._feeder = threading.Thread(target=run, name="pagefind-feed", daemon=True)
        self._feeder.start()

    def finish(self, out: Path) -> Written:
        """Wait for every record, write the bundle into `out` (replacing it) and stop the service."""
        try:
            if self._feeder is not None:
                self._feeder.join()
                if self._feed_error is not None:
                    raise self._feed_error
            with self._cond:
                self._cond.wait_for(lambda: self._received >= self._sent or self._error is not None)
                if self._error is not None:
                    raise PagefindError(self._error)
            log.debug("pagefind: %d records added, writing files", self._received)
            # GetFiles, not WriteFiles: the service answers WriteFiles before its writes are done, and
            # stopping it then left truncated files (measured: an empty pagefind-entry.json).
            files = self._call({"type": "GetFiles", "index_id": self.index_id})["files"]
        finally:
            self.close()
        if out.exists():
            shutil.rmtree(out)
        count = size = 0
        for f in files:
            rel = Path(f["path"])
            if rel.is_absolute() or ".." in rel.parts or rel.name.startswith(UNUSED):
                continue
            data = base64.b64decode(f["content"])
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count, size = count + 1, size + len(data)
        common = tokens.common(self._df, self._received)
        data = json.dumps(common, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        (out / COMMON).write_bytes(data)
        return Written(records=self._received, files=count + 1, bytes=size + len(data), common=len(common))

    def close(self) -> None:
        """Stop the service (also when the build failed)."""
        if self.proc.poll() is not None:
            return
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def write_index(records: Iterable[SearchRecord], out: Path) -> Written:
    """Index `records` (streamed: never all in memory here) and write the bundle into `out`."""
    indexer = Indexer()
    try:
        indexer.add(records)
    except BaseException:
        indexer.close()
        raise
    return indexer.finish(out)
