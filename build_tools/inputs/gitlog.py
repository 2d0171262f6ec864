"""What git knows about data/: when each file last changed, and the full change history.

Both read one `git log` call each (per-file calls would be O(files) processes).
Outside a git checkout, or for untracked files, results are simply missing.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Change:
    date: dt.datetime
    author: str
    status: str   # 'A' added, 'M' modified, 'D' deleted (renames count as A)
    path: str     # relative to the repository root
    commit: int = 0  # number of the commit in the log (changes made together share it)


def _git(cwd: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout


def repo_root(path: Path) -> Path | None:
    out = _git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


@dataclass(frozen=True)
class History:
    """The git history of one folder, read once (one `git log`); the questions below are answered from it."""
    root: Path | None                     # top of the repository (None: not a git checkout)
    changes: tuple[Change, ...] = ()      # every file change under the folder, oldest first

    def last_changed(self, paths: list[Path]) -> dict[Path, dt.date]:
        """Date of the last commit touching each path (files or folders) inside the folder read."""
        if self.root is None or not paths:
            return {}
        top = self.root.resolve()
        rel = {p.resolve(): p.resolve().relative_to(top).as_posix() for p in paths}
        # Every file and folder above it gets the newest date below it, in one pass: asking for 10,000
        # agency folders must not scan every changed file once per folder.
        latest: dict[str, dt.date] = {}
        for change in self.changes:
            latest[change.path] = change.date.date()  # oldest first, so the last write wins
        newest: dict[str, dt.date] = {}
        for path, day in latest.items():
            parts = path.split("/")
            for depth in range(1, len(parts) + 1):
                key = "/".join(parts[:depth])
                if key not in newest or newest[key] < day:
                    newest[key] = day
        return {absolute: newest[relative] for absolute, relative in rel.items() if relative in newest}


def read_history(folder: Path) -> History:
    """Every file change under `folder` (one `git log`); an empty history outside a git checkout."""
    root = repo_root(folder)
    if root is None:
        return History(None)
    return History(root, tuple(_log(root, [str(folder.resolve().relative_to(root))])))


def history(folder: Path) -> list[Change]:
    """Every file change under `folder`, oldest first."""
    return list(read_history(folder).changes)


def last_changed(paths: list[Path]) -> dict[Path, dt.date]:
    """Date of the last commit touching each path (files or folders): one log over their common folder
    (a command line of 10,000 paths would not fit)."""
    if not paths:
        return {}
    resolved = [p.resolve() for p in paths]
    common = Path(os.path.commonpath([str(p) for p in resolved])) if len(resolved) > 1 else resolved[0]
    return read_history(common).last_changed(paths)


def _log(root: Path, rel_paths: list[str]) -> list[Change]:
    out = _git(root, "log", "--reverse", "--no-renames", "--format=\x1e%aI\x1f%an", "--name-status", "--", *rel_paths)
    changes = []
    for number, block in enumerate((out or "").split("\x1e")[1:]):
        header, _, body = block.partition("\n")
        stamp, _, author = header.partition("\x1f")
        for line in body.splitlines():
            status, _, path = line.partition("\t")
            if path:
                changes.append(Change(dt.datetime.fromisoformat(stamp), author, status[:1], path, number))
    return changes
