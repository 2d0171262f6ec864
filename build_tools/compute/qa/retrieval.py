"""Q&A retrieval, query side: the Python twin of content/assets/javascripts/qa.js.

The index is built at build time (compute/qa/index.py, with jieba). The browser
has no jieba, so a query is segmented by forward maximum matching against the
index vocabulary, plus character bigrams as a fallback feature, and scored with
BM25. This module does exactly what the JS does, step by step and in the same
order, so the benchmark measures what users get (a browser test checks that
both rank the same answers).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z]+|[0-9]+(?:\.[0-9]+)*")  # same pattern in qa.js
BIGRAM = "#"  # prefix of character-bigram terms; words never contain it


def is_cjk(text: str) -> bool:
    return "\u4e00" <= text[0] <= "\u9fff"


def fold(text: str) -> str:
    """NFKC (full-width to half-width) and ASCII lower case; JS: normalize('NFKC') + [A-Z] -> lower."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def synonym_forms(groups: list[list[str]]) -> list[tuple[str, str]]:
    """(form, canonical) pairs, longest form first: the replacement scan tries them in this order."""
    pairs = {}
    for group in groups:
        canonical = fold(str(group[0]))
        for form in group:
            pairs.setdefault(fold(str(form)), canonical)
    return sorted(pairs.items(), key=lambda p: (-len(p[0]), p[0]))


def canonicalise(text: str, forms: list[tuple[str, str]]) -> str:
    """Replace every synonym by its group's canonical word, scanning left to right, longest form first."""
    by_first: dict[str, list[tuple[str, str]]] = {}
    for form, canonical in forms:
        by_first.setdefault(form[0], []).append((form, canonical))
    out, i = [], 0
    while i < len(text):
        for form, canonical in by_first.get(text[i], ()):
            if text.startswith(form, i):
                out.append(canonical)
                i += len(form)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def normalise(text: str, forms: list[tuple[str, str]]) -> str:
    return canonicalise(fold(text), forms)


def runs(text: str) -> list[str]:
    """Maximal runs of CJK characters, ASCII letters, or digits (with dots: "2.2"); the rest separates."""
    return RUNS.findall(text)


def bigrams(run: str) -> list[str]:
    return [BIGRAM + run[i:i + 2] for i in range(len(run) - 1)]


def keep_word(word: str, stopwords: set[str], single_chars: set[str]) -> bool:
    if word in stopwords:
        return False
    return len(word) > 1 or word in single_chars or not is_cjk(word)


def sub_words(word: str, vocab: set[str]) -> list[str]:
    """The 2- and 3-character pieces of a long word that are words themselves, as jieba's search mode emits."""
    found = []
    for n in (2, 3):
        if len(word) > n:
            found += [word[i:i + n] for i in range(len(word) - n + 1) if word[i:i + n] in vocab]
    return found


def forward_max_match(run: str, vocab: set[str], max_len: int, single_chars: set[str]) -> list[str]:
    """Greedy longest-word segmentation of a CJK run; characters that start no word are skipped."""
    words, i = [], 0
    while i < len(run):
        for n in range(min(max_len, len(run) - i), 0, -1):
            piece = run[i:i + n]
            if (n > 1 and piece in vocab) or (n == 1 and piece in single_chars):
                words.append(piece)
                i += n
                break
        else:
            i += 1
    return words


@dataclass
class Prepared:
    """The parts of the index the scorer needs, as Python sets and maps (JS builds the same once)."""
    forms: list[tuple[str, str]]
    vocab: set[str]
    max_len: int
    stopwords: set[str]
    single_chars: set[str]


def prepare(index: dict[str, Any]) -> Prepared:
    cfg = index["config"]
    vocab = {t for t in index["df"] if not t.startswith(BIGRAM)}
    return Prepared([tuple(p) for p in index["forms"]], vocab, max((len(w) for w in vocab), default=1),
                    set(cfg["stopwords"]), set(cfg["single_chars"]))


def query_terms(query: str, index: dict[str, Any], prep: Prepared | None = None) -> list[tuple[str, float]]:
    """(term, query weight) in order of first appearance: words (and their sub-words), then bigrams."""
    prep = prep or prepare(index)
    cfg = index["config"]
    words: list[str] = []
    grams: list[str] = []
    for run in runs(normalise(query, prep.forms)):
        if is_cjk(run):
            for word in forward_max_match(run, prep.vocab, prep.max_len, prep.single_chars):
                words += [word] + sub_words(word, prep.vocab)
            grams += bigrams(run)
        else:
            words.append(run)
    terms: dict[str, float] = {}
    for w in words:
        if keep_word(w, prep.stopwords, prep.single_chars):
            terms.setdefault(w, 1.0)
    for g in grams:
        terms.setdefault(g, cfg["bigram_weight"])
    return list(terms.items())


def idf(index: dict[str, Any], term: str) -> float:
    n, df = index["n"], index["df"].get(term, 0)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Hit:
    doc: int        # position in index["docs"]
    id: str
    score: float    # BM25
    norm: float     # score / best possible score for this query, 0..1


def score_all(query: str, index: dict[str, Any], category: str = "", prep: Prepared | None = None) -> list[Hit]:
    """Every document with a positive score, best first (ties: by id), optionally within one category."""
    cfg = index["config"]
    k1, b, avgdl = cfg["k1"], cfg["b"], index["avgdl"]
    terms = [(t, w, idf(index, t)) for t, w in query_terms(query, index, prep)]
    ceiling = 0.0
    for _, w, i in terms:
        ceiling += w * i * (k1 + 1)
    hits = []
    for pos, doc in enumerate(index["docs"]):
        if category and doc["category"] != category:
            continue
        norm_len = k1 * (1 - b + b * doc["len"] / avgdl)
        score = 0.0
        for term, w, i in terms:
            tf = doc["tf"].get(term, 0)
            if tf:
                score += w * i * tf * (k1 + 1) / (tf + norm_len)
        if score > 0:
            hits.append(Hit(pos, doc["id"], score, score / ceiling))
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits


def answers(query: str, index: dict[str, Any], category: str = "", prep: Prepared | None = None) -> list[Hit]:
    """What the page shows: up to max_results hits above the threshold and close enough to the best one."""
    cfg = index["config"]
    hits = score_all(query, index, category, prep)
    if not hits or hits[0].norm < cfg["threshold"]:
        return []
    floor = hits[0].score * cfg["relative_cut"]
    return [h for h in hits if h.norm >= cfg["threshold"] and h.score >= floor][:cfg["max_results"]]
