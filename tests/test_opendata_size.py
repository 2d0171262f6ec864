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
