"""Benchmark (not a test) of the agency directory at scale: payload size and per-keystroke search time.

    .venv/bin/python benchmarks/directory_bench.py [--agencies 10000] [--seed 7] [--data DIR]

1. Data: `benchmarks.generate` (the project's synthetic data generator) writes N agencies with their
   projects into DIR (reused when DIR already holds them; generating 10,000 takes a few minutes).
2. Payload: agency records are loaded and schema-checked by the real loader, masked, and passed with
   their project counts to the real renderer `agencies.directory` (directory_index.build_index), which
   yields assets/data/directory.json and the list page. Sizes: raw, gzip -6 and gzip -9.
   The scoring step needs the full review set: with --full the whole pipeline (load, validate, compute)
   runs on the generated data and the real scores are used (minutes at 10,000 agencies); without it the
   payload is measured unscored and with seeded stand-in scores (grade + total per agency).
3. Browser: the generated list page (real template, real directory.js/.css, all N rows as the no-JS
   table) is served on 127.0.0.1 and opened in Debian Chromium. Queries are typed key by key;
   directory.js records, per input event, the handler time and the time since the key event
   (performance.now() in the page) and the time until the next frame was produced.

Goal from the issue: < 300 KB gzip and < 100 ms per keystroke.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402
from build_tools.records import privacy  # noqa: E402
from build_tools.records.load import load_file  # noqa: E402
from build_tools.records.schemas import load_kinds  # noqa: E402
from build_tools.render import agencies as agencies_render  # noqa: E402

QUERIES = ["天津 监测", "环境咨询", "滨海 废气", "示例路12", "津沽环保", "CMA 北京", "不存在的机构"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass(frozen=True)
class StandInScore:  # same attributes as the scoring step's AgencyScore
    year: int
    total: float
    grade: str


def load_agencies(data: Path):
    kind = load_kinds()["agency"]
    records = []
    for path in sorted(data.glob(kind.glob)):
        record, problems = load_file(kind, path)
        if problems:
            raise SystemExit(f"invalid generated record: {problems[0]}")
        record.data = privacy.mask(record.data)
        records.append(record)
    counts = {r.id: sum(1 for _ in (r.path.parent / "projects").glob("*.yaml")) for r in records}
    return records, counts


def prepare_all(data: Path):
    """The build's own path: load + validate + compute (scores) + mask."""
    from build_tools import pipeline
    from build_tools.render.agencies import projects_by_agency
    from build_tools.render.directory_index import score_lookup

    prepared = pipeline.prepare(data)
    records = prepared.public.of("agency")
    projects = projects_by_agency(prepared.public)
    score_of = score_lookup(prepared.ctx.computed.get("scores"))
    return records, {r.id: len(projects[r.id]) for r in records}, {r.id: score_of(r.id) for r in records}


def stand_in_scores(ids, seed):
    rng = random.Random(seed)
    scores = {}
    for agency_id in ids:
        total = round(rng.uniform(50, 99), 1)
        scores[agency_id] = StandInScore(2025, total, "A" if total >= 90 else "B" if total >= 80 else "C" if total >= 60 else "D")
    return scores


def payload_and_page(records, counts, scores, out: Path) -> tuple[bytes, str]:
    outputs = {o.path: o.content for o in agencies_render.directory(records, counts, scores)}
    page = outputs["agencies/index.md"]
    body = page.split("---\n", 2)[2]  # drop the front matter: mkdocs would pass the HTML block through
    # the manifest and every row shard: what a search downloads in all
    data = b"".join(v.encode("utf-8") for k, v in outputs.items() if k.startswith("assets/data/"))
    for path, content in outputs.items():
        if path.startswith("assets/data/"):
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(content, encoding="utf-8")
    for asset in ("javascripts/directory.js", "javascripts/shared.js", "stylesheets/directory.css"):
        (out / "assets" / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content/assets" / asset, out / "assets" / asset)
    (out / "agencies").mkdir(exist_ok=True)
    (out / "agencies/index.html").write_text(
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>机构列表</title>'
        '<link rel="stylesheet" href="../assets/stylesheets/directory.css"></head><body>'
        f'{body}<script type="module" src="../assets/javascripts/directory.js"></script></body></html>', encoding="utf-8")
    return data, page


def sizes(data: bytes) -> str:
    return (f"raw {len(data) / 1024:,.0f} KB, gzip -6 {len(gzip.compress(data, 6)) / 1024:,.0f} KB, "
            f"gzip -9 {len(gzip.compress(data, 9)) / 1024:,.0f} KB")


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def browser_timings(site: Path, verbose: bool) -> None:
    from playwright.sync_api import sync_playwright

    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/agencies/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(".tp-directory[data-ready]", timeout=120_000)
            ready = (time.perf_counter() - t0) * 1000
            init = page.evaluate("window.tpDirectoryInit")
            print(f"page load to first screen ready: {ready:,.0f} ms (first page of rows, manifest fetched at "
                  f"{init['fetched']:,.0f} ms; first draw {init['firstDraw']:,.0f} ms)")
            box = page.locator(".tp-dir-q")
            t0 = time.perf_counter()
            box.press_sequentially("a")  # the first search loads the rows of all agencies
            page.wait_for_selector(".tp-directory[data-ready]:not([data-loading])", timeout=120_000)
            print(f"first search until all rows loaded and searched: {(time.perf_counter() - t0) * 1000:,.0f} ms")
            box.fill("")
            page.evaluate("window.tpDirectoryTimings.length = 0")
            for query in QUERIES:
                box.press_sequentially(query, delay=30)
                page.wait_for_timeout(150)
                n = page.locator(".tp-dir-count").get_attribute("data-n")
                print(f"  {query!r}: {n} agencies")
                box.fill("")
            page.wait_for_timeout(200)
            rows = page.evaluate("window.tpDirectoryTimings")
            typed = [r for r in rows if r["query"]]  # leave out the clearing between queries
            if verbose:
                for r in typed:
                    print(f"    {r['query']!r:16} handler {r['handler']:6.1f} ms  frame {r['frame'] or 0:6.1f} ms")
            for key, label in (("handler", "search + facet counts + redraw (input handler)"),
                               ("sinceKey", "key event to results in the DOM"),
                               ("frame", "key event to next frame")):
                vals = [r[key] for r in typed if r[key] is not None]
                print(f"per keystroke, {label}: median {statistics.median(vals):.1f} ms, "
                      f"p95 {pct(vals, 0.95):.1f} ms, max {max(vals):.1f} ms  (n={len(vals)})")
            clicks = page.evaluate("""() => {
                const out = [];
                for (const box of document.querySelectorAll('.tp-dir-facets input[type=checkbox]')) {
                    const t0 = performance.now(); box.click(); out.push(performance.now() - t0); box.click();
                }
                return out; }""")
            print(f"per facet click (filter + counts + redraw): median {statistics.median(clicks):.1f} ms, "
                  f"max {max(clicks):.1f} ms  (n={len(clicks)})")
            browser.close()
    finally:
        server.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agencies", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", type=Path, help="folder for the generated data (reused if it has the agencies)")
    ap.add_argument("--verbose", action="store_true", help="print every keystroke's timings")
    ap.add_argument("--full", action="store_true", help="run the whole pipeline for real scores (slow)")
    args = ap.parse_args()
    data = args.data or Path(tempfile.gettempdir()) / f"directory-bench-{args.agencies}-{args.seed}"
    if len(list(data.glob("agencies/*/agency.yaml"))) != args.agencies:
        shutil.rmtree(data, ignore_errors=True)
        t0 = time.perf_counter()
        generate.generate(data, args.agencies, args.seed)
        print(f"generated {args.agencies:,} agencies into {data} in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    if args.full:
        records, counts, scores = prepare_all(data)
        label = "with the scoring step's scores"
    else:
        records, counts = load_agencies(data)
        scores = stand_in_scores([r.id for r in records], args.seed)
        label = "with stand-in scores"
    print(f"loaded {len(records):,} agencies ({sum(counts.values()):,} projects) in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        t0 = time.perf_counter()
        unscored, _ = payload_and_page(records, counts, {r.id: None for r in records}, site)
        built = time.perf_counter() - t0
        print(f"directory.json, unscored: {sizes(unscored)}  (payload + list page built in {built:.1f} s)")
        scored, page = payload_and_page(records, counts, scores, site)
        print(f"directory.json, {label}: {sizes(scored)}  "
              f"= {len(gzip.compress(scored, 6)) / len(records):.1f} gzip bytes per agency")
        print(f"list page (no-JS table of all agencies): raw {len(page.encode()) / 1024:,.0f} KB, "
              f"gzip {len(gzip.compress(page.encode())) / 1024:,.0f} KB")
        browser_timings(site, args.verbose)


if __name__ == "__main__":
    main()
