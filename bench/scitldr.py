"""SciTLDR benchmark of the offline engine: ROUGE-1 F (max over gold TLDRs) beside baselines.

Run: python bench/scitldr.py [path/to/scitldr.jsonl]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

from rouge import best_rouge1

from paperbrief.engines.offline import OfflineEngine
from paperbrief.models import Paper
from paperbrief.text import sentences

DEFAULT = Path(__file__).parent / "data" / "scitldr-dev.jsonl"
_WE_PROPOSE = re.compile(r"\bwe (?:propose|present|introduce)", re.IGNORECASE)


def first_sentence(abstract: str) -> str:
    """Baseline: the abstract's first sentence."""
    found = sentences(abstract)
    return found[0] if found else ""


def we_propose_sentence(abstract: str) -> str:
    """Baseline: the first "we propose/present/introduce" sentence, else the first sentence."""
    found = sentences(abstract)
    return next((s for s in found if _WE_PROPOSE.search(s)), found[0] if found else "")


def load(path: Path) -> list[dict]:
    """The benchmark records: id, title, abstract, tldrs."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str]) -> int:
    """Score the baselines and the offline engine; print one figure per system."""
    path = Path(argv[0]) if argv else DEFAULT
    records = load(path)
    papers = [
        Paper(id=r["id"], title=r.get("title", ""), abstract=r["abstract"], source=str(path))
        for r in records
    ]
    engine = OfflineEngine()
    start = time.perf_counter()
    lines = [engine.takeaway(p).value.takeaway for p in papers]
    elapsed = time.perf_counter() - start
    systems = {
        "first sentence": [first_sentence(r["abstract"]) for r in records],
        "we-propose sentence": [we_propose_sentence(r["abstract"]) for r in records],
        "offline engine (takeaway)": lines,
    }
    print(f"SciTLDR ROUGE-1 F x100, max over gold TLDRs, {len(records)} papers ({path.name})")
    for name, outputs in systems.items():
        scores = [best_rouge1(r["tldrs"], out) for r, out in zip(records, outputs, strict=True)]
        words = statistics.mean(len(out.split()) for out in outputs)
        print(f"  {name:<28} {100 * statistics.mean(scores):6.2f}   ({words:.1f} words avg)")
    print("  reference: CATTS (trained abstractive, published) 44.0")
    print(f"offline engine speed: {len(papers) / elapsed:,.0f} papers/s ({elapsed:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
