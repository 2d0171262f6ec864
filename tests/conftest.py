"""Shared fixtures: build the real site from fixture data into a temp dir, serve it, drive Chromium."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
TODAY = "2026-11-25"  # pinned so "expired" and "open" flags are reproducible
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Keep the validation cache of test runs (many temporary data roots) out of the working tree.
os.environ.setdefault("PLATFORM_CACHE", tempfile.mkdtemp(prefix="tp-validate-cache-"))
os.environ.setdefault("PLATFORM_PAGE_CACHE", tempfile.mkdtemp(prefix="tp-page-cache-"))
os.environ.setdefault("PLATFORM_STRICT_FACTS", "1")  # cross-record checks may read declared fields only
# Tests seal to the DEMO key of tests/keys (its private key is published there, so tests can unseal);
# the fixtures' numbers are sealed to it. The sample site's config/sealing.yaml key is another one.
KEYS = Path(__file__).resolve().parent / "keys"
DEMO_PUBLIC, DEMO_PRIVATE = KEYS / "demo-bureau-public.yaml", KEYS / "demo-bureau-private.pem"
os.environ.setdefault("PLATFORM_SEALING_KEY", str(DEMO_PUBLIC))


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
