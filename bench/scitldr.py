"""SciTLDR benchmark of the offline takeaway: ROUGE-1/2/L F (max over gold TLDRs), in one run,
on SciTLDR-A dev (619 papers; the selector's settings were chosen on it) and on the 300 SciTLDR-A
test papers of the shared scitldr-dev.jsonl (never used for training or choosing), for the first
sentence, the previous hand-set selection and the learned selector the engine ships; then issue
13's targets (dev R-1 >= 44; on the test file no drop against the hand-set selection beyond
noise: the 95 % paired bootstrap interval of the difference) with met/missed, exit 1 if missed.

Run: pip install -e '.[bench]' && python bench/scitldr.py [--dev PATH] [--test PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from handset_selector import takeaway_line as handset_line
from rouge import best_scores
from shared_data import need, shared

from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Paper
from paperbrief.text import sentences

TEST = shared("scitldr-dev.jsonl")  # despite its name: 300 papers of SciTLDR-A *test*
DEV = shared("scitldr-a-dev.jsonl")  # (bench/shared_data.py)


def first_sentence(record: dict) -> str:
    """Baseline: the abstract's first sentence."""
    found = sentences(record["abstract"])
    return found[0] if found else ""


def load(path: Path) -> list[dict]:
    """The benchmark records: id, title, abstract, tldrs."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def paired_interval(
    differences: list[float], resamples: int = 10_000, seed: int = 0
) -> tuple[float, float]:
    """The 95 % bootstrap interval of the mean of per-paper differences (papers resampled with
    replacement, the two systems kept paired): how far the mean moves by which papers are in the
    file alone."""
    rng = np.random.default_rng(seed)
    values = np.asarray(differences)
    means = values[rng.integers(0, len(values), (resamples, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def main(argv: list[str]) -> int:
    """Score each system on each split; print one row per split and system, then the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="SciTLDR-A dev (619 papers)")
    parser.add_argument("--test", type=Path, default=TEST, help="the 300 SciTLDR-A test papers")
    args = parser.parse_args(argv)
    for path in (args.dev, args.test):
        need(path)
    engine = OfflineEngine()

    def learned(record: dict) -> str:
        paper = Paper(id=record["id"], title=record.get("title", ""),
                      abstract=record["abstract"], source="scitldr")  # fmt: skip
        return engine.takeaway(paper).value.takeaway

    systems: dict[str, Callable[[dict], str]] = {
        "first sentence": first_sentence,
        "hand-set selection (before)": lambda r: handset_line(r["abstract"], r.get("title", "")),
        "learned selector (engine)": learned,
    }
    print("SciTLDR-A, ROUGE F x100, max over gold TLDRs "
          f"(load {', '.join(f'{x:.1f}' for x in os.getloadavg())})")  # fmt: skip
    print(f"  {'split':<12} {'system':<29} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'words':>6}")
    rouge1: dict[tuple[str, str], list[float]] = {}  # (split, system): each paper's R-1
    for label, path in (("dev", args.dev), ("test", args.test)):
        records = load(path)
        for name, system in systems.items():
            start = time.perf_counter()
            outputs = [system(r) for r in records]
            elapsed = time.perf_counter() - start
            scores = [best_scores(r["tldrs"], out) for r, out in zip(records, outputs, strict=True)]
            rouge1[label, name] = [100 * s["R-1"] for s in scores]
            row = {m: 100 * statistics.mean(s[m] for s in scores) for m in ("R-1", "R-2", "R-L")}
            words = statistics.mean(len(out.split()) for out in outputs)
            print(f"  {label + f' {len(records)}':<12} {name:<29} {row['R-1']:6.2f} "
                  f"{row['R-2']:6.2f} {row['R-L']:6.2f} {words:6.1f}   "
                  f"({len(records) / elapsed:,.0f} papers/s)")  # fmt: skip
    print("  reference: CATTS (trained abstractive, published, SciTLDR-A test) R-1 44.0")
    return 0 if targets(rouge1) else 1


def targets(rouge1: dict[tuple[str, str], list[float]]) -> bool:
    """Print issue 13's two targets: dev R-1 >= 44, and no drop beyond noise on the test file
    against the hand-set selection (the paired difference and its bootstrap interval)."""
    engine, before = "learned selector (engine)", "hand-set selection (before)"
    dev = statistics.mean(rouge1["dev", engine])
    print(f"targets: dev R-1 {dev:.2f} (>= 44: {'met' if dev >= 44 else 'missed'})")
    intervals = {}
    for label in ("dev", "test"):
        diffs = [a - b for a, b in zip(rouge1[label, engine], rouge1[label, before], strict=True)]
        low, high = intervals[label] = paired_interval(diffs)
        verdict = "a gain" if low > 0 else "a drop" if high < 0 else "within noise"
        print(f"  {label}: learned - hand-set R-1 {statistics.mean(diffs):+.2f}, 95 % paired "
              f"bootstrap interval {low:+.2f} .. {high:+.2f}: {verdict}")  # fmt: skip
    no_test_drop = intervals["test"][1] >= 0
    print(f"  test: no drop beyond noise: {'met' if no_test_drop else 'missed'}")
    return dev >= 44 and no_test_drop


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
