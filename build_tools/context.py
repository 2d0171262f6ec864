"""Build-wide settings shared by the compute and render stages."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def build_date() -> dt.date:
    """'Today' for the build: PLATFORM_TODAY (YYYY-MM-DD) pins it for reproducible builds and tests."""
    pinned = os.environ.get("PLATFORM_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


@dataclass
class BuildContext:
    data_root: Path
    today: dt.date = field(default_factory=build_date)
    config: dict[str, Any] = field(default_factory=dict)    # mkdocs `extra.platform` settings
    computed: dict[str, Any] = field(default_factory=dict)  # results of compute steps, by name
