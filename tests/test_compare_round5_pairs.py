"""Issue 22, round 5 (part P): which pairs are compared, and what the shared-ground line names.

A pair is compared only on a link a reader would call related (engines/offline/pair_strength:
single words or an incidental phrase in dissimilar abstracts are no subject), a paper whose
nearest neighbour fails falls back to a next neighbour it surely shares a subject with, and the
shared-ground line names each subject once. `paperbrief compare A B` gives the digest's verdict.

Abstracts: the bundled example (examples/daily-papers-2026-03-05.txt) and the Daily Papers of
2024 (tests/fixtures/hf-2024-papers-2000.jsonl, real Hugging Face Daily Papers; see
tests/fixtures/README.md), by arXiv id.
"""

from __future__ import annotations

from functools import cache

from paperbrief.digest.build import plan_digest
from paperbrief.engines.offline.compare_ground import shares_subject, sure_subject
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.pair_strength import listed
from paperbrief.models import Comparison, Paper
from paperbrief.sources import read_file
from tests.compare_support import papers_2024
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "daily-papers-2026-03-05.txt"
LOOSE = ("Loosely related", "share little", "Little in common")


def papers() -> dict[str, Paper]:
    return papers_2024()


@cache
def example() -> list[Paper]:
    return list(read_file(EXAMPLE).papers)


def by_title(start: str) -> Paper:
    return next(p for p in example() if p.title.startswith(start))


def compare(a: Paper, b: Paper) -> Comparison:
    return OfflineEngine().compare(a, b).value


def loose_verdict(c: Comparison) -> bool:
    return any(c.shared_ground.startswith(w) or w in c.summary for w in LOOSE)


# -- a link a reader would call loose is not compared, and `compare` says it is loose -------------


def test_single_words_in_dissimilar_abstracts_are_no_subject() -> None:
    # 'Only-IF' (instruction diversity) and 'From Generalist to Specialist' (medical VLMs) both
    # say 'specialists' and 'generalists'; the blind readers rated the pair loosely related
    a, b = papers()["2410.04717"], papers()["2410.06456"]
    assert not shares_subject(a, b) and not shares_subject(b, a)
    c = compare(a, b)
    assert c.shared_ground.startswith("Loosely related"), c.shared_ground


def test_an_incidental_phrase_in_dissimilar_abstracts_is_no_subject() -> None:
    # a resume classifier and a reCAPTCHA solver both mention 'AI technologies' in passing
    a, b = papers()["2406.18125"], papers()["2409.08831"]
    assert not shares_subject(a, b)
    assert loose_verdict(compare(a, b))


# -- strong pairs are still compared --------------------------------------------------------------


def test_hogwild_and_group_think_are_compared_in_the_digest_and_by_compare() -> None:
    hogwild, group = by_title("Hogwild!"), by_title("Group Think")
    plan = plan_digest(example(), top=len(example()))
    pairs = {frozenset((a.id, b.id)) for a, b in plan.pairs}
    assert frozenset((hogwild.id, group.id)) in pairs
    assert shares_subject(hogwild, group) and shares_subject(group, hogwild)
    for c in (compare(hogwild, group), compare(group, hogwild)):
        assert not loose_verdict(c), c.shared_ground


def test_pairs_on_one_subject_in_other_words_are_still_compared() -> None:
    for a, b in [
        ("2406.07230", "2406.11230"),  # two multimodal needle-in-a-haystack benchmarks
        ("2406.11794", "2406.17557"),  # DataComp-LM and FineWeb: 'data curation'
        ("2408.00714", "2408.16768"),  # SAM 2 and SAM2Point
    ]:
        pa, pb = papers()[a], papers()[b]
        assert shares_subject(pa, pb), (pa.title, pb.title)
        assert not loose_verdict(compare(pa, pb))
    # the example's competitive-programming pair and its checkpointing pair
    for a, b in [("CPRet", "LiveOIBench"), ("DataStates-LLM", "Universal Checkpointing")]:
        assert shares_subject(by_title(a), by_title(b)), (a, b)


def test_every_pair_of_the_digest_gets_no_loose_verdict_from_compare() -> None:
    plan = plan_digest(example(), top=len(example()))
    assert len(plan.pairs) >= 10
    for a, b in plan.pairs:
        assert not loose_verdict(compare(a, b)), (a.title, b.title)
        assert not loose_verdict(compare(b, a)), (b.title, a.title)


# -- a paper whose nearest neighbour fails the gate falls back to a sure one ----------------------


def test_a_paper_falls_back_to_a_next_neighbour_that_surely_shares_its_subject() -> None:
    plan = plan_digest(example(), top=len(example()))
    related = plan.related
    merge = by_title("Program Merge Conflict Resolution")
    near = related.candidates(related.index(merge.id))
    nearest = example()[near[0][0]]
    assert not shares_subject(merge, nearest)  # KGym: 'software' and 'resolution' only
    partner = plan.compared_with[merge.id]
    assert partner != nearest.id and partner in {example()[j].id for j, _ in near[1:]}
    other = next(p for p in example() if p.id == partner)
    assert sure_subject(merge, other)
    assert "software development" in compare(merge, other).shared_ground


# -- the shared-ground line names each subject once ------------------------------------------------


def test_a_phrase_inside_a_listed_one_is_not_listed_again() -> None:
    # Posterior-Mean Rectified Flow and an all-in-one image restoration paper
    line = compare(papers()["2410.00418"], papers()["2411.18412"]).shared_ground
    assert "image restoration" in line and "image restoration tasks" not in line, line
    line = compare(papers()["2406.04314"], papers()["2406.18629"]).shared_ground
    assert line.count("preference optimization") == 1, line


def test_the_spelled_out_form_of_a_listed_acronym_is_not_listed() -> None:
    line = compare(papers()["2406.08451"], papers()["2407.17490"]).shared_ground
    assert "GUI" in line and "graphical user interface" not in line, line


def test_a_phrase_used_once_in_passing_is_not_listed_beside_a_repeated_one() -> None:
    # InfiniteBatch-style contrastive loss vs ShadowKV: 'batch sizes' both use; 'infinite batch
    # size' ShadowKV mentions once, as a hypothetical
    line = compare(papers()["2410.17243"], papers()["2410.21465"]).shared_ground
    assert "batch size" in line and "infinite batch size" not in line.lower(), line


def test_a_phrase_naming_the_document_is_no_shared_ground() -> None:
    # two surveys on different subjects: 'This survey aims to serve as a valuable resource'
    line = compare(papers()["2410.20011"], papers()["2412.02142"]).shared_ground
    assert "survey aims" not in line, line


def test_phrases_that_differ_only_in_a_kind_of_thing_are_one_subject() -> None:
    # VisualLens and Molar (held-out Daily Papers) wrote 'recommendation task and recommendation
    # systems'; the rule on the phrase keys (stems) as compare_ground passes them
    keys = [("recommend", "task"), ("recommend", "system"), ("visual", "histori")]
    chosen = listed(keys, lambda k: " ".join(k), lambda k: 2, set())
    assert chosen == [("recommend", "task"), ("visual", "histori")]
