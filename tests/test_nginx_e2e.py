"""End to end through the real web server: Debian's nginx with the shipped configuration.

The fixture site is built as the bureau would serve it (PLATFORM_SITE_URL at the host's root), sealed with
`release`, deployed to a local release folder, and served from its `current` link by nginx on 127.0.0.1.
Chromium then visits every page of the sitemap (and a missing one), using what is on each page (search, the Q&A
box, the directory filter, chart hover) as a person would, and must meet zero Content-Security-Policy
violations and zero console errors. The access log those visits wrote is fed to a build (data/usage/) and
must appear in the annual report's usage section.
"""
from __future__ import annotations

import datetime as dt
import gzip
import http.client
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import brotli
import pytest

from build_tools.deploy import hosts, release
from conftest import MINI, ROOT, build_site

SITE_URL = "http://127.0.0.1/"   # served at the host's root, as the shipped configuration does
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""


def expected_csp() -> str:
    text = (ROOT / "deploy/nginx/security-headers.conf").read_text()
    return re.search(r'add_header Content-Security-Policy "([^"]+)"', text).group(1)


@dataclass
class Deployed:
    site: Path      # the sealed build
    target: Path    # the release folder; nginx serves target/current


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Deployed:
    site = tmp_path_factory.mktemp("nginx-site")
    result = build_site(MINI, site, env={"PLATFORM_SITE_URL": SITE_URL})
    assert result.returncode == 0, result.stderr
    outcome = release.seal(site, release.Settings(brotli_quality=5, cache=release.cache_location(), jobs=2))
    assert outcome.ok, outcome.problems
    target = tmp_path_factory.mktemp("srv")
    hosts.deploy(site, hosts.Target.parse(str(target)))
    return Deployed(site, target)


def request(base: str, path: str, encoding: str | None = None) -> tuple[int, dict[str, str], bytes]:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", "/" + path, headers={"Accept-Encoding": encoding or "identity", "User-Agent": "curl/test"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_security_headers_on_every_kind_of_response(deployed, nginx):
    base, _log = nginx(deployed.target / "current")
    csp = expected_csp()
    hashed = next(p for p in (deployed.site / "assets/javascripts").glob("bundle.*.min.js"))
    pdf = next(deployed.site.glob("agencies/*/files/*.pdf"))
    cases = {
        "": ("text/html", "no-cache"),
        "agencies/": ("text/html", "no-cache"),
        f"assets/javascripts/{hashed.name}": ("application/javascript", "public, max-age=31536000, immutable"),
        "assets/javascripts/qa.js": ("application/javascript", "no-cache"),   # no hash in the name: revalidate
        "pagefind/pagefind-entry.json": ("application/json", "no-cache"),   # the site search's index
        str(pdf.relative_to(deployed.site)): ("application/pdf", "no-cache"),
        "no-such-page/": ("text/html", "no-cache"),
    }
    for path, (ctype, cache) in cases.items():
        status, headers, _ = request(base, path)
        assert status == (404 if path.startswith("no-such") else 200), path
        assert headers["content-type"].startswith(ctype), path
        assert headers["cache-control"] == cache, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "server" not in headers or headers["server"] == "nginx", path   # no version
        if "/files/" in path:   # submitted files: a download, sandboxed, never the site's CSP-free origin
            assert headers["content-disposition"] == "attachment"
            assert headers["content-security-policy"] == "default-src 'none'; sandbox"
        else:
            assert headers["content-security-policy"] == csp, path
            assert "frame-ancestors 'none'" in csp and "script-src 'self' 'wasm-unsafe-eval';" in csp
            assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
    # the release manifest and dotfiles are not published
    assert request(base, ".release/release.json")[0] == 404
    assert request(base, ".release/SHA256SUMS")[0] == 404


def test_precompressed_files_are_served(deployed, nginx):
    base, _log = nginx(deployed.target / "current")
    original = (deployed.site / "agencies/index.html").read_bytes()
    status, headers, body = request(base, "agencies/", "gzip")
    assert (status, headers.get("content-encoding"), headers["vary"]) == (200, "gzip", "Accept-Encoding")
    assert gzip.decompress(body) == original
    status, headers, body = request(base, "agencies/", "gzip, deflate, br")
    assert headers.get("content-encoding") == "br" and brotli.decompress(body) == original   # Debian's module
    assert len(body) < len(original) / 3
    status, headers, body = request(base, "agencies/")
    assert "content-encoding" not in headers and body == original
    pdf = next(deployed.site.glob("agencies/*/files/*.pdf"))
    status, headers, body = request(base, str(pdf.relative_to(deployed.site)), "gzip, br")
    assert "content-encoding" not in headers and body == pdf.read_bytes()


@dataclass
class Visit:
    status: int
    violations: list[str]
    errors: list[str]
    theme_ran: bool
    used: list[str] = field(default_factory=list)   # the page's features exercised


@dataclass
class Visits:
    base: str
    log: Path
    pages: dict[str, Visit]
    external: list[str]


def use_page(page) -> list[str]:
    """Use what the page offers, as a person would; returns what was used."""
    used = []
    if page.locator(".tp-qa-input").count():
        page.fill(".tp-qa-input", "空气质量标准")
        page.press(".tp-qa-input", "Enter")
        page.wait_for_selector(".tp-qa-results .tp-qa-card, .tp-qa-results .tp-qa-none", timeout=10_000)
        used.append("qa")
    if page.locator(".tp-dir-q").count():
        page.locator(".tp-dir-q").fill("监测")
        used.append("directory")
    if page.locator(".tp-policy-q").count():
        page.locator(".tp-policy-q").fill("3095")
        page.press(".tp-policy-q", "Enter")
        used.append("filter")
    if page.locator(".tp-chart").count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
        box = page.locator(".js-plotly-plot").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)   # hover labels
        used.append("chart")
    return used


@pytest.fixture(scope="module")
def visits(deployed, nginx, browser) -> Visits:
    base, log = nginx(deployed.target / "current")
    paths = [rel.removesuffix("index.html") for rel in release.sitemap_pages(deployed.site)]
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(LISTEN)
    external: list[str] = []

    def offline(route):   # the test machine has no internet: third-party media answer empty, not an error
        external.append(route.request.url)
        route.fulfill(status=204)
    context.route(lambda url: not url.startswith(base), offline)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    results = {}
    for path in paths + ["no-such-page/"]:
        errors.clear()
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        used = use_page(page)
        if path in ("", "search/"):   # the site search (WebAssembly, fetched index shards) under the same policy
            page.locator("header form.platform-search input[name=q]").fill("环境")
            page.wait_for_selector(".platform-search__panel:not([hidden]) .tp-search-item", timeout=15_000)
            used.append("search")
        page.wait_for_load_state("networkidle")
        theme = page.evaluate("document.documentElement.classList.contains('js') && typeof __md_scope === 'object'")
        results[path] = Visit(response.status, page.evaluate("window.__csp"), list(errors), theme, used)
    context.close()
    return Visits(base, log, results, external)


def test_every_page_meets_the_csp_without_errors(visits):
    pages = visits.pages
    assert len(pages) > 25
    assert {p: v.violations for p, v in pages.items() if v.violations} == {}
    missing = pages.pop("no-such-page/")
    assert {p: v.errors for p, v in pages.items() if v.errors} == {}
    assert {p: v.status for p, v in pages.items() if v.status != 200} == {}
    # the theme's start-up code (moved out of inline script) ran on every page, the 404 page included
    assert [p for p, v in pages.items() if not v.theme_ran] == [] and missing.theme_ran
    assert missing.status == 404 and missing.errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"]   # the page itself
    used = {u for v in pages.values() for u in v.used}
    assert used == {"qa", "directory", "filter", "chart", "search"}
    assert all(u.startswith("https://") for u in visits.external)   # course videos only


def test_access_log_of_the_visits_feeds_the_usage_report(visits, tmp_path, serve, page):
    lines = visits.log.read_text().splitlines()
    views = [p for p, v in visits.pages.items() if v.status == 200]
    assert sum(f'"GET /{p} HTTP/1.1" 200 ' in line for p in views for line in lines) == len(views)
    day = dt.datetime.strptime(re.search(r"\[(\d\d/\w{3}/\d{4})", lines[-1]).group(1), "%d/%b/%Y").date()
    data = tmp_path / "data"
    shutil.copytree(MINI, data)   # outside git: only the log is a usage source
    (data / "usage").mkdir(exist_ok=True)
    shutil.copy(visits.log, data / "usage" / "access.log")
    site = tmp_path / "site"
    result = build_site(data, site, env={"PLATFORM_TODAY": day.isoformat()})
    assert result.returncode == 0, result.stderr
    page.goto(serve(site) + f"report/{day.year}/")
    text = page.locator("[data-part='portals']").inner_text()
    # every page view, from 127.0.0.1 without a pull-request referrer: the public (企业端)
    assert f"公开访问{len(views)}次" in text and "以企业端为主，企业端操作次数占比为100%" in text
    modules = page.locator("table[data-table='usage_modules'] tbody tr")
    rows = {r.split("\t")[0]: r.split("\t") for r in modules.evaluate_all("rs => rs.map(r => r.innerText)")}
    assert rows["年度报告"][-1] == str(sum(p.startswith("report/") for p in views))
    assert rows["首页"][-1] == "1"
    assert page.js_errors == []


@pytest.mark.parametrize("variant", ["http", "http-no-brotli", "tls"])
def test_rendered_configuration_passes_nginx_t(tmp_path, variant):
    """Every variant the operator can render is a configuration nginx accepts (TLS with a throw-away cert)."""
    from build_tools.deploy import nginx as conf
    from conftest import NGINX
    tls = {}
    if variant == "tls":
        if not shutil.which("openssl"):
            pytest.skip("openssl not installed")
        cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "1", "-subj", "/CN=platform.test", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        tls = {"tls_cert": str(cert), "tls_key": str(key), "listen": "127.0.0.1:8443", "http_listen": "127.0.0.1:8080"}
    brotli = variant != "http-no-brotli" and conf.brotli_available()
    server = conf.Server(root=str(tmp_path / "current"), access_log=str(tmp_path / "access.log"),
                         brotli=brotli, **({"listen": "127.0.0.1:8080"} | tls))
    text = conf.render(server)
    assert ("brotli_static on;" in text) == brotli and ("ssl_certificate " in text) == (variant == "tls")
    assert ("Strict-Transport-Security" in text) == (variant == "tls")
    assert not re.search(r"@[A-Z_]+@", text)
    (tmp_path / "nginx.conf").write_text(conf.standalone(text, tmp_path, brotli))
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("field, value", [("server_name", "x; include /etc/shadow"), ("root", "/srv/a b"),
                                          ("access_log", "/tmp/x}"), ("server_name", "$host")])
def test_configuration_values_cannot_inject_directives(field, value):
    from build_tools.deploy import nginx as conf
    with pytest.raises(ValueError):
        conf.render(conf.Server(**{"root": "/srv/platform/current", field: value}))
