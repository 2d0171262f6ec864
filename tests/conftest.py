"""Shared fixtures: build the real site from fixture data into a temp dir, serve it, drive Chromium."""
from __future__ import annotations

import functools
import http.server
import inspect
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
TODAY = "2026-11-25"  # pinned so "expired" and "open" flags are reproducible
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Keep the validation cache of test runs (many temporary data roots) out of the working tree.
os.environ.setdefault("PLATFORM_CACHE", tempfile.mkdtemp(prefix="tp-validate-cache-"))
os.environ.setdefault("PLATFORM_PAGE_CACHE", tempfile.mkdtemp(prefix="tp-page-cache-"))
os.environ.setdefault("PLATFORM_STRICT_FACTS", "1")  # cross-record checks may read declared fields only
# Tests seal to the DEMO key of tests/keys (its private key is published there, so tests can unseal);
# the fixtures' numbers are sealed to it. The sample site's config/sealing.yaml key is another one.
KEYS = Path(__file__).resolve().parent / "keys"
DEMO_PUBLIC, DEMO_PRIVATE = KEYS / "demo-bureau-public.yaml", KEYS / "demo-bureau-private.pem"
os.environ.setdefault("PLATFORM_SEALING_KEY", str(DEMO_PUBLIC))
os.environ.setdefault("PLATFORM_COMPRESS_CACHE", tempfile.mkdtemp(prefix="tp-compress-cache-"))


def build_site(data_dir: Path, site_dir: Path, env: dict[str, str] | None = None,
               config: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `mkdocs build` on `data_dir` into `site_dir` (never raises)."""
    full_env = {**os.environ, "PLATFORM_DATA": str(data_dir), "PLATFORM_TODAY": TODAY,
                "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site_dir)]
    if config:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True)


def built_site(data_dir: Path, tmp_path_factory, name: str) -> Path:
    """Build `data_dir` into a fresh temp folder for a module/session fixture; the build must succeed."""
    site = tmp_path_factory.mktemp(name)
    result = build_site(data_dir, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    return built_site(MINI, tmp_path_factory, "mini-site")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def serve():
    """serve(site_dir) -> base URL of a loopback HTTP server for that folder."""
    servers = []

    def start(site_dir: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(site_dir))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def nginx(tmp_path_factory):
    """nginx(root) -> (base URL, access log): Debian's nginx serving `root` through the shipped configuration.

    Runs in the foreground with its own prefix, pid, logs and temp folders in a temp dir, on a free port of
    127.0.0.1 (no root-owned paths); every server is stopped at the end of the session."""
    from build_tools.deploy import nginx as conf
    if not Path(NGINX).exists():
        pytest.fail("Debian nginx is not installed: run `make test`, which installs it")
    running: list[subprocess.Popen] = []

    def start(root: Path) -> tuple[str, Path]:
        for _attempt in range(5):   # the free port may be taken between choosing and binding it
            work = tmp_path_factory.mktemp("nginx")
            port, log = _free_port(), work / "access.log"
            server = conf.Server(root=str(root), listen=f"127.0.0.1:{port}", access_log=str(log),
                                 brotli=conf.brotli_available())
            (work / "nginx.conf").write_text(conf.standalone(conf.render(server), work, server.brotli))
            proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    running.append(proc)
                    return f"http://127.0.0.1:{port}/", log
                except OSError:
                    time.sleep(0.05)
            proc.kill()
            error = proc.communicate()[1].decode(errors="replace")
            if (work / "error.log").exists():
                error += (work / "error.log").read_text(errors="replace")
            if "Address already in use" not in error:
                pytest.fail(f"nginx did not start:\n{error}")
        pytest.fail("nginx: no free port after 5 attempts")

    yield start
    for proc in running:
        proc.send_signal(signal.SIGQUIT)   # graceful: finish requests, flush the access log
    for proc in running:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make test`, which installs it")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # tests assert no script errors happened
    yield pg
    context.close()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the mini fixture data, for tests that break it on purpose."""
    dst = tmp_path / "data"
    shutil.copytree(MINI, dst)
    return dst


# Markers (registered in pyproject.toml), set here by what a test uses rather than by hand in every file:
# `browser` for tests that drive Chromium, `slow` for tests that build a whole site or run nginx (directly or
# through a fixture). `make test-fast` runs `-m "not browser and not slow"`; `make test` runs everything.
BROWSER_FIXTURES = {"browser", "page"}
SLOW_CALLS = ("build_site(", "built_site(", "nginx(", '"mkdocs"', "build-site", "benchmarks.generate")


@functools.cache
def _builds_site(func) -> bool:
    """Whether a test or fixture function calls one of SLOW_CALLS (read from its source once)."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    return any(call in source for call in SLOW_CALLS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        funcs = [d.func for name in names for d in defs.get(name, ())]
        if "nginx" in names or any(_builds_site(f) for f in [getattr(item, "function", None), *funcs] if f):
            item.add_marker(pytest.mark.slow)
