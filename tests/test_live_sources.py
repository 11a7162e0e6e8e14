"""Live sources replayed from cassettes whose bodies are the real HF and arXiv API answers.

The cassettes are written by cassettes/make_live_cassettes.py (which names each body's fixture).
Requests match on scheme, host and port too, so a request sent to the wrong server fails.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from paperbrief.errors import InputError, UsageError
from paperbrief.http import HttpClient, SourceFetchError
from paperbrief.models import Period
from paperbrief.sources.hf_live import _hub_error
from paperbrief.sources.live import load_spec, load_specs, parse_spec
from paperbrief.windows import make_window, parse_week

TODAY = date(2026, 9, 24)  # the day the arXiv fixtures were recorded (a Thursday)


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    return {
        "match_on": ["method", "scheme", "host", "port", "path", "query"],
        "decode_compressed_response": True,
    }


@pytest.fixture(autouse=True)
def _default_servers(monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.delenv("PAPERBRIEF_ARXIV_API", raising=False)


class Sleeps(list):
    """An injected sleep: records each requested wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps) -> HttpClient:
    return HttpClient(sleep=sleeps, clock=lambda: 0.0, attempts=2)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# --- Hugging Face -------------------------------------------------------------------------


@pytest.mark.vcr
def test_hf_day_gives_20_papers(client):
    listing = load_spec("hf:2026-03-16", client=client, today=TODAY)
    assert len(listing.papers) == 20
    assert len({p.id for p in listing.papers}) == 20
    assert listing.papers[0].id == "2603.12572"
    assert {p.source for p in listing.papers} == {"hf:2026-03-16"}
    assert listing.period == Period(
        start=date(2026, 3, 16), end=date(2026, 3, 16), label="2026-03-16"
    )
    # the Daily Papers day, not the arXiv date: this paper reached arXiv on the 13th
    assert listing.papers[0].published == date(2026, 3, 13)
    assert client.requested == ["https://huggingface.co/api/daily_papers?date=2026-03-16&limit=100"]


@pytest.mark.vcr
def test_hf_week_fetches_every_day(client):
    listing = load_spec("hf:2024-W43", client=client, today=TODAY)
    asked = [_query(u)["date"] for u in client.requested]
    assert asked == [f"2024-10-{d}" for d in range(21, 28)]
    assert len(listing.papers) == 25
    assert {p.source for p in listing.papers} == {"hf:2024-10-25"}
    assert listing.period.label == "2024-W43"
    assert (listing.period.start, listing.period.end) == (date(2024, 10, 21), date(2024, 10, 27))
    assert listing.warnings == []


@pytest.mark.vcr
def test_hf_week_narrowed_by_window(client):
    window = make_window("2024-10-24", "2024-10-25", None, TODAY)
    listing = load_spec("hf:2024-W43", window, client=client, today=TODAY)
    assert [_query(u)["date"] for u in client.requested] == ["2024-10-24", "2024-10-25"]
    assert len(listing.papers) == 25
    assert listing.period.label == "2024-10-24 to 2024-10-25"


@pytest.mark.vcr
def test_hf_empty_day_is_an_empty_listing(client):
    listing = load_spec("hf:2024-10-26", client=client, today=TODAY)
    assert listing.papers == []
    assert listing.warnings == []
    assert listing.period.label == "2024-10-26"


@pytest.mark.vcr
def test_hf_current_week_stops_at_today(client):
    listing = load_spec("hf:2026-W39", client=client, today=TODAY)  # TODAY is its Thursday
    assert [_query(u)["date"] for u in client.requested] == [f"2026-09-{d}" for d in range(21, 25)]
    assert listing.papers == [] and listing.period.label == "2026-W39"


def test_hub_error_body_is_summarised_in_one_line():
    assert _hub_error(r'{"error": "Invalid date\n format"}') == "Invalid date format"
    assert _hub_error("<html>\n<body>Bad gateway</body>") == "<html>"
    assert _hub_error("") == "no explanation"


def test_hf_day_outside_the_window_fetches_nothing(client):
    listing = load_spec("hf:2026-03-16", parse_week("2026-W48"), client=client, today=TODAY)
    assert listing.papers == []
    assert client.requested == []
    assert "outside 2026-W48" in listing.warnings[0]


def test_hf_future_day_fetches_nothing_and_says_so(client):
    listing = load_spec("hf:2026-10-01", client=client, today=TODAY)
    assert client.requested == [] and listing.papers == []
    assert listing.warnings == [
        "hf:2026-10-01: nothing fetched yet: 2026-10-01 is after today, 2026-09-24"
    ]


@pytest.mark.vcr
def test_hf_pages_a_long_day(client):
    listing = load_spec("hf:2026-03-16", client=client, today=TODAY, hf_page_limit=20)
    assert [_query(u).get("p") for u in client.requested] == [None, "1"]
    assert len(listing.papers) == 20


@pytest.mark.vcr
def test_hf_page_counted_from_one_stops_on_repeats(client):
    # should the Hub count pages from 1, p=1 repeats the first page: kept once, paging stops
    listing = load_spec("hf:2026-03-16", client=client, today=TODAY, hf_page_limit=20)
    assert len(client.requested) == 2
    assert len(listing.papers) == 20


@pytest.mark.vcr
def test_hf_endpoint_redirects_requests(client, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "https://hf-mirror.example.org/")
    listing = load_spec("hf:2026-03-16", client=client, today=TODAY)
    assert len(listing.papers) == 20
    assert {urlsplit(u).netloc for u in client.requested} == {"hf-mirror.example.org"}


@pytest.mark.vcr
def test_hf_retries_503_then_succeeds(client, sleeps):
    listing = load_spec("hf:2026-03-16", client=client, today=TODAY)
    assert len(listing.papers) == 20
    assert len(client.requested) == 2
    assert sleeps == [2.0]  # the 503's Retry-After


# --- arXiv --------------------------------------------------------------------------------


@pytest.mark.vcr
def test_arxiv_category_since(client):
    window = make_window("2026-09-23", None, None, TODAY)
    listing = load_spec("arxiv:cs.CL", window, client=client, today=TODAY)
    assert [p.id for p in listing.papers] == ["2609.28471", "2609.28449", "2609.28442"]
    assert {p.source for p in listing.papers} == {"arxiv:cs.CL"}
    query = _query(client.requested[0])
    assert query["search_query"] == "cat:cs.CL AND submittedDate:[202609230000 TO 202609242359]"
    assert (query["sortBy"], query["start"], query["max_results"]) == ("submittedDate", "0", "200")
    assert urlsplit(client.requested[0]).netloc == "export.arxiv.org"
    assert listing.period.start == date(2026, 9, 23)
    # a cross-list (primary cs.SE) is in, once
    assert listing.extras["2609.28449"]["primary_category"] == "cs.SE"


@pytest.mark.vcr
def test_arxiv_courtesy_gap_between_pages(client, sleeps):
    window = make_window("2026-09-23", None, None, TODAY)
    listing = load_spec("arxiv:cs.CL", window, client=client, today=TODAY, arxiv_page_size=3)
    assert [_query(u)["start"] for u in client.requested] == ["0", "3"]
    assert sleeps == [3.0]  # asked for, not waited
    assert len(listing.papers) == 3


@pytest.mark.vcr
def test_arxiv_without_window_reads_last_complete_week(client):
    listing = load_spec("arxiv:cs.CL", client=client, today=TODAY)
    assert listing.papers == [] and listing.warnings == []
    assert listing.period == parse_week("2026-W38")
    assert "[202609140000 TO 202609202359]" in _query(client.requested[0])["search_query"]


@pytest.mark.vcr
def test_arxiv_search_strips_versions(client):
    window = make_window("2004-01-01", "2014-12-31", None, TODAY)
    listing = load_spec("arxiv:search:au:del_maestro", window, client=client, today=TODAY)
    ids = [p.id for p in listing.papers]
    assert len(ids) == 10
    assert "1303.6954" in ids and "cond-mat/0607501" in ids  # were v2
    assert not any("v" in i.split("/")[-1] for i in ids)


@pytest.mark.vcr
def test_arxiv_drops_papers_outside_window(client):
    window = make_window("2010-01-01", "2014-12-31", None, TODAY)
    listing = load_spec("arxiv:search:au:del_maestro", window, client=client, today=TODAY)
    years = sorted(p.published.year for p in listing.papers)
    assert years == [2010, 2012, 2013, 2013, 2014]


@pytest.mark.vcr
def test_arxiv_400_is_a_one_line_error(client):
    window = make_window("2026-09-23", None, None, TODAY)
    with pytest.raises(InputError) as info:
        load_spec("arxiv:search:id:abc", window, client=client, today=TODAY)
    message = str(info.value)
    assert message == (
        "arxiv:search:id:abc: arXiv API rejected the query (HTTP 400): "
        "arXiv API error: incorrect id format for abc"
    )
    assert len(client.requested) == 1  # a 400 is not retried


@pytest.mark.vcr
def test_arxiv_api_env_redirects_requests(client, monkeypatch):
    monkeypatch.setenv("PAPERBRIEF_ARXIV_API", "http://arxiv-mirror.example.org:8080/api/query")
    window = make_window("2026-09-23", None, None, TODAY)
    listing = load_spec("arxiv:cs.CL", window, client=client, today=TODAY)
    assert len(listing.papers) == 3
    assert urlsplit(client.requested[0]).netloc == "arxiv-mirror.example.org:8080"


RSS_SPEC = "arxiv:cs.LG+cs.AI+cs.CL+stat.ML"  # the feed the RSS fixture was recorded from


@pytest.mark.vcr
def test_arxiv_today_reads_the_rss_feed(client, sleeps):
    listing = load_spec(
        RSS_SPEC, make_window("today", None, None, TODAY), client=client, today=TODAY
    )
    assert client.requested == ["https://rss.arxiv.org/rss/cs.LG+cs.AI+cs.CL+stat.ML"]
    # two new papers and a cross-list; the replacement of 2009.13987 was announced long ago
    assert [p.id for p in listing.papers] == ["2609.26811", "2609.26820", "2205.06398"]
    assert listing.extras["2205.06398"]["announce_type"] == "cross"
    assert {p.published for p in listing.papers} == {TODAY}  # dated by the announcement
    assert {p.source for p in listing.papers} == {RSS_SPEC}
    assert listing.papers[0].title.startswith("The Drift Contract")
    assert listing.warnings == [] and sleeps == []
    assert listing.period.label == "2026-09-24"


@pytest.mark.vcr
def test_arxiv_rss_env_redirects_requests(client, monkeypatch):
    monkeypatch.setenv("PAPERBRIEF_ARXIV_RSS", "http://rss-mirror.example.org:8080/rss/")
    listing = load_spec(
        RSS_SPEC, make_window("today", None, None, TODAY), client=client, today=TODAY
    )
    assert client.requested == ["http://rss-mirror.example.org:8080/rss/cs.LG+cs.AI+cs.CL+stat.ML"]
    assert len(listing.papers) == 3


@pytest.mark.vcr
def test_arxiv_rss_of_an_earlier_day_keeps_nothing(client):
    # Friday just after midnight UTC: the feed still holds Thursday's announcement
    friday = date(2026, 9, 25)
    window = make_window("today", None, None, friday)
    listing = load_spec(RSS_SPEC, window, client=client, today=friday)
    assert listing.papers == []
    assert listing.warnings == [
        f"{RSS_SPEC}: the arXiv RSS feed holds the announcement of 2026-09-24, "
        "not of 2026-09-25: nothing kept"
    ]


@pytest.mark.vcr
def test_arxiv_rss_without_items_is_an_empty_listing(client):
    listing = load_spec(
        "arxiv:cs.CL", make_window("today", None, None, TODAY), client=client, today=TODAY
    )
    assert client.requested == ["https://rss.arxiv.org/rss/cs.CL"]
    assert listing.papers == [] and listing.warnings == []


def test_arxiv_rss_unknown_feed_is_a_one_line_error(client, monkeypatch):
    from tests.test_http import _Server

    server = _Server()
    try:
        server.script = [(404, {"Content-Type": "text/plain"}, b"Not Found")]
        monkeypatch.setenv("PAPERBRIEF_ARXIV_RSS", server.url)
        with pytest.raises(InputError) as info:
            load_spec(
                "arxiv:cs.XX", make_window("today", None, None, TODAY), client=client, today=TODAY
            )
    finally:
        server.close()
    assert str(info.value) == "arxiv:cs.XX: arXiv has no RSS feed for cs.XX (HTTP 404)"
    assert len(server.seen) == 1  # a 404 is not retried


@pytest.mark.vcr
def test_arxiv_search_today_asks_the_api(client):
    # the RSS feed has no search: a query for today still goes to the export API
    window = make_window("today", None, None, TODAY)
    listing = load_spec("arxiv:search:ti:agents", window, client=client, today=TODAY)
    assert listing.papers == []
    assert urlsplit(client.requested[0]).netloc == "export.arxiv.org"


@pytest.mark.vcr
def test_several_categories_are_ored_in_the_api_query(client):
    window = make_window("yesterday", None, None, TODAY)  # not today alone: the export API
    listing = load_spec("arxiv:cs.CL+cs.SE", window, client=client, today=TODAY)
    assert _query(client.requested[0])["search_query"] == (
        "(cat:cs.CL OR cat:cs.SE) AND submittedDate:[202609230000 TO 202609242359]"
    )
    assert len(listing.papers) == 3


def test_arxiv_feed_needs_a_start_date(client):
    window = make_window(None, "2026-09-20", None, TODAY)
    with pytest.raises(UsageError, match="--since or --week"):
        load_spec("arxiv:cs.CL", window, client=client, today=TODAY)
    assert client.requested == []


# --- several sources ----------------------------------------------------------------------


@pytest.mark.vcr
def test_failing_source_is_reported_and_others_go_on(client, fixtures):
    window = make_window("2026-09-23", None, None, TODAY)
    rss = str(fixtures / "arxiv" / "arxiv_rss_2026-09-24_cs.LG+cs.AI+cs.CL+stat.ML_trimmed.xml")
    listing = load_specs(["hf:2026-09-23", "arxiv:cs.CL", rss], window, client=client, today=TODAY)
    assert {p.source for p in listing.papers} == {"arxiv:cs.CL", rss}
    assert len(listing.papers) == 3 + 4
    skipped = [w for w in listing.warnings if w.startswith("source skipped: hf:2026-09-23:")]
    assert len(skipped) == 1 and "HTTP 503" in skipped[0] and "\n" not in skipped[0]


@pytest.mark.vcr
def test_nothing_fetched_is_an_error(client):
    with pytest.raises(SourceFetchError) as info:
        load_specs(["hf:2026-03-16"], client=client, today=TODAY)
    assert str(info.value).startswith("no source could be fetched: hf:2026-03-16: could not fetch")
    assert info.value.exit_code == 1


def test_bad_spec_fails_before_any_fetch(client):
    with pytest.raises(InputError, match="hf:2026-13-01"):
        load_specs(["arxiv:cs.CL", "hf:2026-13-01"], client=client, today=TODAY)
    assert client.requested == []


@pytest.mark.parametrize(
    "spec",
    [
        "hf:2026-13-01",
        "hf:tomorrow",
        "hf:last-month",
        "hf:",
        "hf:2026-W60",
        "arxiv:",
        "arxiv:search:",
        "arxiv:cs CL",
        "arxiv:CS.CL",
        "arxiv:cs.CL+",
        "arxiv:cs.CL++cs.LG",
        "ftp:x",
    ],
)
def test_bad_specs_are_one_line_input_errors(spec):
    with pytest.raises(InputError) as info:
        parse_spec(spec)
    assert "\n" not in str(info.value) and spec.rstrip(":") in str(info.value)


def test_good_specs_parse():
    assert parse_spec("hf:2024-W43").period.label == "2024-W43"
    assert parse_spec("HF:2026-03-16").period.start == date(2026, 3, 16)
    assert parse_spec("arxiv:hep-th").categories == ("hep-th",)
    assert parse_spec("hf:today", TODAY).period.label == "2026-09-24"
    assert parse_spec("hf:Yesterday", TODAY).period.start == date(2026, 9, 23)
    assert parse_spec("hf:this-week", TODAY).period.label == "2026-W39"
    assert parse_spec("hf:last-week", TODAY).period == parse_week("2026-W38")
    assert parse_spec("arxiv:cs.LG+cs.AI+stat.ML").categories == ("cs.LG", "cs.AI", "stat.ML")
    assert parse_spec("arxiv:search:ti:llm AND abs:agents").query == "ti:llm AND abs:agents"


def test_hub_client_error_is_a_skipped_source(client, monkeypatch, fixtures):
    from tests.test_http import _Server

    server = _Server()
    try:
        server.script = [(404, {"Content-Type": "application/json"}, b'{"error": "Not Found"}')]
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        page = str(fixtures / "hf-daily-papers-page.txt")
        listing = load_specs(["hf:2026-03-16", page], client=client, today=TODAY)
    finally:
        server.close()
    assert len(server.seen) == 1  # a 404 is not retried
    assert len(listing.papers) == 54
    assert listing.warnings[0].startswith("source skipped: hf:2026-03-16: http://127.0.0.1:")
    assert listing.warnings[0].endswith("answered HTTP 404: Not Found")
