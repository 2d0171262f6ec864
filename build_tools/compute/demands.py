"""Demand hall figures: which demands are still open on the build date, budget bounds, matching agencies.

Pure functions of the dataset and the build date, so the "open" view of the hall
changes by itself as deadlines pass (every nightly build), with no record edited.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..context import BuildContext
from ..model import Agency, Dataset, Demand, views

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
    """`agencies` may be all agencies or only those of the demand's type (see `by_type`)."""
    province = demand.region["province"]
    found = [a for a in agencies if demand.demand_type in a.business_types and covers(a, province)]
    return tuple(a.id for a in sorted(found, key=lambda a: a.name))


def by_type(agencies: list[Agency]) -> dict[str, list[Agency]]:
    """Agencies grouped by business type, so matching is not demands x all agencies."""
    grouped: dict[str, list[Agency]] = {}
    for a in agencies:
        for t in a.business_types:
            grouped.setdefault(t, []).append(a)
    return grouped


def demand_facts(dataset: Dataset, ctx: BuildContext) -> dict[str, DemandFacts]:
    agencies = by_type(views(dataset, "agency"))
    out = {}
    for d in views(dataset, "demand"):
        status = effective_status(d, ctx.today)
        low, high = budget_bounds(d.budget)
        out[d.id] = DemandFacts(status, status == OPEN, low, high, matching_agencies(d, agencies.get(d.demand_type, [])))
    return out
