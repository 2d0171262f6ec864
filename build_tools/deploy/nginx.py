"""Render the shipped nginx configuration (deploy/nginx/platform.conf) for one host.

`python -m build_tools nginx-conf --root /srv/platform/current --server-name HOST [--tls-cert C --tls-key K]`
prints the server block to install under /etc/nginx/sites-available/. `--standalone DIR` instead writes a
complete nginx.conf that runs without root and without touching /etc or /var (used by the tests, and to try
the configuration on a workstation): `nginx -p DIR -c DIR/nginx.conf`.
"""
from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..context import ROOT

TEMPLATE = ROOT / "deploy" / "nginx" / "platform.conf"
HEADERS = ROOT / "deploy" / "nginx" / "security-headers.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
MARKER = re.compile(r"\s*# if (\w+)\s*$")
# A value placed into the configuration: no whitespace, quotes, ';', braces or '$' that could end a directive
# or start another (the operator's input becomes nginx syntax).
SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:/@\[\]*~+-]+$")


@dataclass(frozen=True)
class Server:
    root: str                      # the release link, e.g. /srv/platform/current
    server_name: str = "_"
    listen: str = "80"             # port or address:port of the site (443 with TLS)
    access_log: str = "/var/log/nginx/platform.access.log"
    brotli: bool = False           # the brotli_static module is loaded (Debian: libnginx-mod-http-brotli-static)
    tls_cert: str | None = None
    tls_key: str | None = None
    http_listen: str = "80"        # with TLS: the plain-HTTP port that redirects to https

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)

    def values(self) -> dict[str, str]:
        values = {"ROOT": self.root, "SERVER_NAME": self.server_name, "LISTEN": self.listen,
                  "ACCESS_LOG": self.access_log, "HTTP_LISTEN": self.http_listen,
                  "TLS_CERT": self.tls_cert or "", "TLS_KEY": self.tls_key or ""}
        for name, value in values.items():
            if value and not SAFE_VALUE.match(value):
                raise ValueError(f"{name.lower()}「{value}」含有不允许的字符（unsafe character for nginx）")
        return values


def _select(lines: list[str], flags: set[str]) -> list[str]:
    """Keep unmarked lines and lines whose `# if FLAG` is on (marker removed); drop the others."""
    kept = []
    for line in lines:
        m = MARKER.search(line)
        if m is None:
            kept.append(line)
        elif m.group(1) in flags:
            kept.append(line[:m.start()].rstrip())
    return kept


def render(server: Server, template: str | None = None, headers: str | None = None) -> str:
    """The server block with placeholders filled, conditional lines chosen and headers inlined."""
    flags = {"brotli"} if server.brotli else set()
    flags |= {"tls"} if server.tls else {"http"}
    header_lines = [line for line in _select((headers or HEADERS.read_text()).splitlines(), flags)
                    if line.strip() and not line.lstrip().startswith("#")]
    out = []
    for line in _select((template or TEMPLATE.read_text()).splitlines(), flags):
        if line.strip() in ("@SECURITY_HEADERS@", "@SECURITY_HEADERS_EXCEPT_CSP@"):
            csp = line.strip() == "@SECURITY_HEADERS@"
            out += ["        " + h.strip() for h in header_lines
                    if csp or not h.strip().startswith("add_header Content-Security-Policy ")]
            continue
        out.append(line)
    text = "\n".join(out) + "\n"
    for name, value in server.values().items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"template placeholders not filled: {sorted(set(left))}")
    return text


def standalone(server_conf: str, workdir: Path, brotli: bool) -> str:
    """A complete nginx.conf around `server_conf` whose every path is inside `workdir` (no root needed).

    Run as `nginx -p WORKDIR -c WORKDIR/nginx.conf`; it stays in the foreground (`daemon off`)."""
    temp = {name: workdir / "temp" / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    lines = [
        f"load_module {BROTLI_MODULE};" if brotli else "",
        # As root, workers would switch to `nobody`, who cannot read a private temp folder.
        f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
        "daemon off;",
        "worker_processes 1;",
        f"pid {workdir / 'nginx.pid'};",
        f"error_log {workdir / 'error.log'} warn;",
        "events { worker_connections 256; }",
        "http {",
        f"    include {MIME_TYPES};",
        "    default_type application/octet-stream;",
        "    sendfile on;",
        f"    client_body_temp_path {temp['client_body']};",
        f"    proxy_temp_path {temp['proxy']};",
        f"    fastcgi_temp_path {temp['fastcgi']};",
        f"    uwsgi_temp_path {temp['uwsgi']};",
        f"    scgi_temp_path {temp['scgi']};",
        server_conf,
        "}",
    ]
    return "\n".join(line for line in lines if line) + "\n"


def brotli_available() -> bool:
    return BROTLI_MODULE.exists()


def cmd_nginx_conf(args: argparse.Namespace) -> int:
    brotli = brotli_available() if args.brotli == "auto" else args.brotli == "on"
    server = Server(root=args.root, server_name=args.server_name, listen=args.listen or ("443" if args.tls_cert else "80"),
                    access_log=args.access_log, brotli=brotli, tls_cert=args.tls_cert, tls_key=args.tls_key)
    try:
        conf = render(server)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.standalone:
        workdir = Path(args.standalone).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "nginx.conf").write_text(standalone(conf, workdir, brotli))
        print(f"{workdir / 'nginx.conf'}：nginx -p {workdir} -c {workdir / 'nginx.conf'}", file=sys.stderr)
    else:
        sys.stdout.write(conf)
    return 0


def register(sub) -> None:
    p = sub.add_parser("nginx-conf", help="生成 nginx 配置（render the nginx server block）")
    p.add_argument("--root", required=True, help="站点目录：发布目录下的 current 链接，如 /srv/platform/current")
    p.add_argument("--server-name", default="_", help="域名（server_name）")
    p.add_argument("--listen", help="监听端口或 地址:端口（默认 80；配置证书时 443）")
    p.add_argument("--access-log", default="/var/log/nginx/platform.access.log", help="访问日志（combined 格式）")
    p.add_argument("--brotli", choices=("auto", "on", "off"), default="auto",
                   help="brotli_static（auto：已安装 libnginx-mod-http-brotli-static 时启用）")
    p.add_argument("--tls-cert", help="证书文件（fullchain）；与 --tls-key 一起启用 HTTPS")
    p.add_argument("--tls-key", help="私钥文件")
    p.add_argument("--standalone", metavar="DIR", help="写出完整的 nginx.conf（无需 root，路径都在 DIR 内）")
    p.set_defaults(func=cmd_nginx_conf)
