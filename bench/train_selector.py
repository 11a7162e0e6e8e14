"""Fit the offline engine's takeaway selector and write
src/paperbrief/engines/offline/selector.json.

The selector scores candidate lines (each abstract sentence whole, and its readable heads) and
the engine keeps the best. Trains on SciTLDR-A train only (1,992 papers; target: each candidate
line's ROUGE-1 against the paper's TLDR), chooses the model and the line settings on SciTLDR-A
dev only (619 papers); the 300-paper test file is never read here.

Run: python bench/train_selector.py [--data DIR] [--dry-run]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from rouge import best_rouge1
from shared_data import need, shared_dir
from sklearn.linear_model import LogisticRegression, Ridge

from paperbrief.engines.offline.extract import split_sentences
from paperbrief.engines.offline.select import SELECTOR_FILE, candidate_rows
from paperbrief.engines.offline.tldr_words import TldrWords, learn

DATA = shared_dir()  # bench/shared_data.py


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class Split:
    """One SciTLDR split: its candidate lines, their feature matrix and their ROUGE-1."""

    def __init__(
        self,
        records: list[dict],
        settings: dict,
        vocabularies: list[TldrWords],
        names: list[str] | None = None,
    ) -> None:
        self.records = records
        self.lines: list[str] = []
        rows: list[dict[str, float]] = []
        self.spans: list[tuple[int, int]] = []
        for r, vocabulary in zip(records, vocabularies, strict=True):
            start = len(rows)
            sents = split_sentences(r["abstract"])
            found, found_rows = candidate_rows(sents, r.get("title", ""), settings, vocabulary)
            rows.extend(found_rows)
            self.lines.extend(c.text for c in found)
            self.spans.append((start, len(rows)))
        self.names = names or sorted(rows[0])
        self.x = np.array([[row[n] for n in self.names] for row in rows], dtype=float)
        self.gain = np.array(
            [
                best_rouge1(r["tldrs"], line)
                for r, (a, b) in zip(records, self.spans, strict=True)
                for line in self.lines[a:b]
            ]
        )


def papers(records: list[dict]) -> list[tuple[str, list[str]]]:
    """(abstract as the engine reads it, TLDRs) pairs."""
    return [(" ".join(s.text for s in split_sentences(r["abstract"])), r["tldrs"]) for r in records]


def targets(split: Split, kind: str) -> np.ndarray:
    """The target: each candidate's ROUGE-1, the same centred per abstract, or 1 for the best."""
    if kind == "gain":
        return split.gain.copy()
    y = np.zeros(len(split.gain))
    for start, end in split.spans:
        if end == start:
            continue
        part = split.gain[start:end]
        if kind == "best":
            y[start + int(np.argmax(part))] = 1.0
        else:
            y[start:end] = part - part.mean()
    return y


def splits(
    train_records: list[dict], dev_records: list[dict], settings: dict, min_abstracts: int
) -> tuple[Split, Split, TldrWords]:
    """Train and dev as the selector reads them, and the table of which abstract words TLDRs
    reuse (counted on train: stems in >= min_abstracts abstracts). A train paper's features use
    the counts of the other half of train, so its own TLDR never informs them."""
    vocabulary = learn(papers(train_records), min_abstracts)
    halves = [learn(papers(train_records[1 - k :: 2]), min_abstracts // 2) for k in (0, 1)]
    crossed = [halves[i % 2] for i in range(len(train_records))]
    train = Split(train_records, settings, crossed)
    dev = Split(dev_records, settings, [vocabulary] * len(dev_records), train.names)
    return train, dev, vocabulary


def standardised(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`x` with each feature centred and scaled (a constant one left unscaled), its means and
    scales."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    return (x - mean) / scale, mean, scale


def folded(coef: np.ndarray, intercept: float, mean: np.ndarray, scale: np.ndarray
           ) -> tuple[np.ndarray, float]:  # fmt: skip
    """Weights and bias on the raw features of a model fitted on `standardised` ones."""
    return coef / scale, intercept - float(np.dot(coef, mean / scale))


def fit(train: Split, kind: str, strength: float) -> dict:
    """A linear selector as plain numbers: weights on the raw features and a bias."""
    z, mean, scale = standardised(train.x)
    y = targets(train, kind)
    if kind == "best":
        model = LogisticRegression(C=strength, max_iter=3000)
        model.fit(z, y.astype(int))
        coef, intercept = model.coef_[0], float(model.intercept_[0])
    else:
        model = Ridge(alpha=strength)
        model.fit(z, y)
        coef, intercept = model.coef_, float(model.intercept_)
    weights, bias = folded(coef, intercept, mean, scale)
    return {"features": train.names, "weights": [round(float(w), 6) for w in weights],
            "bias": round(bias, 6)}  # fmt: skip


def chosen(split: Split, model: dict) -> list[str]:
    """The line the engine would pick for each paper (ties: the earlier candidate)."""
    score = split.x @ np.array(model["weights"]) + model["bias"]
    return [split.lines[a + int(np.argmax(score[a:b]))] if b > a else "" for a, b in split.spans]


def rouge(split: Split, outputs: list[str]) -> float:
    return 100 * statistics.mean(
        best_rouge1(r["tldrs"], out) for r, out in zip(split.records, outputs, strict=True)
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    train_records = load(need(args.data / "scitldr-a-train.jsonl"))
    dev_records = load(need(args.data / "scitldr-a-dev.jsonl"))
    best: tuple[float, dict, dict, TldrWords, int] | None = None
    for min_words, min_abstracts in itertools.product((6, 8, 10), (30, 60)):
        settings = {"max_words": 30, "min_words": min_words}
        train, dev, vocabulary = splits(train_records, dev_records, settings, min_abstracts)
        print(f"{settings}, TLDR words in >= {min_abstracts} abstracts: {len(train.names)} "
              f"features; train {len(train.records)} papers "
              f"({len(train.gain)} candidate lines), dev {len(dev.records)} papers; "
              f"{time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}")  # fmt: skip
        for kind, strengths in (("gain", (10.0, 100.0, 1000.0)), ("centred", (10.0, 100.0, 1000.0)),
                                ("best", (0.01, 0.1, 1.0))):  # fmt: skip
            for strength in strengths:
                model = fit(train, kind, strength)
                score = rouge(dev, chosen(dev, model))
                print(f"  {kind:<8} strength {strength:<7} dev ROUGE-1 {score:6.2f}", flush=True)
                if best is None or score > best[0] + 1e-9:
                    trained = model | {"trained": f"{kind} {strength}"}
                    best = (score, trained, settings, vocabulary, min_abstracts)
    assert best is not None
    score, model, settings, vocabulary, min_abstracts = best
    print(f"chosen on dev: {model['trained']}, {settings}, TLDR words in >= {min_abstracts} "
          f"abstracts: dev ROUGE-1 {score:.2f}")  # fmt: skip
    result = {
        "about": "Takeaway selector of the offline engine: each candidate line (a sentence, whole "
        "or cut) scores bias + sum(weight * feature); the best is the takeaway. Fitted by "
        "bench/train_selector.py on SciTLDR-A train, settings chosen on SciTLDR-A dev.",
        "trained": model["trained"],
        "features": model["features"],
        "weights": model["weights"],
        "bias": model["bias"],
        "line": settings,
        "tldr_words": vocabulary.to_json() | {"min_abstracts": min_abstracts},
        "dev_rouge1": round(score, 2),
    }
    if not args.dry_run:
        SELECTOR_FILE.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {SELECTOR_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
