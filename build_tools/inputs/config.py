"""The YAML configuration files compute reads (config/scoring.yaml, config/qa.yaml), read and checked once."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..context import ROOT

DEFAULT_SCORING = ROOT / "config" / "scoring.yaml"
DEFAULT_QA = ROOT / "config" / "qa.yaml"


def config_file(configured: str | None, default: Path) -> Path:
    """A file named in mkdocs `extra.platform` (relative to the project root), else the default."""
    return (ROOT / configured).resolve() if configured else default


def load_scoring(path: Path = DEFAULT_SCORING) -> dict[str, Any]:
    """The scoring method; a broken one stops the build rather than publish scores from it."""
    # The rules live with the indicators they name; imported here because compute imports inputs/.
    from ..compute.scoring import ScoringConfigError, check_config
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = check_config(cfg)
    if problems:
        raise ScoringConfigError(f"评价配置 {path} 有误：\n" + "\n".join(problems))
    return cfg


def load_qa(path: Path = DEFAULT_QA) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
