"""The offline engine's previous sentence selection, kept as a benchmark baseline: hand-set
weights over centrality, cue phrases and position (tuned by hand on the 300-paper SciTLDR file,
which is why bench/scitldr.py reports it beside the learned selector and never trains on it).
"""

from __future__ import annotations

from collections import Counter

from paperbrief.engines.offline.extract import (
    CLAIM_LEAD,
    SCORE_CUES,
    Sentence,
    as_line,
    clip,
    decapitalise,
    split_sentences,
    strip_lead_in,
)
from paperbrief.text import content_tokens


def term_weights(abstract: str, title: str = "") -> Counter[str]:
    """How central each content term is: its frequency in the abstract, title terms boosted."""
    weights: Counter[str] = Counter(content_tokens(abstract))
    for term in set(content_tokens(title)):
        weights[term] += 2
    return weights


# Set by hand on the shared scitldr-dev.jsonl (the SciTLDR test papers) before issue 13.
PARAMS: dict[str, float] = {
    "len_pow": 0.7,  # centrality is normalised by (number of distinct terms) ** len_pow
    "central": 2.0,
    "this_paper": 0.8,
    "we_propose": 1.0,
    "we_study": 0.8,
    "novel": 0.6,
    "followup": -0.3,
    "claim": 0.6,  # starts "We show that" / "Results demonstrate"
    "position": 0.6,  # penalty, scaled by relative position in the abstract
    "first": 0.3,  # bonus for the first sentence
    "max_words": 30,
    "short": 12,  # a line shorter than this is topped up with the runner-up sentence
    "second_cap": 30,
}
def sentence_score(s: Sentence, n: int, weights: Counter[str], params: dict[str, float]) -> float:
    """How well a sentence stands for the whole abstract: centrality, cue phrases, position."""
    terms = set(content_tokens(s.text))
    if not terms:
        return -1e9
    top = max(weights.values()) if weights else 1
    central = sum(weights[t] for t in terms) / (top * (len(terms) ** params["len_pow"]))
    score = params["central"] * central
    score += sum(params[name] for name, cue in SCORE_CUES.items() if cue.search(s.text))
    if CLAIM_LEAD.match(s.text):
        score += params["claim"]
    score -= params["position"] * s.index / max(1, n - 1)
    if s.index == 0:
        score += params["first"]
    return score


def rank(sents: list[Sentence], weights: Counter[str], params: dict[str, float]) -> list[Sentence]:
    """Sentences from most to least representative of the abstract."""
    n = len(sents)
    return sorted(sents, key=lambda s: (-sentence_score(s, n, weights, params), s.index))


def build_line(ranked: list[Sentence], settings: dict[str, float]) -> str:
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


def takeaway_line(abstract: str, title: str = "", params: dict[str, float] = PARAMS) -> str:
    """The one-line takeaway: the most representative sentence, compressed, topped up if short."""
    sents = split_sentences(abstract)
    if not sents:
        return ""
    return build_line(rank(sents, term_weights(abstract, title), params), params)
