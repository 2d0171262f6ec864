"""项目业绩 over all agencies: a filterable, paged list that holds at a million projects.

No page embeds all projects. The browser (projects.js) loads a small manifest and, per page of
results, only the chunks that hold that page:

* every project falls in one *cell* (start year, type, status, province of the project site);
* cells are ordered (year newest first, then type, status, province in their list order) and
  their rows, newest start date first, are laid end to end and cut into fixed-size chunks
  (`assets/data/projects/p<k>.json`, CHUNK rows each);
* the manifest lists each cell as [year, type, status, province, count]: the browser sums the
  counts of the cells a filter keeps (exact totals and per-option counts without loading rows)
  and maps the wanted rows to chunk numbers by the cells' running offsets.

At 1 M projects the manifest has at most years x types x statuses x provinces entries (in practice
a few thousand, ~100 KB) and a page of results reads one or two 500-row chunks (~60 KB each).
Without JavaScript the page shows the newest projects and the counts by year, type, status and
region; the full list is in 开放数据.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any, Iterable

from ..context import BuildContext
from ..records.model import Dataset
from ..records.schemas import enum_values
from .html import page
from .links import SECTIONS, base_for
from .output import Output

DATA_DIR = "assets/data/projects"
CHUNK = 500       # rows per chunk file
NEWEST = 50       # rows of the server-rendered page
ROW_FIELDS = ["name", "agency", "agency_name", "client", "start", "end", "place"]


def _year(p: dict) -> str:
    return p["start_date"][:4]


def cell_key(p: dict, types: dict[str, int], statuses: dict[str, int], provinces: dict[str, int]) -> tuple:
    return (-int(_year(p)), types[p["type"]], statuses[p["status"]], provinces[p["location"]["province"]])


def _row(p: dict, agency_names: dict[str, str]) -> list[Any]:
    loc = p["location"]
    place = loc["city"] + loc.get("district", "")
    return [p["name"], p["agency"], agency_names.get(p["agency"], p["agency"]), p["client"], p["start_date"],
            p.get("end_date", ""), place]


def build(projects: list[dict], agency_names: dict[str, str], chunk: int = CHUNK) -> tuple[dict, list[list]]:
    """(manifest, chunks) for the project list; chunks are lists of positional rows (ROW_FIELDS)."""
    type_list = list(enum_values("common.schema.json", "$defs", "business_type"))
    status_list = list(enum_values("project.schema.json", "properties", "status"))
    type_list += sorted({p["type"] for p in projects} - set(type_list))
    province_list = sorted({p["location"]["province"] for p in projects})
    types = {t: i for i, t in enumerate(type_list)}
    statuses = {s: i for i, s in enumerate(status_list)}
    provinces = {p: i for i, p in enumerate(province_list)}
    cells: dict[tuple, list[dict]] = defaultdict(list)
    for p in projects:
        cells[cell_key(p, types, statuses, provinces)].append(p)
    rows: list[list] = []
    manifest_cells = []
    for key in sorted(cells):
        members = sorted(cells[key], key=lambda p: (p["start_date"], p["id"]), reverse=True)
        manifest_cells.append([-key[0], key[1], key[2], key[3], len(members)])
        rows += [_row(p, agency_names) for p in members]
    chunks = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
    manifest = {"v": 1, "fields": ROW_FIELDS, "chunk": chunk, "total": len(rows), "types": type_list,
                "statuses": status_list, "provinces": province_list, "cells": manifest_cells}
    return manifest, chunks


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    agency_names = {a.id: a.data["name"] for a in dataset.of("agency")}
    projects = [p.data for p in dataset.of("project")]
    manifest, chunks = build(projects, agency_names)
    yield Output(f"{DATA_DIR}/index.json", _dump(manifest))
    for k, rows in enumerate(chunks):
        yield Output(f"{DATA_DIR}/p{k}.json", _dump(rows))
    path = "projects/index.md"
    base = base_for(path)
    newest = sorted(projects, key=lambda p: (p["start_date"], p["id"]), reverse=True)[:NEWEST]
    counts = {
        "年份": sorted(Counter(_year(p) for p in projects).items(), reverse=True),
        "项目类型": _ordered(Counter(p["type"] for p in projects), manifest["types"]),
        "状态": _ordered(Counter(p["status"] for p in projects), manifest["statuses"]),
        "项目所在地": sorted(Counter(p["location"]["province"] for p in projects).items(), key=lambda kv: (-kv[1], kv[0])),
    }
    yield Output(path, page("项目业绩", "project_index.html", cache=ctx.page_cache, base=base, total=len(projects),
                            agencies=len({p["agency"] for p in projects}), newest=newest,
                            agency_names=agency_names, counts=counts, data_src=base + DATA_DIR + "/",
                            agency_url=base + SECTIONS["agency"] + "/"),
                 in_nav=True)


def _ordered(counter: Counter, order: list[str]) -> list[tuple[str, int]]:
    return [(v, counter[v]) for v in order if counter.get(v)]
