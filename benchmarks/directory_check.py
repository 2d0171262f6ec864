"""Bench check of the agency directory on a built site at scale (run by `make bench` after the full build).

In Debian Chromium, against the site served on 127.0.0.1:
  - the first screen: bytes transferred until the directory is ready, server rows, no row shard fetched;
  - a search for an agency that is not on the first screen finds it (the rows of all agencies load);
  - ticking a 经营类型 gives exactly the manifest's count over all agencies;
  - no script error.
Returns (label, ok, detail) per check.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import threading
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def check(site: Path) -> list[tuple[str, bool, str]]:
    from playwright.sync_api import sync_playwright
    manifest = json.loads((site / "assets/data/directory.json").read_text(encoding="utf-8"))
    last_shard = json.loads((site / "assets/data" / manifest["shards"][-1]).read_text(encoding="utf-8"))
    target_id, target_name = last_shard[-1][0], last_shard[-1][1]
    type_index = max(range(len(manifest["types"])), key=lambda i: manifest["counts"]["type"][i])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: list[tuple[str, bool, str]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(locale="zh-CN")
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            sizes: dict[str, int] = {}
            packed: dict[str, int] = {}  # as served compressed (the deploy's nginx serves gzip/brotli)

            def seen(r):
                body = r.body() if r.ok else b""
                sizes[r.url], packed[r.url] = len(body), len(gzip.compress(body, 6))
            page.on("response", seen)
            page.goto(base + "agencies/")
            page.wait_for_selector(".tp-directory[data-ready]", timeout=60_000)
            page.wait_for_load_state("networkidle")
            first, first_gz = sum(sizes.values()), sum(packed.values())
            rows = page.locator(".tp-agency-list tbody tr[data-id]").count()
            shards = [u for u in sizes if "/directory/rows-" in u]
            heavy = sorted(sizes, key=sizes.get, reverse=True)[:3]
            out.append(("first screen", first_gz <= 300 * 1024 and not shards and rows > 0,
                        f"{first_gz / 1024:,.0f} KB gzip ({first / 1024:,.0f} KB raw, {len(sizes)} requests; largest "
                        + ", ".join(f"{u.rsplit('/', 1)[-1] or u} {sizes[u] / 1024:,.0f} KB" for u in heavy)
                        + f"), {rows} rows, {len(shards)} row shards"))
            total = int(page.locator(".tp-dir-count").get_attribute("data-n"))
            out.append(("count over all", total == manifest["total"], f"{total:,} of {manifest['total']:,}"))
            page.locator(".tp-dir-q").fill(target_name)
            page.wait_for_selector(".tp-directory[data-ready]:not([data-loading])", timeout=120_000)
            ids = page.locator(".tp-agency-list tbody tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)")
            out.append(("search beyond the first screen", target_id in ids,
                        f"{target_name}: {len(ids)} shown; {sum(sizes.values()) / 2**20:,.1f} MB transferred by then"))
            page.locator(".tp-dir-clear").click()
            label = manifest["types"][type_index]
            page.locator(".tp-facet-type label", has_text=label).first.locator("input").check()
            page.wait_for_selector(".tp-directory[data-ready]:not([data-loading])")
            n = int(page.locator(".tp-dir-count").get_attribute("data-n"))
            want = manifest["counts"]["type"][type_index]
            out.append(("facet over all agencies", n == want, f"{label}: {n:,} (manifest {want:,})"))
            out.append(("no script errors", not errors, "; ".join(errors)[:300]))
            browser.close()
    finally:
        server.shutdown()
    return out
