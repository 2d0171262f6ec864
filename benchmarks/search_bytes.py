"""Site search at scale: index build time and memory, and bytes a browser downloads until the first result.

    python -m benchmarks.search_bytes [--sizes 1000,10000] [--queries N] [--before] [--pages-from 1000]
    python -m benchmarks.search_bytes --synthetic-index 100000   # the index alone, 100k agencies of entries

Per size N (generated data, benchmarks/out/data-N, shared with `make bench`):
  index    the masked records loaded and the Pagefind index written alone (build_tools.search), in a child
           process: wall time of the index step, peak RSS of the Python side and of the Pagefind process
  build    `mkdocs build` of the real site (the index is built beside the page render), wall time + peak RSS
  browser  headless Chromium, cold cache, per query and start page: type the query into the header box and
           wait for the first result; bytes of every response of the page load and of the search alone,
           raw and gzip-compressed (what nginx's gzip sends; Pagefind's index files are already compressed)
  --pages-from M  no mkdocs build for the other sizes: size M's built site (an earlier size of the same run)
           is served with size N's index (the bytes of a search depend only on the index)
  --before the same site built with mkdocs-material's search plugin (the former set-up): the size of
           search/search_index.json, which every page downloaded.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

from benchmarks.run import OUT, ROOT, Run, dataset
from benchmarks.run import run as bench_run

CHROMIUM = "/usr/bin/chromium"
ENV = {"PLATFORM_TODAY": "2026-11-25", "NO_MKDOCS_2_WARNING": "1", "PLATFORM_PAGE_CACHE": "0"}


def run(cmd: list[str], env: dict[str, str]) -> Run:
    """One step measured as `make bench` measures it, with a log of this run's own (parallel runs)."""
    log = OUT / f"search-step-{os.getpid()}.log"
    result = bench_run(cmd, env, log=log)
    log.unlink()
    return result


def index_only(data: Path, out: Path) -> dict:
    """Child-process step: prepare (load, validate, mask, compute) then write the index; timings as JSON."""
    from build_tools import pipeline, search
    from build_tools.settings import Settings
    start = time.perf_counter()
    prepared = pipeline.prepare(data, Settings())
    prepared_s = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    written = search.write_index(search.entries(prepared.public), out)
    return {"prepare_s": prepared_s, "index_s": time.perf_counter() - start, "records": written.records,
            "files": written.files, "bytes": written.bytes, "python_peak_mb": rss_before,
            "python_peak_after_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pagefind_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def synthetic_index(n: int, out: Path) -> dict:
    """The index alone for n agencies' worth of entries shaped like the generator's (an agency entry and a
    项目业绩 entry of 10 projects each), without generating and validating the data: index scaling only."""
    import random

    from build_tools.search import records as sr
    from build_tools.search import write_index
    rnd = random.Random(1)
    words = ("环境 监测 检测 技术 环保 科技 工程 咨询 治理 废水 废气 固废 在线 运维 华科 绿源 清源 蓝天 碧水 中环 "
             "生态 评价 土壤 修复 噪声 排污 许可 化工 电子 医药 食品 汽车 园区 污水站 提标 改造").split()
    provs = ["上海市", "江苏省", "浙江省", "天津市", "安徽省", "北京市", "河北省", "广东省"]

    def entries():
        for i in range(n):
            name = "".join(rnd.sample(words, 2)) + f"示例{i}号有限公司"
            prov = rnd.choice(provs)
            yield sr.SearchRecord(url=f"agencies/a{i}/", kind="机构", title=name, sub=f"{prov} · 废水治理",
                                  content=" ".join([name, prov, "废水治理 环境监测", "".join(rnd.sample(words, 12))]),
                                  provinces=(prov,))
            rows = "；".join(" ".join(["".join(rnd.sample(words, 4)) + "项目", "".join(rnd.sample(words, 2)) + "有限公司",
                                       "废水治理", rnd.choice(provs)]) for _ in range(10))
            yield sr.SearchRecord(url=f"agencies/a{i}/#projects", kind="项目业绩", title=f"{name} · 项目业绩",
                                  sub="10 项项目业绩", content=f"{name} · 项目业绩 {rows}", provinces=(prov,))
    start = time.perf_counter()
    written = write_index(entries(), out)
    return {"agencies": n, "index_s": time.perf_counter() - start, "records": written.records,
            "files": written.files, "bytes": written.bytes,
            "python_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pagefind_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def browser_bytes(site: Path, starts: list[str], queries: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright
    server, base = serve(site)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for start in starts:
                for query in queries:
                    context = browser.new_context()   # cold cache for each measurement
                    page = context.new_page()
                    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
                    seen: list[tuple[str, bytes, bool]] = []
                    phase = {"search": False}

                    def on_response(response, seen=seen, phase=phase):
                        try:
                            body = response.body()
                        except Exception:  # noqa: BLE001 - redirects and aborted requests have none
                            return
                        seen.append((response.url, body, phase["search"]))
                    page.on("response", on_response)
                    page.goto(base + start, wait_until="load")
                    page.wait_for_timeout(300)
                    phase["search"] = True
                    t0 = time.perf_counter()
                    box = page.locator("header form.platform-search input[name=q]")
                    box.fill(query)
                    first = ""
                    try:
                        page.wait_for_selector(".platform-search__panel:not([hidden]) .tp-search-item", timeout=30_000)
                        first = page.locator(".platform-search__panel .tp-search-item").first.inner_text()
                    except Exception:  # noqa: BLE001 - reported as no result
                        first = "(no result)"
                    ms = (time.perf_counter() - t0) * 1000
                    page.wait_for_timeout(200)
                    search = [(u, b) for u, b, s in seen if s]
                    rows.append({
                        "start": start, "query": query, "first": first.replace("\n", " ")[:40], "ms": ms,
                        "requests": len(search),
                        "page_raw": sum(len(b) for _, b, s in seen if not s),
                        "page_gzip": sum(len(gzip.compress(b, 6)) for _, b, s in seen if not s),
                        "search_raw": sum(len(b) for _, b in search),
                        "search_gzip": sum(min(len(b), len(gzip.compress(b, 6))) for _, b in search),
                    })
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    return rows


def build(data: Path, site: Path, config: Path | None = None):
    shutil.rmtree(site, ignore_errors=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)]
    if config:
        cmd += ["--config-file", str(config)]
    return run(cmd, {**ENV, "PLATFORM_DATA": str(data)})


def with_search_plugin() -> Path:
    """mkdocs.yml with the theme's search plugin back (the former set-up), for the `before` figures."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^plugins: \[\]$", "plugins:\n  - search:\n      lang: zh", text)
    path = ROOT / f"mkdocs.before-search-{os.getpid()}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def queries_for(data: Path, n: int) -> list[str]:
    agencies = sorted((data / "agencies").iterdir())
    names = []
    for folder in (agencies[len(agencies) // 3], agencies[-1]):
        text = (folder / "agency.yaml").read_text(encoding="utf-8")
        names.append(re.search(r"(?m)^name: (.+)$", text).group(1).strip("'\""))
    short = re.sub(r"示例|有限公司|\d+号", "", names[0])
    return [names[0], short, names[1], "在线运维", "废水治理 上海市"][:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--before", action="store_true", help="also build with the theme's search plugin")
    parser.add_argument("--pages-from", type=int, metavar="M",
                        help="serve size M's built pages with the other sizes' indexes instead of building them")
    parser.add_argument("--index-only", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--synthetic-index", type=int, metavar="N",
                        help="only index N agencies' worth of synthetic entries (scaling without generating data)")
    args = parser.parse_args(argv)
    if args.synthetic_index:
        out = OUT / f"pagefind-synthetic-{args.synthetic_index}"
        print(json.dumps(synthetic_index(args.synthetic_index, out)))
        shutil.rmtree(out, ignore_errors=True)
        return 0
    if args.index_only:
        print(json.dumps(index_only(Path(args.index_only[0]), Path(args.index_only[1]))))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    report = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        data, counts, _ = dataset(n, 1)
        res: dict = {"agencies": n, "projects": counts.get("project")}
        step = run([sys.executable, "-m", "benchmarks.search_bytes", "--index-only", str(data),
                    str(OUT / f"pagefind-{n}")], ENV)
        res["index"] = json.loads(step.output.strip().splitlines()[-1]) if step.returncode == 0 else step.output[-800:]
        res["index"]["step_peak_mb"] = step.peak_mb if isinstance(res["index"], dict) else None
        site = OUT / f"search-site-{n}"
        if args.pages_from and args.pages_from != n:
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(OUT / f"search-site-{args.pages_from}", site, ignore=shutil.ignore_patterns("pagefind"),
                            copy_function=os.link)   # hard links: the pages are only read
            shutil.copytree(OUT / f"pagefind-{n}", site / "pagefind", copy_function=os.link)
            full = Run(0, 0, 0, 0, "")
            res["build"] = {"pages_from": args.pages_from}
        else:
            full = build(data, site)
            res["build"] = {"wall_s": full.wall, "cpu_s": full.cpu, "peak_mb": full.peak_mb, "ok": full.returncode == 0}
        if full.returncode:
            res["build"]["output"] = full.output[-2000:]
        else:
            agency = sorted((site / "agencies").glob("gen-agency-*/index.html"))[0].parent.relative_to(site)
            res["browser"] = browser_bytes(site, ["", f"{agency.as_posix()}/"], queries_for(data, args.queries))
        if args.before:
            before = OUT / f"before-site-{n}"
            b = build(data, before, with_search_plugin())
            index = before / "search" / "search_index.json"
            res["before"] = {"build_wall_s": b.wall, "build_peak_mb": b.peak_mb, "ok": b.returncode == 0}
            if index.exists():
                raw = index.read_bytes()
                res["before"].update(index_raw=len(raw), index_gzip=len(gzip.compress(raw, 6)))
            shutil.rmtree(before, ignore_errors=True)
        report.append(res)
        print(json.dumps(res, ensure_ascii=False, indent=1), flush=True)
        (OUT / f"search_bytes-{'-'.join(str(r['agencies']) for r in report)}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    (ROOT / f"mkdocs.before-search-{os.getpid()}.yml").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
