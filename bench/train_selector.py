"""Fit the offline engine's sentence selector and write src/paperbrief/engines/selector.json.

Trains on SciTLDR-A train only (1,992 papers), chooses the model and the line settings on
SciTLDR-A dev only (619 papers); the 300-paper test file is never read here.

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
from sklearn.linear_model import LogisticRegression, Ridge

from paperbrief.engines.offline_extract import Sentence, as_line, split_sentences
from paperbrief.engines.offline_select import SELECTOR_FILE, build_line, features

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.exists():
    DATA = Path("/work/shared/data")


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class Split:
    """One SciTLDR split with its sentences, feature matrix and per-sentence ROUGE-1."""

    def __init__(self, records: list[dict], names: list[str] | None = None) -> None:
        self.records = records
        self.sents: list[list[Sentence]] = []
        rows: list[dict[str, float]] = []
        self.spans: list[tuple[int, int]] = []
        gains: list[float] = []
        for r in records:
            sents = split_sentences(r["abstract"])
            self.sents.append(sents)
            start = len(rows)
            rows.extend(features(sents, r.get("title", "")))
            self.spans.append((start, len(rows)))
            gains.extend(best_rouge1(r["tldrs"], as_line(s.text, 30)) for s in sents)
        self.names = names or sorted(rows[0])
        self.x = np.array([[row[n] for n in self.names] for row in rows], dtype=float)
        self.gain = np.array(gains)


def targets(split: Split, kind: str) -> np.ndarray:
    """The training target: 1 for each abstract's best sentence, or ROUGE centred per abstract."""
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


def fit(train: Split, kind: str, strength: float) -> dict:
    """A linear selector as plain numbers: weights on the raw features and a bias."""
    mean, scale = train.x.mean(axis=0), train.x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (train.x - mean) / scale
    y = targets(train, kind)
    if kind == "best":
        model = LogisticRegression(C=strength, max_iter=2000)
        model.fit(z, y.astype(int))
        coef, intercept = model.coef_[0], float(model.intercept_[0])
    else:
        model = Ridge(alpha=strength)
        model.fit(z, y)
        coef, intercept = model.coef_, float(model.intercept_)
    weights = coef / scale  # fold the standardisation into the weights
    bias = intercept - float(np.dot(coef, mean / scale))
    return {"features": train.names, "weights": [round(float(w), 6) for w in weights],
            "bias": round(bias, 6)}  # fmt: skip


def lines(split: Split, model: dict, settings: dict) -> list[str]:
    w = np.array(model["weights"])
    out = []
    for sents, (start, end) in zip(split.sents, split.spans, strict=True):
        if not sents:
            out.append("")
            continue
        score = split.x[start:end] @ w + model["bias"]
        order = sorted(range(len(sents)), key=lambda i: (-score[i], sents[i].index))
        out.append(build_line([sents[i] for i in order], settings))
    return out


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
    train = Split(load(args.data / "scitldr-a-train.jsonl"))
    dev = Split(load(args.data / "scitldr-a-dev.jsonl"), train.names)
    print(f"features: {len(train.names)}; train {len(train.records)} papers "
          f"({len(train.gain)} sentences), dev {len(dev.records)} papers; "
          f"{time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    base = {"max_words": 30, "short": 12, "second_cap": 30}
    best: tuple[float, dict, dict] | None = None
    for kind, strength in itertools.chain(
        (("best", c) for c in (0.01, 0.1, 1.0, 10.0)),
        (("gain", a) for a in (1.0, 10.0, 100.0, 1000.0)),
    ):
        model = fit(train, kind, strength)
        score = rouge(dev, lines(dev, model, base))
        print(f"  {kind:<5} strength {strength:<7} dev ROUGE-1 {score:6.2f}")
        if best is None or score > best[0]:
            best = (score, model | {"trained": f"{kind} {strength}"}, base)
    assert best is not None
    _, model, _ = best
    for max_words, short, second_cap in itertools.product(
        (20, 22, 25, 28, 30), (0, 8, 12, 16), (8, 12, 20, 30)
    ):
        settings = {"max_words": max_words, "short": short, "second_cap": second_cap}
        score = rouge(dev, lines(dev, model, settings))
        if score > best[0] + 1e-9:
            best = (score, model, settings)
    score, model, settings = best
    print(f"chosen on dev: {model['trained']}, {settings}: dev ROUGE-1 {score:.2f}")
    result = {
        "about": "Sentence selector of the offline engine: score = bias + sum(weight * feature). "
        "Fitted by bench/train_selector.py on SciTLDR-A train, settings chosen on SciTLDR-A dev.",
        "trained": model["trained"],
        "features": model["features"],
        "weights": model["weights"],
        "bias": model["bias"],
        "line": settings,
        "dev_rouge1": round(score, 2),
    }
    if not args.dry_run:
        SELECTOR_FILE.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {SELECTOR_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
