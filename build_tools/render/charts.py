"""Plotly figures for the annual report, built from the report's tables (the same numbers as the text).

Figures are made with plotly.py and handed to the page as JSON; plotly.js comes once from the
installed package (`plotly_asset`). Plotly renders a subset of HTML in labels and hover text, so
every label taken from data is HTML-escaped here: it is then shown as text, never as markup.
"""
from __future__ import annotations

import html
import json
from typing import Any, Iterable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

from .output import Output

PLOTLY_PATH = "assets/javascripts/plotly.min.js"
COLORS = ["#2e7d32", "#00897b", "#1565c0", "#f9a825", "#6d4c41", "#8e24aa", "#c62828", "#546e7a", "#ef6c00", "#3949ab"]


def plotly_asset() -> Output:
    """plotly.js from the installed plotly package, written once for the whole site (no CDN)."""
    return Output(PLOTLY_PATH, plotly.offline.get_plotlyjs())


def _labels(values: Any) -> list[str]:
    return [html.escape(str(v)) for v in values]


def _layout(fig: go.Figure, title: str, **extra: Any) -> dict[str, Any]:
    fig.update_layout(title={"text": html.escape(title)}, colorway=COLORS, margin={"l": 50, "r": 20, "t": 50, "b": 50},
                      height=380, legend={"orientation": "h"}, font={"size": 12}, **extra)
    return json.loads(pio.to_json(fig, validate=True))  # plain JSON: numpy arrays become lists


def pie(frame: pd.DataFrame, title: str) -> dict[str, Any]:
    """Slices labelled with the table's own integer percents (not plotly's decimals), so chart and table agree."""
    label, count, share = frame.columns[0], frame.columns[1], frame.columns[2]
    shares = ["—" if pd.isna(v) else f"{int(v)}%" for v in frame[share]]
    fig = go.Figure(go.Pie(labels=_labels(frame[label]), values=[int(v) for v in frame[count]], text=shares,
                           sort=False, textinfo="label+text",
                           hovertemplate="%{label}：%{value}（%{text}）<extra></extra>"))
    return _layout(fig, title)


def bar(frame: pd.DataFrame, title: str, unit: str) -> dict[str, Any]:
    label, count = frame.columns[0], frame.columns[1]
    fig = go.Figure(go.Bar(x=_labels(frame[label]), y=[int(v) for v in frame[count]], text=[int(v) for v in frame[count]],
                           textposition="outside", marker_color=COLORS[0],
                           hovertemplate="%{x}：%{y}" + html.escape(unit) + "<extra></extra>"))
    return _layout(fig, title, yaxis={"title": {"text": f"数量（{html.escape(unit)}）"}})


def grouped_bar(frame: pd.DataFrame, title: str) -> dict[str, Any]:
    """Rows are categories, one series per portal column (the last column, 合计, is left out)."""
    label = frame.columns[0]
    series = [c for c in frame.columns[1:] if c != "合计"]
    fig = go.Figure([go.Bar(name=html.escape(str(s)), x=_labels(frame[label]), y=[int(v) for v in frame[s]],
                            hovertemplate="%{x}：%{y} 次<extra>" + html.escape(str(s)) + "</extra>") for s in series])
    return _layout(fig, title, barmode="group", yaxis={"title": {"text": "操作次数"}})


def lines(frame: pd.DataFrame, title: str, series: list[str], unit: str) -> dict[str, Any]:
    label = frame.columns[0]
    fig = go.Figure([go.Scatter(name=html.escape(str(s)), x=_labels(frame[label]),
                                y=[None if pd.isna(v) else int(v) for v in frame[s]], mode="lines+markers",
                                hovertemplate="%{x}：%{y} " + html.escape(unit) + "<extra>" + html.escape(str(s)) + "</extra>")
                     for s in series])
    return _layout(fig, title, xaxis={"type": "category"})


def render(dataset, ctx) -> Iterable[Output]:
    """The one copy of plotly.js on the site; pages with charts load it by `PLOTLY_PATH`."""
    del dataset, ctx
    yield plotly_asset()


def bar_figure(rows: list[tuple[str, int]], x_title: str, y_title: str) -> dict[str, Any]:
    """A bar chart of (label, count) rows as plain JSON for Plotly.newPlot (agency overview)."""
    fig = go.Figure(go.Bar(x=_labels(label for label, _ in rows), y=[n for _, n in rows],
                           text=[n for _, n in rows], textposition="outside", marker_color=COLORS[0]))
    fig.update_layout(template="simple_white", margin=dict(l=48, r=16, t=16, b=80), height=320,
                      xaxis_title=html.escape(x_title), yaxis_title=html.escape(y_title), font=dict(size=12))
    fig.update_yaxes(rangemode="tozero", dtick=max(1, _nice_step(max((n for _, n in rows), default=1))))
    return json.loads(fig.to_json())  # plain types: plotly's encoder handles numpy and friends


def _nice_step(top: int) -> int:
    """Integer y ticks (counts of agencies are whole numbers)."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000
