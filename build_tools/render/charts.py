"""Plotly figures for the annual report, built from the report's tables (the same numbers as the text).

Figures are made with plotly.py and handed to the page as JSON; plotly.js comes once from the
installed package (`plotly_asset`). Plotly renders a subset of HTML in labels and hover text, so
every label taken from data is HTML-escaped here: it is then shown as text, never as markup.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import Any, Iterable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

from .output import Output

PLOTLY_PATH = "assets/javascripts/plotly.min.js"
COLORS = ["#2e7d32", "#00897b", "#1565c0", "#f9a825", "#6d4c41", "#8e24aa", "#c62828", "#546e7a", "#ef6c00", "#3949ab"]


PLOTLY_CSS_PATH = "assets/stylesheets/plotly.css"
# plotly.js looks for an element with this id before adding its own inline <style>, and adds nothing when the
# element has the class no-inline-styles (plotly.js >= 2.2x): the site's <link> to PLOTLY_CSS_PATH is that element.
PLOTLY_STYLE_ID = "plotly.js-style-global"
_JS_STRING = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
_RULE = re.compile(rf"\s*({_JS_STRING}|[A-Za-z_$][\w$]*)\s*:\s*({_JS_STRING})\s*([,}}])")
# A bundled library (maplibre's CSS) adds its <style id="…"> unless an element with that id exists.
_BUNDLED_STYLE = re.compile(r'document\.getElementById\("([^"\\]+)"\)\)\{var \w+=document\.createElement\("style"\)')


def plotly_asset() -> Output:
    """plotly.js from the installed plotly package, written once for the whole site (no CDN)."""
    return Output(PLOTLY_PATH, plotly.offline.get_plotlyjs())


def _js_string(literal: str) -> str:
    """The value of a JavaScript string literal (quotes and the escapes minified code uses)."""
    def unescape(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)
    return re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", unescape, literal[1:-1])


@lru_cache(maxsize=1)
def plotly_styles() -> tuple[str, tuple[str, ...]]:
    """plotly.js's own stylesheet as CSS text, and the ids of the other <style> elements its bundle would add.

    The site's Content-Security-Policy allows no inline style (README "no inline script/style"), so the rules
    plotly.js inserts at load time (its `plotcss` table: X = the plot, Y = the notifier) are served as a file.
    Read from the installed plotly.js, so they follow its version; a change in its layout fails the build here
    rather than shipping a page the CSP breaks."""
    js = plotly.offline.get_plotlyjs()
    start = js.find('{"X,X div":')
    if start < 0:
        raise RuntimeError("plotly.js: stylesheet table not found (update charts.plotly_styles for this version)")
    rules, pos = [], start + 1
    while True:
        m = _RULE.match(js, pos)
        if m is None:
            raise RuntimeError(f"plotly.js: unreadable stylesheet table at {pos}")
        key = _js_string(m.group(1)) if m.group(1)[0] in "'\"" else m.group(1)   # Y: … is a bare key
        value = _js_string(m.group(2))
        selector = re.sub(r"^,", " ,", key).replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{selector}{{{value}}}")
        pos = m.end()
        if m.group(3) == "}":
            break
    # plotly.js inserts each rule at index 0, so its sheet lists them in reverse order: keep that cascade.
    css = "/* plotly.js stylesheet, served as a file (no inline style under the CSP) */\n" + "\n".join(reversed(rules))
    return css + "\n", tuple(dict.fromkeys(_BUNDLED_STYLE.findall(js)))


def plotly_context(base: str) -> dict[str, Any]:
    """What a page with charts passes to templates/_plotly.html."""
    return {"plotly_src": base + PLOTLY_PATH, "plotly_css": base + PLOTLY_CSS_PATH,
            "plotly_style_id": PLOTLY_STYLE_ID, "plotly_style_ids": plotly_styles()[1]}


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
    """The one copy of plotly.js on the site and its stylesheet; pages with charts load them by path."""
    del dataset, ctx
    yield plotly_asset()
    yield Output(PLOTLY_CSS_PATH, plotly_styles()[0])


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
