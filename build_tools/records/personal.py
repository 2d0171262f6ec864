"""Full personal numbers (mobile and resident ID numbers) in text, and the sealed form that replaces them.

The public repository must never hold a full mobile or ID-card number: a record carries such a
number only *sealed* to the bureau's public key (sealing.py), as a token

    sealed:v1:<masked>:<key id>:<payload>      e.g. sealed:v1:138****5678:3f9a1c2b4d6e:BASE64URL…

whose masked part is what the site shows. This module has no cryptography: it finds raw numbers
(for validation, the intake bot and the repository scan) and recognises tokens (for masking).

Numbers are found the way people write them, not only as 11 plain digits: ASCII or full-width
digits, separators (spaces incl. U+3000, hyphens and dashes, dots, middle dots, zero-width
characters) between digit groups, and a +86 / 0086 / 86 prefix. A candidate is a window of whole
digit groups (a longer digit run is never split), so an 18-digit ID or a bank-card number is not
read as a mobile number inside it. Mobile numbers: 11 digits 1[3-9]…, written contiguously, as
3+8 or 7+4, or in groups of 2–4 digits that start with the 3-digit prefix (3+4+4, 3+2+2+2+2).
Resident IDs: 18 characters starting 1-8 with a valid birth date and GB 11643 check character (any
grouping), or the old 15-digit form (area code, YYMMDD, sequence) written whole or as 6+6+3.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator

from .codes import is_resident_id

# --- sealed tokens -------------------------------------------------------------------------------
TOKEN_PREFIX = "sealed:v1:"
MASK_MOBILE = r"[0-9]{3}\*{4}[0-9]{4}"
MASK_ID18 = r"[0-9]{6}\*{8}[0-9]{3}[0-9X]"
MASK_ID15 = r"[0-9]{6}\*{6}[0-9]{3}"
KEY_ID = r"[0-9a-f]{12}"
# payload = base64url (no padding) of ephemeral public key (65) + nonce (12) + ciphertext + tag (16)
PAYLOAD_CHARS = {11: 139, 15: 144, 18: 148}  # plaintext length -> payload length
TOKEN = re.compile(rf"sealed:v1:(?P<masked>{MASK_MOBILE}|{MASK_ID18}|{MASK_ID15}):(?P<kid>{KEY_ID}):"
                   r"(?P<payload>[A-Za-z0-9_-]{139,148})(?![A-Za-z0-9_-])")


def plain_length(masked: str) -> int:
    return len(masked)  # masks keep the number's length: 11, 15 or 18


def well_formed(token: re.Match) -> bool:
    """The payload length fits the masked number's length (a truncated paste is caught here)."""
    return len(token["payload"]) == PAYLOAD_CHARS[plain_length(token["masked"])]


def show_masked(text: str) -> str:
    """Text as the public sees it: every sealed token replaced by its masked number."""
    return TOKEN.sub(lambda m: m["masked"], text) if TOKEN_PREFIX in text else text


def masked_view(value: Any) -> Any:
    """A record value with every sealed token shown as its masked number (deep)."""
    if isinstance(value, str):
        return show_masked(value)
    if isinstance(value, dict):
        return {k: masked_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_view(v) for v in value]
    return value


def mask_of(number: str) -> str:
    """The public part of a normalised number: 138****5678, 110105********002X, 110105******123."""
    if len(number) == 11:
        return number[:3] + "****" + number[-4:]
    if len(number) == 18:
        return number[:6] + "********" + number[-4:]
    return number[:6] + "******" + number[-3:]


# --- raw numbers ---------------------------------------------------------------------------------
_D = "[0-9０-９]"  # ASCII and full-width digits (what people type, and what NFKC makes ASCII)
_SEP = (r"[ \t\n\r\f\v\x1c-\x1f\x85\xa0\xad\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000"  # spaces, zero-width, soft hyphen
        r"\-\u2010-\u2015\u2212\ufe63\uff0d.\uff0e\u00b7\u30fb\uff65_/\u2060\ufeff]")         # dashes, dots, slash
_X = "XxＸｘ"
# maximal chains of digit groups joined by short separator runs; an ID may end in X
_CHAIN = re.compile(rf"{_D}+(?:{_SEP}{{1,3}}{_D}+)*(?:[{_X}](?![0-9A-Za-z]))?")
# cheap pre-filter: at least 11 digits close together (C-speed; most strings stop here)
_MAYBE = re.compile(rf"{_D}(?:{_SEP}{{0,3}}{_D}){{10}}")
_GROUP = re.compile(rf"{_D}+|[{_X}]")
# Pre-filter for a whole YAML text, looser than `find` on the parsed strings (line folds and
# indentation between digits, a 0086 prefix), so a text it rejects holds no number in any value:
# a run of 11 digits that starts like a mobile number (1), an ID (1-8) or 0086 / 86.
_LOOSE = re.compile(rf"(?<![0-9０-９])(?:[1-8１-８](?:{_SEP}*{_D}){{10}}"
                    rf"|[0０]{_SEP}*[0０]{_SEP}*[8８]{_SEP}*[6６](?:{_SEP}*{_D}){{10}})")


def may_hold_numbers(text: str) -> bool:
    """False when no value of the YAML `text` can hold a full number: no loose digit run and no
    backslash (a double-quoted escape such as \\u0031 could spell digits)."""
    return "\\" in text or _LOOSE.search(text) is not None


@dataclass(frozen=True)
class Found:
    start: int      # span in the text (prefix such as +86 included)
    end: int
    kind: str       # "mobile" | "id"
    number: str     # normalised: ASCII digits (and a final X for IDs)

    @property
    def label(self) -> str:
        return "手机号" if self.kind == "mobile" else "身份证号"


def _digits(group: str) -> str:
    return "".join(str(unicodedata.digit(c, 0)) if c not in _X else "X" for c in group)


def _mobile_grouping(lengths: list[int]) -> bool:
    """How mobile numbers are written: whole, 3+8, 7+4, or groups of 2-4 digits whose first group holds
    the 3-digit network prefix (13 800 000 000 is an amount, not a phone)."""
    return (len(lengths) == 1 or lengths in ([3, 8], [7, 4])
            or (lengths[0] >= 3 and all(2 <= n <= 4 for n in lengths)))


def _as_mobile(digits: str, lengths: list[int]) -> str | None:
    """The 11 digits of a mobile number written as groups of these lengths (country prefix dropped)."""
    for prefix in ("0086", "86"):  # +86 / 0086 / 86 written as its own group or glued to the number
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            if lengths[0] == len(prefix):
                lengths = lengths[1:]
            elif lengths[0] > len(prefix):  # glued to the first group of a grouped number
                lengths = [lengths[0] - len(prefix)] + lengths[1:]
            else:
                return None
            digits = digits[len(prefix):]
            break
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789" and _mobile_grouping(lengths):
        return digits
    return None


def _as_id(number: str, lengths: list[int]) -> str | None:
    if len(number) == 18 and number[0] in "12345678" and number[6:8] in ("18", "19", "20") \
            and "01" <= number[10:12] <= "12" and "01" <= number[12:14] <= "31" and is_resident_id(number):
        return number  # area codes 11-82; the cheap date test first (hostile digit runs are long)
    if len(number) == 15 and "X" not in number and lengths in ([15], [6, 6, 3]) \
            and number[0] in "12345678" and _valid_yymmdd(number[6:12]):
        return number
    return None


def _valid_yymmdd(text: str) -> bool:
    try:
        dt.date(1900 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return False
    return True


_PREFIX_BEFORE = re.compile(r"[+＋]\s?$")


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _window(spans: list[tuple[int, int, str]], i: int) -> Found | None:
    """The shortest run of whole groups from group i that is a number. Groups of one digit are in no
    number (mobile groups have 2-4 digits, ID groups at least 2), so a run never crosses one: a text
    of 100,000 single digits costs one step each."""
    digits, lengths = "", []
    for j in range(i, len(spans)):
        group = spans[j][2]
        if len(group) < 2:
            return None
        digits += group
        lengths.append(len(group))
        if len(digits) > 18:
            return None
        number = _as_mobile(digits, lengths) if len(digits) in (11, 13, 15) else None
        if number is not None:
            return Found(spans[i][0], spans[j][1], "mobile", number)
        number = _as_id(digits, lengths) if len(digits) in (15, 18) else None
        if number is not None:
            return Found(spans[i][0], spans[j][1], "id", number)
    return None


def find(text: str) -> list[Found]:
    """Every full mobile or resident ID number in `text`, left to right, non-overlapping."""
    if not isinstance(text, str) or not _MAYBE.search(text):
        return []
    if TOKEN_PREFIX in text:  # a sealed token is not a number, even if its payload had digit runs
        text = TOKEN.sub(lambda m: "#" * len(m.group()), text)
    out: list[Found] = []
    for chain in _CHAIN.finditer(text):
        spans = [(m.start() + chain.start(), m.end() + chain.start(), _digits(m.group()))
                 for m in _GROUP.finditer(chain.group())]
        if spans and spans[-1][2] == "X":  # the check character belongs to the group before it
            if len(spans) < 2 or spans[-2][1] != spans[-1][0]:
                spans = spans[:-1]
            else:
                spans[-2:] = [(spans[-2][0], spans[-1][1], spans[-2][2] + "X")]
        i = 0
        while i < len(spans):
            hit = _window(spans, i)
            if hit is not None and (hit.kind == "mobile" or len(hit.number) == 15) and hit.end < len(text) \
                    and _ascii_letter(text[hit.end]):
                hit = None  # 11 or 15 digits glued to a letter begin a code (a credit code such as 13…A…, 110000000101000A0T)
            if hit is not None:
                head = max(0, hit.start - 2)  # a + written before the country code belongs to the number
                before = _PREFIX_BEFORE.search(text, head, hit.start) if hit.kind == "mobile" else None
                out.append(Found(before.start() if before else hit.start, hit.end, hit.kind, hit.number))
                i = next(k for k in range(i, len(spans)) if spans[k][1] == hit.end)
            i += 1
    return out


def normalise(text: str) -> Found | None:
    """The one number a person typed into a number field (e.g. '+86 1xx xxxx xxxx' with any separators), or None."""
    stripped = text.strip()
    hits = find(stripped)
    if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(stripped):
        return hits[0]
    return None


# --- records -------------------------------------------------------------------------------------
def strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every string (and integer, as text) in a record, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        yield path, str(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                yield path, k
            yield from strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, path + (i,))


def in_record(data: Any) -> list[tuple[tuple, Found]]:
    """(field path, number) of every full personal number in a record."""
    return [(path, hit) for path, text in strings(data) for hit in find(text)]


MESSAGES = {
    "mobile": "含有完整的手机号（{masked}）。公开仓库中不得出现完整的手机号：请用平台网站的「号码加密」页面或 "
              "`python -m build_tools seal --in-place <文件>` 加密，填写以 sealed:v1: 开头的密文（网站只显示 {masked}）；"
              "固定电话可直接填写。",
    "id": "含有完整的身份证号（{masked}）。公开仓库中不得出现身份证号：请删除；确需保留时用 "
          "`python -m build_tools seal --in-place <文件>` 加密。",
}
NOT_PERSONAL = "（若这不是个人号码，请在数字之间加入文字。）"
ENGLISH = "full personal number in the record: seal it to the bureau's key (python -m build_tools seal)"


def message(hit: Found) -> str:
    """The Chinese sentence for a raw number; it shows the number masked, never in full."""
    return MESSAGES[hit.kind].format(masked=mask_of(hit.number)) + NOT_PERSONAL
