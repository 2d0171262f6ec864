"""The Q&A page in Chromium: download size and time to the first answer once the page's data has loaded.

    .venv/bin/python benchmarks/qa_browser_bench.py [--site DIR]   # default: build data/ into a temp dir

Serves the built site on 127.0.0.1 and opens qa/?ask=… in headless Debian Chromium (no cache):
* bytes: every response of the page load (HTML with the index inside, CSS, JS, fonts, images) as received,
  uncompressed (python's http.server does not gzip), plus what gzip -6 makes of each, as a web server would send it;
* time: the page's own timings (qa.js): parsing the index and preparing the lookup tables, then the first
  answers of the ?ask= question; then every question of the benchmark sets through the page's retrieval code
  (window.tpQaCore) — median, 95th percentile and maximum per question.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from qa_bench import question_sets  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FIRST = "您好，我们公司的危费仓库地面要怎么防渗？"


def build(site: Path) -> None:
    env = {**os.environ, "PLATFORM_DATA": str(ROOT / "data"), "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=ROOT, env=env,
                   check=True)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="an already built site (default: build data/ now)")
    args = ap.parse_args(argv)
    site = args.site or Path(tempfile.mkdtemp(prefix="qa-bench-site-"))
    if not args.site:
        build(site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    questions = [c["q"] for s in question_sets().values() for c in s.answerable] + \
                [q for s in question_sets().values() for q in s.offtopic]
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        sizes: dict[str, int] = {}
        page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok else None)
        page.goto(base + "qa/?ask=" + quote(FIRST), wait_until="networkidle")
        timings = page.evaluate("tpQa.timings")
        shown = page.locator(".tp-qa-card").count()
        per_query = page.evaluate("""qs => { const P = tpQaCore.prepare(JSON.parse(
            document.getElementById('tp-qa-data').textContent).index);
            return qs.map(q => { const t = performance.now(); tpQaCore.answers(q, P, ''); return performance.now() - t; }); }""",
                                  questions)
        browser.close()
    server.shutdown()
    rows = []
    for url, n in sorted(sizes.items(), key=lambda kv: -kv[1]):
        path = urlsplit(url).path.lstrip("/")
        local = site / (path + "index.html" if path.endswith("/") or not path else path)
        gz = len(gzip.compress(local.read_bytes(), 6)) if local.is_file() else n
        rows.append((path or "index.html", n, gz))
    total, total_gz = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"Q&A page load: {len(rows)} responses, {total / 1024:.0f} KiB as received, {total_gz / 1024:.0f} KiB gzip")
    print("| file | bytes | gzip |\n|---|---|---|")
    for path, n, gz in rows:
        print(f"| {path} | {n:,} | {gz:,} |")
    print(f"index parse + prepare: {timings['parse_and_prepare_ms']:.1f} ms; first answers ({FIRST}): "
          f"{timings['answers_ms'][0]:.1f} ms, {shown} shown; data loaded -> first answer: "
          f"{timings['parse_and_prepare_ms'] + timings['answers_ms'][0]:.1f} ms")
    q = sorted(per_query)
    print(f"per question in Chromium ({len(q)} questions): median {statistics.median(q):.2f} ms, "
          f"p95 {q[int(0.95 * (len(q) - 1))]:.2f} ms, max {q[-1]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
