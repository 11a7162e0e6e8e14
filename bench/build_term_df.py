"""Build the document frequencies the offline engine's tags are weighted by.

Tags are the phrases a paper is about: written often in its title and abstract (term frequency)
and rare across papers (inverse document frequency). The offline engine tags one paper at a time,
with no feed around it, so the document frequencies come from a fixed corpus of real abstracts
shipped with the package: src/paperbrief/engines/offline/term_df.json, written by this script from
  - ../shared/data/hf-2024-papers.jsonl   2,202 Hugging Face Daily Papers of 2024
  - ../shared/data/scitldr-a-train.jsonl  1,992 SciTLDR-A training papers (OpenReview, CS/ML)
Stems seen in one paper only are left out (they read as the rarest words anyway), so the file
stays small. Rebuild after changing the tokenizer or the stemmer:

    python bench/build_term_df.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from shared_data import need, shared

from paperbrief.engines.offline.tags import term_stems

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ("hf-2024-papers.jsonl", "scitldr-a-train.jsonl")
OUT = ROOT / "src" / "paperbrief" / "engines" / "offline" / "term_df.json"


def main() -> int:
    df: Counter[str] = Counter()
    documents = 0
    for name in CORPORA:
        with need(shared(name)).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                paper = json.loads(line)
                abstract = paper["abstract"]
                if isinstance(abstract, list):  # SciTLDR keeps the abstract as sentences
                    abstract = " ".join(abstract)
                df.update(term_stems(f"{paper.get('title', '')}\n{abstract}"))
                documents += 1
    kept = {stem: n for stem, n in sorted(df.items()) if n >= 2}
    OUT.write_text(
        json.dumps({"documents": documents, "corpora": list(CORPORA), "df": kept},
                   separators=(",", ":"), sort_keys=False) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    print(f"{documents} papers, {len(df)} stems, {len(kept)} kept (df >= 2): {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
