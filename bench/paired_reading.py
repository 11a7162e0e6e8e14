"""A paired blind reading: the same pairs compared by two versions of the offline engine, side by
side for a reader who does not know which is which.

Readings of new pairs each round cannot tell a change from a different sample of pairs or a
harsher reader (bench/blind-readings/README.md); a paired reading can. Two steps:

    # once with each version installed (e.g. a worktree of the old commit in its own venv)
    python bench/paired_reading.py dump PAIRS.md [PAIRS.md ...] --out old.json
    python bench/paired_reading.py dump PAIRS.md [PAIRS.md ...] --out new.json
    # the comparisons that differ, X and Y in random order, and the key to them
    python bench/paired_reading.py ab old.json new.json --out ab.md --key key.json [--n 30]

PAIRS.md are files written by bench/blind_pairs.py (their 'arXiv <id>' lines name the pairs).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from shared_data import need, shared

from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.sources import read_file

DATA = shared("hf-2024-papers.jsonl")  # bench/shared_data.py

RUBRIC = """\
Each pair shows both abstracts and two comparisons of them, X and Y, written by two versions of
one tool (which is which is not said, and the order is random). Score each comparison 1-5
overall: would you trust it enough to skip reading the abstracts to decide which to read? Then
say which is better (X, Y or same) and why, in one line.
"""


def _pairs(files: list[Path]) -> list[tuple[str, str]]:
    """The (A, B) arXiv ids of the pairs files, in order, each pair once."""
    ids = [i for f in files for i in re.findall(r"^arXiv (\S+)$", f.read_text("utf-8"), re.M)]
    return list(dict.fromkeys(zip(ids[0::2], ids[1::2], strict=True)))


def dump(files: list[Path], data: Path, out: Path) -> int:
    papers = {p.id: p for p in read_file(str(need(data))).papers}
    engine = OfflineEngine()
    rows = []
    for a, b in _pairs(files):
        c = engine.compare(papers[a], papers[b]).value
        rows.append({"a": a, "b": b, "summary": c.summary, "ground": c.shared_ground,
                     "rows": [[d.aspect, d.a, d.b] for d in c.differences],
                     "prefer_a": c.prefer_a, "prefer_b": c.prefer_b})  # fmt: skip
    out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"{len(rows)} comparisons written to {out}")
    return 0


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _render(c: dict) -> list[str]:
    lines = []
    if c["summary"] != c["ground"]:
        lines += [f"**Summary:** {c['summary']}", ""]
    lines += [f"**Shared ground:** {c['ground']}", "", "| aspect | A | B |", "| --- | --- | --- |"]
    lines += [f"| {_cell(x)} | {_cell(a)} | {_cell(b)} |" for x, a, b in c["rows"]]
    none = "(no line: no fact supports one)"
    return lines + ["", f"**When to prefer A:** {c['prefer_a'] or none}", "",
                    f"**When to prefer B:** {c['prefer_b'] or none}", ""]  # fmt: skip


def ab(old: Path, new: Path, data: Path, out: Path, key: Path, n: int, seed: int) -> int:
    before = {(c["a"], c["b"]): c for c in json.loads(old.read_text("utf-8"))}
    after = {(c["a"], c["b"]): c for c in json.loads(new.read_text("utf-8"))}
    differ = [k for k in before if k in after and before[k] != after[k]]
    rng = random.Random(seed)
    chosen = rng.sample(differ, min(n, len(differ)))
    papers = {p.id: p for p in read_file(str(need(data))).papers}
    parts = [f"# Paired reading: {len(chosen)} pairs, two comparisons each", "", RUBRIC, "---", ""]
    answers = {}
    for i, (a, b) in enumerate(chosen, 1):
        x_is_new = rng.random() < 0.5
        x, y = (after, before) if x_is_new else (before, after)
        answers[i] = {"a": a, "b": b, "X": "new" if x_is_new else "old",
                      "Y": "old" if x_is_new else "new"}  # fmt: skip
        pa, pb = papers[a], papers[b]
        parts += [f"## Pair {i}", "", f"### A: {pa.title}", "", f"arXiv {a}", "", pa.abstract, "",
                  f"### B: {pb.title}", "", f"arXiv {b}", "", pb.abstract, "",
                  "### Comparison X", "", *_render(x[(a, b)]), "### Comparison Y", "",
                  *_render(y[(a, b)]), "**Scores** (1-5): X overall _ · Y overall _ · better: _",
                  "", "---", ""]  # fmt: skip
    out.write_text("\n".join(parts), encoding="utf-8")
    key.write_text(json.dumps(answers, indent=1), encoding="utf-8")
    print(f"{len(differ)} of {len(before)} comparisons differ; {len(chosen)} written to {out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    d = sub.add_parser("dump")
    d.add_argument("pairs", type=Path, nargs="+")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--data", type=Path, default=DATA)
    p = sub.add_parser("ab")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--key", type=Path, required=True)
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--n", type=int, default=30)
    p.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    if args.step == "dump":
        return dump(args.pairs, args.data, args.out)
    return ab(args.old, args.new, args.data, args.out, args.key, args.n, args.seed)


if __name__ == "__main__":
    sys.exit(main())
