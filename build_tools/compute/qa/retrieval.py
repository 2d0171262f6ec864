"""Q&A retrieval, query side: the Python twin of content/assets/javascripts/qa.js.

The index is built at build time (compute/qa/index.py, with jieba and pypinyin). The browser has
neither, so a query is processed from what the index ships, in this order (qa.js does exactly the same,
step by step, so the benchmark measures what users get; a browser test compares both):

1. fold: NFKC (full-width to half-width), ASCII lower case;
2. typo repair: a window of the query that is not a known word but sounds like one (same toneless pinyin,
   per-character default reading, from the table the index ships) is replaced by that word:
   危费 → 危废, 排污许可症 → 排污许可证, 燥声 → 噪声;
3. synonyms: every form is replaced by its group's canonical word (环保税 → 环境保护税);
4. segmentation by forward maximum matching against the index vocabulary and the stop words; stop words
   (spoken Chinese included: 您好, 请问, 我们厂, 是不是 …) are dropped and split the text, character bigrams
   of what remains are a fallback feature;
5. BM25 ranks the answers; the page shows an answer only when its IDF-weighted coverage of the query (the
   share of the query's informative weight found in that answer) reaches the threshold, and nothing when
   the query names a matter of another office (安全生产, 消防, 个税 …) that the best answer does not mention.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z]+|[0-9]+(?:\.[0-9]+)*")  # same pattern in qa.js
BIGRAM = "#"  # prefix of character-bigram terms; words never contain it
MAX_REPAIR = 8  # longest window the typo repair looks at


def is_cjk(text: str) -> bool:
    return "\u4e00" <= text[0] <= "\u9fff"


def fold(text: str) -> str:
    """NFKC (full-width to half-width) and ASCII lower case; JS: normalize('NFKC') + [A-Z] -> lower."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def synonym_forms(groups: list[list[str]]) -> list[tuple[str, str]]:
    """(form, canonical) pairs, longest form first: the replacement scan tries them in this order."""
    pairs: dict[str, str] = {}
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


def sound_key(word: str, sounds: dict[str, str]) -> str:
    """Toneless pinyin of every character, space separated; "" when a character has no entry."""
    keys = []
    for c in word:
        s = sounds.get(c)
        if s is None:
            return ""
        keys.append(s)
    return " ".join(keys)


def repair(text: str, exact: set[str], by_sound: dict[str, str], max_len: int, sounds: dict[str, str]) -> str:
    """Replace each window that is not a known word but sounds like one by that word (longest window first;
    a known word wins over a homophone of the same length). Works on CJK windows only."""
    out, i = [], 0
    while i < len(text):
        taken = 0
        if is_cjk(text[i]):
            for n in range(min(max_len, len(text) - i), 1, -1):
                piece = text[i:i + n]
                if piece in exact:
                    out.append(piece)
                    taken = n
                    break
                key = sound_key(piece, sounds)
                if key and key in by_sound:
                    out.append(by_sound[key])
                    taken = n
                    break
        if taken:
            i += taken
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def segment(run: str, vocab: set[str], stop: set[str], max_len: int,
            single_chars: set[str]) -> tuple[list[str], list[str]]:
    """Forward maximum matching of a CJK run against vocabulary and stop words.
    Returns (words, pieces): the vocabulary words found, and the text between stop words (for bigrams)."""
    current: list[str]
    words, pieces, current, i = [], [], [], 0
    while i < len(run):
        taken = 0
        for n in range(min(max_len, len(run) - i), 0, -1):
            piece = run[i:i + n]
            if (n > 1 and (piece in vocab or piece in stop)) or (n == 1 and (piece in single_chars or piece in stop)):
                taken = n
                break
        if taken and run[i:i + taken] in stop:
            pieces.append("".join(current))
            current = []
        elif taken:
            words.append(run[i:i + taken])
            current.append(run[i:i + taken])
        else:
            current.append(run[i])
        i += taken or 1
    pieces.append("".join(current))
    return words, [p for p in pieces if len(p) > 1]


@dataclass
class Prepared:
    """The parts of the index the scorer needs, as Python sets and maps (JS builds the same once)."""
    forms: list[tuple[str, str]]
    vocab: set[str]
    max_len: int
    stopwords: set[str]
    single_chars: set[str]
    sounds: dict[str, str]          # character -> toneless pinyin
    exact: set[str]                 # words the typo repair leaves alone
    by_sound: dict[str, str]        # pinyin key -> the word it repairs to
    outside: list[str]              # matters of other offices (out of scope)
    generic: set[str]               # procedural words, weighed less
    anchors: set[str]               # words that tie a question to the platform's matters


def prepare(index: dict[str, Any]) -> Prepared:
    cfg = index["config"]
    df = index["df"]
    vocab = {t for t in df if not t.startswith(BIGRAM)}
    stop = set(cfg["stopwords"])
    sounds = {c: syllable for syllable, chars in sorted(index["sounds"].items()) for c in chars}
    exact = {w for w in vocab | {f for f, _ in index["forms"]} | stop if len(w) > 1 and all(is_cjk(c) for c in w)}
    by_sound: dict[str, str] = {}
    # the most frequent word wins a shared sound; ties by code point order, as in qa.js
    for w in sorted(index["repairable"], key=lambda w: (-df.get(w, 0), w)):
        if len(w) <= MAX_REPAIR:
            key = sound_key(w, sounds)
            if key:
                by_sound.setdefault(key, w)
    outside = sorted(fold(t) for t in cfg["outside"])
    max_len = max([index["max_len"], *(len(w) for w in stop | set(outside))])
    return Prepared([tuple(p) for p in index["forms"]], vocab | set(outside), max_len,
                    stop, set(cfg["single_chars"]), sounds, exact, by_sound, outside, set(cfg["generic"]),
                    set(index["anchors"]))


def repaired(query: str, prep: Prepared) -> str:
    """The query folded and with typos repaired, before synonyms."""
    return repair(fold(query), prep.exact, prep.by_sound, MAX_REPAIR, prep.sounds)


def query_text(query: str, prep: Prepared) -> str:
    """The query after folding, typo repair and synonyms: what segmentation sees."""
    return canonicalise(repaired(query, prep), prep.forms)


def outside_matters(query: str, prep: Prepared) -> list[str]:
    """Each matter of another office the query names, with the character after it, after synonyms
    (消防验收 -> "消防验", 消防废水 -> "消防污"), so that an answer about 消防废水 does not count as one about
    消防验收. Found before synonyms (竣工验收备案 would become 竣工环境保护验收备案)."""
    text = repaired(query, prep)
    found = []
    for t in prep.outside:
        i = text.find(t)
        while i >= 0:
            found.append(canonicalise(text[i:], prep.forms)[:len(canonicalise(t, prep.forms)) + 1])
            i = text.find(t, i + 1)
    return found


def mentions(doc: dict[str, Any], matter: str) -> bool:
    """Whether an answer's terms contain every character bigram of the matter."""
    return all(BIGRAM + matter[i:i + 2] in doc["tf"] for i in range(len(matter) - 1))


def query_terms(query: str, index: dict[str, Any], prep: Prepared | None = None) -> list[tuple[str, float]]:
    """(term, query weight) in order of first appearance: words (and their sub-words), then bigrams."""
    prep = prep or prepare(index)
    cfg = index["config"]
    words: list[str] = []
    grams: list[str] = []
    for run in runs(query_text(query, prep)):
        if is_cjk(run):
            found, pieces = segment(run, prep.vocab, prep.stopwords, prep.max_len, prep.single_chars)
            for word in found:
                words += [word] + sub_words(word, prep.vocab)
            for piece in pieces:
                grams += bigrams(piece)
        else:
            words.append(run)
    terms: dict[str, float] = {}
    generic = cfg["generic_weight"]
    for w in words:
        if keep_word(w, prep.stopwords, prep.single_chars):
            terms.setdefault(w, generic if w in prep.generic else 1.0)
    for g in grams:
        terms.setdefault(g, cfg["bigram_weight"] * (generic if g[1:] in prep.generic else 1.0))
    return list(terms.items())


def idf(index: dict[str, Any], term: str) -> float:
    n, df = index["n"], index["df"].get(term, 0)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Hit:
    doc: int        # position in index["docs"]
    id: str
    score: float    # BM25, ranks the answers
    norm: float     # IDF-weighted coverage of the query by this answer, 0..1: decides whether it is shown


def in_region(doc_regions: list[list[str]], chosen: tuple[str, ...] | list[str]) -> bool:
    """Whether an answer applies in the chosen [province, city, district] (levels may be ""): answers without
    regions apply everywhere; a regional one when a level given on both sides is the same on both."""
    if not any(chosen) or not doc_regions:
        return True
    return any(all(not a or not b or a == b for a, b in zip(r, chosen)) for r in doc_regions)


def score_all(query: str, index: dict[str, Any], category: str = "", prep: Prepared | None = None,
              region: tuple[str, ...] | list[str] = ()) -> list[Hit]:
    """Every document with a positive score, best first (ties: by id), optionally within one category and
    among the answers that apply in one region."""
    cfg = index["config"]
    k1, b, avgdl = cfg["k1"], cfg["b"], index["avgdl"]
    prep = prep or prepare(index)
    terms = [(t, w, idf(index, t)) for t, w in query_terms(query, index, prep)]
    unknown, cover_tf = cfg["unknown_weight"], cfg["cover_tf"]
    text = query_text(query, prep)
    # answers about one region (分类“地区”) rank below general ones unless the question names a place
    regional = 1.0 if any(region) or any(p in text for p in index["places"]) else cfg["place_factor"]
    total = 0.0
    for t, w, i in terms:
        total += w * i * (1.0 if t in index["df"] else unknown)
    hits = []
    for pos, doc in enumerate(index["docs"]):
        if (category and doc["category"] != category) or not in_region(doc["regions"], region):
            continue
        norm_len = k1 * (1 - b + b * doc["len"] / avgdl)
        score = 0.0
        covered = 0.0
        for term, w, i in terms:
            tf = doc["tf"].get(term, 0)
            if tf:
                score += w * i * tf * (k1 + 1) / (tf + norm_len)
                covered += w * i * min(1.0, tf / cover_tf)
        if score > 0:
            if doc["category"] == "地区":
                score *= regional
            hits.append(Hit(pos, doc["id"], score, covered / total))
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits


def answers(query: str, index: dict[str, Any], category: str = "", prep: Prepared | None = None,
            region: tuple[str, ...] | list[str] = ()) -> list[Hit]:
    """What the page shows: up to max_results hits that share an anchor word with the query, whose coverage
    reaches the threshold and whose score is close enough to the best one; nothing when the best one does not
    qualify, or when the query names a matter of another office (安全生产, 消防 …) the best one never mentions."""
    cfg = index["config"]
    prep = prep or prepare(index)
    hits = score_all(query, index, category, prep, region)
    if not hits:
        return []
    anchors = [t for t, _ in query_terms(query, index, prep) if t in prep.anchors]

    def shown(hit: Hit) -> bool:
        tf = index["docs"][hit.doc]["tf"]
        return hit.norm >= cfg["threshold"] and any(a in tf for a in anchors)

    best = hits[0]
    if not shown(best) or not all(mentions(index["docs"][best.doc], m) for m in outside_matters(query, prep)):
        return []
    floor = best.score * cfg["relative_cut"]
    return [h for h in hits if h.score >= floor and shown(h)][:cfg["max_results"]]
