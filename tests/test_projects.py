"""项目业绩 over all agencies: the chunked layout (unit) and paging with filters in Chromium (sample data)."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from build_tools.render.projects import build
from conftest import ROOT, built_site


def _projects() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data/agencies").glob("*/projects/*.yaml"))]


def _names() -> dict[str, str]:
    return {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
            for p in (ROOT / "data/agencies").glob("*/agency.yaml")}


def _rows_of(manifest, chunks, keep) -> list[list]:
    """What the browser shows for a filter: the kept cells' rows, in layout order."""
    flat = [r for c in chunks for r in c]
    out, at = [], 0
    for cell in manifest["cells"]:
        if keep(cell):
            out += flat[at:at + cell[4]]
        at += cell[4]
    return out


def test_layout_holds_every_project_once_in_cells_and_fixed_chunks():
    projects = _projects()
    manifest, chunks = build([{**p, "start_date": str(p["start_date"])} for p in projects], _names(), chunk=7)
    assert manifest["total"] == len(projects) == sum(c[4] for c in manifest["cells"])
    assert all(len(c) == 7 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 7
    flat = [r for c in chunks for r in c]
    assert sorted((r[0], r[1]) for r in flat) == sorted((p["name"], p["agency"]) for p in projects)
    # cells newest year first; inside a cell newest start first; each row sits in its cell
    years = [c[0] for c in manifest["cells"]]
    assert years == sorted(years, reverse=True)
    at = 0
    for year, _t, _s, _prov, n in manifest["cells"]:
        rows = flat[at:at + n]
        assert all(r[4][:4] == str(year) for r in rows)
        assert [r[4] for r in rows] == sorted((r[4] for r in rows), reverse=True)
        at += n
    # a filter's total comes from the manifest alone
    t = manifest["types"].index("环境监测")
    assert sum(c[4] for c in manifest["cells"] if c[1] == t) == sum(p["type"] == "环境监测" for p in projects)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built_site(ROOT / "data", tmp_path_factory, "projects-site")


def test_projects_page_filters_and_pages(site, serve, page, tmp_path_factory):
    base = serve(site)
    manifest = json.loads((site / "assets/data/projects/index.json").read_text(encoding="utf-8"))
    chunks = [json.loads((site / f"assets/data/projects/p{k}.json").read_text(encoding="utf-8"))
              for k in range(-(-manifest["total"] // manifest["chunk"]))]
    page.goto(base)
    page.locator(".tp-module", has_text="项目业绩").click()
    page.wait_for_url(re.compile(r".*/projects/$"))
    page.wait_for_selector(".tp-projects-all[data-ready]")
    assert page.locator(".tp-proj-count").get_attribute("data-n") == str(manifest["total"])
    page.select_option("[data-filter=type]", "环境监测")
    page.wait_for_selector(".tp-projects-all[data-ready]:not([data-busy])")
    t = manifest["types"].index("环境监测")
    expected = _rows_of(manifest, chunks, lambda c: c[1] == t)
    assert page.locator(".tp-proj-count").get_attribute("data-n") == str(len(expected))
    page.locator(".tp-proj-next").click()
    page.wait_for_function("location.search.includes('page=2')")
    page.wait_for_selector(".tp-projects-all[data-ready]:not([data-busy])")
    names = page.locator(".tp-project-list tbody td:first-child").all_inner_texts()
    assert names == [r[0] for r in expected[20:40]]
    # combine: year and status; the option counts say what each choice gives
    page.select_option("[data-filter=status]", "进行中")
    page.wait_for_selector(".tp-projects-all[data-ready]:not([data-busy])")
    s = manifest["statuses"].index("进行中")
    expected = _rows_of(manifest, chunks, lambda c: c[1] == t and c[2] == s)
    assert page.locator(".tp-proj-count").get_attribute("data-n") == str(len(expected))
    assert "page=" not in page.url  # a new filter starts at page 1
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "projects.png"), full_page=True)
    # the link goes to the agency's projects
    page.locator(".tp-project-list tbody a").first.click()
    page.wait_for_url(re.compile(r".*/agencies/[a-z0-9-]+/#projects$"))
    assert page.js_errors == []
