"""A pull request read as data: what it changes and what its files hold, from git objects only.

Nothing here checks out, runs or installs anything from the pull request. File names travel as
NUL-separated bytes from git to Python (`-z`), never through a shell or a command line, so a file
named `--author=x` or `"a b"` is just a name; git never quotes or renames them on the way
(`--no-renames`: a move is a deletion plus an addition, and both sides are judged).
"""
from __future__ import annotations

import os
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REGULAR = ("100644", "100755")
SYMLINK = "120000"
GITLINK = "160000"   # a submodule: a commit of another repository


class GitError(Exception):
    """A git command failed (unknown revision, not a repository …); the message is git's own."""


@dataclass(frozen=True)
class Entry:
    mode: str
    sha: str


@dataclass(frozen=True)
class Change:
    status: str            # A added, D deleted, M modified, T type changed (no R/C: renames are off)
    path: str              # repository-relative, '/'-separated, exactly as git stores it
    old: Entry | None      # None when added
    new: Entry | None      # None when deleted


def git(cwd: Path | str, *args: str, data: bytes | None = None) -> bytes:
    """Run git with an argument list (never a shell); every argument here is ours, none is a file name."""
    proc = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def decode(raw: bytes) -> str:
    """Git paths are bytes; a name that is not UTF-8 keeps its bytes as surrogates (reported, not lost)."""
    return raw.decode("utf-8", "surrogateescape")


def rev_parse(cwd: Path | str, rev: str) -> str:
    return git(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()


def parse_raw(out: bytes) -> list[Change]:
    """`git diff --raw -z --no-abbrev`: ':oldmode newmode oldsha newsha STATUS' NUL path NUL, repeated."""
    fields = out.split(b"\0")
    changes, i = [], 0
    while i < len(fields) - 1:
        meta = fields[i].decode("ascii")
        if not meta:
            i += 1
            continue
        old_mode, new_mode, old_sha, new_sha, status = meta.lstrip(":").split(" ")
        path = decode(fields[i + 1])
        i += 2
        if status[0] in "RC":  # cannot happen with --no-renames; refuse rather than mis-judge
            raise GitError(f"unexpected rename/copy entry for {path!r}")
        old = None if set(old_sha) == {"0"} else Entry(old_mode, old_sha)
        new = None if set(new_sha) == {"0"} else Entry(new_mode, new_sha)
        changes.append(Change(status[0], path, old, new))
    return changes


def changes(cwd: Path | str, base: str, head: str) -> list[Change]:
    """What `head` changes relative to where it branched off `base` (three dots, as GitHub's diff)."""
    out = git(cwd, "-c", "core.quotePath=false", "diff", "--raw", "-z", "--no-renames", "--no-abbrev",
              "--no-ext-diff", "--no-textconv", "--ignore-submodules=none", f"{base}...{head}", "--")
    return parse_raw(out)


def tree(cwd: Path | str, rev: str, prefix: str = "") -> dict[str, Entry]:
    """Every file of `rev` (under `prefix`, a folder of ours): path -> (mode, blob)."""
    args = ["ls-tree", "-r", "-z", "--full-tree", rev]
    out = git(cwd, *args, *(["--", prefix] if prefix else []))
    entries = {}
    for item in out.split(b"\0"):
        if not item:
            continue
        meta, _, path = item.partition(b"\t")
        mode, _kind, sha = meta.decode("ascii").split(" ")
        entries[decode(path)] = Entry(mode, sha)
    return entries


class Blobs:
    """Read blobs through one `git cat-file --batch`. Requests go in chunks small enough to sit in the pipe
    while git answers (no deadlock), so a large tree costs no round trip per file."""

    CHUNK = 512   # 512 requests of 41 bytes stay well under a 64 KiB pipe buffer

    def __init__(self, cwd: Path | str):
        self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=cwd, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE)

    def read(self, sha: str) -> bytes:
        return next(self.read_many([sha]))

    def read_many(self, shas: list[str]) -> Iterator[bytes]:
        assert self._proc.stdin and self._proc.stdout
        for start in range(0, len(shas), self.CHUNK):
            chunk = shas[start:start + self.CHUNK]
            self._proc.stdin.write("".join(f"{sha}\n" for sha in chunk).encode("ascii"))
            self._proc.stdin.flush()
            for sha in chunk:
                header = self._proc.stdout.readline().split()
                if len(header) != 3 or header[1] != b"blob":
                    raise GitError(f"not a blob: {sha}")
                yield self._proc.stdout.read(int(header[2]) + 1)[:-1]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        if self._proc.stdout:   # answers nobody read (an early exit) must not leave git blocked on the pipe
            while self._proc.stdout.read(1 << 16):
                pass
        self._proc.wait()

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------- what may be a path in a submission

_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def shown(path: str) -> str:
    """A path safe to print: control, bidi and undecodable characters become visible escapes, so a
    file name cannot start a new output line, a workflow command, or reorder what a reviewer reads."""
    out = []
    for ch in path:
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def path_problem(path: str, data_prefix: str = "data") -> str | None:
    """Why a path may not be in a submission at all (whoever submits it), or None."""
    if shown(path) != path:
        if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in path):
            return "文件名不是有效的 UTF-8 编码，请改用普通文件名"
        return "文件名含控制字符或文字方向控制符，请改用普通文件名"
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "路径含空白、“.”或“..”成分"
    if any(p.lower().rstrip(". ") == ".git" for p in parts):
        return "路径含“.git”"
    if parts[0] == data_prefix and any(p.startswith(".") for p in parts[1:]):
        return "数据目录中不允许以“.”开头的隐藏文件或目录（如 .gitattributes）"
    return None


def mode_problem(entry: Entry | None) -> str | None:
    """Only regular files may be submitted: no symbolic links, no submodules."""
    if entry is None or entry.mode in REGULAR:
        return None
    if entry.mode == SYMLINK:
        return "不允许提交符号链接（symlink），请提交文件本身"
    if entry.mode == GITLINK:
        return "不允许提交子模块（submodule）"
    return f"不允许的文件类型（git mode {entry.mode}）"


def fs_path(path: str) -> str:
    """The file-system name for a git path (undecodable bytes restored)."""
    return os.fsdecode(path.encode("utf-8", "surrogateescape"))
