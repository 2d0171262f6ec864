"""`python -m build_tools import-run config/imports.yaml [--report FILE] [--data DIR] [--dry-run]`

Runs the configured importers one after another — what the scheduled workflow (.github/workflows/import.yml)
does before it opens a pull request with the changes. Each entry names an importer and its export, either a
file in the repository (a maintainer drops it there) or a URL fetched here (http/https, at most 50 MB,
nothing else on the machine is read). The report is Markdown, for the pull request's description.

Exit status: 0 all rows imported or skipped, 1 some rows rejected (the rest is still imported), 2 an entry
could not be run at all (bad config, download failed, unusable file).
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import yaml

from ...context import ROOT
from . import agencies, credit, letters, policies, store
from .table import MAX_INPUT, ImportFileError

# importer -> (function, options it accepts from the config: config key -> keyword)
IMPORTERS: dict[str, tuple[Callable[..., store.Report], dict[str, str]]] = {
    "agencies": (agencies.import_agencies, {"list": "list_name", "publisher": "publisher", "region": "region",
                                            "date": "date", "source_url": "url", "title": "title",
                                            "partial": "partial"}),
    "credit": (credit.import_credit, {"type": "default_type", "title": "title", "publisher": "publisher",
                                      "region": "region", "date": "date", "source_url": "url"}),
    "policies": (policies.import_policies, {"issuer": "issuer"}),
    "letters": (letters.import_letters, {"mailbox": "mailbox"}),
}
TIMEOUT = 60


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    importer: str
    file: str | None
    url: str | None
    options: dict[str, Any]

    @property
    def name(self) -> str:
        return self.file or self.url or "?"


def load_config(path: Path) -> list[Entry]:
    """The entries of config/imports.yaml, checked before anything runs."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = doc.get("imports") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{path}：须有 imports 列表")
    out, problems = [], []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("importer") not in IMPORTERS:
            problems.append(f"第 {n} 项：importer 须为 {'、'.join(IMPORTERS)} 之一")
            continue
        accepted = IMPORTERS[item["importer"]][1]
        unknown = set(item) - {"importer", "file", "url"} - set(accepted)
        if unknown:
            problems.append(f"第 {n} 项：不认识的设置 {'、'.join(sorted(unknown))}（可用：{'、'.join(accepted)}）")
        if bool(item.get("file")) == bool(item.get("url")):
            problems.append(f"第 {n} 项：file（仓库中的文件）与 url（下载地址）须且只须填写一个")
        elif item.get("url") and urlsplit(str(item["url"])).scheme not in ("http", "https"):
            problems.append(f"第 {n} 项：url 须以 https:// 或 http:// 开头")
        options = {accepted[k]: v for k, v in item.items() if k in accepted}
        if options.get("date") and not isinstance(options["date"], dt.date):  # YAML reads 2026-10-31 as a date
            try:
                options["date"] = dt.date.fromisoformat(str(options["date"]))
            except ValueError:
                problems.append(f"第 {n} 项：date 须为 YYYY-MM-DD")
        if "list_name" in options:
            options["list_name"] = agencies.ALIASES.get(str(options["list_name"]))
            if options["list_name"] is None:
                problems.append(f"第 {n} 项：list 须为 {'、'.join(agencies.LISTS)}")
        elif item["importer"] == "agencies":
            problems.append(f"第 {n} 项：agencies 须写明 list 与 publisher")
        out.append(Entry(item["importer"], item.get("file"), item.get("url"), options))
    if problems:
        raise ConfigError("\n".join(problems))
    return out


def fetch(url: str, folder: Path) -> Path:
    """Download one export (size-capped) into `folder`, keeping the file's extension for the reader."""
    suffix = Path(urlsplit(url).path).suffix.lower() or ".csv"
    target = folder / f"export{suffix}"
    request = urllib.request.Request(url, headers={"User-Agent": "platform-importer"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked in load_config
        data = response.read(MAX_INPUT + 1)
    if len(data) > MAX_INPUT:
        raise ImportFileError(f"下载的文件超过 {MAX_INPUT} 字节")
    target.write_bytes(data)
    return target


def run_entry(entry: Entry, data_dir: Path, root: Path, dry_run: bool) -> tuple[int, list[str]]:
    """(exit status, report lines) of one entry."""
    function = IMPORTERS[entry.importer][0]
    with tempfile.TemporaryDirectory(prefix="import-") as tmp:
        try:
            if entry.url:
                source = fetch(entry.url, Path(tmp))
            else:
                assert entry.file is not None  # load_config: an entry names a url or a file
                source = (root / entry.file).resolve()
                if not source.is_relative_to(root.resolve()):
                    raise ImportFileError("file 须为仓库中的文件")
            report = function(source, data_dir, dry_run=dry_run, **entry.options)
        except (ImportFileError, OSError, ValueError) as exc:
            return 2, [f"无法导入：{exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"]
    lines = list(store.format_report(report, Path(entry.name), dry_run))
    return (1 if report.rejected else 0), lines


def import_run(config: Path, data_dir: Path, root: Path = ROOT, dry_run: bool = False) -> tuple[int, str]:
    """Run every entry; (worst exit status, Markdown report)."""
    entries = load_config(config)
    worst, parts = 0, [f"# 官方数据导入（{store.today().isoformat()}）", ""]
    for entry in entries:
        status, lines = run_entry(entry, data_dir, root, dry_run)
        worst = max(worst, status)
        parts += [f"## {entry.importer}：{entry.name}", "", "```text", *lines, "```", ""]
    if not entries:
        parts.append("config 中没有配置导出文件。")
    return worst, "\n".join(parts) + "\n"


def cmd_run(args: argparse.Namespace) -> int:
    try:
        status, text = import_run(Path(args.config), Path(args.data), dry_run=args.dry_run)
    except (ConfigError, OSError, yaml.YAMLError) as exc:
        print(f"导入配置有误：{exc}")
        return 2
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    print(text, end="")
    return status


def register(sub) -> None:
    p = sub.add_parser("import-run", help="按配置运行各导入程序 (run the importers listed in config/imports.yaml)")
    p.add_argument("config", nargs="?", default=str(ROOT / "config" / "imports.yaml"),
                   help="导入配置（默认 config/imports.yaml）")
    p.add_argument("--data", default=str(ROOT / "data"), help="数据目录（默认 data/）")
    p.add_argument("--report", help="另将报告写入此文件（Markdown，用作合并请求说明）")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入文件")
    p.set_defaults(func=cmd_run)
