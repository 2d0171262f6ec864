"""Compute step `qa_index`: the Q&A assistant's retrieval index, built once at build time.

FAQ texts are segmented with jieba (search mode, so long words also yield their
parts) after synonym canonicalisation; character bigrams are added as fallback
terms. Each field's terms count with the field's weight (a BM25F-style bag).
The result is plain JSON data: the page ships it to qa.js, and the benchmark
scores it with build_tools.compute.qa.retrieval — the same code path either way.
"""
from __future__ import annotations

import logging
from collections import Counter
from functools import lru_cache
from typing import Any

from . import retrieval as rt
from ...context import BuildContext
from ...records.model import Dataset, Record

SHIPPED = ("k1", "b", "bigram_weight", "threshold", "relative_cut", "max_results", "stopwords", "single_chars")


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


def build_index(faqs: list[Record], policies: dict[str, Record], config: dict[str, Any]) -> dict[str, Any]:
    forms = rt.synonym_forms(config["synonyms"])
    stop, single = set(config["stopwords"]), set(config["single_chars"])
    domain_words = {c for _, c in forms} | {k for f in faqs for k in f.data.get("keywords", [])}
    tok = _tokenizer(tuple(sorted(rt.normalise(w, forms) for w in domain_words)))
    docs, df = [], Counter()
    for faq in sorted(faqs, key=lambda r: r.id):
        tf: Counter = Counter()
        for field, text in field_texts(faq, policies).items():
            weight = config["fields"][field]
            for term in terms_of(text, tok, forms, stop, single):
                tf[term] += weight
        df.update(tf.keys())
        docs.append({"id": faq.id, "category": faq.data["category"], "len": sum(tf.values()), "tf": dict(tf)})
    return {
        "config": {k: config[k] for k in SHIPPED},
        "forms": [list(p) for p in forms],
        "n": len(docs),
        "avgdl": (sum(d["len"] for d in docs) / len(docs)) if docs else 1.0,
        "df": dict(sorted(df.items())),
        "docs": docs,
    }


def step(dataset: Dataset, ctx: BuildContext) -> dict[str, Any]:
    return build_index(dataset.of("faq"), dataset.index("policy"), ctx.need_inputs().qa)
