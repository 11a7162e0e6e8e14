"""Which offline comparisons a digest shows: the ones that compare.

Two blind readers scored the offline comparisons of 30 random held-out pairs (bench/
blind-readings/, round 5). The 15 with no summary of their own (the shared-ground line said
again) or a single table row were rated 2.3 overall on average and held all 9 pairs rated at
most 2; the other 15 were rated 3.4 and 3.5, none below 3. The extractive engine cannot say more
of such a pair without guessing, so a digest leaves its comparison out (the two papers keep
their takeaways) rather than print one a reader learns nothing from. `paperbrief compare A B`
still shows whatever it is asked for. A digest written with an LLM shows every comparison,
its offline fallbacks too (marked as such: a budget or an outage never hides a pair).
"""

from __future__ import annotations

from paperbrief.models import ComparisonDraft

MIN_ROWS = 2  # one aspect alone (often only what each does, or only releases) is no comparison


def substantive(draft: ComparisonDraft) -> bool:
    """True when the comparison has a summary of its own (what each paper does, their kinds
    or both papers' figures on one benchmark) and sets the two apart on at least MIN_ROWS
    aspects."""
    return draft.summary != draft.shared_ground and len(draft.differences) >= MIN_ROWS

