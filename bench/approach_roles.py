"""How often the comparison's approach cell states the paper's main contribution.

On SciTLDR-A (abstracts with human TLDRs, no titles) the sentence closest to the TLDR (best
ROUGE-1 against the gold TLDRs) is the label for "main contribution": a TLDR is written from
it. For each abstract the bench finds the sentence the approach cell was taken from (the one
holding most of the cell's words) and counts how often it is that sentence; it also reports
how often the cell is left out and the cell's own ROUGE-1 against the TLDRs.

    python bench/approach_roles.py [--split dev|train] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from rouge import best_rouge1
from shared_data import need, shared

from paperbrief.engines.offline.compare_cells import approach_cell
from paperbrief.engines.offline.compare_names import named, short_name
from paperbrief.engines.offline.extract import split_sentences
from paperbrief.engines.offline.facts import roles
from paperbrief.models import Paper
from paperbrief.text import content_tokens


def source_index(cell: str, texts: list[str]) -> int:
    """The index of the sentence holding most of the cell's content words."""
    words = set(content_tokens(cell))
    return max(range(len(texts)), key=lambda i: (len(words & set(content_tokens(texts[i]))), -i))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    path = need(shared(f"scitldr-a-{args.split}.jsonl"))
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if args.limit:
        records = records[: args.limit]
    hits = filled = 0
    gains: list[float] = []
    for r in records:
        sents = split_sentences(r["abstract"])
        if len(sents) < 2:
            continue
        texts = [s.text for s in sents]
        closest = max(range(len(texts)), key=lambda i: (best_rouge1(r["tldrs"], texts[i]), -i))
        paper = Paper(id=r["id"], title=r.get("title", ""), abstract=r["abstract"], source="x")
        names = tuple(n for n in (short_name(paper, paper.abstract), named(paper)) if n)
        cell = approach_cell(paper.title, paper.abstract, roles(paper.title, paper.abstract).method,
                             names)  # fmt: skip
        if not cell:
            continue
        filled += 1
        hits += source_index(cell, texts) == closest
        gains.append(best_rouge1(r["tldrs"], cell))
    n = len(records)
    print(f"SciTLDR-A {args.split}: {n} abstracts; approach cell filled {filled} "
          f"({filled / n:.1%}); its sentence is the TLDR-closest in {hits} "
          f"({hits / n:.1%} of all, {hits / max(1, filled):.1%} of filled); "
          f"cell ROUGE-1 vs TLDR {100 * statistics.fmean(gains or [0]):.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
