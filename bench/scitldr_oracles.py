"""Where the offline takeaway's ROUGE-1 on SciTLDR-A could still come from: hindsight oracles
and the measured effect of each candidate change, in one run.

For the engine's own line (the learned selector) on SciTLDR-A dev, and for the same selection
with hindsight (the gold TLDRs known): the best cut of the chosen sentence, the best sentence
with the selector's cut, the best candidate line. Then what each idea for changing the line
itself does when applied to the engine's choice, measured on train (where a rule would be
decided) and on dev: compressions (drop a "We propose" / "We show that" / "novel" / an opening
adverbial / a "such as" list), fusion of the chosen line with a second sentence's line (as the
selector ranks it, and with hindsight). Last, how far the selector's features can go at all: the
selector refitted by 5-fold cross-validation on dev itself, and fitted on train for the metric
itself (expected ROUGE-1 under a softmax over each paper's lines). The 300-paper test file is
never read.

Run: pip install -e '.[bench]' && python bench/scitldr_oracles.py [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rouge import best_rouge1
from scipy.optimize import minimize
from shared_data import need
from train_selector import DATA, Split, chosen, fit, folded, load, rouge, splits, standardised

from paperbrief.engines.offline.candidates import Candidate
from paperbrief.engines.offline.extract import split_sentences
from paperbrief.engines.offline.select import scored, selector

_VERB = r"(?:propose|present|introduce|develop|describe|design|devise|offer|build|provide)s?"
# Each rule rewrites the engine's line; applied only where it matches.
COMPRESSIONS: dict[str, re.Pattern[str]] = {
    '"We propose" before a noun phrase': re.compile(
        rf"^(?:here,? )?we (?:also |further |first )?{_VERB} (?=(?:a|an|the)\b)", re.I
    ),
    '"This paper proposes" before a noun phrase': re.compile(
        rf"^(?:this|our) (?:paper|work|study|article) {_VERB} (?=(?:a|an|the)\b)", re.I
    ),
    '"We study" before a noun phrase': re.compile(
        r"^we (?:study|investigate|explore|examine|analy[sz]e|consider|address) (?=(?:a|an|the)\b)",
        re.I,
    ),
    '"We/Results show that"': re.compile(
        r"^(?:we|(?:our )?(?:experimental |empirical )?(?:results|experiments|analysis|findings))"
        r"\b[^,]{0,40}?\b(?:show|demonstrate|find|observe|indicate|confirm|reveal|suggest)s?\s+"
        r"that\s+",
        re.I,
    ),
    '"novel"/"new"': re.compile(r"\b(?:novel|new) (?=\w)", re.I),
    "opening adverbial before we": re.compile(
        r"^[^,]{3,120}?,\s+(?=(?:we|this (?:paper|work))\b)", re.I
    ),
    '", such as / e.g. / including" list': re.compile(
        r",? (?:such as|e\.g\.,?|including) [^,;.]+(?:, [^,;.]+)*(?=[.;]$)", re.I
    ),
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:].islower() else text


def _mean(values: list[float]) -> float:
    return 100 * statistics.mean(values) if values else 0.0


class Paper:
    """One paper's candidate lines in the selector's order, and the engine's line."""

    def __init__(self, record: dict) -> None:
        self.tldrs: list[str] = record["tldrs"]
        found = scored(split_sentences(record["abstract"]), record.get("title", ""))
        # the engine's order (offline_select.best_line): score, then the earlier sentence
        order = sorted(
            range(len(found)), key=lambda i: (-found[i][0], found[i][1].sentence.index, i)
        )
        self.ranked: list[Candidate] = [found[i][1] for i in order]

    def score(self, line: str) -> float:
        return best_rouge1(self.tldrs, line)

    @property
    def line(self) -> str:
        return self.ranked[0].text if self.ranked else ""


def hindsight(dev: list[Paper]) -> dict[str, float]:
    """ROUGE-1 of the engine's line and of selections that know the gold TLDRs."""
    rows: dict[str, list[float]] = {k: [] for k in (
        "engine line (learned selector)", "best cut of the engine's sentence (hindsight)",
        "best sentence, the selector's cut in it (hindsight)", "best candidate line (hindsight)",
        "the better of the selector's two best lines (hindsight)",
    )}  # fmt: skip
    for p in dev:
        if not p.ranked:
            for values in rows.values():
                values.append(0.0)
            continue
        top = p.ranked[0]
        per_sentence: dict[int, Candidate] = {}
        for c in p.ranked:
            per_sentence.setdefault(c.sentence.index, c)  # the selector's cut of each sentence
        values = list(rows.values())
        values[0].append(p.score(top.text))
        values[1].append(max(p.score(c.text) for c in p.ranked if c.sentence == top.sentence))
        values[2].append(max(p.score(c.text) for c in per_sentence.values()))
        values[3].append(max(p.score(c.text) for c in p.ranked))
        values[4].append(max(p.score(c.text) for c in p.ranked[:2]))
    return {name: _mean(values) for name, values in rows.items()}


def rule_effect(split: list[Paper], rewrite: Callable[[str], str]) -> tuple[int, float, float]:
    """Lines the rule changes, its mean ROUGE-1 change per changed line, and per paper."""
    changes = []
    for p in split:
        new = rewrite(p.line)
        if p.line and new != p.line:
            changes.append(p.score(new) - p.score(p.line))
    return len(changes), _mean(changes), 100 * sum(changes) / max(1, len(split))


def compression_oracle(split: list[Paper], rewrites: list[Callable[[str], str]]) -> float:
    """ROUGE-1 when each paper's line takes whichever single compression helps it most, or none
    (hindsight): the most any learned choice of where to compress could add."""
    return _mean([max(p.score(p.line), *(p.score(f(p.line)) for f in rewrites)) if p.line else 0.0
                  for p in split])  # fmt: skip


def lengths(split: list[Paper]) -> tuple[list[float], list[float]]:
    """Deciles 1, 5 and 9 of the engine's line length and of the mean gold TLDR length (words)."""
    line = [len(p.line.split()) for p in split]
    gold = [statistics.mean(len(t.split()) for t in p.tldrs) for p in split]
    return ([float(np.percentile(line, q)) for q in (10, 50, 90)],
            [float(np.percentile(gold, q)) for q in (10, 50, 90)])  # fmt: skip


def fusion(dev: list[Paper], max_words: int = 30) -> tuple[float, float]:
    """The engine's line joined ("A; b") with the selector's best line of another sentence that
    fits in `max_words`, and with the best such line in hindsight."""
    ranked, oracle = [], []
    for p in dev:
        if not p.ranked:
            ranked.append(0.0)
            oracle.append(0.0)
            continue
        top = p.ranked[0]
        joined = [
            top.text[:-1] + "; " + _lower_first(c.text)
            for c in p.ranked[1:]
            if c.sentence != top.sentence and top.words + c.words <= max_words
        ]
        ranked.append(p.score(joined[0]) if joined else p.score(top.text))
        oracle.append(max([p.score(top.text), *map(p.score, joined)]))
    return _mean(ranked), _mean(oracle)


def cross_validated(split: Split, folds: int = 5) -> float:
    """Dev ROUGE-1 of the selector's features and model refitted on 4/5 of dev, scored on the
    other fifth (5 times): the ceiling of these features when train and test match exactly."""
    kind, strength = selector()["trained"].split()
    count = len(split.records)
    outputs: dict[int, str] = {}
    for k in range(folds):
        held = [i for i in range(count) if i % folds == k]
        kept = [i for i in range(count) if i % folds != k]
        model = fit(_subset(split, kept), kind, float(strength))
        outputs.update(zip(held, chosen(_subset(split, held), model), strict=True))
    return rouge(split, [outputs[i] for i in range(count)])


def expected_rouge(train: Split, dev: Split) -> dict[float, float]:
    """Dev ROUGE-1 of the selector's features fitted on train for the expected ROUGE-1 of the
    line a softmax over each paper's lines would draw (listwise, the metric itself as the
    objective, not each line's score as a regression target), for a few softmax temperatures."""
    z, mean, scale = standardised(train.x)
    paper = np.concatenate([np.full(b - a, k) for k, (a, b) in enumerate(train.spans)])
    count = len(train.spans)

    def loss(w: np.ndarray, tau: float) -> tuple[float, np.ndarray]:
        s = z @ w / tau
        top = np.full(count, -np.inf)
        np.maximum.at(top, paper, s)
        e = np.exp(s - top[paper])
        p = e / np.bincount(paper, e, count)[paper]
        expected = np.bincount(paper, p * train.gain, count)
        grad = z.T @ (p * (train.gain - expected[paper]) / tau) / count
        return -expected.mean() + 1e-3 * w @ w, -grad + 2e-3 * w

    results = {}
    for tau in (1.0, 0.3, 0.1):
        w = minimize(loss, np.zeros(z.shape[1]), args=(tau,), jac=True, method="L-BFGS-B").x
        weights, bias = folded(w, 0.0, mean, scale)
        model = {"weights": list(weights), "bias": bias}
        results[tau] = rouge(dev, chosen(dev, model))
    return results


def _subset(split: Split, keep: list[int]) -> Split:
    part = Split.__new__(Split)
    part.records = [split.records[i] for i in keep]
    part.names = split.names
    part.lines, part.spans = [], []
    blocks, gains = [], []
    for i in keep:
        a, b = split.spans[i]
        part.spans.append((len(part.lines), len(part.lines) + b - a))
        part.lines.extend(split.lines[a:b])
        blocks.append(split.x[a:b])
        gains.append(split.gain[a:b])
    part.x = np.vstack(blocks)
    part.gain = np.concatenate(gains)
    return part


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    train_records = load(need(args.data / "scitldr-a-train.jsonl"))
    dev_records = load(need(args.data / "scitldr-a-dev.jsonl"))
    train = [Paper(r) for r in train_records]
    dev = [Paper(r) for r in dev_records]
    print(f"SciTLDR-A ROUGE-1 F x100 (max over gold TLDRs); train {len(train)}, dev {len(dev)} "
          f"papers; load {', '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print("dev, the engine's selection and hindsight selections:")
    for name, value in hindsight(dev).items():
        print(f"  {name:<55} {value:6.2f}")
    print("compressions applied to the engine's line (lines changed; change per changed line;"
          " change per paper):")  # fmt: skip
    rewrites = []
    for name, pattern in COMPRESSIONS.items():

        def rewrite(line: str, pattern: re.Pattern[str] = pattern) -> str:
            return _capital(pattern.sub("", line))

        rewrites.append(rewrite)
        cells = []
        for label, split in (("train", train), ("dev", dev)):
            n, per_line, per_paper = rule_effect(split, rewrite)
            cells.append(f"{label} {n:4} {per_line:+6.2f} {per_paper:+5.2f}")
        print(f"  {name:<45} " + "   ".join(cells))
    print(f"  {'each line its best compression or none (hindsight)':<45} "
          f"train {compression_oracle(train, rewrites):6.2f} "
          f"(engine {_mean([p.score(p.line) for p in train]):.2f})   "
          f"dev {compression_oracle(dev, rewrites):6.2f}")  # fmt: skip
    line, gold = lengths(dev)
    print("  dev words, 10th/50th/90th percentile: engine's line "
          + "/".join(f"{x:.0f}" for x in line) + ", gold TLDRs (mean per paper) "
          + "/".join(f"{x:.0f}" for x in gold))  # fmt: skip
    ranked, oracle = fusion(dev)
    print("fusion on dev, engine line + another sentence's line (<= 30 words, 'A; b'):")
    print(f"  {'second line as the selector ranks it':<55} {ranked:6.2f}")
    print(f"  {'second line with hindsight':<55} {oracle:6.2f}")
    # the selector's own line settings and TLDR-word table, for both fits below
    line, min_abstracts = selector()["line"], selector()["tldr_words"]["min_abstracts"]
    train_split, dev_split, _ = splits(train_records, dev_records, line, min_abstracts)
    print("the selector's features refitted on dev itself (5-fold cross-validation):")
    print(f"  {'dev ROUGE-1':<55} {cross_validated(dev_split):6.2f}")
    print("the selector's features fitted on train for expected ROUGE-1 (listwise softmax):")
    for tau, value in expected_rouge(train_split, dev_split).items():
        print(f"  {f'dev ROUGE-1, temperature {tau}':<55} {value:6.2f}")
    print(f"{time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
