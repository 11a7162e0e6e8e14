"""Content of the offline engine: what a reader trips over in its comparisons and takeaways.

Prints issue 22's table for the bundled example and for the real Daily Papers of 2024
(`hf-2024-papers.jsonl`), every paper detailed (the digest's own plan: `plan_digest` with
`top` = all papers, so its pairs are the ones a `--top 1000` digest compares), offline engine.
The comparisons measured are the ones the digest shows (engines.offline.compare_shown: an offline
comparison with a summary of its own and two rows); "pairs related (shown or not)" counts all.

The 2024 papers are split by date: papers published before 2024-10-01 (1,214) were read while
tuning the rules ("tune"); the papers of 2024-10-01 ... 2024-12-31 (988) were not ("held-out").
The targets are judged on the held-out part and on the bundled example.

Definitions (the issue's):
- restating: a summary that contains >= 70 % of the words of either paper's takeaway, in order
  (longest common subsequence of lower-cased words / the takeaway's words);
- summary words: median and max words of the comparison summaries;
- no common subject: comparisons whose shared ground starts "No common subject";
- one-template prefer lines: prefer lines of the form "Read X for <a kind's stock phrase>",
  as a share of the prefer lines written (an empty prefer line is not counted);
- title-as-field: takeaway fields (problem, method, result) and comparison cells whose words
  are >= 80 % the title's (in order), per field written;
- dangling openings: takeaways opening on a word that needs the sentence before it;
- cut cells: comparison cells (problem/approach/results) whose text is not a whole sentence
  or clause of the abstract: found in it, but followed by more of its sentence without a
  clause break (',', ';', ':', ')', a dash; an aside in parentheses before one is left out
  fine), or ending on '...';
- numbers that are names: key numbers that belong to a name or version: glued to or after a
  capitalised word ('Llama 2', 'GPT-4', 'DiT XL/2', 'Pixel 8'), after 'stage', 'version',
  'phase', 'step', 'level', 'round', 'part' or before 'license', after '^'; per 1,000 papers;
- related: an independent check of pair quality: a compared pair counts as related when the
  cosine of its two abstracts in a word 1-2-gram TF-IDF space (scikit-learn's own tokenizer,
  English stop words, fitted on the whole listing, a space the engine does not use) is above
  the 99th percentile of 5,000 random pairs of the same listing.

    python bench/content.py [--data PATH] [--only example|tune|held-out]

The "before" figures: the same script with an older checkout's src first on PYTHONPATH, e.g.
`git archive 2579197 src | tar -x -C /tmp/old && PYTHONPATH=/tmp/old/src python bench/content.py`.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from shared_data import shared
from sklearn.feature_extraction.text import TfidfVectorizer

from paperbrief.digest.build import plan_digest
from paperbrief.engines.offline.compare_shown import substantive
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.standalone import lcs
from paperbrief.models import Comparison, Paper, Takeaway
from paperbrief.sources import read_file

try:
    from paperbrief.models import NO_PREFERENCE
except ImportError:  # an older paperbrief on PYTHONPATH ('before' figures): no such line
    NO_PREFERENCE = ""

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "daily-papers-2026-03-05.txt"
DATA = shared("hf-2024-papers.jsonl")  # bench/shared_data.py
HELD_OUT_FROM = "2024-10-01"

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
DANGLING = re.compile(
    r"^(?:these|those|this(?!\s+(?:paper|work|study|article|survey|report|thesis|position|"
    r"technical|tutorial|review)\b)|such|it|its|they|their|them|thus|hence|therefore|however|"
    r"moreover|furthermore|additionally|also|then|finally|further|instead|here|there|"
    r"in addition|in particular|in contrast|in this way|as a result|for example|for instance|"
    r"to this end|to do so|to that end|on the other hand|specifically|similarly|"
    r"we (?:then|also|further|next|finally|additionally|thus|therefore)|"
    r"our (?:results|findings|experiments|analysis) (?:also|further))\b",
    re.IGNORECASE,
)
_STOCK = ("a technique to apply", "a way to evaluate models", "data to train or test on",
          "a system to build on or deploy", "evidence about how existing approaches behave",
          "an overview of the literature", "an argument about the field",
          "its particular angle")  # fmt: skip
TEMPLATE = re.compile(r"^Read .+? for (?:" + "|".join(map(re.escape, _STOCK)) + ")")
_NAME_WORDS = re.compile(
    r"(?:\b(?:stage|version|phase|step|level|round|part|v|type|tier|gen|generation)\s*)$",
    re.IGNORECASE,
)
# capitalised words that open a sentence or name no product: 'In 2 settings', 'Only 5 ...'
_NOT_NAMES = frozenset(
    """a an the in on at of for to by with from only over under across about around all both
    each every these those this that our we it its they just nearly almost roughly about and or
    top table figure fig section eq equation appendix""".split()
)
EMPTY_CELLS = {"Not stated in the abstract.", "No result stated in the abstract."}


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def covers(text: str, part: str, share: float) -> bool:
    """True when `text` holds at least `share` of `part`'s words, in order."""
    target = words(part)
    return bool(target) and lcs(words(text), target) >= share * len(target)


def name_number(abstract: str, value: str, context: str = "") -> bool:
    """True when the key number `value` is part of a name or version where the abstract has it
    (where its `context` is, when that is found; a value with a unit, '%', 'x', '-fold', is a
    measurement)."""
    if re.search(r"[%×]|\dx$|fold$", value):
        return False
    abstract = " ".join(abstract.split())
    lo, hi = 0, len(abstract)
    at = abstract.find(" ".join(context.split())) if context else -1
    if at >= 0:
        lo, hi = at, at + len(" ".join(context.split()))
    pattern = r"(?<![\w.])" + re.escape(value) + r"(?![\w]|[.,]\d)"
    found = [m for m in re.finditer(pattern, abstract) if lo <= m.start() < hi]
    # a name only when every place the value stands (in its context) is part of a name
    return bool(found) and all(_named_at(abstract, m.start(), m.end(), value) for m in found)


def _named_at(abstract: str, start: int, end: int, value: str) -> bool:
    before = abstract[max(0, start - 40) : start]
    after = abstract[end : end + 12]
    if re.search(r"[\^/]$|[A-Za-z][-]$", before) or _NAME_WORDS.search(before):
        return True
    if re.match(r"\s*(?:licen[sc]e|model|series)\b", after, re.IGNORECASE) and re.search(
        r"[A-Z][\w-]*\s$", before
    ):
        return True
    prev = re.search(r"([A-Za-z][\w.+-]*)\s$", before)
    # 'Llama 2', 'Pixel 8', 'Mistral 7B', 'AlpacaEval 2.0'; not 'FID 2.42' (a score)
    small = re.fullmatch(r"\d{1,3}(?:\.\d)?[BMKbk]?", value) is not None
    if prev and small and not re.search(r"(?:[.!?]\s+|^)\S+\s$", before):
        word = prev.group(1)
        if (word[:1].isupper() or any(c.isdigit() for c in word)) and (
            word.lower() not in _NOT_NAMES
        ):
            return True
    return False


def cut_cell(cell: str, abstract: str) -> bool:
    """True when a cell is not a whole sentence or clause of the abstract (see the module doc)."""
    text = cell.strip()
    if text in EMPTY_CELLS:
        return False
    if text.endswith(("…", "...")):
        return True
    body = " ".join(text.rstrip(".").split())
    flat = " ".join(abstract.split())
    probe = body[-60:]
    at = flat.find(probe)
    if at < 0:
        low = flat.lower().find(probe.lower())
        if low < 0:
            return False  # rewritten (a name put in, a lead-in dropped): not judged here
        at = low
    rest = flat[at + len(probe) :].lstrip()
    # an abbreviation or aside in parentheses left out before a clause break ('... Problem
    # (JSSP).', '... perception (LLVP) -- particularly ...')
    aside = r"\([^()]{1,80}\)\s*(?:[.;:,!?]|[-–—])"
    return bool(rest) and not re.match(r"[.!?;:,)\]]|[-–—]|" + aside + "|$", rest)


def relatedness_check(papers: list[Paper], pairs: list[tuple[Paper, Paper]]) -> float:
    """Share of `pairs` above the 99th percentile of random pairs in an independent space."""
    if not pairs:
        return float("nan")
    space = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                            min_df=1)  # fmt: skip
    matrix = space.fit_transform([f"{p.title}. {p.abstract}" for p in papers])
    index = {p.id: i for i, p in enumerate(papers)}
    rng = random.Random(0)
    n = len(papers)
    randoms = []
    for _ in range(5000):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            randoms.append(float(matrix[i].multiply(matrix[j]).sum()))
    cut = float(np.percentile(randoms, 99))
    sims = [float(matrix[index[a.id]].multiply(matrix[index[b.id]]).sum()) for a, b in pairs]
    return sum(s > cut for s in sims) / len(sims)


def measure(name: str, papers: list[Paper]) -> dict[str, float]:
    """The table's figures for one listing."""
    start = time.perf_counter()
    engine = OfflineEngine()
    plan = plan_digest(papers, top=len(papers))
    takeaways: dict[str, Takeaway] = {p.id: engine.takeaway(p).value for p in papers}
    related: list[Comparison] = [engine.compare(a, b).value for a, b in plan.pairs]
    # the comparisons the digest shows (engines.offline.compare_shown): the table is about those
    comparisons = [c for c in related if substantive(c)]
    by_id = {p.id: p for p in papers}
    restating = 0
    lengths = []
    no_common = 0
    prefer_lines = 0
    with_prefer = 0
    template = 0
    cells = 0
    cut = 0
    title_fields = 0
    fields = 0
    for c in comparisons:
        lengths.append(len(c.summary.split()))
        if any(covers(c.summary, takeaways[pid].takeaway, 0.7) for pid in (c.paper_a, c.paper_b)):
            restating += 1
        if c.shared_ground.startswith("No common subject"):
            no_common += 1
        written = [
            line
            for line in (c.prefer_a_when, c.prefer_b_when)
            if line.strip() and line.strip() not in EMPTY_CELLS | {NO_PREFERENCE}
        ]
        with_prefer += bool(written)
        for line in written:
            prefer_lines += 1
            template += bool(TEMPLATE.match(line))
            PREFER_LINES.append((name, c.paper_a, c.paper_b, line))
        pa, pb = by_id[c.paper_a], by_id[c.paper_b]
        for d in c.differences:
            if d.aspect not in ("problem", "approach", "results"):
                continue
            for cell, paper in ((d.a, pa), (d.b, pb)):
                cells += 1
                cut += cut_cell(cell, paper.abstract)
                fields += 1
                title_fields += bool(paper.title) and covers(paper.title, cell, 0.8)
    dangling = 0
    names = 0
    for p in papers:
        t = takeaways[p.id]
        dangling += bool(DANGLING.match(t.takeaway))
        for field in (t.problem, t.method, t.result):
            fields += 1
            title_fields += bool(p.title) and covers(p.title, field, 0.8)
        names += sum(name_number(p.abstract, k.value, k.context) for k in t.key_numbers)
    pairs = [(by_id[c.paper_a], by_id[c.paper_b]) for c in comparisons]
    figures = {
        "papers": len(papers),
        "pairs related (shown or not)": len(related),
        "pairs": len(comparisons),
        "restating %": 100 * restating / max(1, len(comparisons)),
        "summary median words": statistics.median(lengths) if lengths else 0,
        "summary max words": max(lengths, default=0),
        "no common subject pairs": no_common,
        "one-template prefer lines %": 100 * template / max(1, prefer_lines),
        "prefer lines written": prefer_lines,
        "pairs with a prefer line %": 100 * with_prefer / max(1, len(comparisons)),
        "title-as-field %": 100 * title_fields / max(1, fields),
        "dangling openings %": 100 * dangling / max(1, len(papers)),
        "cut cells": cut,
        "cells": cells,
        "numbers that are names per 1,000 papers": 1000 * names / max(1, len(papers)),
        "related pairs %": 100 * relatedness_check(papers, pairs),
        "seconds": time.perf_counter() - start,
    }
    print(f"\n## {name}: {len(papers)} papers, {len(comparisons)} pairs", flush=True)
    return figures


# (set, paper a, paper b, line) of every prefer line written: for --prefer-dump
PREFER_LINES: list[tuple[str, str, str, str]] = []

TARGETS = {
    "restating %": ("<=", 10.0),
    "summary median words": ("<=", 25),
    "summary max words": ("<=", 35),
    "no common subject pairs": ("<=", 0),
    "one-template prefer lines %": ("<=", 20.0),
    "title-as-field %": ("<=", 0.0),
    "dangling openings %": ("<=", 0.3),
    "cut cells": ("<=", 0),
    "numbers that are names per 1,000 papers": ("<=", 2.0),
}


def report(figures: dict[str, float]) -> None:
    print(f"| {'what':42} | {'value':>9} | target | met |")
    print(f"|{'-' * 44}|{'-' * 11}|--------|-----|")
    for key, value in figures.items():
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        target = TARGETS.get(key)
        if target:
            op, bound = target
            met = "yes" if value <= bound else "NO"
            print(f"| {key:42} | {shown:>9} | {op} {bound:<4} | {met:3} |")
        else:
            print(f"| {key:42} | {shown:>9} |        |     |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--only", choices=["example", "tune", "held-out"])
    parser.add_argument(
        "--prefer-dump",
        type=Path,
        help="write every prefer line written (set, paper ids, line) to this file",
    )
    args = parser.parse_args()
    sets: list[tuple[str, list[Paper]]] = []
    if args.only in (None, "example"):
        sets.append(("bundled example", list(read_file(EXAMPLE).papers)))
    if args.only != "example":
        if not args.data.is_file():
            print(f"no {args.data}: only the bundled example", file=sys.stderr)
        else:
            papers = list(read_file(args.data).papers)
            late = [p for p in papers if str(p.published) >= HELD_OUT_FROM]
            early = [p for p in papers if str(p.published) < HELD_OUT_FROM]
            if args.only in (None, "held-out"):
                sets.append((f"hf-2024 held-out (published >= {HELD_OUT_FROM})", late))
            if args.only == "tune":
                sets.append((f"hf-2024 tuning part (published < {HELD_OUT_FROM})", early))
    for name, papers in sets:
        report(measure(name, papers))
    if args.prefer_dump:
        args.prefer_dump.write_text("".join("\t".join(row) + "\n" for row in PREFER_LINES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
