"""Inputs besides the records that compute and render need, read once before them (compute stays pure):
the git history of data/ (gitlog.py), access logs (usage_logs.py) and the configuration files (config.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..settings import Settings
from .config import DEFAULT_QA, DEFAULT_SCORING, DEFAULT_SEARCH, config_file, load_qa, load_scoring, load_search
from .gitlog import History, read_history
from .usage_logs import UsageLog, read_logs


@dataclass(frozen=True)
class Inputs:
    history: History                 # git history of data/: usage statistics, “updated” dates of agencies
    usage_logs: tuple[UsageLog, ...]  # data/usage/: access logs and analytics exports
    scoring: dict[str, Any]          # the scoring method (checked)
    qa: dict[str, Any]               # the Q&A assistant's synonyms, weights, threshold
    search: tuple = ()               # synonym groups of the directory and policy searches (config/search.yaml)


def read(data_root: Path, settings: Settings) -> Inputs:
    """Everything besides the records, from `data_root` and the settings."""
    root = settings.project_root
    return Inputs(
        history=read_history(data_root),
        usage_logs=read_logs(data_root),
        scoring=load_scoring(config_file(settings.platform.scoring_config, DEFAULT_SCORING, root)),
        qa=load_qa(config_file(settings.platform.qa_config, DEFAULT_QA, root)),
        search=load_search(DEFAULT_SEARCH),
    )
