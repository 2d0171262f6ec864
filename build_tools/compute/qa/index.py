"""Compute step `qa_index`: the Q&A assistant's retrieval index, built once at build time.

FAQ texts are segmented with jieba (search mode, so long words also yield their
parts) after synonym canonicalisation; character bigrams are added as fallback
terms. Each field's terms count with the field's weight (a BM25F-style bag).
The index also ships a pinyin table (pypinyin, build time only) for the characters
that can spell a known word, so the query side repairs homophone typos.
The result is plain JSON data: the page ships it to qa.js, and the benchmark
scores it with build_tools.compute.qa.retrieval — the same code path either way.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...context import BuildContext
from ...records.model import Dataset, Record
from . import retrieval as rt

SHIPPED = ("k1", "b", "bigram_weight", "unknown_weight", "threshold", "relative_cut", "max_results", "stopwords",
           "single_chars", "outside", "generic", "generic_weight",
           "place_factor", "cover_tf")



@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]):
    import jieba  # build-time only: imported here so the query side never needs it
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for w in words:  # keep domain words (canonical synonyms, keywords) whole
        tok.add_word(w, freq=1000)
    return tok


def field_texts(faq: Record, policies: dict[str, Record]) -> dict[str, str]:
    d = faq.data
    related = [policies[p].data for p in d.get("policies", []) if p in policies]
    return {
        "question": d["question"],
        "keywords": " ".join(d.get("keywords", [])),
        "answer": d["answer"],
        "policies": " ".join(f"{p['title']} {p.get('doc_no', '')}" for p in related),
    }


def terms_of(text: str, tok, forms, stop: set[str], single: set[str]) -> list[str]:
    """Document-side terms: jieba words of CJK runs, ASCII/digit runs as they are, then all bigrams."""
    words, grams = [], []
    for run in rt.runs(rt.normalise(text, forms)):
        if rt.is_cjk(run):
            words += [w for w in tok.cut_for_search(run) if rt.keep_word(w, stop, single)]
            grams += rt.bigrams(run)
        elif rt.keep_word(run, stop, single):
            words.append(run)
    return words + grams


@lru_cache(maxsize=2)
def common_words(top: int) -> frozenset[str]:
    """The `top` most frequent words of two characters or more in jieba's dictionary (everyday Chinese)."""
    import jieba
    counts = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, *_ = line.split()
            if len(word) > 1:
                counts.append((-int(freq), word))
    return frozenset(w for _, w in sorted(counts)[:top])


def sound_table(words: set[str]) -> dict[str, str]:
    """Toneless pinyin -> the common characters (GB 2312) read that way, for every syllable of `words`.

    Per-character default readings on both sides (a word's key is its characters' keys), so the query side
    needs only this table; characters whose syllable no known word uses could never repair anything."""
    from pypinyin import lazy_pinyin  # build-time only
    syllables = {lazy_pinyin(c)[0] for w in words for c in w if rt.is_cjk(c)}
    table: dict[str, list[str]] = {}
    for code in range(0x4E00, 0xA000):
        c = chr(code)
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        s = lazy_pinyin(c)[0]
        if s in syllables:
            table.setdefault(s, []).append(c)
    for w in words:  # rare characters of known words keep their entry
        for c in w:
            if rt.is_cjk(c):
                s = lazy_pinyin(c)[0]
                if c not in table.setdefault(s, []):
                    table[s].append(c)
    return {s: "".join(sorted(cs)) for s, cs in sorted(table.items())}


def regions_of(record: Record) -> list[list[str]]:
    """[province, city, district] of each region the answer applies to ("" for a level not given); [] = everywhere."""
    return [[r["province"], r.get("city", ""), r.get("district", "")] for r in record.data.get("regions", [])]


@dataclass(frozen=True)
class Entry:
    """One thing the assistant can answer with: an FAQ, a procedure or an event, as texts per field."""
    id: str                        # unique in its index (procedures and events are prefixed with their kind)
    category: str
    regions: list[list[str]]
    fields: dict[str, str]         # question, keywords, answer, policies
    keywords: list[str]


def faq_entry(faq: Record, policies: dict[str, Record]) -> Entry:
    return Entry(faq.id, faq.data["category"], regions_of(faq), field_texts(faq, policies), faq.data.get("keywords", []))


def build_index(faqs: list[Record], policies: dict[str, Record], config: dict[str, Any]) -> dict[str, Any]:
    return build_entries([faq_entry(f, policies) for f in faqs], config)


def build_entries(entries: list[Entry], config: dict[str, Any]) -> dict[str, Any]:
    forms = rt.synonym_forms(config["synonyms"])
    stop, single = set(config["stopwords"]), set(config["single_chars"])
    domain_words = {c for _, c in forms} | {k for e in entries for k in e.keywords} | set(config["outside"])
    tok = _tokenizer(tuple(sorted(rt.normalise(w, forms) for w in domain_words)))
    docs: list[dict[str, Any]] = []
    df: Counter[str] = Counter()
    for entry in sorted(entries, key=lambda e: e.id):
        tf: Counter = Counter()
        for field, text in entry.fields.items():
            weight = config["fields"][field]
            for term in terms_of(text, tok, forms, stop, single):
                tf[term] += weight
        df.update(tf.keys())
        docs.append({"id": entry.id, "category": entry.category, "regions": entry.regions,
                     "len": sum(tf.values()), "tf": dict(tf)})
    places = sorted({rt.normalise(p, forms) for p in config["places"]})
    # words a typo may be repaired to: the questions' and keywords' words and the synonym forms (not every
    # word of the answers: the more words, the more often a correct word would be "repaired" into another)
    repairable = {w for e in entries for field in ("question", "keywords")
                  for run in rt.runs(rt.normalise(e.fields[field], forms)) if rt.is_cjk(run)
                  for w in tok.cut(run)}
    repairable |= {f for f, _ in forms} | {c for _, c in forms}
    repairable = {w for w in repairable - stop if len(w) > 1 and all(rt.is_cjk(c) for c in w)}
    # words that tie a question to the platform's matters: the words of the questions and keywords that
    # are not among everyday Chinese's most frequent words (jieba's dictionary), canonical words, reviewed extras
    common = common_words(config["anchor_common_rank"])
    anchors = {w for e in entries for field in ("question", "keywords")
               for run in rt.runs(rt.normalise(e.fields[field], forms))
               for w in (tok.cut_for_search(run) if rt.is_cjk(run) else [run]) if w not in common}
    anchors |= {c for _, c in forms} | {rt.normalise(a, forms) for a in config["anchors"]}
    anchors = {a for a in anchors if a in df and a not in set(config["generic"]) and a not in stop
               and (len(a) > 1 or a in single)}
    return {
        "config": {k: config[k] for k in SHIPPED},
        "forms": [list(p) for p in forms],
        "repairable": sorted(repairable),
        "anchors": sorted(anchors),
        "max_len": max((len(t) for t in df if not t.startswith(rt.BIGRAM)), default=1),  # longest word
        "places": places,
        "sounds": sound_table(repairable),
        "n": len(docs),
        "avgdl": (sum(d["len"] for d in docs) / len(docs)) if docs else 1.0,
        "df": dict(sorted(df.items())),
        "docs": docs,
    }


def step(dataset: Dataset, ctx: BuildContext) -> dict[str, Any]:
    return build_index(dataset.of("faq"), dataset.index("policy"), ctx.need_inputs().qa)


EVENT_CATEGORY = "活动"


def procedure_entry(record: Record, policies: dict[str, Record]) -> Entry:
    d = record.data
    related = [policies[p].data for p in d.get("policies", []) if p in policies]
    answer = " ".join([d["summary"], *d["steps"], *d.get("materials", []), d["office"], d.get("time_limit", "")])
    return Entry("procedure:" + record.id, d["category"], regions_of(record),
                 {"question": d["title"], "keywords": " ".join(d.get("keywords", [])), "answer": answer,
                  "policies": " ".join(f"{p['title']} {p.get('doc_no', '')}" for p in related)},
                 d.get("keywords", []))


def event_entry(record: Record) -> Entry:
    d = record.data
    region = d.get("region")
    return Entry("event:" + record.id, EVENT_CATEGORY,
                 [[region["province"], region.get("city", ""), region.get("district", "")]] if region else [],
                 {"question": d["title"], "keywords": " ".join(d.get("keywords", [])),
                  "answer": " ".join([d["description"], d["place"], d["organiser"]]), "policies": ""},
                 d.get("keywords", []))


def more_step(dataset: Dataset, ctx: BuildContext) -> dict[str, Any] | None:
    """The index of 办事流程 and 生态环境活动, searched by the assistant beside the FAQ (None when there are none)."""
    policies = dataset.index("policy")
    entries = [procedure_entry(r, policies) for r in dataset.of("procedure")] + [event_entry(r) for r in dataset.of("event")]
    return build_entries(entries, ctx.need_inputs().qa) if entries else None
