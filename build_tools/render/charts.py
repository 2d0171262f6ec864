"""Charts: plotly.py builds the figures, the browser draws them with the plotly.js bundle shipped
once as a site asset (taken from the installed plotly package: no CDN, no network).

Figures go into pages as JSON data (`<script type="application/json">` via `json_script`), never as
HTML or inline code, and content/assets/javascripts/charts.js draws every `.tp-chart` on the page.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

import plotly.graph_objects as go
import plotly.offline

from ..context import BuildContext
from ..model import Dataset
from . import Output

PLOTLY_ASSET = "assets/javascripts/plotly.min.js"


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    del dataset, ctx
    yield Output(PLOTLY_ASSET, plotly.offline.get_plotlyjs())


def bar_figure(rows: list[tuple[str, int]], x_title: str, y_title: str) -> dict[str, Any]:
    """A bar chart of (label, count) rows as plain JSON for Plotly.newPlot."""
    fig = go.Figure(go.Bar(x=[label for label, _ in rows], y=[n for _, n in rows],
                           text=[n for _, n in rows], textposition="outside", marker_color="#2e7d32"))
    fig.update_layout(template="simple_white", margin=dict(l=48, r=16, t=16, b=80), height=320,
                      xaxis_title=x_title, yaxis_title=y_title, font=dict(size=12))
    fig.update_yaxes(rangemode="tozero", dtick=max(1, _nice_step(max((n for _, n in rows), default=1))))
    return json.loads(fig.to_json())  # plain types: plotly's encoder handles numpy and friends


def _nice_step(top: int) -> int:
    """Integer y ticks (counts of agencies are whole numbers)."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000
