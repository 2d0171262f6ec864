"""Messy cells of official exports -> clean values, or a Chinese reason (CellError).

Dates use notices.parse_date (2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日, a time after it ignored);
here come the cells only official lists have: credit codes typed with full-width characters or spaces,
codes that Excel turned into numbers, validity periods written as one range cell, 长期 (no expiry).
"""
from __future__ import annotations

import re
import unicodedata

from ...records.codes import credit_check_char, is_credit_code
from ..notices import CellError, parse_date

__all__ = ["CellError", "credit_code", "first_line", "fold", "optional_date", "parse_date", "shorten", "validity"]

_LONG_TERM = ("长期", "长期有效", "永久", "无固定期限", "无期限")
_RANGE = re.compile(r"\s*(?:至|到|~|～|—|–|－|-{1,2})\s*(?=\d{4}|长期|永久|无)")
_CREDIT_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII (NFKC): for codes, numbers and dates only,
    never for Chinese prose, whose （）、， must stay."""
    return unicodedata.normalize("NFKC", text)


def credit_code(text: str) -> str:
    """A unified social credit code as typed in exports (full-width, lower case, spaces) -> the 18 characters,
    checked against GB 32100 with the reason when it fails."""
    code = re.sub(r"[\s\-_]", "", fold(text)).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", code):
        raise CellError(f"统一社会信用代码“{text}”被 Excel 存成了数字（科学计数法），后几位已丢失："
                        "请将该列设为“文本”后重新导出")
    if len(code) != 18:
        raise CellError(f"统一社会信用代码“{text}”应为 18 位（现为 {len(code)} 位）")
    wrong = sorted(set(code) - _CREDIT_ALPHABET)
    if wrong:
        raise CellError(f"统一社会信用代码“{text}”含有不允许的字符 {'、'.join(wrong)}（代码不使用 I、O、Z、S、V）")
    if not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", code):
        raise CellError(f"统一社会信用代码“{text}”格式不正确：第 3–8 位应为数字（登记管理机关行政区划码）")
    if not is_credit_code(code):
        raise CellError(f"统一社会信用代码“{text}”校验位不符（GB 32100-2015：按前 17 位应为 {credit_check_char(code[:17])}），"
                        "请对照营业执照核对")
    return code


def optional_date(text: str | None, title: str) -> str | None:
    """A date cell that may be empty or say 长期 (no expiry): None then."""
    if not text or fold(text).strip() in _LONG_TERM:
        return None
    return parse_date(fold(text), title)


def validity(text: str, title: str = "有效期") -> tuple[str | None, str | None]:
    """“2021年6月30日至2026年6月29日”, “2021-06-30~2026-06-29”, “2021.6.30-长期” or one end date
    -> (valid_from, valid_until); None for an open end."""
    folded = fold(text).strip()
    parts = _RANGE.split(folded, maxsplit=1)
    if len(parts) == 2:
        start, end = optional_date(parts[0], f"{title}起始日"), optional_date(parts[1], f"{title}截止日")
        if start and end and end < start:
            raise CellError(f"{title}“{text}”的截止日早于起始日")
        return start, end
    return None, optional_date(folded, title)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def shorten(text: str, limit: int, tail: str = "……") -> tuple[str, bool]:
    """Text cut to `limit` characters (the tail included); True when it was cut."""
    return (text, False) if len(text) <= limit else (text[:limit - len(tail)].rstrip() + tail, True)
