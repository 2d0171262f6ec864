"""Upload a checked release to a host and switch to it; roll back.

    python -m build_tools deploy   [--site site] --to DIR|user@host:DIR [--keep 5] [--ssh "ssh -i KEY"]
    python -m build_tools rollback --to DIR|user@host:DIR [--release NAME] [--list]

`deploy` refuses a site whose release manifest is missing or does not match its files (release.py), uploads it
completely with rsync into DIR/releases/.partial-<name>/ (unchanged files are hard links into the current
release: only what changed travels), and only then runs host.sh there: check the upload against SHA256SUMS,
rename it to DIR/releases/<name>, switch DIR/current in one rename(2), keep the newest releases. A failure at any
step leaves `current`, and so the site being served, as it was. The same host.sh runs for a local folder (sh)
and for a remote one (ssh … sh -s), so the tests on local folders exercise the host steps the server runs.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..settings import environment
from .release import verify

HOST_SCRIPT = Path(__file__).with_name("host.sh")
DEFAULT_SSH = "ssh -o BatchMode=yes"
SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")        # passed through ssh and rsync without quoting surprises
SAFE_HOST = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.-]*@)?[A-Za-z0-9_][A-Za-z0-9_.-]*$")   # never an ssh option
REMOTE = re.compile(r"^(?P<host>[^/:]+):(?P<path>.+)$")  # rsync's rule: a colon before any slash is a host


class DeployError(Exception):
    """A refused or failed deploy (the message is for the operator)."""


@dataclass(frozen=True)
class Target:
    path: str                 # the release folder on the host
    host: str | None = None   # user@host for ssh; None for a local folder
    ssh: str = DEFAULT_SSH

    @classmethod
    def parse(cls, spec: str, ssh: str = DEFAULT_SSH) -> Target:
        m = REMOTE.match(spec)
        host, path = (m["host"], m["path"]) if m else (None, str(Path(spec).resolve()))
        if host is not None and not SAFE_HOST.match(host):
            raise DeployError(f"主机名无效（invalid host）：{host!r}")
        if not SAFE_PATH.match(path) or ".." in path.split("/"):
            raise DeployError(f"目录名只能含字母、数字和 _ . / -（unsafe target path）：{path!r}")
        return cls(path.rstrip("/") or "/", host, ssh)

    def rsync_dest(self, rel: str) -> str:
        where = f"{self.path}/{rel}/"
        return f"{self.host}:{where}" if self.host else where

    def run_host(self, *args: str) -> str:
        """host.sh CMD DIR ARGS… on the target; its stdout, or DeployError with its stderr."""
        script = HOST_SCRIPT.read_text()
        if self.host:
            remote = "sh -s -- " + " ".join(shlex.quote(a) for a in (args[0], self.path, *args[1:]))
            cmd = [*shlex.split(self.ssh), self.host, remote]
        else:
            cmd = ["sh", "-s", "--", args[0], self.path, *args[1:]]
        result = subprocess.run(cmd, input=script, capture_output=True, text=True)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            raise DeployError(f"目标主机上的步骤“{args[0]}”失败（host step {args[0]} failed）："
                              f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}")
        return result.stdout


def _fields(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def rsync_command(site: Path, target: Target, name: str, link_dest: str | None) -> list[str]:
    """Upload into releases/.partial-<name>/: contents compared by checksum, unchanged files hard-linked to
    the current release (no times preserved, so equal content links whatever its build time), modes made
    readable by the web server."""
    cmd = ["rsync", "--recursive", "--links", "--perms", "--checksum", "--delete",
           "--chmod=D755,F644", "--omit-dir-times"]
    if link_dest:
        cmd.append(f"--link-dest=../{link_dest}")
    if target.host:
        cmd += ["--compress", "-e", target.ssh]
    return cmd + [f"{site}/", target.rsync_dest(f"releases/.partial-{name}")]


def deploy(site: Path, target: Target, keep: int = 5, jobs: int = 1) -> str:
    """Upload `site` as a new release and switch to it; returns the release name."""
    meta, problems = verify(site, jobs)
    if problems:
        raise DeployError("拒绝发布：站点未通过发布检查或已被改动（refusing an unchecked or modified site）：\n  "
                          + "\n  ".join(problems[:20]) + ("\n  …" if len(problems) > 20 else ""))
    assert meta is not None
    name = meta["name"]
    state = _fields(target.run_host("prepare", name))
    if state.get("exists") != "1":
        current = state.get("current") or None
        result = subprocess.run(rsync_command(site, target, name, current), capture_output=True, text=True)
        if result.returncode != 0:
            raise DeployError(f"上传失败，线上站点未改变（upload failed, the live site is unchanged）：{result.stderr.strip()}")
    out = target.run_host("activate", name, str(keep))
    sys.stderr.write(out)
    return name


def rollback(target: Target, release: str | None = None) -> str:
    out = target.run_host("rollback", *([release] if release else []))
    sys.stderr.write(out)
    return out.strip().rsplit(" ", 1)[-1]


def cmd_deploy(args: argparse.Namespace) -> int:
    try:
        target = Target.parse(args.to, args.ssh)
        name = deploy(Path(args.site), target, args.keep, args.jobs)
    except DeployError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已发布 {name} 到 {args.to}（deployed）", file=sys.stderr)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    try:
        target = Target.parse(args.to, args.ssh)
        if args.list:
            sys.stdout.write(target.run_host("list"))
            return 0
        name = rollback(target, args.release)
    except DeployError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已回滚到 {name}（rolled back）", file=sys.stderr)
    return 0


def register(sub) -> None:
    ssh_help = f"ssh 命令及选项（默认 \"{DEFAULT_SSH}\"，如 \"ssh -i ~/.ssh/deploy -p 2222\"）"
    p = sub.add_parser("deploy", help="上传已检查的站点并原子切换（upload a checked release, switch atomically）")
    p.add_argument("--site", default="site", help="经 `release` 检查的站点目录（默认 site/）")
    p.add_argument("--to", required=True, help="发布目录：本地路径，或 user@host:/srv/platform")
    p.add_argument("--keep", type=int, default=5, help="保留最近几个发布（默认 5）")
    p.add_argument("--ssh", default=environment().deploy_ssh or DEFAULT_SSH, help=ssh_help)
    p.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1), help="校验文件的并行进程数")
    p.set_defaults(func=cmd_deploy)
    p = sub.add_parser("rollback", help="切换回上一个（或指定的）发布（switch back to an earlier release）")
    p.add_argument("--to", required=True, help="发布目录：本地路径，或 user@host:/srv/platform")
    p.add_argument("--release", help="发布名称（默认：当前发布之前的那个）")
    p.add_argument("--list", action="store_true", help="只列出发布（* 为当前）")
    p.add_argument("--ssh", default=environment().deploy_ssh or DEFAULT_SSH, help=ssh_help)
    p.set_defaults(func=cmd_rollback)
