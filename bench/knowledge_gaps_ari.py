"""Measure the offline topic grouping: adjusted Rand index against the true topics.

    python bench/knowledge_gaps_ari.py --tickets 20000 --seeds 1 2

Scores (1 = the true topics exactly, 0 = chance): the bundled examples/data, `svcstats demo`
datasets of the given seeds (generated under bench/out/), and bench/knowledge_gaps_heldout.csv,
paraphrases of topics the demo does not have, written for this measure and never tuned on.
Each line also gives the score without the synonym list, whose words were chosen knowing the
demo's topics (so the demo figures flatter wording the list does not cover).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import polars as pl
from sklearn.metrics import adjusted_rand_score

from svcstats.gaps import topics

HERE = Path(__file__).resolve().parent


def score(questions: list[str], truth: list[str]) -> tuple[float, int, float]:
    """(ARI, number of topics found, ARI without the synonym list)."""
    found = topics.group_questions(questions)
    saved = dict(topics.SYNONYMS)
    topics.SYNONYMS.clear()
    try:
        plain = topics.group_questions(questions)
    finally:
        topics.SYNONYMS.update(saved)
    return adjusted_rand_score(truth, found), len(set(found)), adjusted_rand_score(truth, plain)


def demo_questions(folder: Path) -> tuple[list[str], list[str]]:
    """Questions and their true topics from a demo dataset folder."""
    gaps = pl.read_csv(folder / "knowledge_gaps.csv", infer_schema=False)
    truth = pl.read_csv(folder / "knowledge_gaps_topics.csv", infer_schema=False)
    joined = gaps.join(truth, on="question_id")
    return joined["question"].to_list(), joined["topic"].to_list()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20000)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    sets = {"examples/data": demo_questions(HERE.parent / "examples" / "data")}
    for seed in args.seeds:
        out = HERE / "out" / f"gaps-{args.tickets}-{seed}"
        if not (out / "knowledge_gaps.csv").exists():
            command = [sys.executable, "-m", "svcstats", "demo", "--out", str(out), "--tickets", str(args.tickets), "--seed", str(seed)]
            subprocess.run(command, check=True, capture_output=True)
        sets[f"demo --tickets {args.tickets} --seed {seed}"] = demo_questions(out)
    heldout = pl.read_csv(HERE / "knowledge_gaps_heldout.csv")
    sets["held-out paraphrases"] = (heldout["question"].to_list(), heldout["topic"].to_list())
    print("| data | questions | true topics | topics found | ARI | ARI without synonyms |")
    print("|---|---|---|---|---|---|")
    for name, (questions, truth) in sets.items():
        ari, found, plain = score(questions, truth)
        print(f"| {name} | {len(questions)} | {len(set(truth))} | {found} | {ari:.3f} | {plain:.3f} |")


if __name__ == "__main__":
    main()
