"""Text typed by a submitter, quoted inertly in the Markdown of a bot comment.

GitHub renders comments as Markdown: a quoted `@login` would notify that account, `![](url)` would
load an image from the submitter's server when the issue is viewed, `[text](url)` and bare URLs become
links, `#12` a reference. Inside a fenced code block none of that happens, so submitter text goes
only there, behind a fence longer than any run of backticks in the text (the text cannot close it).
"""
from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 60_000   # GitHub refuses comments over 65,536 characters


def _visible(text: str) -> str:
    """Control and format characters (bidi overrides, zero-width …) become visible escapes; newlines stay."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
                   else f"\\u{ord(ch):04x}" for ch in text)


def _fence(text: str, char: str = "`") -> str:
    longest = max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)
    return char * max(3, longest + 1)


def block(text: str) -> str:
    """A fenced code block showing `text` verbatim."""
    text = _visible(text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "\n…（过长，已截断）"
    fence = _fence(text)
    return f"{fence}text\n{text}\n{fence}"


def inline(text: str) -> str:
    """A one-line code span showing `text` verbatim."""
    text = _visible(" ".join(text.split()))[:200]
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)  # one more than the text has
    return f"{fence} {text} {fence}"
