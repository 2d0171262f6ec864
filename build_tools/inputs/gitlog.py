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


def _git(cwd: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout


def repo_root(path: Path) -> Path | None:
    out = _git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


def history(data_root: Path) -> list[Change]:
    """Every file change under `data_root`, oldest first."""
    root = repo_root(data_root)
    if root is None:
        return []
    return _log(root, [str(data_root.resolve().relative_to(root))])


def last_changed(paths: list[Path]) -> dict[Path, dt.date]:
    """Date of the last commit touching each path (files or folders)."""
    if not paths:
        return {}
    root = repo_root(paths[0])
    if root is None:
        return {}
    rel = {p.resolve(): p.resolve().relative_to(root) for p in paths}
    # One log over the paths' common folder: a command line of 10,000 paths would not fit.
    common = Path(os.path.commonpath([str(r) for r in rel.values()])) if len(rel) > 1 else next(iter(rel.values()))
    latest: dict[str, dt.date] = {}
    for change in _log(root, [str(common)]):
        latest[change.path] = change.date.date()  # oldest first, so the last write wins
    # Every file and folder above it gets the newest date below it, in one pass: asking for 10,000
    # agency folders must not scan every changed file once per folder.
    newest: dict[str, dt.date] = {}
    for path, day in latest.items():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key not in newest or newest[key] < day:
                newest[key] = day
    return {absolute: newest[str(relative)] for absolute, relative in rel.items() if str(relative) in newest}


def _log(root: Path, rel_paths: list[str]) -> list[Change]:
    out = _git(root, "log", "--reverse", "--no-renames", "--format=\x1e%aI\x1f%an", "--name-status", "--", *rel_paths)
    changes = []
    for block in (out or "").split("\x1e")[1:]:
        header, _, body = block.partition("\n")
        stamp, _, author = header.partition("\x1f")
        for line in body.splitlines():
            status, _, path = line.partition("\t")
            if path:
                changes.append(Change(dt.datetime.fromisoformat(stamp), author, status[:1], path))
    return changes
