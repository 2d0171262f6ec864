"""The few fields cross-record checks read: a record's *facts*.

At 1.6 M records, decoding every record's full data took longer than all checks together, and a
validate run needs only ids, references, some dates and local file links. So the validation cache
keeps each record's data encoded (decoded when a page needs it) next to its facts, and
validate.cross_check runs on facts. Under tests (`strict`) a check that asks for a field not
declared here raises instead of silently seeing nothing: declare the field below when adding a check.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..settings import Environment, environment
from .schemas import SCHEMA_DIR, Kind, load_kinds

# Fields read by the hand-written checks in validate.py (schema-driven ones are added from the kinds).
READ = {
    "project": ("agency", "client", "start_date"),                  # folder_ownership, reviews_match_projects
    "enterprise_review": ("agency", "project", "enterprise", "date"),  # reviews_match_projects
    "demand": ("budget",),                                             # budget_ranges
    "agency": ("credit_code",                                          # unique_credit_codes
               "registered_address", "office_address", "service_regions"),  # agency_divisions
}


@lru_cache(maxsize=64)
def fields(kind: str, schema_dir: Path = SCHEMA_DIR) -> frozenset[str]:
    """Top-level fields of `kind` that the checks read (besides local file links, see `facts`)."""
    kinds = load_kinds(schema_dir)
    out = set(READ.get(kind, ()))
    this = kinds[kind]
    out |= {name.removesuffix("[]") for name, _ in this.refs}            # references
    out |= {name for pair in this.date_order for name in pair}          # date_order
    for other in kinds.values():                                        # inverse_links reads both sides
        refs = dict(other.refs)
        for name, inverse in other.inverses:
            if other.name == kind or (refs.get(name) or refs.get(name + "[]")) == kind:
                out |= {name, inverse}
    return frozenset(out)


def facts(kind: Kind, data: Any, schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """The declared fields of a record plus every top-level field holding a local link (local_files)."""
    if not isinstance(data, dict):
        return {}
    out = {name: data[name] for name in fields(kind.name, schema_dir) if name in data}
    for name, value in data.items():
        if name not in out and _has_local_link(name, value):
            out[name] = value
    return out


def _has_local_link(key: str, node: Any) -> bool:
    if key == "url" and isinstance(node, str):
        return node.startswith("files/")
    if isinstance(node, dict):
        return any(_has_local_link(k, v) for k, v in node.items())
    if isinstance(node, list):
        return any(_has_local_link("", v) for v in node)
    return False


def strict(env: Environment | None = None) -> bool:
    """Check every field read against the declaration? Tests turn it on (PLATFORM_STRICT_FACTS=1): a check
    reading an undeclared field then fails every test that runs it; at 1.6 M records the guard cost seconds."""
    return (env or environment()).strict_facts


class Facts(dict):
    """A record's facts; reading an undeclared field is a programming error, not an absent field."""

    __slots__ = ("declared",)

    def __init__(self, values: dict[str, Any], declared: frozenset[str]):
        super().__init__(values)
        self.declared = declared

    def _check(self, name: str) -> None:
        if name not in self.declared and not dict.__contains__(self, name):
            raise KeyError(f"cross-record checks read {name!r}: declare it in crossfields.READ")

    def get(self, name, default=None):
        self._check(name)
        return dict.get(self, name, default)

    def __getitem__(self, name):
        self._check(name)
        return dict.__getitem__(self, name)

    def __contains__(self, name) -> bool:
        self._check(name)
        return dict.__contains__(self, name)
