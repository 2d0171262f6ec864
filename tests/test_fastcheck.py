"""The compiled fast check must agree with jsonschema on every record, valid or not."""
from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.records import fastcheck
from build_tools.records.load import walk
from build_tools.records.safeyaml import load_bytes
from build_tools.records.schemas import load_kinds, validator
from conftest import MINI
from fictitious import MOBILE

KINDS = load_kinds()
SAMPLES: dict = {}  # the first mini record of each kind, read as the loader reads it (dates as text)
for _kind, _path in walk(MINI, KINDS)[0]:
    SAMPLES.setdefault(_kind.name, load_bytes(_path.read_bytes()).data)


def test_every_kind_compiles():
    assert {k for k in KINDS if fastcheck.checker(k) is not None} == set(KINDS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_valid_samples_pass_both(kind):
    assert validator(kind).is_valid(SAMPLES[kind])
    assert fastcheck.checker(kind)(SAMPLES[kind]) is True


def test_unknown_keyword_falls_back_to_jsonschema():
    compiler = fastcheck._Compiler(fastcheck.SCHEMA_DIR)
    with pytest.raises(fastcheck.Unsupported):
        compiler.compile({"type": "object", "dependentRequired": {"a": ["b"]}}, None)


@pytest.mark.parametrize("kind, change", [
    ("agency", lambda d: d.update(name="<b>")),                       # pattern via $ref
    ("agency", lambda d: d.update(credit_code="91120116MA05T12340")),  # custom format
    ("agency", lambda d: d.update(staff_total=True)),                  # bool is not an integer
    ("agency", lambda d: d.update(staff_total=3.0)),                   # ... but 3.0 is
    ("agency", lambda d: d.update(business_types=["环境监测", "环境监测"])),
    ("agency", lambda d: d["contacts"][0].update(extra=1)),           # additionalProperties in $defs
    ("agency", lambda d: d.update(website="javascript:alert(1)")),
    ("agency", lambda d: d["files"][0].update(url="files/../../etc/passwd")),
    ("project", lambda d: d.pop("end_date")),                          # if/then
    ("demand", lambda d: d.update(budget={"amount": 1, "min": 1})),   # oneOf + not
    ("demand", lambda d: d.update(budget={})),
])
def test_known_failures_agree(kind, change):
    data = copy.deepcopy(SAMPLES[kind])
    change(data)
    assert fastcheck.checker(kind)(data) is validator(kind).is_valid(data)


_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=False),
                  st.text(max_size=12), st.sampled_from(["<x>", "2023-02-30", "2023-06-30", "files/a.pdf",
                                                          "https://example.com", "javascript:x", "环境监测",
                                                          MOBILE, "天津市", "已完成", ""]))
_value = st.recursive(_leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(sorted(SAMPLES)))
    data = copy.deepcopy(SAMPLES[kind])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(_value)
        else:
            parent[path[-1]] = draw(_value)
    return kind, data


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_random_mutations_agree(case):
    kind, data = case
    assert fastcheck.checker(kind)(data) is validator(kind).is_valid(data)
