"""Benchmark: validation and site builds on generated data at several sizes; prints a table.

    python -m benchmarks.run [--sizes 1000,10000,100000] [--build-max 10000] [--peer-max 10000]

For each size N (agencies; ~10 projects each) it generates benchmarks/out/data-N once (reused after),
then runs each step as a child process and reads that child's own rusage (os.wait4), so figures are
wall time, CPU time (user+sys, all worker processes included) and peak RSS of the step:

  validate cold   `python -m build_tools validate` with an empty validation cache
  validate warm   the same again: no file is read (stat index) and every result is a cache hit (rebuild case)
  validate CI     warm cache without the stat index: every file is read and hashed (fresh checkout in CI)
  build full      `mkdocs build` of the real site (mkdocs.yml) from the data, empty caches
  rebuild 1 agency  one agency.yaml edited, `mkdocs build` again with the caches of the full build
  mkdocs-material the same pages (content of every page of our site, as Markdown) built by plain
                  mkdocs-material, no hooks (benchmarks/peers.py)
  hugo            the same pages built by Hugo with a minimal layout, when `hugo` is installed

A second table compares the builds per page (ms/page and the ratio ours / peer), bytes per page and how many
of them are theme chrome (everything outside the page's content), site size, the directory's first screen
(its HTML and the stylesheets and scripts it loads, gzip-compressed as served) and a linear extrapolation of
our build to 100,000 agencies.

Builds above --build-max agencies are skipped (and the reason printed): mkdocs renders every page
in one process, so time grows linearly and can be estimated from the largest size built. The peers are
built up to --peer-max agencies (plain mkdocs-material needs ~20 ms a page: 100,000 agencies' 320,000 pages
would take about two hours); above it the ratio of the largest size with peers stands.
The machine may be shared: the load average is printed with the table.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    output: str


def set_out(folder: Path) -> None:
    global OUT
    OUT = folder


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT, log: Path | None = None) -> Run:
    """Run one step and measure it alone: wait4 gives this child's rusage (its workers included).
    The step's output goes to `log` (default OUT/last-step.log; a parallel run passes its own)."""
    log = log or OUT / "last-step.log"
    start = time.perf_counter()
    with open(log, "w+") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=fh, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        fh.seek(0)
        output = fh.read()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output)


def dataset(n: int, seed: int) -> tuple[Path, dict[str, int], float | None]:
    """Generated data of n agencies (reused when already complete); returns folder, counts, seconds spent."""
    folder = OUT / f"data-{n}"
    marker = folder / ".complete"
    if marker.exists():
        return folder, json.loads(marker.read_text()), None
    shutil.rmtree(folder, ignore_errors=True)
    from benchmarks.generate import generate
    start = time.perf_counter()
    counts = generate(folder, n, seed, jobs=os.cpu_count() or 1)
    marker.write_text(json.dumps(counts))
    return folder, counts, time.perf_counter() - start


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def touch_one_agency(data: Path) -> Path:
    """Edit one agency's free text (a real content change, not only mtime)."""
    target = sorted((data / "agencies").iterdir())[len(list((data / "agencies").iterdir())) // 2] / "agency.yaml"
    text = target.read_text(encoding="utf-8")
    marker = "（基准测试修改）"
    text = text.replace(marker, "") if marker in text else text.replace("相关技术服务。", "相关技术服务。" + marker, 1)
    target.write_text(text, encoding="utf-8")
    return target


def first_screen(site: Path, page: str) -> tuple[int, int]:
    """(raw, gzip) bytes of a page and of the local stylesheets and scripts it loads, plus the data its
    script fetches at once (`data-src`): what a first visit transfers before the page is usable."""
    html_file = site / page
    if not html_file.exists():
        return 0, 0
    text = html_file.read_text(encoding="utf-8")
    files = [html_file]
    for ref in re.findall(r'(?:href|src|data-src)="([^"#?]+)"', text):
        target = (html_file.parent / ref).resolve()
        if target.is_file() and target.suffix in (".css", ".js", ".json") and target not in files:
            files.append(target)
    raw = sum(f.stat().st_size for f in files)
    return raw, sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)


def peer_row(label: str, name: str, r: Run, site: Path, ours_ms: float | None, peers: list[list[str]]) -> float:
    from benchmarks.peers import content_bytes
    n, total, inner = content_bytes(site) if site.exists() else (0, 0, 0)
    ms = r.cpu * 1000 / n if n else float("nan")  # CPU time: the machine may be shared (wall time is noisier)
    ratio = f"{ours_ms / ms:.2f}" if ours_ms and n else ""
    peers.append([label, name, f"{r.wall:.1f}", f"{ms:.2f}", ratio, f"{r.peak_mb:,.0f}",
                  f"{total / n / 1024:.1f}" if n else "", f"{(total - inner) / n / 1024:.1f}" if n else "",
                  f"{du(site) / 2**20:,.0f}" if site.exists() else "", f"{n:,}",
                  "ok" if r.returncode == 0 else f"FAILED ({r.returncode})"])
    print("peer:", " | ".join(peers[-1]), flush=True)
    return ms


def bench(n: int, seed: int, build_max: int, rows: list[list[str]], notes: list[str],
          peers: list[list[str]] | None = None, peer_max: int | None = None) -> None:
    data, counts, gen_s = dataset(n, seed)
    records = sum(counts.values())
    label = f"{n:,} ag / {counts['project']:,} proj"
    if gen_s is not None:
        notes.append(f"{label}: generated {records:,} files in {gen_s:.0f} s")
    py = sys.executable
    cache = OUT / f"cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    env = {"PLATFORM_CACHE": str(cache), "PLATFORM_TODAY": "2026-11-25", "NO_MKDOCS_2_WARNING": "1"}

    def row(step: str, r: Run, extra: str = "") -> None:
        ok = "ok" if r.returncode == 0 else f"FAILED ({r.returncode})"
        rate = f"{records / r.wall:,.0f}" if step.startswith("validate") else ""
        rows.append([label, step, f"{r.wall:.1f}", f"{r.cpu:.1f}", rate, f"{r.peak_mb:,.0f}", extra, ok])
        print("step:", " | ".join(rows[-1]), flush=True)  # as it happens: a long run can be read while it goes
        if r.returncode:
            notes.append(f"{label} {step} failed:\n" + r.output[-2000:])

    validate = [py, "-m", "build_tools", "validate", str(data)]
    row("validate cold", run(validate, env))
    row("validate warm", run(validate, env))
    for index in cache.rglob("stat.index"):
        index.unlink()  # as after a fresh checkout: new mtimes, only the content cache restored
    row("validate CI", run(validate, env))
    if n > build_max:
        notes.append(f"{label}: site build skipped (--build-max {build_max}); see the per-page rate of the "
                     "largest build above to estimate it")
        return
    site = OUT / f"site-{n}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(ROOT / ".cache" / "pages", ignore_errors=True)
    build = [py, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)]
    benv = {**env, "PLATFORM_DATA": str(data), "PLATFORM_PAGE_CACHE": str(OUT / f"pages-{n}")}
    shutil.rmtree(OUT / f"pages-{n}", ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    full = run(build, benv)
    pages = sum(1 for _ in site.rglob("index.html")) if site.exists() else 0
    directory = site / "assets" / "data" / "directory.json"
    size = f"site {du(site) / 2**20:,.0f} MB, {pages:,} pages" if site.exists() else ""
    size += f"; directory.json {directory.stat().st_size / 2**20:,.1f} MB" if directory.exists() else "; directory.json n/a"
    row("build full", full, size)
    raw, gz = first_screen(site, "agencies/index.html")
    notes.append(f"{label}: directory first screen {raw / 1024:,.0f} KB raw, {gz / 1024:,.0f} KB gzip "
                 "(page, its stylesheets and scripts, data fetched on load)")
    if full.returncode == 0:
        from benchmarks.directory_check import check
        try:
            for name, ok, detail in check(site):
                notes.append(f"{label}: directory check {'ok' if ok else 'FAILED'}: {name}: {detail}")
                print("note:", notes[-1], flush=True)
                if not ok:
                    rows.append([label, f"directory: {name}", "", "", "", "", detail, "FAILED"])
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, the bench goes on
            notes.append(f"{label}: directory check could not run: {exc}")
            rows.append([label, "directory check", "", "", "", "", str(exc)[:80], "FAILED"])
    touch_one_agency(data)
    row("rebuild 1 agency", run(build, benv))
    touch_one_agency(data)  # restore the generated text so the data set stays reusable
    if peers is None or full.returncode:
        return
    if peer_max is not None and n > peer_max:
        peer_row(label, "ours", full, site, None, peers)
        notes.append(f"{label}: peers not built (--peer-max {peer_max}): the per-page ratio of the largest size "
                     "with peers stands")
        return
    ours = peer_row(label, "ours", full, site, None, peers)
    extra = 100_000 / n
    notes.append(f"{label}: linear extrapolation of our full build to 100,000 agencies: "
                 f"~{full.wall * extra / 60:,.0f} min wall, ~{full.peak_mb * extra / 1024:,.1f} GB peak (upper bound: "
                 f"peak memory grows less than linearly), site ~{du(site) * extra / 2**30:,.1f} GB")
    from mkdocs.config import load_config

    from benchmarks.peers import write_projects
    from build_tools.render.shell import tabs_of
    work = OUT / f"peers-{n}"
    tabs = [{"title": t.title, "url": t.url} for t in tabs_of(load_config(str(ROOT / "mkdocs.yml")).nav)]
    count = write_projects(site, work, tabs)
    notes.append(f"{label}: peers build the same {count:,} pages (benchmarks/peers.py)")
    mk = run([py, "-m", "mkdocs", "build", "--quiet"], {"NO_MKDOCS_2_WARNING": "1"}, cwd=work / "mkdocs")
    peer_row(label, "mkdocs-material", mk, work / "mkdocs" / "site", ours, peers)
    if shutil.which("hugo"):
        hg = run(["hugo", "--quiet"], {}, cwd=work / "hugo")
        peer_row(label, "hugo", hg, work / "hugo" / "public", ours, peers)
    else:
        notes.append("hugo not installed (Debian package `hugo`): no Hugo comparison")
    shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("SIZES", "1000,10000,100000"))
    parser.add_argument("--build-max", type=int, default=int(os.environ.get("BUILD_MAX", "10000")))
    parser.add_argument("--peer-max", type=int, default=int(os.environ.get("PEER_MAX", "10000")))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT, help="work folder (generated data is reused there)")
    args = parser.parse_args(argv)
    set_out(args.out.resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    notes: list[str] = []
    peers: list[list[str]] = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        bench(n, args.seed, args.build_max, rows, notes, peers, args.peer_max)
    head = ["data set", "step", "wall s", "cpu s", "records/s", "peak MB", "output", "result"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    print(f"\nmachine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for r in [head, ["-" * w for w in widths]] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    if peers:
        head = ["data set", "builder", "wall s", "cpu ms/page", "ours/peer", "peak MB", "KB/page", "chrome KB/page",
                "site MB", "pages", "result"]
        widths = [max(len(r[i]) for r in peers + [head]) for i in range(len(head))]
        print()
        for r in [head, ["-" * w for w in widths]] + peers:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for note in notes:
        print("note:", note)
    return 0 if all(r[-1] == "ok" for r in rows + peers) else 1


if __name__ == "__main__":
    sys.exit(main())
