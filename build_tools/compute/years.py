"""Which years a yearly page exists for: one rule for the report and the evaluation."""
from __future__ import annotations

import datetime as dt
from typing import Iterable


def year_span(years: Iterable[int], today: dt.date) -> list[int]:
    """Every year from the first to the last of `years` (gaps filled), none after the build year."""
    shown = {y for y in years if y <= today.year}
    return list(range(min(shown), max(shown) + 1)) if shown else []
