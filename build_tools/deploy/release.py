"""Seal a built site as a release: check it, precompress it, write its manifest.

`python -m build_tools release SITE` runs after `make site` (which validated the data and built the site,
fail-closed, into a temporary folder swapped in only on success); `make release` does both. It

1. checks the site: the pages every build has, every page of the sitemap present, no symlinks or special
   files, file names the host tools handle verbatim, and no inline script/style anywhere (the
   Content-Security-Policy allows none; see inline.py);
2. writes next to every compressible file its gzip and brotli twins (`page.html.gz`, `page.html.br`), served by
   nginx's gzip_static/brotli_static. Record attachments (`…/files/`) are left as they are. Output is
   deterministic (no timestamps), and compressed bytes are cached by content hash (`.cache/compress/`), so an
   unchanged file is never compressed twice (brotli's best quality is slow: ~0.3 MB/s);
3. only when every check passed, writes `.release/SHA256SUMS` (every file, twins included) and
   `.release/release.json` (name `<UTC time>-<commit>`, commit, time, counts, the hash of SHA256SUMS).

`deploy` refuses a site without this manifest or whose files differ from it (a failed or partial build, a
file changed afterwards), and the host checks the uploaded copy again (`sha256sum -c`) before switching.
The manifest guards against mistakes, not against someone who can write the site folder.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ..context import ROOT
from ..settings import Environment, environment
from ..write import sitemap
from .inline import Inline, inline_code

RELEASE_DIR = ".release"
SUMS = f"{RELEASE_DIR}/SHA256SUMS"
META = f"{RELEASE_DIR}/release.json"
FORMAT = 1
COMPRESSIBLE = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".map", ".atom",
                          ".ico", ".webmanifest"})
MIN_SIZE = 512   # below this the headers cost more than compression saves
REQUIRED = ("index.html", "404.html", "sitemap.xml", "pagefind/pagefind-entry.json", "pagefind/pagefind.js")
ATTACHMENT = re.compile(r"(^|/)files/")
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\\]")   # SHA256SUMS, rsync and the host script take names verbatim
NAME = re.compile(r"^\d{8}T\d{6}Z-[0-9a-z]{1,40}$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Settings:
    gzip_level: int = 9
    brotli_quality: int | None = 11        # None: no brotli twins
    cache: Path | None = None              # compressed bytes by content hash
    jobs: int = max(1, os.cpu_count() or 1)


@dataclass
class FileReport:
    """One site file after processing: its manifest lines (itself and its twins) and what the checks found."""
    sums: list[tuple[str, str]]            # (path, sha256)
    inline: list[Inline] = field(default_factory=list)
    raw: int = 0                           # bytes of a compressed file, and of its twins
    gz: int = 0
    br: int = 0
    cached: int = 0                        # twins taken from the cache


def cache_location(env: Environment | None = None) -> Path | None:
    """PLATFORM_COMPRESS_CACHE=0 disables the cache, =<folder> moves it (default .cache/compress/)."""
    env = env or environment()
    return env.cache_folder(env.compress_cache, ROOT / ".cache" / "compress")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _compressed(data: bytes, sha: str, kind: str, settings: Settings) -> tuple[bytes, bool]:
    """gzip or brotli bytes of `data`, from the cache when this content was compressed before."""
    level = settings.gzip_level if kind == "gz" else settings.brotli_quality
    cached = settings.cache / sha[:2] / f"{sha}.{kind}{level}" if settings.cache else None
    if cached is not None and cached.exists():
        os.utime(cached)   # recently used: kept by prune_cache
        return cached.read_bytes(), True
    if kind == "gz":
        out = gzip.compress(data, compresslevel=settings.gzip_level, mtime=0)   # no name, no time: reproducible
    else:
        import brotli
        out = brotli.compress(data, quality=level)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(out)
        os.replace(tmp, cached)
    return out, False


def process(site: Path, rel: str, twins: tuple[str, ...], settings: Settings) -> FileReport:
    """Hash one file, scan it if it is a page, and write the compressed twins asked for (worker process)."""
    path = site / rel
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    report = FileReport(sums=[(rel, sha)])
    if rel.endswith(".html"):
        report.inline = inline_code(data.decode("utf-8", errors="replace"))
    for kind in twins:
        out, hit = _compressed(data, sha, kind, settings)
        if len(out) >= len(data):
            continue   # incompressible: nginx serves the file itself
        (site / f"{rel}.{kind}").write_bytes(out)
        report.sums.append((f"{rel}.{kind}", hashlib.sha256(out).hexdigest()))
        report.cached += hit
        if kind == "gz":
            report.gz = len(out)
        else:
            report.br = len(out)
    if twins:
        report.raw = len(data)
    return report


def _process_star(args: tuple) -> FileReport:
    return process(*args)


def walk(site: Path) -> tuple[list[str], list[str]]:
    """Relative paths of the regular files of `site` (its .release/ aside), and what may not be published."""
    files, problems = [], []
    stack = [site]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = os.path.relpath(entry.path, site).replace(os.sep, "/")
                if rel == RELEASE_DIR:
                    continue
                if entry.is_symlink():
                    problems.append(f"{rel}: 符号链接不能发布（symbolic link in the site）")
                elif entry.is_dir():
                    stack.append(Path(entry.path))
                elif not entry.is_file():
                    problems.append(f"{rel}: 不是普通文件（not a regular file）")
                elif UNSAFE_NAME.search(rel) or any(part.startswith(".") for part in rel.split("/")):
                    problems.append(f"{rel!r}: 文件名含控制字符、反斜杠或以“.”开头，网站不会提供"
                                    "（control character, backslash or dotfile: not served）")
                else:
                    files.append(rel)
    return sorted(files), problems


def _locs(site: Path) -> list[str]:
    return sitemap.page_locs(site)


def site_url(site: Path) -> str | None:
    """The address the site was built for (mkdocs' site_url): its home page's address in the sitemap."""
    locs = _locs(site)
    return min(locs, key=len) if locs else None


def sitemap_pages(site: Path) -> list[str]:
    """Files the sitemap's pages live in (`agencies/x/` -> `agencies/x/index.html`), relative to the site."""
    locs = _locs(site)
    if not locs:
        return []
    base = urlparse(min(locs, key=len)).path   # the home page's address is the site's base
    pages = []
    for loc in locs:
        path = urlparse(loc).path
        rel = path[len(base):] if path.startswith(base) else path.lstrip("/")
        pages.append(rel + "index.html" if rel == "" or rel.endswith("/") else rel)
    return pages


def site_problems(site: Path, files: list[str], base_path: str = "/") -> list[str]:
    """Structural checks of a built site: the pages every build has, every sitemap page present, and the
    path it was built for (the 404 page's links are absolute: they only work at that path)."""
    present = set(files)
    problems = [f"{rel}: 缺少（missing）" for rel in REQUIRED if rel not in present]
    url = site_url(site) if "sitemap.xml" in present else None
    if url and urlparse(url).path != base_path:
        problems.append(f"站点按 {url} 构建，但将在路径 {base_path} 下提供：构建时设置 PLATFORM_SITE_URL=https://<域名>{base_path}"
                        f"（site built for {url}, served at {base_path}: set PLATFORM_SITE_URL）")
    if "sitemap.xml" in present:
        pages = sitemap_pages(site)
        problems += [f"{rel}: 站点地图中的页面不存在（page in the sitemap is missing）"
                     for rel in pages if rel not in present]
        if not pages:
            problems.append("sitemap.xml: 没有页面（no pages in the sitemap）")
    return problems


def twins_for(rel: str, present: set[str], settings: Settings) -> tuple[str, ...]:
    """Which compressed twins to make: compressible, not an attachment, not already in the build."""
    if ATTACHMENT.search(rel) or os.path.splitext(rel)[1].lower() not in COMPRESSIBLE:
        return ()
    kinds = ("gz",) + (("br",) if settings.brotli_quality is not None else ())
    return tuple(k for k in kinds if f"{rel}.{k}" not in present)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    problems: list[str]
    meta: dict


def git_commit(root: Path = ROOT) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "nogit"
    return out.stdout.strip()[:12] if out.returncode == 0 and out.stdout.strip() else "nogit"


def seal(site: Path, settings: Settings, commit: str | None = None, now: dt.datetime | None = None,
         base_path: str = "/") -> Outcome:
    """Check, precompress and write the manifest of `site`; nothing is written to .release/ on failure."""
    started = time.monotonic()
    release_dir = site / RELEASE_DIR
    previous = _read_json(site / META)
    files, problems = walk(site)
    if previous:   # a second `release` of the same folder: its twins are made again, not counted as pages
        present = set(files)
        made = {rel for rel in previous.get("twins", []) if isinstance(rel, str) and rel in present
                and rel.endswith((".gz", ".br")) and rel[:-3] in present}
        for rel in made:
            (site / rel).unlink()
        files = [rel for rel in files if rel not in made]
    shutil.rmtree(release_dir, ignore_errors=True)
    problems += site_problems(site, files, base_path)
    present = set(files)
    tasks = [(site, rel, twins_for(rel, present, settings), settings) for rel in files]
    reports: list[FileReport] = []
    if settings.jobs > 1 and len(tasks) > 50:
        with ProcessPoolExecutor(settings.jobs) as pool:
            reports = list(pool.map(_process_star, tasks, chunksize=16))
    else:
        reports = [process(*task) for task in tasks]
    for rel, report in zip(files, reports):
        problems += [f"{rel}: {item}（内容安全策略不允许内联脚本/样式 · CSP allows no inline script/style）"
                     for item in report.inline]
    twins = sorted(path for r in reports for path, _ in r.sums[1:])
    if problems:
        for rel in twins:
            (site / rel).unlink()
        return Outcome(False, problems, {})
    sums = sorted(entry for r in reports for entry in r.sums)
    sums_text = "".join(f"{sha}  {path}\n" for path, sha in sums)
    built = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    commit = re.sub(r"[^0-9a-z]", "", (commit or git_commit()).lower())[:40] or "nogit"
    raw, gz, br = (sum(getattr(r, k) for r in reports) for k in ("raw", "gz", "br"))
    meta = {
        "format": FORMAT,
        "name": f"{built:%Y%m%dT%H%M%SZ}-{commit}",
        "commit": commit,
        "built_at": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "site_url": site_url(site),
        "files": len(sums),
        "bytes": sum((site / path).stat().st_size for path, _ in sums),
        "sums_sha256": hashlib.sha256(sums_text.encode()).hexdigest(),
        "checks": ["required pages", "sitemap pages present", "regular files, safe names",
                   "no inline script/style"],
        "compression": {"gzip_level": settings.gzip_level, "brotli_quality": settings.brotli_quality,
                        "compressed_files": sum(1 for r in reports if r.raw), "raw_bytes": raw,
                        "gzip_bytes": gz, "brotli_bytes": br, "from_cache": sum(r.cached for r in reports),
                        "seconds": round(time.monotonic() - started, 2)},
        "twins": twins,
    }
    release_dir.mkdir()
    (site / SUMS).write_text(sums_text, encoding="utf-8")
    (site / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return Outcome(True, [], meta)


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def parse_sums(text: str) -> dict[str, str] | None:
    """SHA256SUMS as {path: sha256}; None when a line is not `<64 hex>  <path>`."""
    sums = {}
    for line in text.splitlines():
        m = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if not m:
            return None
        sums[m.group(2)] = m.group(1)
    return sums


def _hash_star(args: tuple[Path, str]) -> tuple[str, str | None]:
    site, rel = args
    try:
        return rel, sha256_file(site / rel)
    except OSError:
        return rel, None


def verify(site: Path, jobs: int = 1) -> tuple[dict | None, list[str]]:
    """The release manifest of `site` and every way the folder differs from it (empty list: intact)."""
    meta = _read_json(site / META)
    if meta is None or meta.get("format") != FORMAT:
        return None, [f"{site}: 没有发布清单 {META}：站点未经 `build_tools release` 检查，拒绝发布"
                      f"（no release manifest: run `make release`; refusing an unchecked site）"]
    if not NAME.match(str(meta.get("name", ""))):
        return None, [f"{META}: 发布名称无效（invalid release name {meta.get('name')!r}）"]
    try:
        sums_text = (site / SUMS).read_text(encoding="utf-8")
    except OSError:
        return None, [f"{SUMS}: 缺少（missing）"]
    if hashlib.sha256(sums_text.encode()).hexdigest() != meta.get("sums_sha256"):
        return None, [f"{SUMS}: 与 release.json 不一致（does not match release.json）"]
    sums = parse_sums(sums_text)
    if sums is None:
        return None, [f"{SUMS}: 格式错误（malformed）"]
    files, problems = walk(site)
    problems += [f"{rel}: 不在发布清单中（not in the manifest: added after the check）"
                 for rel in files if rel not in sums]
    tasks = [(site, rel) for rel in sorted(sums)]
    if jobs > 1 and len(tasks) > 200:
        with ProcessPoolExecutor(jobs) as pool:
            hashes = list(pool.map(_hash_star, tasks, chunksize=64))
    else:
        hashes = [_hash_star(task) for task in tasks]
    for rel, sha in hashes:
        if sha is None:
            problems.append(f"{rel}: 缺少（missing）")
        elif sha != sums[rel]:
            problems.append(f"{rel}: 内容与发布清单不符（changed after the check）")
    return meta, problems


def prune_cache(cache: Path | None, days: int = 14) -> None:
    """Drop compressed files not used for `days` days (every use touches its file)."""
    if cache is None or not cache.is_dir():
        return
    limit = time.time() - days * 86400
    for path in cache.glob("*/*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def cmd_release(args: argparse.Namespace) -> int:
    site = Path(args.site)
    if not site.is_dir():
        print(f"错误：{site} 不是目录（not a folder）", file=sys.stderr)
        return 2
    settings = Settings(gzip_level=args.gzip_level,
                        brotli_quality=None if args.brotli_quality < 0 else args.brotli_quality,
                        cache=cache_location(), jobs=args.jobs)
    outcome = seal(site, settings, commit=args.commit, base_path="/" + args.base_path.strip("/") + "/" if
                   args.base_path.strip("/") else "/")
    if not outcome.ok:
        for problem in outcome.problems:
            print(problem, file=sys.stderr)
        print(f"\n发布检查未通过：{len(outcome.problems)} 个问题，未写发布清单。"
              f"（release checks failed: {len(outcome.problems)} problem(s); no manifest written）", file=sys.stderr)
        return 1
    prune_cache(settings.cache)
    m, c = outcome.meta, outcome.meta["compression"]

    def ratio(n: float) -> str:
        return f"{n / c['raw_bytes']:.1%}" if c["raw_bytes"] else "-"

    print(f"发布 {m['name']}：{m['files']} 个文件，{m['bytes'] / 1e6:.1f} MB；压缩 {c['compressed_files']} 个文件 "
          f"{c['raw_bytes'] / 1e6:.1f} MB → gzip {ratio(c['gzip_bytes'])}，brotli {ratio(c['brotli_bytes'])}"
          f"（缓存命中 {c['from_cache']}），{c['seconds']} s", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("release", help="检查并封装已构建的站点，准备发布（check, precompress and seal a built site）")
    p.add_argument("site", nargs="?", default="site", help="已构建的站点目录（默认 site/）")
    p.add_argument("--commit", help="提交号（默认取 git HEAD）")
    p.add_argument("--base-path", default="/", help="站点在服务器上的路径（默认 /，与随附的 nginx 配置一致）")
    p.add_argument("--gzip-level", type=int, default=9, choices=range(1, 10), metavar="1-9")
    p.add_argument("--brotli-quality", type=int, default=11, choices=range(-1, 12), metavar="0-11",
                   help="brotli 压缩质量，-1 不生成 .br（默认 11，按内容缓存）")
    p.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1), help="并行进程数")
    p.set_defaults(func=cmd_release)
