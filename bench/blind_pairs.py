"""Blind reading of the offline comparisons: 30 random compared pairs, written for a reader.

The pairs are drawn (fixed seed) from the comparisons a digest of the held-out Daily Papers of
2024 makes (`hf-2024-papers.jsonl`, papers published 2024-10-01 ... 2024-12-31: the part
bench/content.py reports on and bench/build_phrase_df.py never counts; the rules were tuned on
the earlier papers and the bundled example). For each pair the Markdown file holds both titles
and abstracts and the whole comparison paperbrief's offline engine writes (summary line, shared
ground, the aspect table, the prefer lines), then an empty score line with issue 22's rubric
for an independent reader.

    python bench/blind_pairs.py [--data PATH] [--out build/blind-pairs.md] [--n 30] [--seed 22]
                                [--exclude PAIRS.md ...]

`--exclude` leaves out the pairs of earlier pairs files (their 'arXiv <id>' lines): a reading
of pairs no earlier round read or tuned on.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from shared_data import need, shared

from paperbrief.digest.build import plan_digest
from paperbrief.engines.offline.compare_shown import substantive
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Comparison, Paper
from paperbrief.sources import read_file

ROOT = Path(__file__).resolve().parents[1]
DATA = shared("hf-2024-papers.jsonl")  # bench/shared_data.py
HELD_OUT_FROM = "2024-10-01"  # bench/content.py's split

RUBRIC = """\
Score each pair 1-5 on each line (5 best), with both abstracts at hand:

- **related**: are the two papers related enough that a comparison is worth reading?
- **accurate**: is everything the comparison says true of the abstracts?
- **informative**: does it tell you something about how the two differ that the titles do not?
- **shared ground**: does the shared-ground line name what the two really share?
- **table and prefer-lines**: are the table's cells and the "when to prefer" lines useful?
- **overall**: would you trust it enough to skip reading the abstracts to decide which to read?
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(i: int, a: Paper, b: Paper, c: Comparison) -> str:
    lines = [f"## Pair {i}", "", f"### A: {a.title}", "", f"arXiv {a.id}", "", a.abstract, "",
             f"### B: {b.title}", "", f"arXiv {b.id}", "", b.abstract, "",
             "### paperbrief's comparison", ""]  # fmt: skip
    # a summary that is the shared ground is shown once, as the digest shows it (round 4)
    if c.summary != c.shared_ground:
        lines += [f"**Summary:** {c.summary}", ""]
    lines += [f"**Shared ground:** {c.shared_ground}", "", "| aspect | A | B |",
              "| --- | --- | --- |"]  # fmt: skip
    lines += [f"| {_cell(d.aspect)} | {_cell(d.a)} | {_cell(d.b)} |" for d in c.differences]
    lines += ["", f"**When to prefer A:** {c.prefer_a or '(no line: no fact supports one)'}",
              "", f"**When to prefer B:** {c.prefer_b or '(no line: no fact supports one)'}",
              "", "**Scores** (1-5): related _ · accurate _ · informative _ · shared ground _ · "
              "table and prefer-lines _ · overall _", "", "---", ""]  # fmt: skip
    return "\n".join(lines)


def _read_pairs(path: Path) -> set[tuple[str, str]]:
    """The pairs (sorted arXiv ids) a pairs file holds: the first two 'arXiv <id>' lines of
    each '## Pair' section."""
    out = set()
    for part in path.read_text(encoding="utf-8").split("## Pair ")[1:]:
        ids = re.findall(r"^arXiv (\S+)", part, re.MULTILINE)
        if len(ids) >= 2:
            out.add(tuple(sorted(ids[:2])))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "blind-pairs.md")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    papers = [p for p in read_file(need(args.data)).papers if str(p.published) >= HELD_OUT_FROM]
    plan = plan_digest(papers, top=len(papers))
    engine = OfflineEngine()
    # the pairs the digest shows a comparison of (engines.offline.compare_shown)
    seen = {pair for path in args.exclude for pair in _read_pairs(path)}
    shown = [(a, b) for a, b in plan.pairs if substantive(engine.compare(a, b).value)
             and tuple(sorted((a.id, b.id))) not in seen]  # fmt: skip
    pairs = random.Random(args.seed).sample(shown, min(args.n, len(shown)))
    parts = [f"# Blind reading: {len(pairs)} offline comparisons", "",
             f"Drawn with seed {args.seed} from the {len(shown)} pairs a digest of "
             f"{len(papers)} Daily Papers (published {HELD_OUT_FROM} or later) compares; "
             f"paperbrief {engine.comparison_version}.", "", RUBRIC, "---", ""]  # fmt: skip
    for i, (a, b) in enumerate(pairs, 1):
        parts.append(render(i, a, b, engine.compare(a, b).value))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"{len(pairs)} pairs of {len(shown)} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
