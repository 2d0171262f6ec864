"""Every string field of every record carries a script payload; no page of the built site may run it.

The fixture is made from tests/fixtures/mini: each string field gets the payload appended where the
schema allows it (free text); where the schema forbids it (names, URLs, enums, ids) the validator
rejecting it is the defence, and that is asserted too. Then the real site is built and every page
(walking site/ for index.html, so pages added later are covered) and the site search are opened in
Chromium. The same fixture carries sealed mobile and ID numbers in free text (raw ones are rejected by
validation, tests/test_sealing.py): only their masked part may appear, never the number or the token.
"""
from __future__ import annotations

import copy
import shutil

import pytest
import yaml

from build_tools.records import fastcheck, sealing
from build_tools.records.codes import is_resident_id
from build_tools.records.load import walk
from build_tools.records.personal import TOKEN
from build_tools.records.safeyaml import load_bytes
from build_tools.records.schemas import load_kinds, validator
from build_tools.records.validate import validate_tree
from conftest import DEMO_PUBLIC, MINI, built_site
from fictitious import MOBILE, MOBILE_2, RESIDENT_ID

PAYLOAD = '<img src=x onerror=window.__xss=1><script>window.__xss=2</script>"\'><svg onload=window.__xss=3>'
_KEY = sealing.load_public(DEMO_PUBLIC)
PERSONAL = f" 联系 {sealing.seal(MOBILE_2, _KEY)}，身份证 {sealing.seal(RESIDENT_ID, _KEY)}"
INJECTED = "img[src='x'], [onerror], [onload]"
# injected elements, and any script whose code mentions the payload's marker
_COUNT_INJECTED = f"""document.querySelectorAll("{INJECTED}").length +
  [...document.scripts].filter(s => s.type !== "application/json" && s.text.includes("__xss")).length"""


def _string_paths(node, prefix=()):
    if isinstance(node, str):
        yield prefix
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _string_paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _string_paths(v, prefix + (i,))


def _set(data, path, value):
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _optional_text_fields(kind, data):
    """Top-level string fields the record does not have yet (so optional free text is covered too)."""
    for name, sub in kind.schema["properties"].items():
        if name not in data and (sub.get("type") == "string" or "text" in sub.get("$ref", "")):
            yield (name,)


def poison(kind, data) -> tuple[dict, list[tuple], list[tuple]]:
    """Payload into every string field the schema accepts it in; returns (data, accepted, refused)."""
    check = fastcheck.checker(kind.name)
    accepted, refused = [], []
    for path in list(_string_paths(data)) + list(_optional_text_fields(kind, data)):
        trial = copy.deepcopy(data)
        try:
            original = trial
            for part in path:
                original = original[part]
        except KeyError:
            original = ""
        _set(trial, path, f"{original}{PAYLOAD}{PERSONAL}")
        if check(trial):
            data, accepted = trial, accepted + [path]
        else:
            assert not validator(kind.name).is_valid(trial)  # the schema's refusal is the defence
            refused.append(path)
    return data, accepted, refused


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss") / "data"
    shutil.copytree(MINI, root)
    kinds = load_kinds()
    report = {}
    for kind, path in walk(root, kinds)[0]:
        data, accepted, refused = poison(kind, load_bytes(path.read_bytes()).data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        report.setdefault(kind.name, (set(), set()))
        report[kind.name][0].update(accepted)
        report[kind.name][1].update(refused)
    return root, report


@pytest.fixture(scope="module")
def xss_site(poisoned, tmp_path_factory):
    return built_site(poisoned[0], tmp_path_factory, "xss-site")


def test_fixture_is_valid_and_carries_the_payload_in_every_kind(poisoned):
    root, report = poisoned
    assert is_resident_id(RESIDENT_ID)
    _, problems = validate_tree(root)
    assert problems == []
    for kind in load_kinds():
        accepted, refused = report[kind]
        assert accepted, f"{kind}: no free-text field took the payload"
        assert ("id",) in refused  # ids never take markup


def test_no_page_runs_injected_script(xss_site, serve, page):
    base = serve(xss_site)
    pages = sorted(p.parent.relative_to(xss_site).as_posix() for p in xss_site.rglob("index.html"))
    assert len(pages) >= 5
    shown = 0
    for rel in pages:
        page.goto(base + ("" if rel == "." else rel + "/"))
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, rel
        assert page.evaluate(_COUNT_INJECTED) == 0, rel
        shown += "window.__xss=2" in page.locator("body").inner_text()
    assert shown >= 1  # the payload is on the site, as text
    assert page.js_errors == []


def test_search_results_are_inert(xss_site, serve, page):
    base = serve(xss_site)
    page.goto(base)
    page.locator("header form.platform-search input[name=q]").fill("onerror")
    page.wait_for_selector(".platform-search__panel:not([hidden]) .tp-search-item", timeout=15_000)
    assert page.locator(".platform-search__panel .tp-search-item").count() >= 1   # records holding the payload
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(_COUNT_INJECTED) == 0
    page.goto(base + "search/?q=onerror")   # the results page also shows excerpts
    page.wait_for_selector(".tp-search-results .tp-search-excerpt", timeout=15_000)
    assert "onerror" in page.locator(".tp-search-results").inner_text()   # found and shown, as text (excerpts)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(_COUNT_INJECTED) == 0
    assert page.js_errors == []


def test_personal_numbers_never_published(xss_site):
    raw = [MOBILE_2, RESIDENT_ID, MOBILE]  # the last one is mini's contact phone (sealed in the fixture)
    leaks = []
    for f in xss_site.rglob("*"):
        if f.is_file():
            text = f.read_bytes().decode("utf-8", errors="ignore")
            leaks += [(f.relative_to(xss_site).as_posix(), n) for n in raw if n in text]
            leaks += [(f.relative_to(xss_site).as_posix(), "token") for _ in TOKEN.finditer(text)]
    assert leaks == []
    masked = (xss_site / "agencies/demo-alpha/index.html").read_text(encoding="utf-8")
    assert "139****5678" in masked and "110105********002X" in masked
