"""Demand hall figures: which demands are still open on the build date, budget bounds, matching agencies.

Pure functions of the dataset and the build date, so the "open" view of the hall
changes by itself as deadlines pass (every nightly build), with no record edited.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..context import BuildContext
from ..records.model import Agency, Dataset, Demand, views

OPEN = "征集中"
CLOSED = "已截止"


@dataclass(frozen=True)
class DemandFacts:
    status: str                 # effective status on the build date
    is_open: bool
    budget_low: float | None    # amount, or the lower bound of a range
    budget_high: float | None   # amount, or the upper bound of a range
    matches: tuple[str, ...]    # agency ids that could take the demand, by agency name


def effective_status(demand: Demand, today: dt.date) -> str:
    """A demand still marked 征集中 whose deadline has passed is shown as 已截止."""
    if demand.status == OPEN and demand.deadline is not None and demand.deadline < today:
        return CLOSED
    return demand.status


def budget_bounds(budget: dict[str, float] | None) -> tuple[float | None, float | None]:
    if not budget:
        return None, None
    if "amount" in budget:
        return budget["amount"], budget["amount"]
    return budget["min"], budget["max"]


def covers(agency: Agency, province: str) -> bool:
    """Registered in the province, or lists it among its service regions."""
    return agency.province == province or province in agency.service_regions


def matching_agencies(demand: Demand, agencies: list[Agency]) -> tuple[str, ...]:
    """Agencies of the demand's type that cover its province, by name (the definition `match_index` speeds up)."""
    province = demand.region["province"]
    found = [a for a in agencies if demand.demand_type in a.business_types and covers(a, province)]
    return tuple(a.id for a in sorted(found, key=lambda a: (a.name, a.id)))


def match_index(agencies: list[Agency]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(business type, province) -> matching agency ids by name: one pass over the agencies instead of one
    per demand (2,000 demands x 10,000 agencies took 13 s)."""
    grouped: dict[tuple[str, str], list[Agency]] = {}
    for a in sorted(agencies, key=lambda a: (a.name, a.id)):
        for t in a.business_types:
            for province in {a.province, *a.service_regions}:
                grouped.setdefault((t, province), []).append(a)
    return {k: tuple(a.id for a in v) for k, v in grouped.items()}


def demand_facts(dataset: Dataset, ctx: BuildContext) -> dict[str, DemandFacts]:
    matches = match_index(views(dataset, "agency"))
    out = {}
    for d in views(dataset, "demand"):
        status = effective_status(d, ctx.today)
        low, high = budget_bounds(d.budget)
        found = matches.get((d.demand_type, d.region["province"]), ())
        out[d.id] = DemandFacts(status, status == OPEN, low, high, found)
    return out
