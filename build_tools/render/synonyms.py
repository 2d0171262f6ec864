"""Search synonyms shared by the directory (机构列表) and the policy library (标准政策).

Expansion happens at build time on the record side: a record whose text contains a word of a
group also carries the group's other words in its search text, so the browser's plain substring
search finds it by any of them (污水 finds 废水治理 agencies; 危废 finds 危险废物 standards).
The build passes the groups inputs/ read (`Inputs.search`); tools and tests without a build read
the default file.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from ..inputs.config import load_search

CONFIG = Path(__file__).resolve().parents[2] / "config" / "search.yaml"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


Groups = tuple[tuple[str, ...], ...]


@lru_cache(maxsize=4)
def groups(path: Path = CONFIG) -> Groups:
    """The default file's groups, for tools and tests that run without a build."""
    return load_search(path)


def expansions(text: str, synonym_groups: Groups | None = None) -> list[str]:
    """Words of every group that `text` mentions, which `text` does not contain itself."""
    folded = _fold(text)
    out: list[str] = []
    for group in groups() if synonym_groups is None else synonym_groups:
        if any(w in folded for w in group):
            out += [w for w in group if w not in folded and w not in out]
    return out
