"""Build the document frequencies of the phrases two papers can share (phrase_df.json).

The offline comparison pairs two papers only when they share a distinctive subject: a phrase of
1-3 content words both abstracts use (compare_phrases.phrases) that is rare across papers. The
comparison reads two papers at a time, with no listing around it (so that `compare A B` and the
digest say the same about a pair), so the rarity comes from a fixed corpus shipped with the
package: src/paperbrief/engines/offline/phrase_df.json, counted by scikit-learn's CountVectorizer
(binary,
the phrase keys as its analyzer) over
  - ../shared/data/hf-2024-papers.jsonl, the papers published before 2024-10-01 only (the later
    ones are bench/content.py's held-out part and stay unseen)
  - ../shared/data/scitldr-a-train.jsonl (1,992 SciTLDR-A training papers)
Only phrases in at least MIN_DF papers are kept: a phrase not in the file is rare.

    python bench/build_phrase_df.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from shared_data import need, shared
from sklearn.feature_extraction.text import CountVectorizer

from paperbrief.engines.offline.compare_ground import phrase_keys

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT_FROM = "2024-10-01"  # bench/content.py's split
OUT = ROOT / "src" / "paperbrief" / "engines" / "offline" / "phrase_df.json"
MIN_DF = 4


def _papers() -> list[tuple[str, str]]:
    out = []
    for name in ("hf-2024-papers.jsonl", "scitldr-a-train.jsonl"):
        with need(shared(name)).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                paper = json.loads(line)
                if str(paper.get("published") or "") >= HELD_OUT_FROM:
                    continue
                abstract = paper["abstract"]
                if isinstance(abstract, list):  # SciTLDR keeps the abstract as sentences
                    abstract = " ".join(abstract)
                out.append((paper.get("title") or "", abstract))
    return out


def main() -> int:
    papers = _papers()
    counter = CountVectorizer(analyzer=lambda pair: phrase_keys(*pair), binary=True)
    matrix = counter.fit_transform(papers)
    df = np.asarray((matrix > 0).sum(axis=0)).ravel()
    terms = counter.get_feature_names_out()
    kept = {str(t): int(n) for t, n in sorted(zip(terms, df, strict=True)) if n >= MIN_DF}
    OUT.write_text(
        json.dumps({"documents": len(papers), "min_df": MIN_DF, "df": kept},
                   separators=(",", ":")) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    print(f"{len(papers)} papers, {len(terms)} phrases, {len(kept)} kept (df >= {MIN_DF}): {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
