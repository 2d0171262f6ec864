"""`python -m build_tools build-site [--site-dir site]`: build the site so that site/ is always whole.

`make site` runs this. Two builds at once (two terminals, a CI retry) used to share one `site.tmp/`:
one deleted the other's half-written folder and both printed success over a partial site. Now a build
- waits for a lock (`.<site>.lock` next to the site folder), so builds of one folder run one at a time;
- writes into its own fresh temporary folder next to the site folder;
- replaces the site folder in one step (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames), so
  a reader sees the old site or the new one, never a mixture, and a failed build leaves the old one.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..context import ROOT

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically where the kernel and C library offer it; False when they do not."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def replace_dir(new: Path, target: Path) -> None:
    """Put folder `new` in place of folder `target` (which may not exist); `new` is gone afterwards."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, old / target.name)
    os.rename(new, target)
    shutil.rmtree(old)


def build(site: Path, mkdocs_args: list[str] | None = None) -> int:
    """Run `mkdocs build` into a private folder and swap it in; returns mkdocs' exit status."""
    site = Path(os.path.abspath(site))
    site.parent.mkdir(parents=True, exist_ok=True)
    with open(site.parent / f".{site.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if we are killed
        tmp = Path(tempfile.mkdtemp(prefix=f".{site.name}.tmp-", dir=site.parent))
        try:
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a web server must read the site
            cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(tmp), *(mkdocs_args or [])]
            result = subprocess.run(cmd, cwd=ROOT)
            if result.returncode != 0:
                print("站点未生成，原有站点保持不变。（build failed; the previous site is unchanged）", file=sys.stderr)
                return result.returncode
            replace_dir(tmp, site)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def cmd_build_site(args: argparse.Namespace) -> int:
    return build(args.site_dir)


def register(sub) -> None:
    p = sub.add_parser("build-site", help="生成站点（先写入临时目录，成功后整体替换）(build the site atomically)")
    p.add_argument("--site-dir", type=Path, default=ROOT / "site", help="站点目录（默认 site/）")
    p.set_defaults(func=cmd_build_site)
