"""How often a bare number ("7" for "7 billion") can be repaired locally (issue 24, item 12).

For every number with a scale or unit in 2,000 real Daily Papers abstracts ("7B", "7 billion",
"45%"), an answer that wrote only its digits ("7") is judged as the LLM engine judges it: already
grounded (the paper also states the bare value), repaired locally (the paper writes those digits
with a scale or unit exactly one way), or left to a re-ask (two or more ways). Prints the counts
and the time per answer field.

    python bench/bare_numbers.py [PATH.jsonl]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from paperbrief.engines.llm.numbers import ground_bare_numbers
from paperbrief.numbers import find_numbers, ungrounded
from paperbrief.sources import read_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "fixtures" / "hf-2024-papers-2000.jsonl"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT
    papers = read_file(path).papers
    outcome: Counter[str] = Counter()
    fields = 0
    start = time.perf_counter()
    for paper in papers:
        source = f"{paper.title}\n{paper.abstract}"
        for n in find_numbers(paper.abstract):
            digits = n.text.split()[0].rstrip("%xX×BMKTbmkt")
            if not digits or digits == n.text or not digits[0].isdigit():
                continue  # already bare, or no digits to strip to
            text = f"The model has {digits} parameters."
            fields += 1
            if not ungrounded(text, source):
                outcome["grounded anyway"] += 1
                continue
            notes: list[str] = []
            fixed = ground_bare_numbers(text, source, notes)
            outcome["repaired locally" if notes and not ungrounded(fixed, source)
                    else "re-asked"] += 1
    took = time.perf_counter() - start
    print(f"{len(papers)} papers, {fields} scaled or unit-bearing numbers written bare")
    for name in ("grounded anyway", "repaired locally", "re-asked"):
        print(f"  {name:17} {outcome[name]:6d}  {outcome[name] / max(1, fields):6.1%}")
    print(f"{took / max(1, fields) * 1e6:.0f} µs per judged field (all steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
