"""Agency directory page and one page per agency (with its projects and files)."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..context import BuildContext
from ..model import Dataset, Record
from . import Output
from .evaluation import score_context
from .html import page
from .links import base_for, page_path


def projects_by_agency(dataset: Dataset) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for p in dataset.of("project"):
        grouped[p.data["agency"]].append(p)
    for items in grouped.values():
        items.sort(key=lambda r: r.data["start_date"], reverse=True)
    return grouped


def qualification_rows(agency: Record, ctx: BuildContext) -> list[dict]:
    today = ctx.today.isoformat()
    return [{**q, "expired": q["valid_until"] < today} for q in agency.data.get("qualifications", [])]


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    agencies = sorted(dataset.of("agency"), key=lambda r: r.data["name"])
    projects = projects_by_agency(dataset)
    index_path = "agencies/index.md"
    yield Output(index_path, page("机构列表", "agency_index.html", base=base_for(index_path),
                                  agencies=agencies, project_counts={a.id: len(projects[a.id]) for a in agencies}),
                 in_nav=True)
    for agency in agencies:
        path = page_path("agency", agency.id)
        yield Output(path, page(agency.data["name"], "agency.html", base=base_for(path),
                                description=agency.data.get("service_scope", ""),
                                agency=agency.data, projects=[p.data for p in projects[agency.id]],
                                qualifications=qualification_rows(agency, ctx), today=ctx.today,
                                **score_context(ctx, agency.id)))
        yield from attached_files(agency, f"agencies/{agency.id}")


def attached_files(record: Record, folder: str, field: str = "files") -> Iterable[Output]:
    """Copy files/ next to a record so its relative links resolve on the site (validation checked they exist)."""
    files_dir = record.path.parent / "files"
    for f in record.data.get(field, []):
        if f["url"].startswith("files/"):
            yield Output(f"{folder}/{f['url']}", (record.path.parent / f["url"]).read_bytes())
    del files_dir
