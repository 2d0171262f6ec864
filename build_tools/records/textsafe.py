"""Characters that record text must not carry, and output-side guards for the writers.

Records reach XML (the Atom feed, XLSX), terminals and CI logs. Control characters have no place in
any field: they make XML invalid (a feed reader rejects the whole feed), move the cursor or recolour a
terminal, and a lone surrogate (YAML's "\\ud800") cannot even be written as UTF-8. So validation
rejects them (`unsafe_chars`), and the writers strip them anyway (`xml_text`, `printable`), so a
record that slipped past (an old cache, a tool writing records directly) cannot break an output.
Tab, line feed and carriage return are ordinary text; every other C0/C1 control, DEL, surrogates
and the non-characters U+FFFE/U+FFFF are refused.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # outside XML 1.0 Char
_NOT_PRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]")


def unsafe_char(text: str) -> str | None:
    """The first character of `text` no record may contain, or None."""
    m = _UNSAFE.search(text)
    return m.group(0) if m else None


def may_contain_unsafe(raw: bytes) -> bool:
    """Can the parsed YAML of these bytes hold an unsafe character at all? The YAML reader refuses
    raw control characters except tab, line breaks and NEL (U+0085), so they only arrive through a
    double-quoted escape (a backslash) or as a raw NEL. Saves walking every string of every record."""
    return b"\\" in raw or b"\xc2\x85" in raw


def unsafe_in(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(field path, character) of every key or text value holding an unsafe character."""
    if isinstance(node, str):
        ch = unsafe_char(node)
        if ch is not None:
            yield path, ch
    elif isinstance(node, dict):
        for key, value in node.items():
            ch = unsafe_char(key) if isinstance(key, str) else None
            if ch is not None:
                yield path, ch  # the key itself: report at the object holding it
            else:
                yield from unsafe_in(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from unsafe_in(value, path + (i,))


def codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def xml_text(text: str) -> str:
    """Text with the characters XML 1.0 cannot carry removed."""
    return _NOT_XML.sub("", text)


def printable(text: str) -> str:
    """Text for a terminal or a log line: control characters shown as escapes, never interpreted."""
    return _NOT_PRINTABLE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    n = ord(m.group(0))
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"
