"""Counts of agencies by registered region, business type and company size (机构概览)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..context import BuildContext
from ..records.model import Agency, Dataset, views
from ..records.regions import shown_city
from ..records.schemas import enum_values


@dataclass(frozen=True)
class AgencyStats:
    total: int
    in_zone: int                           # agencies with an office in the zone
    by_province: list[tuple[str, int]]     # most agencies first, then by name
    by_city: list[tuple[str, int]]         # "省 市" labels (a city name alone may repeat across provinces)
    by_type: list[tuple[str, int]]         # an agency counts once for each of its types
    by_size: list[tuple[str, int]]         # schema order, largest first; sizes nobody has are left out


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def city_label(address: dict[str, str]) -> str:
    """Municipalities (天津市/天津市) show once."""
    city = shown_city(address)
    return f"{address['province']} {city}" if city else address["province"]


def agency_stats(dataset: Dataset, ctx: BuildContext) -> AgencyStats:
    del ctx
    agencies: list[Agency] = views(dataset, "agency")
    sizes = Counter(a.company_size for a in agencies)
    return AgencyStats(
        total=len(agencies),
        in_zone=sum(1 for a in agencies if a.office_in_zone),
        by_province=_ranked(Counter(a.province for a in agencies)),
        by_city=_ranked(Counter(city_label(a.registered_address) for a in agencies)),
        by_type=_ranked(Counter(t for a in agencies for t in a.business_types)),
        by_size=[(s, sizes[s]) for s in enum_values("agency.schema.json", "properties", "company_size") if sizes[s]],
    )
