"""Serving the site from the bureau's own machine: releases, deploy/rollback, the nginx configuration.

release.py  checks + precompresses a built site and writes its manifest (`python -m build_tools release`)
inline.py   finds inline script/style in HTML (the Content-Security-Policy allows none)
hosts.py    uploads a checked release to a host and switches `current` (`deploy`, `rollback`)
host.sh     the host-side steps (run by `sh` locally or over ssh): verify, switch atomically, prune
nginx.py    renders deploy/nginx/platform.conf (`nginx-conf`)
"""
from __future__ import annotations
