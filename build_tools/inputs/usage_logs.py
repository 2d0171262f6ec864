"""Access logs and analytics exports in data/usage/ (see README, “Platform usage”), read once as text."""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class UsageLog:
    name: str     # file name, listed on the report page
    text: str     # contents (gunzipped; undecodable bytes replaced)

    @property
    def is_csv(self) -> bool:
        return self.name.endswith(".csv")


def usage_files(usage_dir: Path) -> list[Path]:
    if not usage_dir.is_dir():
        return []
    return sorted(p for p in usage_dir.iterdir()
                  if p.is_file() and (p.name.endswith((".log", ".log.gz", ".csv")) or ".log." in p.name))


def read_log(path: Path) -> UsageLog:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return UsageLog(path.name, raw.decode("utf-8", errors="replace"))


def read_logs(data_root: Path) -> tuple[UsageLog, ...]:
    return tuple(read_log(p) for p in usage_files(data_root / "usage"))
