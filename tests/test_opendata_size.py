"""Open data above a size is published compressed (.csv.gz / .json.gz) and the page links what exists."""
from __future__ import annotations

import csv
import gzip
import io
import json

from build_tools import pipeline
from build_tools.render import opendata
from conftest import MINI


def test_file_names_follow_the_size_limit():
    small, big = opendata.RAW_MAX, opendata.RAW_MAX + 1
    assert opendata.file_names({"xlsx": big, "csv": small, "json": big}) == {"xlsx": "xlsx", "csv": "csv",
                                                                            "json": "json.gz"}


def test_large_sets_are_gzip_only_and_linked(monkeypatch):
    monkeypatch.setattr(opendata, "RAW_MAX", 1500)  # the mini data's agency list is above this, the rest not
    outputs = {o.path: o.content for o in pipeline.render(pipeline.prepare(MINI)) if o.path.startswith("opendata/")}
    assert "opendata/agencies.csv" not in outputs and "opendata/agencies.json" not in outputs
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(outputs["opendata/agencies.csv.gz"]).decode("utf-8-sig"))))
    assert rows and all(r for r in rows)
    assert json.loads(gzip.decompress(outputs["opendata/agencies.json.gz"]))
    assert "opendata/agencies.xlsx" in outputs
    small = [p for p in outputs if p.endswith(".csv")]
    assert small  # sets below the limit stay plain
    page = outputs["opendata/index.md"]
    assert 'href="agencies.csv.gz"' in page and 'href="agencies.json.gz"' in page
    for path in small:
        assert f'href="{path.removeprefix("opendata/")}"' in page


def test_tables_too_long_for_a_spreadsheet_are_csv_and_json_only(monkeypatch):
    from build_tools.render import tabular
    monkeypatch.setattr(tabular, "XLSX_MAX_ROWS", 1)  # the mini data has two agencies; some sets one row
    outputs = {o.path: o.content for o in pipeline.render(pipeline.prepare(MINI)) if o.path.startswith("opendata/")}
    assert "opendata/agencies.xlsx" not in outputs and "opendata/agencies.csv" in outputs
    page = outputs["opendata/index.md"]
    assert 'href="agencies.xlsx"' not in page and 'href="agencies.csv"' in page
    row = page[page.index('data-set="agencies"'):].split("</tr>")[0]
    assert "Excel 难以打开，请下载 CSV" in row
    assert any(p.endswith(".xlsx") for p in outputs)  # short tables keep their workbook


def test_workbooks_are_reproducible_and_typed():
    import openpyxl
    import pandas as pd

    from build_tools.render.tabular import xlsx_bytes
    frame = pd.DataFrame({"名称": ["=1+1", "甲", None], "数量": pd.array([1, None, 3], dtype="Int64"),
                          "得分": [1.5, float("nan"), 2.0]})
    raw = xlsx_bytes([("表", frame)])
    assert raw == xlsx_bytes([("表", frame)])
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(raw)).active.iter_rows()]
    assert rows == [["名称", "数量", "得分"], ["'=1+1", 1, 1.5], ["甲", None, None], [None, 3, 2]]


def test_workbook_writer_escapes_and_keeps_every_cell():
    import openpyxl
    import pandas as pd

    from build_tools.render import xlsx
    assert [xlsx.column(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    raw = xlsx.workbook([("甲 & <乙>", ["名称", "值"], [["<b>&amp;", 1], [" 空格 ", None], [None, 2.5], [True, float("inf")]]),
                         ("二", ["x"], iter([["a"]]))])
    book = openpyxl.load_workbook(io.BytesIO(raw))
    assert book.sheetnames == ["甲 & <乙>", "二"]
    sheet = book["甲 & <乙>"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["名称", "值"], ["<b>&amp;", 1], [" 空格 ", None], [None, 2.5], [True, "inf"]]
    assert sheet["A1"].font.b and not sheet["A2"].font.b                    # the header row in bold
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)     # no cell is a formula
    assert pd.read_excel(io.BytesIO(raw), sheet_name="二").to_dict("list") == {"x": ["a"]}


def test_unchanged_sets_come_from_the_page_cache(tmp_path, monkeypatch):
    import dataclasses

    from build_tools.cache import pages as pagecache
    prepared = pipeline.prepare(MINI)

    def build() -> dict:
        store = pagecache.Store(tmp_path)
        files = {o.path: o.content for o in pipeline.render(prepared, store) if o.path.startswith("opendata/")}
        store.save()
        return files
    first = build()
    made = []
    monkeypatch.setattr(opendata, "_table", lambda dataset, kind: made.append(kind) or opendata.headed(
        *opendata.kind_frame(dataset, kind)))
    again = build()
    assert again == first and made == []                        # every set from the cache, the same bytes
    agencies = prepared.public.records["agency"]
    agencies[0] = dataclasses.replace(agencies[0], data={**agencies[0].data, "name": "改名后的机构"})
    changed = build()
    assert made == ["agency"]                                    # only the changed set is made again
    assert "改名后的机构" in changed["opendata/agencies.csv"].decode("utf-8-sig")
    assert changed["opendata/projects.csv"] == first["opendata/projects.csv"]
