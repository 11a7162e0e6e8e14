"""Learned sentence selection for the offline takeaway: a linear model over sentence features.

The weights live in `selector.json` beside this module; `bench/train_selector.py` fits them
with scikit-learn on SciTLDR-A train and chooses its settings on SciTLDR-A dev. Scoring here
is plain Python (a dot product), so the engine needs no model library at run time.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

from paperbrief.engines.offline_extract import (
    CLAIM_LEAD,
    NAME,
    SCORE_CUES,
    Sentence,
    as_line,
    clip,
    decapitalise,
    recurring_names,
    split_sentences,
    strip_lead_in,
)
from paperbrief.numbers import find_numbers
from paperbrief.text import content_tokens, stem

SELECTOR_FILE = Path(__file__).with_name("selector.json")
_START_WE = re.compile(r"^(?:here,?\s+)?we\b", re.IGNORECASE)
_CONTRAST = re.compile(r"^(?:however|but|yet|unfortunately|despite|although)\b", re.IGNORECASE)
_TO_ADDRESS = re.compile(r"^(?:to (?:address|tackle|solve|overcome|this end)|in this (?:paper|work)"
                         r"|this (?:paper|work))", re.IGNORECASE)  # fmt: skip


@cache
def selector() -> dict:
    """The fitted selector: feature names, weights, bias and the line-building settings."""
    return json.loads(SELECTOR_FILE.read_text(encoding="utf-8"))


def _bag(text: str) -> Counter[str]:
    return Counter(stem(t) for t in content_tokens(text))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(count * b[term] for term, count in a.items())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm


def features(sents: list[Sentence], title: str = "") -> list[dict[str, float]]:
    """One feature dict per sentence: position, length, cues, similarity, numbers, names."""
    n = len(sents)
    bags = [_bag(s.text) for s in sents]
    whole: Counter[str] = Counter()
    for bag in bags:
        whole.update(bag)
    # title words count as if the abstract said them twice more (SciTLDR, the training data,
    # has no titles, so the title can only enter through a feature the model has learned)
    central = whole + Counter({term: 2 for term in _bag(title)})
    names = recurring_names(" ".join(s.text for s in sents))
    top = max(central.values(), default=1)
    out = []
    for s, bag in zip(sents, bags, strict=True):
        rest = whole - bag
        words = len(s.text.split())
        rel = s.index / max(1, n - 1)
        distinct = max(1, len(bag))
        numbers = find_numbers(s.text)
        f = {
            "first": float(s.index == 0),
            "second": float(s.index == 1),
            "third": float(s.index == 2),
            "last": float(s.index == n - 1 and n > 1),
            "rel_position": rel,
            "rel_position_sq": rel * rel,
            "only_sentence": float(n == 1),
            "log_words": math.log1p(words),
            "short": float(words < 10),
            "long": float(words > 40),
            "sim_rest": _cosine(bag, rest),
            "centrality": sum(central[t] for t in bag) / (top * distinct**0.7),
            "has_number": float(bool(numbers)),
            "has_percent": float(any(m.unit == "%" for m in numbers)),
            "named_method": float(any(name in s.text for name in names)),
            "has_name": float(bool(NAME.search(s.text))),
            "starts_we": float(bool(_START_WE.match(s.text))),
            "starts_contrast": float(bool(_CONTRAST.match(s.text))),
            "starts_this_paper": float(bool(_TO_ADDRESS.match(s.text))),
            "claim": float(bool(CLAIM_LEAD.match(s.text))),
            "method_cue": float(s.method),
            "result_cue": float(s.result),
            "problem_cue": float(s.problem),
        }
        for name, cue in SCORE_CUES.items():
            f["cue_" + name] = float(bool(cue.search(s.text)))
        out.append(f)
    return out


def scores(sents: list[Sentence], title: str = "", model: dict | None = None) -> list[float]:
    """The selector's score of each sentence (higher: more like the paper's TLDR)."""
    model = model or selector()
    weights = dict(zip(model["features"], model["weights"], strict=True))
    bias = float(model["bias"])
    return [
        bias + sum(weights.get(name, 0.0) * value for name, value in f.items())
        for f in features(sents, title)
    ]


def rank(sents: list[Sentence], title: str = "", model: dict | None = None) -> list[Sentence]:
    """Sentences from most to least TLDR-like; ties keep abstract order."""
    found = scores(sents, title, model)
    order = sorted(range(len(sents)), key=lambda i: (-found[i], sents[i].index))
    return [sents[i] for i in order]


def build_line(ranked: list[Sentence], settings: dict) -> str:
    """The takeaway from ranked sentences: the best one compressed to `max_words`, topped up
    with the runner-up's claim when it is shorter than `short` words."""
    budget = int(settings["max_words"])
    line = as_line(ranked[0].text, budget)
    used = len(line.split())
    if used >= settings["short"] or len(ranked) < 2:
        return line
    extra = CLAIM_LEAD.sub("", strip_lead_in(ranked[1].text))
    extra = clip(extra, min(budget - used, int(settings["second_cap"])))
    if len(extra.split()) < 4:
        return line
    return line[:-1] + "; " + decapitalise(extra).rstrip(".") + "."


@lru_cache(maxsize=1024)  # the takeaway and the roles of one paper rank the same sentences
def ranked(abstract: str, title: str = "") -> tuple[Sentence, ...]:
    """The abstract's sentences from most to least TLDR-like."""
    return tuple(rank(split_sentences(abstract), title))


def takeaway_line(abstract: str, title: str = "") -> str:
    """The one-line takeaway: the selector's best sentence, compressed, topped up if short."""
    best = list(ranked(abstract, title))
    if not best:
        return ""
    return build_line(best, selector()["line"])
