"""Check digits of Chinese identifiers (pure functions, no I/O)."""
from __future__ import annotations

import datetime as _dt
import re

# GB 32100-2015: 31-symbol alphabet (no I, O, Z, S, V) and position weights.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def credit_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a credit code."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    """True when `code` is a well-formed unified social credit code with a valid check character."""
    return isinstance(code, str) and bool(_CREDIT_RE.fullmatch(code)) and credit_check_char(code[:17]) == code[17]


# GB 11643-1999 resident ID numbers: ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_resident_id(number: str) -> bool:
    """True for an 18-character resident ID with a plausible birth date and valid check digit."""
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", number):
        return False
    try:
        _dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()
