"""Administrative regions as records write them (province / city / district / town)."""
from __future__ import annotations

from typing import Mapping


def shown_city(region: Mapping[str, str]) -> str:
    """The city as shown after the province: "" for a municipality, whose city repeats it (天津市 / 天津市)."""
    city = region.get("city", "")
    return "" if city == region.get("province") else city
