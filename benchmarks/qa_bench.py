"""Quality of the Q&A assistant, counted as the page shows it.

    .venv/bin/python benchmarks/qa_bench.py [--data data] [--misses heldout|dev] [--markdown]

Builds the index exactly as the site build does (compute/qa/index.py) and asks every question through
build_tools/compute/qa/retrieval.py `answers()` — the Python twin of qa.js, threshold, off-topic rule and display limit
included (a browser test checks that qa.js shows the same). Only what the page shows counts:

* top-1: the first answer shown is the right one;
* top-3: the right one is among the (at most 3) answers shown;
* off-topic rejection: for a question outside the assistant's scope, no answer is shown.

"ranked top-3" (the right answer among the three best scores, threshold ignored) is printed alongside to
tell ranking failures from display failures. Question sets:

* heldout  — qa_heldout.yaml + qa_offtopic.yaml: short paraphrases (the original held-out set);
* dev      — qa_dev.yaml: mailbox-style, for tuning (its failures may be inspected with --misses dev);
* mailbox  — qa_mailbox.yaml: mailbox-style, written before any tuning and never used for it; its
             per-question failures are deliberately not printed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.compute.qa import retrieval as rt  # noqa: E402
from build_tools.pipeline import qa_index_for  # noqa: E402

BENCH = ROOT / "benchmarks"
TUNING_SETS = ("heldout", "dev")
SHOWN = 3  # answers counted: what the page shows first


@dataclass
class QuestionSet:
    name: str
    answerable: list[dict]   # {q, faq}
    offtopic: list[str]


def question_sets(bench: Path = BENCH) -> dict[str, QuestionSet]:
    def read(name: str):
        return yaml.safe_load((bench / name).read_text(encoding="utf-8"))
    dev, mailbox = read("qa_dev.yaml"), read("qa_mailbox.yaml")
    return {
        "heldout": QuestionSet("heldout", read("qa_heldout.yaml"), read("qa_offtopic.yaml")),
        "dev": QuestionSet("dev", dev["answerable"], dev["offtopic"]),
        "mailbox": QuestionSet("mailbox", mailbox["answerable"], mailbox["offtopic"]),
    }


def measure(index: dict, qs: QuestionSet) -> dict:
    prep = rt.prepare(index)
    rows, times = [], []
    for case in qs.answerable:
        t0 = time.perf_counter()
        shown = [h.id for h in rt.answers(case["q"], index, prep=prep)][:SHOWN]
        times.append(time.perf_counter() - t0)
        ranked = [h.id for h in rt.score_all(case["q"], index, prep=prep)[:SHOWN]]
        rows.append({**case, "shown": shown, "ranked": ranked})
    answered_off = []
    for q in qs.offtopic:
        t0 = time.perf_counter()
        shown = [h.id for h in rt.answers(q, index, prep=prep)][:SHOWN]
        times.append(time.perf_counter() - t0)
        if shown:
            answered_off.append((q, shown))
    n, m = len(rows), len(qs.offtopic)
    return {
        "name": qs.name, "n": n, "n_off": m,
        "top1": sum(bool(r["shown"]) and r["shown"][0] == r["faq"] for r in rows) / n,
        "top3": sum(r["faq"] in r["shown"] for r in rows) / n,
        "ranked_top3": sum(r["faq"] in r["ranked"] for r in rows) / n,
        "no_answer": sum(not r["shown"] for r in rows) / n,
        "rejection": (m - len(answered_off)) / m if m else float("nan"),
        "ms_median": statistics.median(times) * 1000, "ms_max": max(times) * 1000,
        "rows": rows, "answered_off": answered_off,
    }


def table(results: list[dict]) -> str:
    lines = ["| set | answerable | top-1 shown | top-3 shown | no answer shown | ranked top-3 | off-topic | rejected |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['name']} | {r['n']} | {r['top1']:.1%} | {r['top3']:.1%} | {r['no_answer']:.1%} | "
                     f"{r['ranked_top3']:.1%} | {r['n_off']} | {r['rejection']:.1%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--misses", choices=TUNING_SETS, help="list the failures of a tuning set (never the mailbox set)")
    ap.add_argument("--sets", default="heldout,dev,mailbox", help="comma-separated sets to run (tuning: heldout,dev)")
    args = ap.parse_args(argv)
    sets = {k: v for k, v in question_sets().items() if k in args.sets.split(",")}
    t0 = time.perf_counter()
    index = qa_index_for(args.data)
    build_s = time.perf_counter() - t0
    known = {d["id"] for d in index["docs"]}
    unknown = sorted({c["faq"] for s in sets.values() for c in s.answerable} - known)
    if unknown:
        print(f"answers missing from data: {unknown}", file=sys.stderr)
        return 2
    results = [measure(index, s) for s in sets.values()]
    print(f"FAQ records: {index['n']}  vocabulary: {len(index['df'])} terms  index build: {build_s:.2f} s")
    print(table(results))
    print("query time (Python twin): " + ", ".join(
        f"{r['name']} median {r['ms_median']:.2f} ms / max {r['ms_max']:.2f} ms" for r in results))
    if args.misses:
        r = next(r for r in results if r["name"] == args.misses)
        for row in r["rows"]:
            if not row["shown"] or row["shown"][0] != row["faq"]:
                print(f"  MISS {row['q']}  -> want {row['faq']}, shown {row['shown']}, ranked {row['ranked']}")
        for q, shown in r["answered_off"]:
            print(f"  OFF-TOPIC ANSWERED {q} -> {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
