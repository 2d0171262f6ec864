"""The words of the site search index, made here so that the browser can make exactly the same ones.

Pagefind's extended binary segments Chinese with a dictionary (charabia/jieba): names it does not know
(汇智示例水处理334号) come out as single characters, which the browser cannot reproduce and which match
nearly every entry. Instead every entry is indexed as these tokens, under a Pagefind language that neither
segments nor stems (LANGUAGE in pagefind.py), and the browser turns a query into tokens the same way
(`searchTokens` in content/assets/javascripts/shared.js; tests/js/search-tokens.test.js checks both agree):

- text is folded first: NFKC (full-width letters and digits become ASCII), ASCII upper case to lower;
- a run of Han characters gives its overlapping character bigrams (环境监测 -> 环境 境监 监测); a run of one
  character gives that character;
- a run of ASCII letters and digits gives the run, and when it mixes both also its letter and digit parts
  (gb3095 -> gb3095 gb 3095), so that "GB 3095" and "GB3095" find the same entries;
- everything else separates runs.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)|([0-9a-z]+)")
_PARTS = re.compile(r"[a-z]+|[0-9]+")


def fold(text: str) -> str:
    """NFKC and ASCII lower case (the twin of shared.js `fold`)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def tokens(text: str) -> list[str]:
    """The tokens of `text` in order, repeats kept."""
    out: list[str] = []
    for han, alnum in _RUNS.findall(fold(text)):
        if han:
            out.extend([han] if len(han) == 1 else [han[i:i + 2] for i in range(len(han) - 1)])
        else:
            out.append(alnum)
            parts = _PARTS.findall(alnum)
            if len(parts) > 1:
                out.extend(parts)
    return out


def unique_tokens(text: str) -> list[str]:
    """The tokens of `text`, each once, in order of first appearance: what one index entry holds (how often
    a token occurs in an entry is not used: results are reordered by title in the browser)."""
    return list(dict.fromkeys(tokens(text)))


# The browser drops these from a query (when another token remains): they are in so many entries that their
# index chunks are large and they narrow nothing down.
COMMON_SHARE = 0.01      # a token in more than this share of the entries is common
COMMON_MIN_ENTRIES = 50  # ... and in at least this many (a small site has no common tokens)
COMMON_MAX = 800         # at most this many, the most frequent first (common.json stays a few KB)


def common(document_frequency: Counter[str], entries: int, share: float = COMMON_SHARE,
           min_entries: int = COMMON_MIN_ENTRIES, limit: int = COMMON_MAX) -> list[str]:
    """The common tokens, sorted: those in more than `share` of `entries` (and at least `min_entries`)."""
    floor = max(min_entries, int(entries * share) + 1)
    ranked = sorted(((n, t) for t, n in document_frequency.items() if n >= floor), key=lambda x: (-x[0], x[1]))
    return sorted(t for _, t in ranked[:limit])

