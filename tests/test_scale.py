"""The speed-ups keep results identical: cache, worker processes, Markdown bypass, parallel generator.
Plus a property test: random records through validate -> build never crash. (Timings: benchmarks/run.py.)"""
from __future__ import annotations

import copy
import filecmp
import shutil
import tempfile
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config

from benchmarks.generate import generate
from build_tools import pipeline
from build_tools.records import load
from build_tools.records.problems import InvalidData
from build_tools.records.safeyaml import load_bytes
from build_tools.records.schemas import load_kinds
from build_tools.records.validate import validate_tree
from build_tools.render.html import HTML_PAGE
from build_tools.settings import Settings
from conftest import FIXTURES, MINI, ROOT


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "data"
    generate(out, 12, seed=7, jobs=2, chunk=5)
    return out


def _results(root: Path):
    dataset, problems = validate_tree(root)
    return {k: [(r.id, r.data) for r in v] for k, v in dataset.records.items()}, [str(p) for p in problems]


def test_generator_output_does_not_depend_on_jobs(generated, tmp_path):
    generate(tmp_path / "serial", 12, seed=7, jobs=1, chunk=5)
    cmp = filecmp.dircmp(generated, tmp_path / "serial")

    def same(c):
        return not (c.left_only or c.right_only or c.diff_files) and all(same(s) for s in c.subdirs.values())
    assert same(cmp)
    assert _results(generated)[1] == []


def test_cache_and_workers_give_the_same_results(generated, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(generated, data)
    shutil.copytree(FIXTURES / "hostile" / "demands", data / "demands", dirs_exist_ok=True)  # problems too
    monkeypatch.setenv("PLATFORM_CACHE", "0")
    monkeypatch.setenv("PLATFORM_JOBS", "1")
    plain = _results(data)
    assert len(plain[1]) >= 20
    monkeypatch.setenv("PLATFORM_JOBS", "2")
    monkeypatch.setattr(load, "PARALLEL_MIN", 1)
    assert _results(data) == plain  # worker processes
    monkeypatch.setenv("PLATFORM_CACHE", str(tmp_path / "cache"))
    assert _results(data) == plain  # cold cache
    assert list((tmp_path / "cache").rglob("*.marshal"))
    assert _results(data) == plain  # warm cache


def test_cache_sees_a_changed_file(generated, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(generated, data)
    monkeypatch.setenv("PLATFORM_CACHE", str(tmp_path / "cache"))
    assert _results(data)[1] == []
    agency = next((data / "agencies").iterdir()) / "agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8").replace("company_size:", "company_size: 巨型\nx_:"),
                      encoding="utf-8")
    problems = _results(data)[1]
    assert problems and all(agency.name in p for p in problems)
    monkeypatch.setenv("PLATFORM_CACHE", "0")
    assert _results(data)[1] == problems


def test_markdown_bypass_is_lossless():
    """The hook hands generated HTML to the theme as is: Markdown must not have changed it either."""
    config = load_config(str(ROOT / "mkdocs.yml"))  # as mkdocs reads it
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    checked = 0
    for out in pipeline.render(pipeline.prepare(MINI, Settings.from_mkdocs(config))):
        if isinstance(out.content, str) and out.path.endswith(".md"):
            _, front, body = out.content.split("---\n", 2)
            if yaml.safe_load(front).get(HTML_PAGE):
                assert md.reset().convert(body) == body.strip(), out.path
                checked += 1
    assert checked >= 3


# --- property test: random input never crashes validate -> build ------------------------------------
KINDS = load_kinds()
SAMPLES = {}
for _kind, _path in load.walk(MINI, KINDS)[0]:
    SAMPLES.setdefault(_kind.name, (_path.relative_to(MINI), load_bytes(_path.read_bytes()).data))

_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                  st.text(max_size=10), st.sampled_from(["2024-02-29", "2023-02-30", "<b>", "files/x.pdf",
                                                          "javascript:x", "已完成", "天津市", "demo-alpha"]))
_value = st.recursive(_leaf, lambda i: st.one_of(st.lists(i, max_size=3), st.dictionaries(st.text(max_size=6), i,
                                                                                              max_size=3)),
                      max_leaves=5)


@st.composite
def hostile_file(draw):
    """(relative path, bytes): a valid record with random mutations, or random YAML-ish text."""
    rel, data = draw(st.sampled_from(sorted(SAMPLES.values(), key=lambda s: str(s[0]))))
    if draw(st.booleans()):
        text = draw(st.text(alphabet=st.sampled_from(list("ab:- \n[]{}&*!|>'\"#%@`\t环") + ["\ufeff"]),
                            max_size=80))
        return rel, text.encode("utf-8")
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        keys = list(data)
        key = draw(st.sampled_from(keys + ["extra"]))
        if draw(st.booleans()) and key in data:
            del data[key]
        else:
            data[key] = draw(_value)
    return rel, yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_file())
def test_random_records_build_or_report_problems(case):
    rel, raw = case
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(MINI, data)
        (data / rel).write_bytes(raw)
        try:
            prepared = pipeline.prepare(data)
        except InvalidData as exc:
            assert exc.problems and all(p.file and p.message for p in exc.problems)
            return
        outputs = pipeline.render(prepared)
        assert any(o.path == "agencies/index.md" for o in outputs)
