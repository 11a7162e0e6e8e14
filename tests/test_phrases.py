"""The phrase toolkit (issue 27, item 3): one set of word rules for the comparison wording and
the topic names, the differences between the two as keyword options."""

from __future__ import annotations

import ast

import pytest

from paperbrief.models import Paper
from paperbrief.phrases import (
    candidates,
    is_adjective,
    is_adverb,
    is_ing_verb,
    is_verb_form,
    noun_like,
    runs,
    same_root,
)
from paperbrief.relate.topic_names import paper_terms
from tests.conftest import ROOT


def test_runs_break_at_punctuation_stopwords_and_numbers_and_collapse_acronyms():
    text = "We train large language models on 3 tasks: sparse attention, mixture of experts."
    assert runs(text) == [["train", "LLMs"], ["tasks"], ["sparse", "attention"], ["MoE"]]


def test_digits_break_is_the_comparisons_option():
    assert runs("Qwen2.5 beats GPT-4o") == [["Qwen2"], ["beats", "GPT-4o"]]
    assert runs("Qwen2.5 beats GPT-4o", digits_break=True) == [["Qwen"], ["beats", "GPT"]]


def test_candidates_are_one_to_max_words_in_a_row():
    assert candidates("sparse attention kernels", max_words=2) == [
        ["sparse"], ["attention"], ["kernels"], ["sparse", "attention"], ["attention", "kernels"]
    ]


@pytest.mark.parametrize(
    ("word", "adverb", "adjective"),
    [
        ("early", False, True),  # starts a name ('Early Exiting'), ends none
        ("daily", False, True),
        ("directly", True, True),
        ("fully", True, True),
        ("anomaly", False, False),
        ("family", False, False),
        ("supply", False, False),
    ],
)
def test_ly_words_one_rule_for_both_uses(word, adverb, adjective):
    assert is_adverb(word) is adverb
    assert is_adjective(word) is adjective


@pytest.mark.parametrize(
    ("word", "expected"),
    [("adaptive", True), ("retrieval", False), ("topic", False), ("zero-shot", True),
     ("real-world", True), ("fine-tuning", False), ("neural", True), ("speed", False)],
)
def test_adjectives_by_list_and_ending_with_the_nouns_excepted(word, expected):
    assert is_adjective(word) is expected


def test_verb_forms_ize_and_the_noun_verbs_option():
    assert is_verb_form("optimizing") and is_verb_form("normalised") and is_verb_form("improves")
    assert not is_verb_form("size") and not is_verb_form("premise")
    assert is_verb_form("design") and not is_verb_form("design", noun_verbs=False)
    assert is_ing_verb("fusing") and not is_ing_verb("reasoning")
    assert is_verb_form("supervised") and not is_verb_form("supervised", participles=False)
    assert is_verb_form("rectified") and not is_verb_form("building", participles=False)


def test_noun_like():
    assert noun_like("candidate") and noun_like("retrieval") and noun_like("design")
    assert noun_like("building") and noun_like("medal") and not noun_like("molecular")
    assert is_verb_form("shed", participles=False)  # a base form, not a participle
    assert not is_adjective("following")  # "instruction following"
    assert not noun_like("generate") and not noun_like("jointly") and not noun_like("robust")


def test_same_root_covers_both_former_rules():
    assert same_root("safety", "safes")  # the comparison's rule
    assert same_root("generative", "generation")  # the topic names' rule
    assert not same_root("safety", "speech") and not same_root("multimodal", "multilingual")


def test_a_topic_name_may_start_on_early_but_not_on_an_adverb():
    paper = Paper(id="x", title="Early exiting and jointly optimized decoding", abstract="",
                  source="test")
    keys = paper_terms(paper).weight
    assert "earli exit" in keys
    assert not any(k.startswith("joint ") for k in keys)


def test_neither_user_keeps_its_own_word_rules():
    """The lists and checks the toolkit holds are not defined again by its two users."""
    owned = {"ADJECTIVES", "ING_NOUNS", "VERBS", "is_adjective", "is_adverb", "same_root"}
    src = ROOT / "src" / "paperbrief"
    for path in (src / "engines" / "offline" / "compare_phrases.py",
                 src / "relate" / "topic_names.py"):  # fmt: skip
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {t.id.lstrip("_") for n in ast.walk(tree) if isinstance(n, ast.Assign)
                   for t in n.targets if isinstance(t, ast.Name)}  # fmt: skip
        defined |= {n.name.lstrip("_") for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & {o.lstrip("_") for o in owned}, path.name
