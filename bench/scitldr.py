"""SciTLDR benchmark of the offline takeaway: ROUGE-1/2/L F (max over gold TLDRs), in one run,
on SciTLDR-A dev (619 papers; the selector's settings were chosen on it) and on the 300 SciTLDR-A
test papers of bench/data/scitldr-dev.jsonl (never used for training or choosing), for the first
sentence, the previous hand-set selection and the learned selector the engine ships.

Run: python bench/scitldr.py [--dev PATH] [--test PATH]
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

from handset_selector import takeaway_line as handset_line
from rouge import best_scores

from paperbrief.engines.offline import OfflineEngine
from paperbrief.models import Paper
from paperbrief.text import sentences

HERE = Path(__file__).parent
TEST = HERE / "data" / "scitldr-dev.jsonl"  # despite its name: 300 papers of SciTLDR-A *test*
DEV = HERE.parents[1] / "shared" / "data" / "scitldr-a-dev.jsonl"
if not DEV.exists():
    DEV = Path("/work/shared/data/scitldr-a-dev.jsonl")


def first_sentence(record: dict) -> str:
    """Baseline: the abstract's first sentence."""
    found = sentences(record["abstract"])
    return found[0] if found else ""


def load(path: Path) -> list[dict]:
    """The benchmark records: id, title, abstract, tldrs."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str]) -> int:
    """Score each system on each split; print one row per split and system."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="SciTLDR-A dev (619 papers)")
    parser.add_argument("--test", type=Path, default=TEST, help="the 300 SciTLDR-A test papers")
    args = parser.parse_args(argv)
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
    for label, path in (("dev", args.dev), ("test", args.test)):
        records = load(path)
        for name, system in systems.items():
            start = time.perf_counter()
            outputs = [system(r) for r in records]
            elapsed = time.perf_counter() - start
            scores = [best_scores(r["tldrs"], out) for r, out in zip(records, outputs, strict=True)]
            row = {m: 100 * statistics.mean(s[m] for s in scores) for m in ("R-1", "R-2", "R-L")}
            words = statistics.mean(len(out.split()) for out in outputs)
            print(f"  {label + f' {len(records)}':<12} {name:<29} {row['R-1']:6.2f} "
                  f"{row['R-2']:6.2f} {row['R-L']:6.2f} {words:6.1f}   "
                  f"({len(records) / elapsed:,.0f} papers/s)")  # fmt: skip
    print("  reference: CATTS (trained abstractive, published, SciTLDR-A test) R-1 44.0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
