"""The YAML configuration files compute reads (config/scoring.yaml, config/qa.yaml): read once, checked against
their JSON Schemas (schemas/settings/) and, for scoring, the rules across fields (compute/scoring.check_config)."""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..context import ROOT
from ..settings import SettingsError, check

DEFAULT_SCORING = ROOT / "config" / "scoring.yaml"
DEFAULT_QA = ROOT / "config" / "qa.yaml"
DEFAULT_SEARCH = ROOT / "config" / "search.yaml"


def config_file(configured: str | None, default: Path, project_root: Path = ROOT) -> Path:
    """A file named in mkdocs `extra.platform` (relative to the project root), else the default."""
    return (project_root / configured).resolve() if configured else default


def _read(path: Path, schema: str) -> Any:
    """The file's YAML, checked against its schema in schemas/settings/."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"配置文件 {path} 无法读取（cannot read）：{exc}") from None
    check(data, schema, str(path))
    return data


def load_scoring(path: Path = DEFAULT_SCORING) -> dict[str, Any]:
    """The scoring method; a broken one stops the build rather than publish scores from it."""
    # The rules live with the indicators they name; imported here because compute imports inputs/.
    from ..compute.scoring import ScoringConfigError, check_config
    cfg = _read(path, "scoring.schema.json")
    problems = check_config(cfg)
    if problems:
        raise ScoringConfigError(f"评价配置 {path} 有误：\n" + "\n".join(problems))
    return cfg


def synonym_groups(data: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """config/search.yaml's `synonyms`, folded (NFKC, lower case) as the searches compare text."""
    fold = lambda w: unicodedata.normalize("NFKC", str(w)).lower()  # noqa: E731
    return tuple(tuple(fold(w) for w in g) for g in (data or {}).get("synonyms", []) if len(g) > 1)


def load_search(path: Path = DEFAULT_SEARCH) -> tuple[tuple[str, ...], ...]:
    """Synonym groups of the directory and policy searches (render/synonyms.py expands them)."""
    return synonym_groups(_read(path, "search.schema.json"))


def load_qa(path: Path = DEFAULT_QA) -> dict[str, Any]:
    return _read(path, "qa.schema.json")
