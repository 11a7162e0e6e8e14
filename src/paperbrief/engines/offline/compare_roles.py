"""Which of an abstract's sentences fills which row of the offline comparison: its main
contribution (the approach cell and the summary's clause) and what is no approach at all.

The main contribution is the sentence a TLDR would be written from. The takeaway selector
(select.py: a linear model fitted on SciTLDR-A train, the sentence closest to the human TLDR
as its target) already scores every sentence for that, so among the sentences that say what the
paper does, the one it ranks highest is the paper's main contribution, and a side component
('we introduce denoising trajectory alignment and token pre-filling methods') ranks below the
sentence that states the idea ('This work generalizes the speculative decoding algorithm from
discrete tokens to continuous space'). Measured by bench/approach_roles.py on SciTLDR-A dev.

Two hand rules keep a sentence out of the approach row whatever its score, each a clear case a
blind reader flagged (rounds 8 and 9) and no library tells apart (a sentence-role tagger would
need training data with these roles, which SciTLDR does not have): the experiments sentence
('We conduct experiments for our proposed SJD on multiple ... models') and a list of challenges
('..., identifying two main challenges: (i) ...').
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperbrief.engines.offline.select import ranked
from paperbrief.text import content_tokens

# the experiments or evaluation of the paper's own method: what is tested, not what is done
# ('We conduct experiments for our proposed SJD on ...', 'We validate our method on ...',
# 'Extensive experiments on three benchmarks ...'); a study paper's 'We evaluate 15 LLMs on
# X' is its contribution and is not matched (its object is not the paper's own method)
_EXPERIMENTS = re.compile(
    r"^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|finally\s+)?"
    r"(?:conduct|perform|carry out|carried out|run)\w*\s+(?:[\w-]+\s+){0,3}?(?:experiments?"
    r"|evaluations?|ablations?|ablation studies|empirical studies)\b"
    r"|^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|finally\s+)?"
    r"(?:evaluate|validate|verify|test|assess)\w*\s+(?:the\s+)?(?:effectiveness\s+of\s+)?"
    r"(?:our|the proposed|its|this)\b"
    # 'We implement discrete baselines for each variant and ...': the baselines are compared to
    r"|^(?:we|this (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|first\s+)?"
    r"(?:implement|build|train|construct|establish)\w*\s+(?:[\w-]+\s+){0,2}?baselines?\b"
    r"|^(?:extensive|comprehensive|experimental|empirical|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:experiments?|evaluations?|results?|studies|analys[ie]s)\b",
    re.IGNORECASE,
)
# a list of challenges or limitations the paper names before its answer to them ('identifying
# two main challenges: (i) Ambiguous spatial distribution ...'): the problem, not the approach
_CHALLENGES = re.compile(
    r"\b(?:two|three|four|several|key|main|major|critical|fundamental|primary)\s+(?:[\w-]+\s+)?"
    r"(?:challenges|limitations|issues|problems|obstacles|bottlenecks|difficulties)\s*[:(]"
    r"|\b(?:identif\w+|highlight\w*|face\w*|reveal\w*)\s+(?:[\w-]+\s+){0,3}(?:challenges"
    r"|limitations|issues|problems|obstacles|bottlenecks|difficulties)\s*:",
    re.IGNORECASE,
)


def never_approach(text: str) -> bool:
    """True for a sentence that is never the approach: the experiments sentence or a list of
    challenges."""
    text = text.strip()
    return bool(_EXPERIMENTS.match(text) or _CHALLENGES.search(text))


@lru_cache(maxsize=1024)
def _ranked_words(abstract: str, title: str) -> tuple[frozenset[str], ...]:
    """The content words of each abstract sentence, most TLDR-like first (the selector's
    order)."""
    return tuple(frozenset(content_tokens(s.text)) for s in ranked(abstract, title))


def main_rank(line: str, abstract: str, title: str) -> int:
    """The selector's rank (0: most TLDR-like) of the abstract sentence `line` was taken from
    (the one holding most of its content words; a cleaned or cut line keeps most of them)."""
    words = set(content_tokens(line))
    found = _ranked_words(abstract, title)
    if not found or not words:
        return len(found)
    return max(range(len(found)), key=lambda r: (len(words & found[r]), -r))
