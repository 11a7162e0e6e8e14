"""Merging listings: duplicates by arXiv id, then by normalised title; richest data kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from paperbrief.models import Paper, Period
from paperbrief.sources import Listing, merge, parse_text, read_file
from paperbrief.text import slugify


def paper(paper_id: str, title: str = "", **fields) -> Paper:
    fields.setdefault("abstract", f"Abstract of {paper_id}.")
    return Paper(id=paper_id, title=title, source=fields.pop("source", "test"), **fields)


def test_duplicates_by_arxiv_id_keep_richest_data() -> None:
    first = Listing([paper("2410.17243", "Breaking", upvotes=3, source="a.xml")])
    second = Listing(
        [
            paper(
                "2410.17243",
                "Breaking the Memory Barrier",
                authors=["Ann", "Bo"],
                organization="Lab",
                upvotes=39,
                published=date(2024, 10, 22),
                url="https://arxiv.org/abs/2410.17243",
                abstract="A longer abstract of the very same paper.",
                source="b.json",
            )
        ]
    )
    merged = merge([first, second])
    assert merged.duplicates == 1
    (only,) = merged.papers
    assert only.title == "Breaking"  # the first non-empty title stands
    assert only.upvotes == 39
    assert only.authors == ["Ann", "Bo"]
    assert only.organization == "Lab"
    assert only.published == date(2024, 10, 22)
    assert only.abstract == "A longer abstract of the very same paper."
    assert only.source == "a.xml"


def test_duplicates_by_title_prefer_the_real_arxiv_id() -> None:
    page = Listing(
        [
            paper("other-paper", "Other Paper"),
            paper(
                "hogwild-inference-parallel-llm-generation",
                "Hogwild! Inference: Parallel LLM Generation",
                author_count=8,
                upvotes=6,
            ),
        ]
    )
    api = Listing(
        [paper("2504.06261", "HOGWILD  inference -- parallel LLM generation", upvotes=2)],
        extras={"2504.06261": {"ai_summary": "Parallel."}},
    )
    merged = merge([page, api])
    assert [p.id for p in merged.papers] == ["other-paper", "2504.06261"]
    hogwild = merged.papers[1]
    assert hogwild.title == "Hogwild! Inference: Parallel LLM Generation"
    assert hogwild.url == "https://arxiv.org/abs/2504.06261"
    assert (hogwild.upvotes, hogwild.author_count) == (6, 8)
    assert merged.extras == {"2504.06261": {"ai_summary": "Parallel."}}


def test_a_third_copy_matches_by_either_key() -> None:
    merged = merge(
        [
            Listing([paper("slug-a", "Same Title")]),
            Listing([paper("2401.00001", "same title")]),
            Listing([paper("2401.00001v2", "Renamed Later")]),  # a version is not a new paper
            Listing([paper("slug-b", "renamed later!")]),
            Listing([paper("slug-c", "Different")]),
        ]
    )
    assert [p.id for p in merged.papers] == ["2401.00001", "slug-c"]
    assert merged.papers[0].title == "Same Title"
    assert merged.duplicates == 3


def test_different_arxiv_ids_sharing_a_title_are_kept() -> None:
    merged = merge([Listing([paper("2401.00001", "Erratum"), paper("2402.00002", "Erratum")])])
    assert [p.id for p in merged.papers] == ["2401.00001", "2402.00002"]


def test_empty_titles_are_never_merged_by_title(fixtures: Path) -> None:
    scitldr = read_file(fixtures / "scitldr-3.jsonl")
    assert len(merge([scitldr]).papers) == 3
    again = merge([scitldr, scitldr])
    assert [p.id for p in again.papers] == [p.id for p in scitldr.papers]
    assert again.duplicates == 3


def test_merge_keeps_first_occurrence_order_and_all_warnings(fixtures: Path) -> None:
    page = read_file(fixtures / "hf-daily-papers-page.txt")
    atom = read_file(fixtures / "arxiv/arxiv_api_2016_search_au_del_maestro.xml")
    warned = Listing([], warnings=["x.jsonl: line 2 skipped: no abstract"])
    merged = merge([atom, page, warned, atom])
    assert [p.id for p in merged.papers] == [p.id for p in atom.papers + page.papers]
    assert merged.warnings == ["x.jsonl: line 2 skipped: no abstract"]
    assert merged.duplicates == 10
    assert merged.period == page.period


def test_periods_of_several_sources_are_spanned() -> None:
    day = Period(start=date(2026, 3, 16), end=date(2026, 3, 16), label="2026-03-16")
    other = Period(start=date(2026, 3, 18), end=date(2026, 3, 18), label="2026-03-18")
    merged = merge([Listing([], period=day), Listing([]), Listing([], period=other)])
    assert merged.period == Period(
        start=date(2026, 3, 16), end=date(2026, 3, 18), label="2026-03-16 to 2026-03-18"
    )
    assert merge([Listing([], period=day), Listing([], period=day)]).period == day
    assert merge([Listing([])]).period is None


def test_page_and_api_of_overlapping_papers(fixtures: Path, tmp_path: Path) -> None:
    """A JSONL export of one page paper with its arXiv id folds into the page's slug entry."""
    page = read_file(fixtures / "hf-daily-papers-page.txt")
    target = next(p for p in page.papers if p.title.startswith("CodeMonkeys"))
    export = tmp_path / "one.jsonl"
    export.write_text(
        '{"id": "2501.14723v1", "title": "codemonkeys: scaling test-time compute for software '
        'engineering", "abstract": "Short.", "authors": ["R. Ehrlich"], "upvotes": 1}\n',
        encoding="utf-8",
    )
    merged = merge([page, read_file(export)])
    assert len(merged.papers) == 54
    codemonkeys = next(p for p in merged.papers if p.id == "2501.14723")
    assert codemonkeys.title == target.title
    assert codemonkeys.abstract == target.abstract
    assert codemonkeys.upvotes == target.upvotes == 2
    assert codemonkeys.authors == ["R. Ehrlich"]
    assert codemonkeys.published == target.published
    assert merged.papers.index(codemonkeys) == page.papers.index(target)


def test_distinct_titles_with_the_same_slug_are_both_kept() -> None:
    stem = "Large Language Models for Code Generation: A Systematic Survey of "
    first, second = stem + "Benchmarks", stem + "Agents"
    listing = parse_text(
        f"{first}\n\nAbstract one.\n\n  • 2 authors\n·\nJan 2, 2025\n\n"
        f"{second}\n\nAbstract two.\n\n  • 3 authors\n·\nJan 3, 2025\n",
        "page.txt",
    )
    ids = [p.id for p in listing.papers]
    assert ids[0] == slugify(first) == slugify(second)  # slugs are truncated alike
    assert ids[1].startswith(ids[0] + "-")
    merged = merge([listing, listing])
    assert [p.title for p in merged.papers] == [first, second]
    assert len({p.id for p in merged.papers}) == 2
    assert merged.duplicates == 2
    # The same collision across two sources, where neither got a suffix.
    a = paper(slugify(first), first)
    b = paper(slugify(second), second)
    across = merge([Listing([a]), Listing([b]), Listing([a])])
    assert [p.title for p in across.papers] == [first, second]
    assert across.papers[1].id != across.papers[0].id
    assert across.duplicates == 1
