"""Ranking quality: precision@10 of interests profiles on 2,202 real Daily Papers of 2024.

For each keyword, a profile is built from the keyword and 3 papers that mention it (drawn at
random, several draws); those 3 leave the feed, and the held-back papers mentioning the keyword
should rank high. precision@10 = share of the top 10 that mention the keyword. Printed beside
a random order (the expected share of mentioning papers in the feed) and beside the profile's
similarity alone (no keyword, only the 3 liked papers), which shows what the TF-IDF space does
without the exact phrase match.

    python bench/rank.py --legacy [--data PATH] [--draws N]

Without --legacy it runs bench/rank_marks.py (marks, learned ranking, simulated reader):

    python bench/rank.py [--data PATH] [--draws N] [--split tuning|held-out|both]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from shared_data import need, shared

from paperbrief.relate.interests import LikedPaper, Profile
from paperbrief.relate.ranking import phrase_pattern, rank_listing
from paperbrief.relate.relatedness import TermSpace, paper_text
from paperbrief.sources import read_file

DATA = shared("hf-2024-papers.jsonl")  # bench/shared_data.py
KEYWORDS = [
    "speculative decoding", "mixture of experts", "retrieval-augmented generation",
    "knowledge distillation", "text-to-speech", "video generation", "code generation",
    "reward model", "quantization", "long context", "vision-language", "3D",
    "diffusion", "reinforcement learning", "hallucination", "mathematical reasoning",
    "image editing", "robot", "tokenizer", "multilingual",
]
K = 10
LIKED = 3


def precision_at_k(ranked_ids: list[str], relevant: set[str], k: int = K) -> float:
    top = ranked_ids[:k]
    return sum(1 for pid in top if pid in relevant) / len(top)


def legacy() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--draws", type=int, default=2, help="random profiles per keyword")
    args = parser.parse_args()
    papers = read_file(need(args.data)).papers
    rng = random.Random(2024)
    rows = []
    started = time.perf_counter()
    for keyword in KEYWORDS:
        pattern = phrase_pattern(keyword)
        mentions = [p for p in papers if pattern.search(" ".join(paper_text(p).lower().split()))]
        if len(mentions) < LIKED + K:
            continue
        full, sim_only, baseline = [], [], []
        for _ in range(args.draws):
            liked = rng.sample(mentions, LIKED)
            liked_ids = {p.id for p in liked}
            feed = [p for p in papers if p.id not in liked_ids]
            relevant = {p.id for p in mentions} - liked_ids
            likes = [LikedPaper(ref=p.id, title=p.title, abstract=p.abstract) for p in liked]
            space, vectors = TermSpace.fit([paper_text(p) for p in feed])
            for keywords, out in (([keyword], full), ([], sim_only)):
                profile = Profile(path=Path("bench.toml"), keywords=keywords, papers=likes)
                ranked, _ = rank_listing(feed, profile, space=space, vectors=vectors)
                out.append(precision_at_k([r.paper.id for r in ranked], relevant))
            baseline.append(len(relevant) / len(feed))
        rows.append((keyword, len(mentions), statistics.mean(baseline), statistics.mean(sim_only),
                     statistics.mean(full)))
    elapsed = time.perf_counter() - started
    print(f"{len(papers)} papers, {len(rows)} keywords x {args.draws} draws, "
          f"profile = keyword + {LIKED} liked papers that mention it")
    print(f"{'keyword':32} {'papers':>6} {'random':>7} {'likes only':>10} {'profile':>8}")
    for keyword, n, base, sim, full in rows:
        print(f"{keyword:32} {n:6d} {base:7.3f} {sim:10.3f} {full:8.3f}")
    mean = [statistics.mean(r[i] for r in rows) for i in (2, 3, 4)]
    print(f"{'mean precision@10':32} {'':6} {mean[0]:7.3f} {mean[1]:10.3f} {mean[2]:8.3f}")
    print(f"{elapsed:.1f} s for {len(rows) * args.draws * 2} rankings; "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    import sys

    if "--legacy" in sys.argv:
        sys.argv.remove("--legacy")
        legacy()
    else:
        from rank_marks import main as marks_main  # bench/rank_marks.py: issue 25's protocol

        marks_main()
