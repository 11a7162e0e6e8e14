"""Every real fixture parses into the expected papers; formats are detected by content."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from paperbrief.errors import InputError
from paperbrief.models import ARXIV_ID_RE
from paperbrief.sources import Listing, parse_text, read_file
from paperbrief.sources.arxiv_atom import parse_arxiv_atom
from paperbrief.sources.arxiv_rss import parse_arxiv_rss, split_authors
from paperbrief.sources.hf_api import parse_hf_api
from paperbrief.text import slugify

PAGE = "hf-daily-papers-page.txt"
HF_2024 = "hf-api/hf_daily_papers_2024-10-25.json"
HF_2026 = "hf-api/hf_daily_papers_2026-03-16.json"
ATOM_2026 = "arxiv/arxiv_api_2026-09-24_cat_cs.CL_max3.xml"
ATOM_2016 = "arxiv/arxiv_api_2016_search_au_del_maestro.xml"
RSS = "arxiv/arxiv_rss_2026-09-24_cs.LG+cs.AI+cs.CL+stat.ML_trimmed.xml"
ERROR_FEED = "arxiv/arxiv_api_2026_id_abc_s0_m100_b79c8dcf6bc3.json"


def by_title(listing: Listing, start: str):
    found = [p for p in listing.papers if p.title.startswith(start)]
    assert len(found) == 1, [p.title for p in found]
    return found[0]


def by_id(listing: Listing, paper_id: str):
    return next(p for p in listing.papers if p.id == paper_id)


def assert_clean(text: str) -> None:
    assert text == " ".join(text.split()), repr(text[:80])


# --- Hugging Face Daily Papers page ------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> Listing:
    return read_file(Path(__file__).parent / "fixtures" / PAGE, today=date(2026, 3, 5))


def test_page_has_all_54_papers_with_unique_slug_ids(page: Listing) -> None:
    assert len(page.papers) == 54
    assert page.warnings == []
    assert len({p.id for p in page.papers}) == 54
    for paper in page.papers:
        assert paper.id == slugify(paper.title)
        assert paper.authors == []
        assert paper.abstract and paper.title
        assert_clean(paper.title)
        assert_clean(paper.abstract)


def test_page_header_lines_are_not_papers(page: Listing) -> None:
    titles = {p.title for p in page.papers}
    header = {"new", "Subscribe", "Daily Papers", "byAK and the research community", "Mar 5"}
    assert not titles & header
    assert not any(t.startswith("Get trending papers") for t in titles)


def test_page_first_paper(page: Listing, fixtures: Path) -> None:
    first = page.papers[0]
    assert first.title == (
        "Challenges in Deploying Long-Context Transformers: A Theoretical Peak Performance Analysis"
    )
    assert first.author_count == 1
    assert first.n_authors == 1
    assert first.published == date(2024, 5, 14)
    assert first.upvotes is None
    assert first.abstract.startswith("Transformer-based long context generative models")
    assert first.abstract.endswith("to be as cheap as 4K.")
    assert first.source == str(fixtures / PAGE)


def test_page_upvotes_follow_the_date(page: Listing, fixtures: Path) -> None:
    hogwild = by_title(page, "Hogwild! Inference")
    assert (hogwild.published, hogwild.upvotes, hogwild.author_count) == (date(2025, 4, 8), 6, 8)
    threadweaver = by_title(page, "ThreadWeaver")
    assert (threadweaver.published, threadweaver.upvotes) == (date(2025, 11, 24), 3)
    # As many papers carry upvotes as the page has date lines with a trailing number.
    text = (fixtures / PAGE).read_text(encoding="utf-8")
    voted_lines = re.findall(r"^[A-Z][a-z]{2} \d{1,2}, \d{4} (\d+)$", text, re.M)
    assert sorted(p.upvotes for p in page.papers if p.upvotes) == sorted(map(int, voted_lines))
    counts = [int(n) for n in re.findall(r"^\s*• (\d+) authors$", text, re.M)]
    assert sum(p.author_count or 0 for p in page.papers) == sum(counts)


def test_page_organisation_line_instead_of_authors(page: Listing) -> None:
    mirror = by_title(page, "Mirror Speculative Decoding")
    assert mirror.organization == "Apple"
    assert mirror.author_count is None
    assert (mirror.published, mirror.upvotes) == (date(2025, 10, 15), 2)
    assert [p.title for p in page.papers if p.organization] == [mirror.title]


def test_page_papers_without_metadata(page: Listing) -> None:
    parevo = by_title(page, "ParEVO")
    code_induced = by_title(page, "On Code-Induced Reasoning in LLMs")
    for paper in (parevo, code_induced):
        assert paper.published is None
        assert paper.author_count is None
        assert paper.upvotes is None
        assert paper.organization is None
    assert parevo.abstract.endswith("https://github.com/WildAlg/ParEVO.")
    assert code_induced.abstract.startswith("Code data has been shown to enhance")
    # The paper after each metadata-less one is read as a paper, not as an abstract.
    index = page.papers.index(parevo)
    assert page.papers[index + 1].title == "Sharing State Between Prompts and Programs"


def test_page_period_is_the_page_date_with_inferred_year(page: Listing) -> None:
    assert page.period is not None
    assert page.period.start == page.period.end == date(2026, 3, 5)
    assert page.period.label == "Mar 5, 2026"


def _mini_page(page_date: str, paper_date: str) -> str:
    return (
        f"Daily Papers\n\n{page_date}\n\nA Title\n\nAn abstract sentence.\n\n"
        f"  • 2 authors\n·\n{paper_date}\n"
    )


@pytest.mark.parametrize(
    ("page_date", "paper_date", "today", "expected"),
    [
        ("Mar 5", "Dec 16, 2025", date(2026, 12, 3), date(2026, 3, 5)),
        ("Mar 5", "Mar 5, 2026", date(2026, 3, 5), date(2026, 3, 5)),
        # never a future year, whatever the papers' dates say (#12: 'Mar 5, 2027' before)
        ("Mar 5", "Mar 6, 2026", date(2026, 12, 3), date(2026, 3, 5)),
        # a day still ahead this year is last year's page
        ("Dec 16", "Dec 10, 2025", date(2026, 3, 5), date(2025, 12, 16)),
        ("Feb 29", "Jan 1, 2025", date(2026, 12, 3), date(2024, 2, 29)),
        ("Mar 5, 2024", "Dec 16, 2025", date(2026, 12, 3), date(2024, 3, 5)),
        ("5 Mar", "Dec 16, 2025", date(2026, 12, 3), date(2026, 3, 5)),
    ],
)
def test_page_year_inference(page_date: str, paper_date: str, today: date, expected: date) -> None:
    listing = parse_text(_mini_page(page_date, paper_date), "mini.txt", today=today)
    assert listing.period is not None and listing.period.start == expected
    assert [p.author_count for p in listing.papers] == [2]


def test_page_year_is_bounded_by_the_runs_today() -> None:
    # the seed page shows 'Mar 5' without a year: on Mar 4, 2027 it is still last year's page
    listing = read_file(Path(__file__).parent / "fixtures" / PAGE, today=date(2027, 3, 4))
    assert listing.period is not None and listing.period.label == "Mar 5, 2026"
    listing = read_file(Path(__file__).parent / "fixtures" / PAGE, today=date(2026, 3, 5))
    assert listing.period is not None and listing.period.start == date(2026, 3, 5)


def test_page_date_without_any_dated_paper_gets_the_year_of_today() -> None:
    text = "Daily Papers\n\nMar 5\n\nT\n\nAn abstract.\n\n  • 1 author\n"
    listing = parse_text(text, "mini.txt", today=date(2026, 12, 3))
    assert listing.period is not None
    assert (listing.period.start, listing.period.label) == (date(2026, 3, 5), "Mar 5, 2026")


def test_page_title_without_abstract_is_skipped_with_a_warning() -> None:
    text = (
        "Good One\n\nIts abstract.\n\n  • 3 authors\n·\nJan 2, 2025\n\n"
        "Lonely Title\n\n  • 4 authors\n·\nJan 3, 2025 7\n\n"
        "Good Two\n\nAnother abstract, long enough to read as prose after the last metadata "
        "block of the page.\n"
    )
    listing = parse_text(text, "page.txt")
    assert [p.title for p in listing.papers] == ["Good One", "Good Two"]
    assert listing.warnings == ["page.txt: entry 2 (Lonely Title) skipped: no abstract"]


# --- Hugging Face API JSON ---------------------------------------------------------------------


def test_hf_api_2024(fixtures: Path) -> None:
    listing = read_file(fixtures / HF_2024)
    assert len(listing.papers) == 25
    assert listing.warnings == []
    assert listing.period is not None
    assert listing.period.start == listing.period.end == date(2024, 10, 25)
    raw = json.loads((fixtures / HF_2024).read_text(encoding="utf-8"))
    assert [p.id for p in listing.papers] == [e["paper"]["id"] for e in raw]
    first = by_id(listing, "2410.17243")
    # paper.title keeps arXiv's line wrap; the top-level title is clean.
    assert "\n" in raw[0]["paper"]["title"]
    assert first.title == (
        "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    )
    assert first.upvotes == 39
    assert first.published == date(2024, 10, 22)
    assert first.url == "https://arxiv.org/abs/2410.17243"
    assert first.authors[:2] == ["Zesen Cheng", "Hang Zhang"]
    assert len(first.authors) == 9
    assert first.organization is None
    for paper in listing.papers:
        assert_clean(paper.title)
        assert_clean(paper.abstract)
        assert paper.arxiv_id == paper.id


def test_hf_api_hidden_author_is_kept(fixtures: Path) -> None:
    listing = read_file(fixtures / HF_2024)
    paper = by_id(listing, "2410.17897")
    assert "Zhanchao Zhou" in paper.authors


def test_hf_api_2026_organization_and_optional_fields(fixtures: Path) -> None:
    listing = read_file(fixtures / HF_2026)
    assert len(listing.papers) == 20
    assert listing.period is not None and listing.period.start == date(2026, 3, 16)
    lmeb = by_id(listing, "2603.12572")
    assert lmeb.title == "LMEB: Long-horizon Memory Embedding Benchmark"
    assert lmeb.organization == "KaLM-Embedding"
    assert lmeb.upvotes == 34
    assert lmeb.published == date(2026, 3, 13)
    assert listing.extras["2603.12572"]["ai_summary"].startswith("A new benchmark")
    assert "memory embeddings" in listing.extras["2603.12572"]["ai_keywords"]
    assert by_id(listing, "2603.12793").organization is None
    assert listing.extras["2603.12793"]["github_stars"] == "5"
    assert by_id(listing, "2603.12310").organization == "Google"
    assert by_id(listing, "2603.09930").upvotes == 0


def test_parse_hf_api_accepts_text_bytes_or_decoded_json(fixtures: Path) -> None:
    text = (fixtures / HF_2026).read_text(encoding="utf-8")
    from_text = parse_hf_api(text, "hf:2026-03-16")
    from_obj = parse_hf_api(json.loads(text), "hf:2026-03-16")
    from_bytes = parse_hf_api(text.encode(), "hf:2026-03-16")
    assert from_text.papers == from_obj.papers == from_bytes.papers
    assert from_text.papers[0].source == "hf:2026-03-16"


def test_hf_api_field_variants() -> None:
    entries = [
        {  # summary only at top level, organization as a string, author as a user only
            "title": "Top Level",
            "summary": "Top-level\nsummary.",
            "organization": "Acme Lab",
            "paper": {
                "id": "2401.00001",
                "title": "Top\n  Level",
                "authors": [
                    {"user": {"fullname": "Only User"}},
                    {"name": "Hidden", "hidden": True},
                ],
                "publishedAt": "2024-01-01T00:00:00.000Z",
            },
            "publishedAt": "2024-01-03T01:00:00.000Z",
        },
        {"paper": {"id": "2401.00002", "title": "No Abstract", "authors": []}},
        {"paper": {"id": "2401.00003", "title": "Wrapped\n  Title", "summary": "S.", "upvotes": 4}},
    ]
    listing = parse_hf_api(entries, "api.json")
    assert [p.id for p in listing.papers] == ["2401.00001", "2401.00003"]
    top, wrapped = listing.papers
    assert (top.abstract, top.organization, top.upvotes) == ("Top-level summary.", "Acme Lab", None)
    assert top.authors == ["Only User", "Hidden"]
    assert wrapped.title == "Wrapped Title"
    assert wrapped.upvotes == 4
    assert listing.warnings == ["api.json: entry 2 (No Abstract) skipped: no abstract"]
    assert listing.period is not None and listing.period.start == date(2024, 1, 3)


# --- arXiv Atom ------------------------------------------------------------------------------


def test_atom_2026(fixtures: Path) -> None:
    listing = read_file(fixtures / ATOM_2026)
    assert [p.id for p in listing.papers] == ["2609.28471", "2609.28449", "2609.28442"]
    first, second, _ = listing.papers
    assert first.title == "Contrastive Learning for Authorship Verification"
    assert first.authors == ["Peter Kirby"]
    assert first.published == date(2026, 9, 23)
    assert first.url == "https://arxiv.org/abs/2609.28471"
    assert len(second.authors) == 6 and second.authors[-1] == "Hadi Hemmati"
    assert listing.extras["2609.28449"]["primary_category"] == "cs.SE"
    assert listing.period is None


def test_atom_2016_old_ids_and_wrapped_text(fixtures: Path) -> None:
    listing = read_file(fixtures / ATOM_2016)
    assert len(listing.papers) == 10
    ids = [p.id for p in listing.papers]
    assert "cond-mat/0412498" in ids and "1303.6954" in ids
    raw_ids = re.findall(r"<id>http://arxiv.org/abs/(\S+)</id>", (fixtures / ATOM_2016).read_text())
    assert ids == [re.sub(r"v\d+$", "", raw) for raw in raw_ids]
    for paper in listing.papers:
        assert ARXIV_ID_RE.match(paper.id)
        assert paper.arxiv_id == paper.id
        assert paper.url == f"https://arxiv.org/abs/{paper.id}"
        assert_clean(paper.title)
        assert_clean(paper.abstract)
    first = listing.papers[0]
    assert first.abstract.startswith("As helium-4 is cooled below 2.17 K it undergoes")
    assert first.published == date(2012, 1, 23)
    assert by_id(listing, "0807.2873").authors == [
        "Adrian Del Maestro",
        "Bernd Rosenow",
        "Subir Sachdev",
    ]


def test_atom_feed_with_zero_entries_is_an_empty_listing(fixtures: Path) -> None:
    text = (fixtures / ATOM_2026).read_text(encoding="utf-8")
    empty = re.sub(r"<entry>.*?</entry>", "", text, flags=re.S)
    listing = parse_arxiv_atom(empty, "empty.xml")
    assert listing.papers == [] and listing.warnings == []


def test_atom_entry_without_abstract_is_skipped(fixtures: Path) -> None:
    text = (fixtures / ATOM_2026).read_text(encoding="utf-8")
    broken = re.sub(r"<summary>.*?</summary>", "<summary> </summary>", text, count=1, flags=re.S)
    listing = parse_text(broken, "feed.xml")
    assert [p.id for p in listing.papers] == ["2609.28449", "2609.28442"]
    assert listing.warnings == [
        "feed.xml: entry 1 (Contrastive Learning for Authorship Verification) skipped: no abstract"
    ]


def test_arxiv_error_feed_names_file_and_message(fixtures: Path, tmp_path: Path) -> None:
    body = json.loads((fixtures / ERROR_FEED).read_text(encoding="utf-8"))["body"]
    path = tmp_path / "query.xml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "arXiv API error: incorrect id format for abc" in message
    assert "\n" not in message
    with pytest.raises(InputError, match="arxiv:abc: arXiv API error"):
        parse_arxiv_atom(body, "arxiv:abc")


# --- arXiv RSS -------------------------------------------------------------------------------


def test_rss_items(fixtures: Path) -> None:
    listing = read_file(fixtures / RSS)
    assert [p.id for p in listing.papers] == [
        "2609.26811",
        "2609.26820",
        "2205.06398",
        "2009.13987",
    ]
    assert [listing.extras[p.id]["announce_type"] for p in listing.papers] == [
        "new",
        "new",
        "cross",
        "replace",
    ]
    second = listing.papers[1]
    assert second.authors == ["Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan"]
    assert listing.papers[2].authors == ["Pritam Dey", "Zhengwu Zhang", "David B. Dunson"]
    for paper in listing.papers:
        assert not paper.abstract.startswith(("arXiv:", "Abstract")), paper.abstract[:40]
        assert "Announce Type" not in paper.abstract
        assert paper.published == date(2026, 9, 24)
        assert paper.url == f"https://arxiv.org/abs/{paper.id}"
        assert_clean(paper.abstract)
    assert listing.papers[0].abstract.startswith("Local learning trains each layer")


def test_rss_replace_cross_announce_type(fixtures: Path) -> None:
    text = (fixtures / RSS).read_text(encoding="utf-8")
    text = text.replace("Announce Type: replace", "Announce Type: replace-cross")
    text = text.replace(">replace</arxiv:announce_type>", ">replace-cross</arxiv:announce_type>")
    listing = parse_arxiv_rss(text, "rss.xml")
    assert listing.extras["2009.13987"]["announce_type"] == "replace-cross"
    assert by_id(listing, "2009.13987").abstract.startswith("We introduce a class of random")


@pytest.mark.parametrize(
    ("creator", "names"),
    [
        ("A. One, B. Two, and C. Three", ["A. One", "B. Two", "C. Three"]),
        ("Ann Andersen and Bo Bandy", ["Ann Andersen", "Bo Bandy"]),
        ("Solo Author", ["Solo Author"]),
    ],
)
def test_split_authors(creator: str, names: list[str]) -> None:
    assert split_authors(creator) == names


# --- paperbrief JSONL --------------------------------------------------------------------------


def test_jsonl_scitldr_with_empty_titles(fixtures: Path) -> None:
    listing = read_file(fixtures / "scitldr-3.jsonl")
    assert [p.id for p in listing.papers] == ["SJ1Xmf-Rb", "S1xzyhR9Y7", "HJDUjKeA-"]
    for paper in listing.papers:
        assert paper.title == ""
        assert paper.display_title == f"Untitled ({paper.id})"
        assert paper.abstract
        assert paper.arxiv_id is None


def test_json_array_of_papers_with_all_fields() -> None:
    records = [
        {
            "id": "arXiv:2410.17243v2",
            "title": "A  Title",
            "abstract": "An\nabstract.",
            "authors": "Ann One, Bo Two",
            "published": "2024-10-22",
            "upvotes": 7,
            "organization": "Lab",
            "tldrs": ["ignored"],
        },
        {"title": "No Id", "abstract": "Text.", "authors": ["X"], "url": "https://x.org/p"},
        {"abstract": "Neither id nor title."},
    ]
    listing = parse_text(json.dumps(records), "papers.json")
    first, second, third = listing.papers
    assert first.id == "2410.17243"
    assert first.url == "https://arxiv.org/abs/2410.17243"
    assert (first.title, first.abstract) == ("A Title", "An abstract.")
    assert first.authors == ["Ann One", "Bo Two"]
    assert (first.published, first.upvotes, first.organization) == (date(2024, 10, 22), 7, "Lab")
    assert (second.id, second.url) == ("no-id", "https://x.org/p")
    assert third.id.startswith("paper-") and third.title == ""
    assert parse_text(json.dumps(records[2:]), "again.json").papers[0].id == third.id


def test_jsonl_bad_line_is_skipped_with_a_warning() -> None:
    text = (
        '{"id": "a", "abstract": "One."}\n{"id": "b", "abstr\n{"id": "c", "abstract": "Three."}\n'
    )
    listing = parse_text(text, "papers.jsonl")
    assert [p.id for p in listing.papers] == ["a", "c"]
    assert len(listing.warnings) == 1
    assert listing.warnings[0].startswith("papers.jsonl: line 2 skipped: invalid JSON")


def test_jsonl_record_without_abstract_is_skipped_with_a_warning() -> None:
    text = '{"id": "a", "abstract": "One."}\n\n{"id": "b", "title": "T"}\n'
    listing = parse_text(text, "papers.jsonl")
    assert [p.id for p in listing.papers] == ["a"]
    assert listing.warnings == ["papers.jsonl: line 3 (T) skipped: no abstract"]


def test_empty_json_array_is_an_empty_listing() -> None:
    listing = parse_text("[]\n", "none.json")
    assert listing.papers == [] and listing.warnings == [] and listing.period is None


# --- detection by content, not by extension ----------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "disguise", "count"),
    [
        (PAGE, "page.json", 54),
        (ATOM_2016, "feed.txt", 10),
        (HF_2024, "day.xml", 25),
        (RSS, "rss.jsonl", 4),
        ("scitldr-3.jsonl", "papers.xml", 3),
    ],
)
def test_format_is_detected_by_content(
    fixtures: Path, tmp_path: Path, fixture: str, disguise: str, count: int
) -> None:
    target = tmp_path / disguise
    shutil.copy(fixtures / fixture, target)
    assert len(read_file(target).papers) == count


def test_utf8_bom_and_utf16_are_read(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / "scitldr-3.jsonl").read_text(encoding="utf-8")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(text.encode("utf-16"))
    assert len(read_file(bom).papers) == len(read_file(utf16).papers) == 3


OLD_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/rss/cs.LG">
<title>cs.LG updates on arXiv.org</title>
<dc:date>2023-05-02T20:30:00-05:00</dc:date>
</channel>
<item rdf:about="http://arxiv.org/abs/2305.00001">
<title>Learning Things Fast. (arXiv:2305.00001v1 [cs.LG])</title>
<link>http://arxiv.org/abs/2305.00001</link>
<description rdf:parseType="Literal">&lt;p&gt;We learn things
fast.&lt;/p&gt;</description>
<dc:creator> &lt;a href="http://arxiv.org/find/cs/1/au:+One_A/0/1/0/all/0/1"&gt;Ann One&lt;/a&gt;,
 &lt;a href="http://arxiv.org/find/cs/1/au:+Two_B/0/1/0/all/0/1"&gt;Bo Two&lt;/a&gt;</dc:creator>
</item>
<item rdf:about="http://arxiv.org/abs/2204.00002">
<title>Why Ask Why?. (arXiv:2204.00002v3 [stat.ML] UPDATED)</title>
<link>http://arxiv.org/abs/2204.00002</link>
<description rdf:parseType="Literal">&lt;p&gt;Because.&lt;/p&gt;</description>
<dc:creator> &lt;a href="http://arxiv.org/a/three_c"&gt;Cy Three&lt;/a&gt;</dc:creator>
</item>
</rdf:RDF>
"""


def test_old_rss_1_0_format() -> None:
    listing = parse_text(OLD_RSS, "old.rdf")
    first, second = listing.papers
    assert (first.id, first.title) == ("2305.00001", "Learning Things Fast")
    assert first.abstract == "We learn things fast."
    assert first.authors == ["Ann One", "Bo Two"]
    assert first.published == date(2023, 5, 2)
    assert listing.extras["2305.00001"]["categories"] == "cs.LG"
    assert (second.id, second.title, second.authors) == ("2204.00002", "Why Ask Why?", ["Cy Three"])


def test_page_with_no_papers_is_an_empty_listing() -> None:
    listing = parse_text("new\n\nSubscribe\n\nDaily Papers\n\nMar 5, 2026\n", "quiet-day.txt")
    assert listing.papers == [] and listing.warnings == []
    assert listing.period is not None and listing.period.start == date(2026, 3, 5)
