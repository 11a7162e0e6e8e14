"""Comparisons worth reading (issue 22), on real abstracts: pairs only with shared ground, one
verdict in `digest` and `compare`, a short line that compares, whole-clause cells, prefer lines
only from a fact.

Abstracts: the bundled Daily Papers page (tests/fixtures/hf-daily-papers-page.txt) and the Daily
Papers of 2024 (tests/fixtures/hf-2024-papers-2000.jsonl); see tests/fixtures/README.md.
"""

from __future__ import annotations

import json
import re
from functools import cache

from paperbrief.cli import main
from paperbrief.digest.build import plan_digest
from paperbrief.engines.offline.compare_cells import finding
from paperbrief.engines.offline.compare_facts import releases, shared_results, whole_clause
from paperbrief.engines.offline.compare_findings import vouched_for
from paperbrief.engines.offline.compare_ground import ground, paper_phrases, shares_subject
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.standalone import lcs, repeats
from paperbrief.models import Paper
from paperbrief.sources import read_file
from tests.compare_support import papers_2024
from tests.conftest import FIXTURES

PAGE = FIXTURES / "hf-daily-papers-page.txt"
_WORD = re.compile(r"[a-z0-9]+")


@cache
def page() -> list[Paper]:
    return list(read_file(PAGE).papers)


def by_title(start: str) -> Paper:
    return next(p for p in page() if p.title.startswith(start))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_pairs_with_shared_ground_are_related():
    pairs = [("Hogwild", "Group Think"), ("DataStates-LLM", "Universal Checkpointing"),
             ("CPRet", "LiveOIBench"), ("Learning Adaptive Parallel", "ThreadWeaver")]  # fmt: skip
    for a, b in pairs:
        pa, pb = by_title(a), by_title(b)
        assert shares_subject(pa, pb) and shares_subject(pb, pa), (a, b)
    shared = ground(paper_phrases(by_title("CPRet")), paper_phrases(by_title("LiveOIBench")))
    assert "competitive programming" in shared.phrases


def test_pairs_without_shared_ground_are_not():
    # nearest neighbours by TF-IDF on the page that share only the field's words
    pairs = [("CodeMonkeys", "ConAIR"), ("Closing the Performance Gap", "CP-Bench"),
             ("A Hierarchical and Evolvable", "ParEVO"), ("CodeScope", "KGym")]  # fmt: skip
    for a, b in pairs:
        assert not shares_subject(by_title(a), by_title(b)), (a, b)


def test_the_digest_compares_only_papers_with_shared_ground():
    plan = plan_digest(page(), top=len(page()))
    assert plan.pairs
    for a, b in plan.pairs:
        assert shares_subject(a, b)
    engine = OfflineEngine()
    for a, b in plan.pairs:
        c = engine.compare(a, b).value
        # (round 3: a pair whose link is thin says so)
        assert c.shared_ground.startswith(("Both deal with", "Loosely related: both mention")), (
            c.shared_ground)
        assert "No common subject" not in c.shared_ground
    # a detailed paper whose nearest paper shares nothing is said to have no related paper
    assert set(plan.unrelated) >= {by_title("CodeMonkeys").id}
    assert by_title("CodeMonkeys").id not in plan.compared_with


def test_hogwild_and_group_think_are_the_same_in_digest_and_compare(tmp_path, capsys):
    hogwild, group = by_title("Hogwild"), by_title("Group Think")
    code, out, _ = run(capsys, "digest", str(PAGE), "--offline", "--json", "--top", "60",
                       "--db", str(tmp_path / "a.db"))  # fmt: skip
    assert code == 0
    digest = json.loads(out)
    mine = [c for c in digest["comparisons"]
            if {c["paper_a"], c["paper_b"]} == {hogwild.id, group.id}]  # fmt: skip
    assert len(mine) == 1
    for order in (("Hogwild", "Group Think"), ("Group Think", "Hogwild")):
        code, out, _ = run(capsys, "compare", *order, "--input", str(PAGE), "--offline",
                           "--json", "--db", str(tmp_path / "b.db"))  # fmt: skip
        assert code == 0
        alone = json.loads(out)
        assert alone["shared_ground"] == mine[0]["shared_ground"]
        assert alone["summary"] == mine[0]["summary"]
        assert "collaboration" in alone["shared_ground"]
        sides = {alone["paper_a"]: alone["prefer_a_when"], alone["paper_b"]: alone["prefer_b_when"]}
        assert sides == {mine[0]["paper_a"]: mine[0]["prefer_a_when"],
                         mine[0]["paper_b"]: mine[0]["prefer_b_when"]}  # fmt: skip


def test_compare_of_unrelated_papers_says_so_and_keeps_the_table(tmp_path, capsys):
    code, out, _ = run(capsys, "compare", "CodeMonkeys", "DataStates-LLM", "--input", str(PAGE),
                       "--offline", "--json", "--db", str(tmp_path / "c.db"))  # fmt: skip
    assert code == 0
    c = json.loads(out)
    assert "share little" in c["summary"]
    assert c["shared_ground"].startswith("Little in common")
    assert c["differences"]


def _covers(text: str, part: str) -> float:
    b = _WORD.findall(part.lower())
    return lcs(_WORD.findall(text.lower()), b) / max(1, len(b))


def test_summaries_are_short_and_never_a_pasted_takeaway():
    engine = OfflineEngine()
    plan = plan_digest(page(), top=len(page()))
    takeaways = {p.id: engine.takeaway(p).value.takeaway for p in page()}
    for a, b in plan.pairs:
        summary = engine.compare(a, b).value.summary
        assert len(summary.split()) <= 30, summary
        assert _covers(summary, takeaways[a.id]) < 0.7 and _covers(summary, takeaways[b.id]) < 0.7
        assert not summary.startswith(("Both tackle", "Both concern")), summary


def test_a_benchmark_both_report_is_stated_with_both_numbers():
    # SWE-bench Verified on two real 2024 abstracts, written here in the shape they report it
    a = Paper(id="x1", title="Agentless", source="t", abstract=(
        "We propose Agentless, an agentless approach to resolve software issues. "
        "Agentless resolves 27.3% of the issues of SWE-bench Lite, the highest among open-source "
        "approaches, at a cost of $0.34 per issue."))  # fmt: skip
    b = Paper(id="x2", title="SWE-agent", source="t", abstract=(
        "We introduce SWE-agent, a system whose agent-computer interface lets language model "
        "agents edit code. SWE-agent resolves 12.5% of SWE-bench Lite issues, ahead of "
        "retrieval-augmented generation."))  # fmt: skip
    results = shared_results(a.abstract, b.abstract)
    assert [(ra.benchmark, ra.value, rb.value) for ra, rb in results] == [
        ("SWE-bench Lite", "27.3%", "12.5%")
    ]
    c = OfflineEngine().compare(a, b).value
    assert c.summary.startswith("Both report SWE-bench Lite: Agentless 27.3% vs SWE-agent 12.5%")
    assert c.summary.count("27.3%") == 1
    # round 6: who reports the higher figure is no reason to prefer a paper (settings differ)
    assert "higher" not in c.prefer_a_when + c.prefer_b_when
    # (round 3) SWE-agent's line, if any, says what it does, never its lower figure
    assert "12.5%" not in c.prefer_b and "higher" not in c.prefer_b


def test_a_relative_gain_is_not_set_beside_a_score():
    # CodeChain reports 'relative pass@1 improvements of 35% on APPS'; Planning-Driven
    # Programming '64.0% on APPS': no 35% vs 64.0% line
    a, b = by_title("CodeChain"), by_title("Planning-Driven Programming")
    assert not shared_results(a.abstract, b.abstract)


def test_cells_are_whole_clauses():
    # the cut tails issue 22 quotes: '...while parallel methods.', '...to be as cheap.'
    adaptive = by_title("Learning Adaptive Parallel")
    sentence = next(s for s in re.split(r"(?<=\.)\s+", adaptive.abstract)
                    if "parallel methods" in s)  # fmt: skip
    cut = sentence[: sentence.index("parallel methods") + len("parallel methods")] + "."
    assert whole_clause(cut, adaptive.abstract) in ("", cut[: cut.index(", while")] + ".")
    long_context = by_title("Challenges in Deploying Long-Context")
    cheap = next(s for s in re.split(r"(?<=\.)\s+", long_context.abstract) if "as cheap" in s)
    assert not whole_clause(cheap[: cheap.index(" as 4K")] + ".", long_context.abstract)
    engine = OfflineEngine()
    plan = plan_digest(page(), top=len(page()))
    for a, b in plan.pairs:
        for d in engine.compare(a, b).value.differences:
            if d.aspect in ("problem", "approach", "results"):
                for cell, paper in ((d.a, a), (d.b, b)):
                    if cell != "—":  # (the one side of a table with no other row)
                        assert whole_clause(cell, paper.abstract) == cell, cell
                    assert not repeats(cell, paper.title), cell
                    assert not cell.startswith(("Not stated", "No result")), cell


def test_prefer_lines_only_with_a_fact():
    engine = OfflineEngine()
    plan = plan_digest(page(), top=len(page()))
    written = 0

    def fact(line: str) -> bool:
        return "released (the other" in line or "it is a survey" in line or (
            "benchmark" in line or "dataset" in line or "position" in line
            or "a method to apply" in line  # round 4: a method beside a benchmark or survey
            # round 5: facts from compare_reasons (training-free, speed, real robots, proof, ...)
            # round 8: real time, no labels, open models only
            or re.search(r"(?:if|for) [^:;]+: it (?:is|reports|proves|needs|builds)\b", line)
            is not None)

    for a, b in plan.pairs:
        c = engine.compare(a, b).value
        for line, paper in ((c.prefer_a, a), (c.prefer_b, b)):
            if not line:
                continue
            written += 1
            assert not line.startswith("Read "), line
            # round 6: a line gives facts only, never what the paper does again
            assert line.startswith("Prefer ") and fact(line) and ": it proposes" not in line, line
            if "released (the other" in line:
                assert releases(paper.abstract)
    assert written  # some facts do support a preference on this page


def test_release_is_read_from_the_abstract():
    assert releases(by_title("A Hierarchical and Evolvable").abstract) == "code and data"
    assert releases(by_title("Group Think").abstract) == ""


def test_compare_is_the_same_in_either_order():
    papers = list(papers_2024().values())[:300]
    plan = plan_digest(papers, top=len(papers))
    assert len(plan.pairs) >= 5
    engine = OfflineEngine()
    for a, b in plan.pairs[:5]:
        one, two = engine.compare(a, b).value, engine.compare(b, a).value
        assert one.summary == two.summary and one.shared_ground == two.shared_ground
        assert [(d.a, d.b) for d in one.differences] == [(d.b, d.a) for d in two.differences]
        assert (one.prefer_a_when, one.prefer_b_when) == (two.prefer_b_when, two.prefer_a_when)


def test_summary_clauses_end_where_their_phrase_ends():
    from paperbrief.engines.offline.compare_facts import whole_tail

    # real endings the blind-reading draft cut: 'develops a theoretical | framework',
    # 'a trade-off between latency | and accuracy', 'generates high-quality | videos'
    assert not whole_tail("develops a theoretical", "We develop a theoretical framework.")
    assert not whole_tail("achieves an optimized trade-off between latency",
                          "It achieves an optimized trade-off between latency and accuracy.")
    assert not whole_tail("presents models that generate high-quality",
                          "We present models that generate high-quality, 1080p videos.")
    # 'a single LLM that acts | as multiple ... agents' (Group Think): a relative clause cut
    assert not whole_tail("proposes a single LLM that acts",
                          "We propose Group Think--a single LLM that acts as multiple agents.")
    thread = by_title("ThreadWeaver")
    assert whole_tail("introduces a framework for adaptive parallel reasoning", thread.abstract)


def test_a_long_summary_is_never_cut_by_characters():
    # two long names and a long clause: the line went over 300 characters and was cut to
    # '... while Steering Rectified Flow Models develops a theoretical.'
    papers = {p.title.split(":")[0]: p for p in papers_2024().values()}
    a = next(p for t, p in papers.items() if t.startswith("Semantic Image Inversion"))
    b = next(p for t, p in papers.items() if t.startswith("Steering Rectified"))
    summary = OfflineEngine().compare(a, b).value.summary
    assert not summary.endswith(("theoretical.", "a.", "the.")), summary
    assert len(summary.split()) <= 30 and len(summary) < 300


# --- round 2: what the blind reading of 30 held-out pairs found ------------------------------




def test_a_release_is_an_explicit_statement_about_code_data_or_weights():
    p = papers_2024()
    # project pages, demo and results links, a repository 'continually updated': no release
    for pid in ("2405.17405", "2405.17414", "2406.04324", "2406.05370", "2405.20335"):
        assert releases(p[pid].abstract) == "", pid
    # 'we construct a dataset ...' builds one; it does not say it releases it
    assert releases(p["2409.06666"].abstract) == ""
    # 'We release a model checkpoint ...', 'Code and checkpoints are available at ...'
    assert releases(p["2410.08261"].abstract) == "model weights"
    assert releases(p["2411.02359"].abstract) == "code and model weights"
    # '... our PyTorch codebase with built-in support for training on ... datasets': no data
    assert releases(p["2406.09246"].abstract) == "code and model weights"
    assert releases(p["2409.08199"].abstract) == "code and data"


def test_a_paper_kind_is_claimed_only_on_strong_cues():
    from paperbrief.engines.offline.compare import kind

    p = papers_2024()
    # Coconut and DART are method papers the cue words called position papers
    for pid in ("2412.06769", "2410.08159"):
        assert kind(p[pid].title, p[pid].abstract) not in ("position", "survey"), pid
    # a benchmark paper is never called a method paper
    assert kind(p["2410.06172"].title, p["2410.06172"].abstract) != "method"
    assert kind(p["2411.15296"].title, p["2411.15296"].abstract) == "survey"
    engine = OfflineEngine()
    c = engine.compare(p["2412.06769"], p["2410.08159"]).value
    texts = [c.summary, c.prefer_a_when, c.prefer_b_when] + [f"{d.a} {d.b}" for d in c.differences]
    assert not any("position" in t or "argument about the field" in t for t in texts), texts


def test_no_kind_or_title_shuffle_summaries_and_focus_only_of_noun_phrases():
    p = list(papers_2024().values())
    held = [x for x in p if x.id >= "2410"][:400]
    engine = OfflineEngine()
    from paperbrief.engines.offline.compare_phrases import head_complete

    plan = plan_digest(held, top=len(held))
    assert len(plan.pairs) >= 100
    for a, b in plan.pairs:
        c = engine.compare(a, b).value
        assert " centres on " not in c.summary, c.summary
        assert not re.search(r" is an? (?:method|benchmark|dataset|systems|position) paper\b|"
                             r" is a survey\b", c.summary), c.summary  # fmt: skip
        for d in c.differences:
            if d.aspect == "focus":
                for cell, paper in ((d.a, a), (d.b, b)):
                    for term in cell.rstrip(".").replace(" and ", ", ").split(", "):
                        assert len(term.split()) >= 2, (term, cell)
                        assert head_complete(term, paper.title + ". " + paper.abstract), term
            if d.aspect == "results":
                # a finding by its words, or a claim the abstract says its results found
                assert all(finding(cell) or vouched_for(cell, paper.abstract)
                           for cell, paper in ((d.a, a), (d.b, b)) if cell != "—"), d
            if d.aspect == "contribution type":
                assert "system" not in (d.a, d.b) and "analysis" not in (d.a, d.b), d


def test_cells_with_content_only():
    from paperbrief.engines.offline.compare_facts import content_free, lost_name

    assert content_free("We propose a two-fold approach.")
    assert not content_free("We propose a dual-stream mask model trained on 2M video clips.")
    assert lost_name("We propose , an approach that learns from demonstrations.")
    assert lost_name("In this paper, we propose, an approach that learns from demonstrations.")
    assert not lost_name("We propose DART, an approach that unifies AR and diffusion.")
    assert not finding("We first develop a universal framework for sampling.")
    assert not finding("We constructed the first fine-grained visual attributes dataset.")
    assert finding("DeeR reduces the LLM computational cost by 5.2-6.5 times.")
    assert finding("Experiments show that our model outperforms prior methods.")


def test_shared_ground_is_no_generic_phrase():
    from paperbrief.engines.offline.compare_phrases import generic_phrase, head_complete
    from paperbrief.phrases import same_root as same_stem

    for term in ("computational demands", "multi-agent framework", "comprehensive survey"):
        assert generic_phrase(term), term
    assert not generic_phrase("latent reasoning") and not generic_phrase("state space model")
    assert same_stem("safety", "safes") and not same_stem("safety", "speech")
    text = "We produce sharp monocular metric depth at 4K resolution accurate to a centimetre."
    assert not head_complete("sharp monocular", text)
    assert not head_complete("resolution accurate", text)
    assert head_complete("metric depth", text)
    # no shared ground line names a generic phrase, a verb or one word twice
    p = list(papers_2024().values())
    held = [x for x in p if x.id >= "2410"][:400]
    engine = OfflineEngine()
    for a, b in plan_digest(held, top=len(held)).pairs:
        g = ground(paper_phrases(a), paper_phrases(b))
        for phrase in g.phrases:
            assert not generic_phrase(phrase), phrase
        words = g.words
        assert not any(same_stem(x, y) for i, x in enumerate(words) for y in words[i + 1 :])
        c = engine.compare(a, b).value
        assert "offer" not in c.shared_ground.split(), c.shared_ground


def test_shared_phrases_are_whole_noun_phrases_named_once():
    p = papers_2024()
    a, b = p["2406.02523"], p["2409.20537"]  # RoboCasa, Heterogeneous Pre-trained Transformers
    g = ground(paper_phrases(a), paper_phrases(b), (a.title + ". " + a.abstract,
                                                    b.title + ". " + b.abstract))  # fmt: skip
    assert "training generalist" not in g.phrases  # of 'training generalist robots'
    assert not ({"robot data", "robot datasets"} <= set(g.phrases)), g.phrases
    from paperbrief.engines.offline.compare_phrases import noun_like

    assert not noun_like("educational") and noun_like("retrieval") and noun_like("signal")


def test_clauses_with_a_lost_word_or_a_cut_compound_are_not_said():
    from paperbrief.engines.offline.compare_facts import lost_name, whole_tail

    # 'a novel and effective approach' with 'novel' cleaned away
    assert lost_name("introduces an and effective approach to motion modeling for VFI")
    p = papers_2024()
    npga = p["2405.19331"]  # '... approach to create high-fidelity, controllable avatars'
    assert not whole_tail("proposes a data-driven approach to create high-fidelity", npga.abstract)
    c = OfflineEngine().compare(npga, p["2407.08680"]).value
    assert "high-fidelity," not in c.summary and "an and" not in c.summary


def test_shared_ground_names_no_idiom_and_no_word_twice():
    p = papers_2024()

    def shared(x: str, y: str):
        a, b = p[x], p[y]
        both = (a.title + ". " + a.abstract, b.title + ". " + b.abstract)
        return ground(paper_phrases(a), paper_phrases(b), both)

    # BiMix and data mixture inference: 'shed light' is an idiom, not a subject
    assert shared("2405.14908", "2407.16607").phrases == ["data mixture"]
    # MegaFusion and Follow-Your-Canvas: 'higher-resolution' and 'resolution' are one word
    g = shared("2408.11001", "2409.01055")
    assert g.words == ["higher-resolution"] and not g.related
    from paperbrief.engines.offline.compare_facts import whole_tail

    audio = p["2409.09401"]  # '... a non-autoregressive diffusion model tailored for diverse ...'
    cut = "a non-autoregressive diffusion model tailored for diverse"
    assert not whole_tail(cut, audio.abstract)


def test_summary_clauses_do_not_refer_back_and_billions_are_no_subject():
    p = papers_2024()
    ids = {r.title.split(":")[0]: r.id for r in p.values()}
    a = p[ids["Large Scale Transfer Learning for Tabular Data via Language Modeling"]]
    b = p[ids["TabReD"]]
    c = OfflineEngine().compare(a, b).value
    assert "this gap" not in c.summary, c.summary  # 'We seek to narrow this gap and present ...'
    from paperbrief.engines.offline.compare_phrases import generic_phrase

    assert generic_phrase("billion parameters")
