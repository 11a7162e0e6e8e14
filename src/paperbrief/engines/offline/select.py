"""Learned takeaway selection for the offline engine: a linear model that scores candidate
lines (each abstract sentence whole, and its readable heads: offline_candidates.py) by features
of the sentence, of its place among the abstract's sentences and of the cut, and picks the best.

The weights live in `selector.json` beside this module; `bench/train_selector.py` fits them
with scikit-learn on SciTLDR-A train (target: the ROUGE-1 of each candidate line against the
paper's TLDR) and chooses its settings on SciTLDR-A dev. Scoring here is plain Python (a dot
product), so the engine needs no model library at run time.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from paperbrief.engines.offline.candidates import CUT_KINDS, Candidate, candidates
from paperbrief.engines.offline.extract import (
    CLAIM_LEAD,
    NAME,
    SCORE_CUES_LOWER,
    Sentence,
    recurring_names,
    split_sentences,
)
from paperbrief.engines.offline.standalone import dangles, repeats
from paperbrief.engines.offline.tldr_words import TldrWords, word_counts
from paperbrief.numbers import find_numbers
from paperbrief.text import content_tokens, stem

SELECTOR_FILE = Path(__file__).with_name("selector.json")
_START_WE = re.compile(r"^(?:here,?\s+)?we\b", re.IGNORECASE)
_CONTRAST = re.compile(r"^(?:however|but|yet|unfortunately|despite|although)\b", re.IGNORECASE)
_TO_ADDRESS = re.compile(r"^(?:to (?:address|tackle|solve|overcome|this end)|in this (?:paper|work)"
                         r"|this (?:paper|work))", re.IGNORECASE)  # fmt: skip


@cache
def tldr_words() -> TldrWords:
    """The shipped table of how often TLDRs reuse an abstract's words."""
    return TldrWords.from_json(selector()["tldr_words"])


@cache
def selector() -> dict:
    """The fitted selector: feature names, weights, bias and the line-building settings."""
    return json.loads(SELECTOR_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)  # a sentence's bag is read by its features and its candidates
def _bag(text: str) -> Counter[str]:
    """The stemmed content words of `text` with their counts (shared: never modify it)."""
    return Counter(map(stem, content_tokens(text)))


def _length(bag: dict[str, int]) -> float:
    return math.sqrt(sum(v * v for v in bag.values()))


def _cosine(a: Counter[str], b: dict[str, int], b_length: float | None = None) -> float:
    """Cosine of two bags; `b_length` is b's (`_length(b)`), when it is known already."""
    get = b.get
    dot = sum(count * get(term, 0) for term, count in a.items())
    if not dot:
        return 0.0
    norm = _length(a) * (_length(b) if b_length is None else b_length)
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
        # whole - bag, as a Counter subtracts (positive counts, in whole's order), built faster
        rest = {t: c - bag.get(t, 0) for t, c in whole.items() if c > bag.get(t, 0)}
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
        low = s.text.lower()
        for name, cue in SCORE_CUES_LOWER.items():
            f["cue_" + name] = float(bool(cue.search(low)))
        out.append(f)
    return out


def _first(sents: list[Sentence], flag: list[bool]) -> int | None:
    return next((s.index for s, f in zip(sents, flag, strict=True) if f), None)


def _relational(sents: list[Sentence], rows: list[dict[str, float]]) -> None:
    """Add features that place a sentence among its abstract's: before, at or after the first
    contribution sentence; its rank by centrality and by similarity to the rest."""
    firsts = {
        "fm": _first(sents, [s.method for s in sents]),
        "fp": _first(sents, [r["cue_we_propose"] > 0 for r in rows]),
        "fw": _first(sents, [r["starts_we"] > 0 or r["cue_this_paper"] > 0 for r in rows]),
    }
    n = len(sents)
    by_central = sorted(range(n), key=lambda i: (-rows[i]["centrality"], i))
    by_sim = sorted(range(n), key=lambda i: (-rows[i]["sim_rest"], i))
    central_rank = {i: r for r, i in enumerate(by_central)}
    sim_rank = {i: r for r, i in enumerate(by_sim)}
    for i, (s, row) in enumerate(zip(sents, rows, strict=True)):
        for name, at in firsts.items():
            row["is_" + name] = float(at == s.index)
            row["after_" + name] = float(at is not None and s.index > at)
            row["none_" + name] = float(at is None)
        row["central_top"] = float(central_rank[i] == 0)
        row["central_second"] = float(central_rank[i] == 1)
        row["central_rank"] = central_rank[i] / n
        row["sim_top"] = float(sim_rank[i] == 0)
        row["sim_rank"] = sim_rank[i] / n


def candidate_rows(
    sents: list[Sentence],
    title: str = "",
    settings: dict | None = None,
    vocabulary: TldrWords | None = None,
) -> tuple[list[Candidate], list[dict[str, float]]]:
    """Every candidate line of the abstract with its features: its sentence's features, the
    sentence's place among the others, the cut (length, kind, centrality of what is kept) and
    the words of the line a TLDR is expected to share (`vocabulary`, learned on SciTLDR)."""
    settings = settings or selector()["line"]
    vocabulary = vocabulary or tldr_words()
    abstract_words = word_counts(" ".join(s.text for s in sents))
    rows = features(sents, title)
    _relational(sents, rows)
    whole: Counter[str] = Counter()
    for s in sents:
        whole.update(_bag(s.text))
    top = max(whole.values(), default=1)
    whole_length = _length(whole)
    chances: dict[tuple[str, int], float] = {}  # the abstract's words, shared by its lines
    found: list[Candidate] = []
    out: list[dict[str, float]] = []
    for s, row in zip(sents, rows, strict=True):
        sentence_words = max(1, len(s.text.split()))
        for c in candidates(s, int(settings["max_words"]), int(settings["min_words"])):
            bag = _bag(c.text)
            f = dict(row)
            f["c_log_words"] = math.log1p(c.words)
            f["c_off_20"] = abs(c.words - 20) / 10
            f["c_kept"] = c.words / sentence_words
            f["c_centrality"] = sum(whole[t] for t in bag) / (top * max(1, len(bag)) ** 0.7)
            f["c_sim_abstract"] = _cosine(bag, whole, whole_length)
            f["c_density"] = len(bag) / max(1, c.words)
            shared, length = vocabulary.expected(c.text, abstract_words, chances)
            f["c_tldr_f"] = 2 * shared / (length + 20)  # as ROUGE-1 F against a 20-word TLDR
            f["c_tldr_rate"] = shared / max(1, length)
            for kind in CUT_KINDS:
                f["cut_" + kind] = float(c.kind == kind)
            found.append(c)
            out.append(f)
    return found, out


def scored(sents: list[Sentence], title: str = "", model: dict | None = None
           ) -> list[tuple[float, Candidate]]:  # fmt: skip
    """Each candidate line with the selector's score (higher: more like the paper's TLDR)."""
    model = model or selector()
    weights = dict(zip(model["features"], model["weights"], strict=True))
    found, rows = candidate_rows(sents, title, model["line"])
    bias = float(model["bias"])
    if not rows:
        return []
    # candidate_rows gives every row the same features in the same order: their weights are
    # looked up once, and each score sums its products in the row's order
    names = list(rows[0])
    row_weights = [weights.get(name, 0.0) for name in names]
    out = []
    for c, row in zip(found, rows, strict=True):
        if list(row) != names:  # a row built differently would be scored with wrong weights
            raise ValueError(f"a candidate row with other features: {set(row) ^ set(names)}")
        out.append((bias + sum(map(operator.mul, row_weights, row.values())), c))
    return out


def rank(sents: list[Sentence], title: str = "", model: dict | None = None) -> list[Sentence]:
    """Sentences from most to least TLDR-like (by their best candidate line); ties keep
    abstract order."""
    return _by_best(sents, scored(sents, title, model))


def _by_best(sents: list[Sentence], found: Iterable[tuple[float, Candidate]]) -> list[Sentence]:
    best: dict[int, float] = {}
    for score, c in found:
        i = c.sentence.index
        best[i] = max(best.get(i, score), score)
    return sorted(sents, key=lambda s: (-best.get(s.index, -math.inf), s.index))


def best_line(found: list[tuple[float, Candidate]]) -> str:
    """The highest-scoring candidate's line; ties go to the earlier sentence, then the longer
    line (candidates come whole first)."""
    if not found:
        return ""
    order = sorted(range(len(found)), key=lambda i: (-found[i][0], found[i][1].sentence.index, i))
    return found[order[0]][1].text


@lru_cache(maxsize=1024)  # the takeaway and the roles of one paper read the same scores
def _scored_abstract(abstract: str, title: str) -> tuple[tuple[float, Candidate], ...]:
    return tuple(scored(split_sentences(abstract), title))


def ranked(abstract: str, title: str = "") -> tuple[Sentence, ...]:
    """The abstract's sentences from most to least TLDR-like (by their best candidate line)."""
    return tuple(_by_best(split_sentences(abstract), _scored_abstract(abstract, title)))


def takeaway_line(abstract: str, title: str = "") -> str:
    """The one-line takeaway: the selector's best candidate line (<= 30 words) among those that
    stand alone (no opening that needs the sentence before: 'These ...', 'For example, ...')
    and are not the title again; any candidate when none does."""
    found = list(_scored_abstract(abstract, title))
    alone = [f for f in found if not dangles(f[1].text) and not repeats(f[1].text, title)]
    return best_line(alone or found)
