"""Releases on local folders: the manifest, the refusals, the atomic switch, N kept, rollback.

The host steps are the same host.sh the server runs (sh locally; over ssh for a remote target, exercised here
through a stand-in `ssh` that runs the command on this machine, as the real one would on the server).
"""
from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import brotli
import pytest

from build_tools.deploy import hosts, release
from build_tools.deploy.inline import inline_code
from conftest import MINI, ROOT, build_site

FAST = dict(brotli_quality=5, jobs=2)   # brotli's best quality is slow; the code path is the same


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("deploy-built")
    result = build_site(MINI, site, env={"PLATFORM_SITE_URL": "http://127.0.0.1/"})
    assert result.returncode == 0, result.stderr
    return site


def copy_site(built: Path, tmp_path: Path, name: str = "site") -> Path:
    dst = tmp_path / name
    shutil.copytree(built, dst)
    return dst


def seal(site: Path, minute: int = 0, commit: str = "abc123") -> dict:
    now = dt.datetime(2026, 11, 25, 18, minute, tzinfo=dt.UTC)
    outcome = release.seal(site, release.Settings(cache=release.cache_location(), **FAST), commit=commit, now=now)
    assert outcome.ok, outcome.problems
    return outcome.meta


def current(target: Path) -> str:
    return os.readlink(target / "current")


def names(target: Path) -> list[str]:
    return sorted(p.name for p in (target / "releases").iterdir())


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "build_tools", *args], cwd=ROOT, capture_output=True, text=True)


# --- release: checks, precompression, manifest --------------------------------------------------------
def test_release_writes_manifest_and_compressed_twins(built, tmp_path):
    site = copy_site(built, tmp_path)
    meta = seal(site)
    assert meta["name"] == "20261125T180000Z-abc123"
    sums = release.parse_sums((site / release.SUMS).read_text())
    on_disk = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and ".release" not in p.parts}
    assert set(sums) == on_disk and meta["files"] == len(on_disk)
    assert release.verify(site) == (meta, [])
    page = (site / "agencies/index.html").read_bytes()
    assert gzip.decompress((site / "agencies/index.html.gz").read_bytes()) == page
    assert brotli.decompress((site / "agencies/index.html.br").read_bytes()) == page
    assert len((site / "agencies/index.html.br").read_bytes()) < len(page) / 2
    # attachments submitted with records are published as they are: no twins that nginx could serve instead
    attachments = [p for p in site.rglob("*") if "files" in p.parts and p.is_file()]
    assert attachments and not [p for p in attachments if p.suffix in (".gz", ".br")]
    c = meta["compression"]
    assert c["compressed_files"] > 50 and 0 < c["brotli_bytes"] < c["gzip_bytes"] < c["raw_bytes"]


def test_release_output_is_reproducible(built, tmp_path):
    a, b = copy_site(built, tmp_path, "a"), copy_site(built, tmp_path, "b")
    seal(a)
    meta = release.seal(b, release.Settings(cache=None, **FAST), commit="abc123",
                        now=dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC)).meta   # no cache: compressed anew
    assert (a / release.SUMS).read_bytes() == (b / release.SUMS).read_bytes()
    assert meta["compression"]["from_cache"] == 0


def test_sealing_again_remakes_the_twins(built, tmp_path):
    site = copy_site(built, tmp_path)
    first = seal(site)
    second = seal(site, minute=5)
    assert (first["files"], first["sums_sha256"]) == (second["files"], second["sums_sha256"])
    assert second["compression"]["from_cache"] >= second["compression"]["compressed_files"]   # nothing recompressed
    assert not list(site.rglob("*.gz.gz")) and not list(site.rglob("*.br.gz"))


@pytest.mark.parametrize("inject, kind", [
    ("<script>alert(1)</script>", "script"),
    ('<a href="#" onclick="alert(1)">x</a>', "handler"),
    ('<a href=" javascript:alert(1)">x</a>', "javascript-url"),
    ("<style>body{color:red}</style>", "style"),
    ('<p style="color:red">x</p>', "style-attribute"),
])
def test_release_refuses_inline_script_or_style(built, tmp_path, inject, kind):
    site = copy_site(built, tmp_path)
    page = site / "about/index.html"
    page.write_text(page.read_text().replace("</article>", inject + "</article>", 1))
    outcome = release.seal(site, release.Settings(cache=None, **FAST))
    assert not outcome.ok
    assert [p for p in outcome.problems if p.startswith("about/index.html: line ") and f"inline {kind}" in p]
    assert not (site / ".release").exists() and not list(site.rglob("*.br"))   # nothing half-written


def test_data_blocks_and_external_scripts_are_allowed():
    html = ('<script type="application/json">{"a": "<b>"}</script><script src="x.js"></script>'
            '<script></script><a href="files/a.pdf">a</a>')
    assert inline_code(html) == []
    assert [i.kind for i in inline_code('<script type="module">1</script><script> </script>')] == ["script", "script"]


def test_built_site_has_no_inline_code(built):
    """The theme's own inline scripts were moved to files; every page of the fixture site is clean."""
    found = {str(p.relative_to(built)): inline_code(p.read_text()) for p in built.rglob("*.html")}
    assert len(found) > 20 and {k: v for k, v in found.items() if v} == {}


def test_release_refuses_incomplete_or_unpublishable_sites(built, tmp_path):
    site = copy_site(built, tmp_path)
    (site / "courses/index.html").unlink()                        # a page of the sitemap is missing
    (site / "pagefind/pagefind-entry.json").unlink()              # a file every build has (the site search)
    (site / "agencies/link.html").symlink_to(site / "index.html")
    (site / "agencies/.hidden").write_text("x")
    problems = release.seal(site, release.Settings(cache=None, **FAST)).problems
    assert "courses/index.html: 站点地图中的页面不存在（page in the sitemap is missing）" in problems
    assert "pagefind/pagefind-entry.json: 缺少（missing）" in problems
    assert any(p.startswith("agencies/link.html: 符号链接") for p in problems)
    assert any(p.startswith("'agencies/.hidden'") for p in problems)


def test_release_command(built, tmp_path):
    site = copy_site(built, tmp_path)
    result = cli("release", str(site), "--commit", "0123abcdef99", "--brotli-quality", "4")
    assert result.returncode == 0, result.stderr
    assert "-0123abcdef99：" in result.stderr and "brotli" in result.stderr
    (site / "about/index.html").write_text("<p onmouseover=x()>")
    result = cli("release", str(site))
    assert result.returncode == 1 and "about/index.html: line 1: inline handler" in result.stderr
    assert not (site / ".release").exists()


# --- deploy -----------------------------------------------------------------------------------------
def test_deploy_refuses_a_site_without_a_manifest(built, tmp_path):
    target = tmp_path / "srv"
    result = cli("deploy", "--site", str(built), "--to", str(target))
    assert result.returncode == 1 and "拒绝发布" in result.stderr and "make release" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("tamper", ["change", "add", "remove", "manifest"])
def test_deploy_refuses_a_site_changed_after_its_checks(built, tmp_path, tamper):
    site = copy_site(built, tmp_path)
    seal(site)
    target = tmp_path / "srv"
    hosts.deploy(site, hosts.Target.parse(str(target)))
    before = current(target)
    if tamper == "change":
        (site / "index.html").write_text("<h1>defaced</h1>")
    elif tamper == "add":
        (site / "extra.html").write_text("<h1>extra</h1>")
    elif tamper == "remove":
        (site / "about/index.html").unlink()
    else:
        (site / release.SUMS).write_text("")
    with pytest.raises(hosts.DeployError, match="拒绝发布"):
        hosts.deploy(site, hosts.Target.parse(str(target)))
    assert current(target) == before


def test_deploy_keep_rollback_and_hard_links(built, tmp_path):
    target = tmp_path / "srv"
    deployed = []
    for minute in range(4):
        site = copy_site(built, tmp_path, f"site{minute}")
        (site / "about/index.html").write_text((site / "about/index.html").read_text().replace(
            "</article>", f"<p>build {minute}</p></article>", 1))
        deployed.append(seal(site, minute=minute, commit=f"c{minute}")["name"])
        hosts.deploy(site, hosts.Target.parse(str(target)), keep=3)
        assert current(target) == f"releases/{deployed[-1]}"
        assert f"build {minute}" in (target / "current/about/index.html").read_text()
    assert names(target) == deployed[1:]                     # the oldest of four is gone: three kept
    new, old = target / "releases" / deployed[3], target / "releases" / deployed[2]
    # unchanged files are hard links to the previous release (only changes are uploaded and stored)
    assert (new / "assets/javascripts/plotly.min.js").stat().st_ino == (old / "assets/javascripts/plotly.min.js").stat().st_ino
    assert (new / "about/index.html").stat().st_ino != (old / "about/index.html").stat().st_ino
    # rollback: one step back, then to a named release, each checked before switching
    result = cli("rollback", "--to", str(target))
    assert result.returncode == 0, result.stderr
    assert current(target) == f"releases/{deployed[2]}" and "build 2" in (target / "current/about/index.html").read_text()
    assert cli("rollback", "--to", str(target), "--release", deployed[1]).returncode == 0
    assert current(target) == f"releases/{deployed[1]}"
    assert cli("rollback", "--to", str(target)).returncode == 1      # nothing older is kept
    listing = cli("rollback", "--to", str(target), "--list").stdout.splitlines()
    assert listing == [f"  {deployed[3]}", f"  {deployed[2]}", f"* {deployed[1]}"]
    # a new deploy after a rollback keeps the current release whatever its age
    site = copy_site(built, tmp_path, "site9")
    name = seal(site, minute=9, commit="c9")["name"]
    hosts.deploy(site, hosts.Target.parse(str(target)), keep=1)
    assert names(target) == [name] and current(target) == f"releases/{name}"


def test_rollback_refuses_a_damaged_release(built, tmp_path):
    target = tmp_path / "srv"
    for minute in range(2):
        site = copy_site(built, tmp_path, f"site{minute}")
        seal(site, minute=minute, commit=f"c{minute}")
        hosts.deploy(site, hosts.Target.parse(str(target)))
    live = current(target)
    older = target / "releases" / names(target)[0]
    (older / "index.html").write_text("<h1>changed on the server</h1>")
    result = cli("rollback", "--to", str(target))
    assert result.returncode == 1 and "files differ from the manifest" in result.stderr
    assert current(target) == live


def test_host_refuses_an_upload_that_differs_from_its_manifest(built, tmp_path):
    """The host checks the uploaded copy itself before switching (a transfer that went wrong)."""
    site = copy_site(built, tmp_path)
    name = seal(site)["name"]
    target = hosts.Target.parse(str(tmp_path / "srv"))
    target.run_host("prepare", name)
    partial = tmp_path / "srv/releases" / f".partial-{name}"
    shutil.copytree(site, partial)
    (partial / "404.html").write_text("truncated")
    with pytest.raises(hosts.DeployError, match="activate"):
        target.run_host("activate", name, "5")
    assert not partial.exists() and not (tmp_path / "srv/current").exists()
    assert not (tmp_path / "srv/releases" / name).exists()


def test_switch_is_atomic_for_a_reader(built, tmp_path):
    """A reader that keeps opening current/index.html while releases switch never misses it."""
    target = tmp_path / "srv"
    sites = []
    for minute in range(3):
        site = copy_site(built, tmp_path, f"site{minute}")
        seal(site, minute=minute, commit=f"c{minute}")
        sites.append(site)
    hosts.deploy(sites[0], hosts.Target.parse(str(target)))
    misses, reads, stop = [], [0], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                (target / "current/index.html").read_bytes()
                reads[0] += 1
            except OSError as exc:
                misses.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for site in sites[1:] + sites[:1] + sites[1:]:
            hosts.deploy(site, hosts.Target.parse(str(target)))
    finally:
        stop.set()
        thread.join()
    assert misses == [] and reads[0] > 100


def test_remote_target_over_ssh(built, tmp_path):
    """user@host:DIR: rsync and host.sh go through `ssh`; a stand-in runs them here, like sshd would."""
    fake = tmp_path / "fake-ssh"
    fake.write_text('#!/bin/sh\n# ssh [-o opt] [-l user]... host command...\n'
                    'while [ "${1#-}" != "$1" ]; do case "$1" in -[olpiF]) shift 2;; *) shift;; esac; done\n'
                    'echo "$1" >> "$(dirname "$0")/hosts.txt"; shift\nexec sh -c "$*"\n')
    fake.chmod(0o755)
    site = copy_site(built, tmp_path)
    name = seal(site)["name"]
    srv = tmp_path / "srv"
    target = hosts.Target.parse(f"deploy@bureau-web:{srv}", ssh=f"{fake} -o BatchMode=yes")
    assert (target.host, target.path) == ("deploy@bureau-web", str(srv))
    assert hosts.deploy(site, target) == name
    assert current(srv) == f"releases/{name}" and (srv / "current/index.html").read_bytes() == (site / "index.html").read_bytes()
    assert set((tmp_path / "hosts.txt").read_text().split()) <= {"deploy@bureau-web", "bureau-web"}   # rsync: -l user
    assert "-e" in hosts.rsync_command(site, target, name, None)


@pytest.mark.parametrize("spec", ["host:/srv/a b", "host:/srv/$(id)", "ho;st:/srv", "h:../etc", "h:/x/../y", "-oProxyCommand=x:/srv", "-oProxyCommandx:/srv"])
def test_unsafe_targets_are_refused(spec):
    with pytest.raises(hosts.DeployError):
        hosts.Target.parse(spec)


def test_nginx_serves_the_new_release_at_once(built, tmp_path, nginx):
    target = tmp_path / "srv"
    site_a, site_b = copy_site(built, tmp_path, "a"), copy_site(built, tmp_path, "b")
    (site_b / "about/index.html").write_text((site_b / "about/index.html").read_text().replace(
        "</article>", "<p>second release</p></article>", 1))
    seal(site_a, minute=1, commit="a1")
    seal(site_b, minute=2, commit="b2")
    hosts.deploy(site_a, hosts.Target.parse(str(target)))
    base, _log = nginx(target / "current")

    def fetch() -> str:
        return urllib.request.urlopen(base + "about/", timeout=10).read().decode()

    assert "second release" not in fetch()
    hosts.deploy(site_b, hosts.Target.parse(str(target)))
    assert "second release" in fetch()
    hosts.rollback(hosts.Target.parse(str(target)))
    assert "second release" not in fetch()


def test_release_refuses_a_site_built_for_another_path(mini_site, tmp_path):
    """mkdocs.yml's site_url has a path (/eco-third-party/); the 404 page's links only work there."""
    site = copy_site(mini_site, tmp_path)
    problems = release.seal(site, release.Settings(cache=None, **FAST)).problems
    assert [p for p in problems if "PLATFORM_SITE_URL" in p and "/eco-third-party/" in p]
    outcome = release.seal(site, release.Settings(cache=None, **FAST), base_path="/eco-third-party/")
    assert outcome.ok and outcome.meta["site_url"] == "https://example.org/eco-third-party/"


def test_nightly_workflow_can_deploy_to_the_bureau_after_the_tests():
    import yaml
    doc = yaml.load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    job = doc["jobs"]["deploy-bureau"]
    assert job["needs"] == "build" and job["if"] == "vars.BUREAU_DEPLOY_TO != ''"   # opt-in, after the tests
    assert job["permissions"] == {"contents": "read"} and job["environment"]["name"] == "bureau"
    steps = job["steps"]
    assert steps[0]["with"]["persist-credentials"] == "false"
    runs = [s.get("run", "") for s in steps]
    assert runs.index("make release") < next(i for i, r in enumerate(runs) if "build_tools deploy" in r)
    deploy = next(r for r in runs if "build_tools deploy" in r)
    assert "StrictHostKeyChecking=yes" in deploy and "secrets." not in deploy   # secrets only through env


def test_deploy_settings_come_from_the_environment_object():
    from build_tools.settings import Environment
    env = Environment.from_environ({"PLATFORM_SITE_URL": "https://hbfw.example.gov.cn", "PLATFORM_COMPRESS_CACHE": "0",
                                    "PLATFORM_DEPLOY_SSH": "ssh -p 2222"})
    assert (env.site_url, env.deploy_ssh) == ("https://hbfw.example.gov.cn/", "ssh -p 2222")
    assert release.cache_location(env) is None
    assert release.cache_location(Environment()) == ROOT / ".cache" / "compress"
