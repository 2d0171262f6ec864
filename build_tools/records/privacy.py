"""Mask personal numbers before anything is rendered.

Contacts are people: their mobile numbers and resident ID numbers must not be published in full,
wherever they appear (contact fields or free text) and however they are written. Records carry such
numbers only sealed (personal.py: validation refuses raw ones), and a sealed number shows as its
masked part; a raw number that reached the renderers anyway (an old cache, a tool that skipped
validation) is masked here with the same detector validation uses (personal.find: full-width digits,
separators of any kind, +86 / 0086 / 86, grouped and 15-digit IDs), so there is one definition of
"a personal number" in the code. Office landlines and credit codes are business information and stay.

Link fields (`VERBATIM`) are never rewritten: a masked URL points nowhere, and validation refuses a
personal number in a link or an attachment's file name instead.
"""
from __future__ import annotations

from typing import Any

from .personal import find, mask_of, show_masked

# Fields copied verbatim: links and credit codes. tests/test_hostile.py checks this against the schemas
# (every safe-url / safe-link / credit-code field).
LINKS = frozenset({"url", "website", "link", "registration_url"})
VERBATIM = LINKS | {"credit_code"}


def mask_text(text: str) -> str:
    text = show_masked(text)  # a sealed number (sealed:v1:138****5678:…) shows as its masked part
    hits = find(text)
    if not hits:
        return text
    parts, pos = [], 0
    for hit in hits:
        parts += [text[pos:hit.start], mask_of(hit.number)]
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts)


def mask(value: Any, key: str | None = None) -> Any:
    """A record's data with every string masked, except the VERBATIM fields. Copy on write: what holds no
    number is returned as the very same object, so the masked dataset shares nearly all of its memory with
    the submitted one (at 100,000 agencies a deep copy of every record was gigabytes). Nothing downstream
    mutates record data (compute and render are pure)."""
    if isinstance(value, str):
        # shorter than a mobile number (11 digits) and than a sealed token: nothing to mask (most strings)
        return value if key in VERBATIM or len(value) < 11 else mask_text(value)
    if isinstance(value, dict):
        out: dict | None = None
        for k, v in value.items():
            m = mask(v, k)
            if m is not v:
                if out is None:
                    out = dict(value)
                out[k] = m
        return value if out is None else out
    if isinstance(value, list):
        items = [mask(v, key) for v in value]
        return value if all(m is v for m, v in zip(items, value)) else items
    return value
