"""号码加密: the page where an agency seals a mobile number in its own browser before submitting it.

The bureau's public key (config/sealing.yaml) is embedded in the page; seal.js does the same
ECDH P-256 + HKDF-SHA256 + AES-256-GCM steps as build_tools/sealing.py with WebCrypto, so the
number never leaves the visitor's browser and only the bureau's private key opens the result.
"""
from __future__ import annotations

import base64
from typing import Iterable

from ..context import BuildContext
from ..records import sealing
from ..records.model import Dataset
from .html import page
from .output import Output

PATH = sealing.SEAL_PAGE + "index.md"


def render(dataset: Dataset, ctx: BuildContext) -> Iterable[Output]:
    key = sealing.load_public(sealing.public_key_path(ctx.settings.platform.sealing_key, ctx.settings.project_root))
    shown = {"spki": base64.b64encode(key.der).decode(), "kid": key.kid, "demo": key.demo,
             "info": sealing.INFO.decode(), "prefix": "sealed:v1:"}
    yield Output(PATH, page("号码加密", "seal.html", key=shown,
                            description="提交手机号前，在浏览器中用主管部门的公钥加密，公开的数据中只保留部分号码。"),
                 in_nav=True)
