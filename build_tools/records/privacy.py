"""Mask personal numbers before anything is rendered.

Contacts are people: their mobile numbers and resident ID numbers must not be
published in full, wherever they appear (contact fields or free text). Office
landlines and credit codes are business information and stay visible.
"""
from __future__ import annotations

import re
from typing import Any

from .codes import is_resident_id
from .personal import show_masked

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    text = show_masked(text)  # a sealed number (sealed:v1:138****5678:…) shows as its masked part
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _ID18.sub(lambda m: f"{m.group(1)}********{m.group(3)[-4:]}" if is_resident_id(m.group(0)) else m.group(0),
                     text)


def mask(value: Any) -> Any:
    """Deep copy of a record's data with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value
