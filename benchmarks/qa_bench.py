"""Retrieval quality of the Q&A assistant on held-out paraphrased questions.

    .venv/bin/python benchmarks/qa_bench.py [--data data] [--heldout benchmarks/qa_heldout.yaml] [--misses]

Builds the index exactly as the site build does (compute/qa/index.py) and scores each
held-out question with build_tools/compute/qa/retrieval.py, the Python twin of qa.js. Reports top-1
and top-3 hit rates (goal: top-3 >= 90 %), how often the page would say "no good answer"
for a question that has one, how often it says so for off-topic questions (qa_offtopic.yaml),
and query latency.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.compute.qa import retrieval as rt  # noqa: E402
from build_tools.pipeline import qa_index_for  # noqa: E402


def evaluate(index: dict, cases: list[dict]) -> dict:
    prep = rt.prepare(index)
    category_of = {d["id"]: d["category"] for d in index["docs"]}
    rows, started = [], time.perf_counter()
    for case in cases:
        ranked = [h.id for h in rt.score_all(case["q"], index, prep=prep)]
        shown = [h.id for h in rt.answers(case["q"], index, prep=prep)]
        rank = ranked.index(case["faq"]) + 1 if case["faq"] in ranked else None
        rows.append({**case, "rank": rank, "top": ranked[:3], "shown": shown})
    elapsed = time.perf_counter() - started
    n = len(rows)
    per_cat: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        per_cat[category_of.get(r["faq"], "?")].append(r)
    return {
        "n": n,
        "top1": sum(r["rank"] == 1 for r in rows) / n,
        "top3": sum(r["rank"] is not None and r["rank"] <= 3 for r in rows) / n,
        "shown_hit": sum(r["faq"] in r["shown"] for r in rows) / n,
        "no_answer": sum(not r["shown"] for r in rows) / n,
        "ms_per_query": elapsed / n * 1000,
        "per_category": {c: (len(rs), sum(r["rank"] is not None and r["rank"] <= 3 for r in rs) / len(rs))
                         for c, rs in sorted(per_cat.items())},
        "rows": rows,
    }


def own_questions(data: Path) -> dict[str, str]:
    """FAQ id -> its own question: not a quality measure (these words are in the index), a sanity floor."""
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["question"] for p in sorted((data / "faq").glob("*.yaml"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--heldout", type=Path, default=ROOT / "benchmarks" / "qa_heldout.yaml")
    ap.add_argument("--offtopic", type=Path, default=ROOT / "benchmarks" / "qa_offtopic.yaml")
    ap.add_argument("--misses", action="store_true", help="list questions whose answer is not ranked first")
    args = ap.parse_args(argv)
    cases = yaml.safe_load(args.heldout.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    index = qa_index_for(args.data)
    build_s = time.perf_counter() - t0
    unknown = sorted({c["faq"] for c in cases} - {d["id"] for d in index["docs"]})
    if unknown:
        print(f"held-out answers missing from data: {unknown}", file=sys.stderr)
        return 2
    res = evaluate(index, cases)
    print(f"FAQ records: {index['n']}  vocabulary: {len(index['df'])} terms  index build: {build_s:.2f} s")
    print(f"held-out questions: {res['n']}")
    print(f"top-1 hit rate: {res['top1']:.1%}")
    print(f"top-3 hit rate: {res['top3']:.1%}   (goal >= 90 %)")
    print(f"correct answer among those shown on the page: {res['shown_hit']:.1%}; "
          f"'no good answer' said: {res['no_answer']:.1%}")
    print(f"query time (Python): {res['ms_per_query']:.2f} ms")
    print("top-3 by category: " + ", ".join(f"{c} {rate:.0%} (n={n})" for c, (n, rate) in res["per_category"].items()))
    own = evaluate(index, [{"q": q, "faq": i} for i, q in own_questions(args.data).items()])
    off = yaml.safe_load(args.offtopic.read_text(encoding="utf-8"))
    answered = [q for q in off if rt.answers(q, index)]
    print(f"off-topic questions: 'no good answer' said for {len(off) - len(answered)}/{len(off)}; "
          f"answered anyway: {'、'.join(answered) or '—'}")
    print(f"sanity, the FAQ's own wording: top-1 {own['top1']:.1%} (n={own['n']})")
    if args.misses:
        for r in res["rows"]:
            if r["rank"] != 1:
                print(f"  rank {r['rank']}: {r['q']}  -> want {r['faq']}, got {r['top']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
