"""ROUGE-1, ROUGE-2 and ROUGE-L F as SciTLDR scores a line: Google's `rouge-score` package
(lower-case alphanumeric tokens, Porter stemming), the maximum over the gold TLDRs.

Needs the `bench` extra: pip install -e '.[bench]'
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rouge_score.rouge_scorer import RougeScorer

_NAMES = {"R-1": "rouge1", "R-2": "rouge2", "R-L": "rougeL"}


@cache
def _scorer(*metrics: str) -> RougeScorer:
    return RougeScorer(list(metrics), use_stemmer=True)


def best_rouge1(references: Iterable[str], candidate: str) -> float:
    """ROUGE-1 F against the best-matching reference, as SciTLDR scores multi-target TLDRs."""
    scorer = _scorer("rouge1")
    return max((scorer.score(ref, candidate)["rouge1"].fmeasure for ref in references), default=0.0)


def best_scores(references: Iterable[str], candidate: str) -> dict[str, float]:
    """Each ROUGE F against its best-matching reference (SciTLDR's max over gold TLDRs)."""
    scores = [_scorer(*_NAMES.values()).score(ref, candidate) for ref in references]
    return {
        name: max((s[metric].fmeasure for s in scores), default=0.0)
        for name, metric in _NAMES.items()
    }
