"""The offline comparisons of a blind-pairs file's pairs, as JSON, from whichever paperbrief
is installed: `python dump.py PAIRS.md HF-2024-PAPERS.jsonl OUT.json`, run once with round 9's
checkout (715fa53) installed and once with this one on round 12's pairs (`bench/blind_pairs.py
--seed 8383`) to make the paired reading (`ab-pairs.md`, `key.json`)."""

import json
import re
import sys
from pathlib import Path

from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.sources import read_file

pairs_file, papers_file, out_file = map(Path, sys.argv[1:4])
ids = re.findall(r"^arXiv (\S+)$", pairs_file.read_text(encoding="utf-8"), re.M)
papers = {p.id: p for p in read_file(str(papers_file)).papers}
engine = OfflineEngine()
out = []
for a, b in zip(ids[0::2], ids[1::2], strict=True):
    c = engine.compare(papers[a], papers[b]).value
    out.append({"a": a, "b": b, "summary": c.summary, "ground": c.shared_ground,
                "rows": [[d.aspect, d.a, d.b] for d in c.differences],
                "prefer_a": c.prefer_a, "prefer_b": c.prefer_b})  # fmt: skip
out_file.write_text(json.dumps(out, indent=1), encoding="utf-8")
