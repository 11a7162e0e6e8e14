"""Write the cassettes of tests/test_live_sources.py and test_cli_live.py from real API bodies.

No network: Hugging Face and arXiv cannot be reached from CI, so each cassette wraps a real
response body recorded elsewhere (see tests/fixtures/README.md for where each came from) in the
request paperbrief makes. Every interaction names the fixture its body comes from in the
`x-fixture` response header. Two bodies are not verbatim fixtures and say so:
- EMPTY_ATOM: the real feed arxiv_api_2026-09-24_cat_cs.CL_max3.xml with its three entries
  removed and its counts set to 0 (what arXiv answers for a query with no match);
- EMPTY_RSS: the real RSS feed arxiv_rss_2026-09-24_…_trimmed.xml with its four items removed
  (a feed on a day without announcement);
- the 503 answers have an empty body (only their status and Retry-After matter).

Run from the repository root: `python cassettes/make_live_cassettes.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
OUT = ROOT / "cassettes" / "test_live_sources"
CLI_OUT = ROOT / "cassettes" / "test_cli_live"

HF = "https://huggingface.co/api/daily_papers"
ARXIV = "http://export.arxiv.org/api/query"
ARXIV_RSS = "https://rss.arxiv.org/rss"

HF_2026_03_16 = "hf-api/hf_daily_papers_2026-03-16.json"
HF_2024_10_25 = "hf-api/hf_daily_papers_2024-10-25.json"
ARXIV_MAX3 = "arxiv/arxiv_api_2026-09-24_cat_cs.CL_max3.xml"
ARXIV_2016 = "arxiv/arxiv_api_2016_search_au_del_maestro.xml"
ARXIV_400 = "arxiv/arxiv_api_2026_id_abc_s0_m100_b79c8dcf6bc3.json"
RSS_4 = "arxiv/arxiv_rss_2026-09-24_cs.LG+cs.AI+cs.CL+stat.ML_trimmed.xml"
RSS_CATS = "cs.LG+cs.AI+cs.CL+stat.ML"  # the feed RSS_4 was recorded from


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def empty_atom() -> str:
    """The max3 feed without its entries, counts 0: arXiv's answer when nothing matches."""
    text = re.sub(r"\s*<entry>.*?</entry>", "", fixture(ARXIV_MAX3), flags=re.S)
    text = re.sub(r"(<opensearch:totalResults>)\d+", r"\g<1>0", text)
    return re.sub(r"(<opensearch:itemsPerPage>)\d+", r"\g<1>0", text)


def empty_rss() -> str:
    """The RSS_4 feed without its items: a day with nothing announced."""
    return re.sub(r"\s*<item>.*?</item>", "", fixture(RSS_4), flags=re.S)


def atom_with_entries(name: str, ids: list[str]) -> str:
    """A real feed keeping only the entries of `ids` (versions aside), counts set to match:
    arXiv's answer to an `id_list` request for those ids."""
    text = fixture(name)
    wanted = {re.sub(r"v\d+$", "", i) for i in ids}

    def keep(match: re.Match) -> str:
        found = re.search(r"<id>https?://arxiv\.org/abs/(.+?)(?:v\d+)?</id>", match.group(0))
        return match.group(0) if found and found.group(1) in wanted else ""

    text = re.sub(r"\s*<entry>.*?</entry>", keep, text, flags=re.S)
    kept = text.count("<entry>")
    text = re.sub(r"(<opensearch:totalResults[^>]*>)\d+", rf"\g<1>{kept}", text)
    return re.sub(r"(<opensearch:itemsPerPage[^>]*>)\d+", rf"\g<1>{kept}", text)


def arxiv_400_body() -> str:
    return json.loads(fixture(ARXIV_400))["body"]


JSON = "application/json; charset=utf-8"
ATOM = "application/atom+xml; charset=UTF-8"
RSS = "application/rss+xml; charset=utf-8"


def interaction(
    url: str,
    params: dict,
    body: str,
    origin: str,
    *,
    status: int = 200,
    content_type: str = JSON,
    extra: dict | None = None,
) -> dict:
    headers = {"Content-Type": [content_type], "x-fixture": [origin]}
    for name, value in (extra or {}).items():
        headers[name] = [value]
    message = {200: "OK", 400: "Bad Request", 503: "Service Unavailable"}[status]
    return {
        "request": {
            "body": None,
            "headers": {},
            "method": "GET",
            "uri": f"{url}?{urlencode(params)}" if params else url,
        },
        "response": {
            "status": {"code": status, "message": message},
            "headers": headers,
            "body": {"string": body},
        },
    }


def hf(
    day: str, body_from: str | None, *, limit: int = 100, p: int | None = None, base: str = HF
) -> dict:
    params: dict = {"date": day, "limit": limit}
    if p:
        params["p"] = p
    if body_from is None:
        return interaction(base, params, "[]", "none: an empty day ([])")
    return interaction(base, params, fixture(body_from), body_from)


def hf_503(day: str, *, base: str = HF) -> dict:
    return interaction(
        base,
        {"date": day, "limit": 100},
        "",
        "none: a 503 with an empty body",
        status=503,
        content_type="text/plain",
        extra={"Retry-After": "2"},
    )


def arxiv(
    query: str,
    body: str,
    origin: str,
    *,
    start: int = 0,
    size: int = 200,
    status: int = 200,
    base: str = ARXIV,
) -> dict:
    params = {
        "search_query": query,
        "sortBy": "submittedDate",
        "sortOrder": "ascending",
        "start": start,
        "max_results": size,
    }
    return interaction(base, params, body, origin, status=status, content_type=ATOM)


def id_list(ids: list[str], body: str, origin: str, *, base: str = ARXIV) -> dict:
    params = {"id_list": ",".join(ids), "start": 0, "max_results": len(ids)}
    return interaction(base, params, body, origin, content_type=ATOM)


def rss(feed: str, body: str, origin: str, *, base: str = ARXIV_RSS) -> dict:
    return interaction(f"{base}/{feed}", {}, body, origin, content_type=RSS)


CL_SINCE_0923 = "cat:cs.CL AND submittedDate:[202609230000 TO 202609242359]"
CL_W38 = "cat:cs.CL AND submittedDate:[202609140000 TO 202609202359]"
DEL_MAESTRO = "(au:del_maestro) AND submittedDate:[200401010000 TO 201412312359]"
DEL_MAESTRO_2010 = "(au:del_maestro) AND submittedDate:[201001010000 TO 201412312359]"
ID_ABC = "(id:abc) AND submittedDate:[202609230000 TO 202609242359]"
AGENTS_TODAY = "(ti:agents) AND submittedDate:[202609240000 TO 202609242359]"
CL_SE_SINCE_0923 = "(cat:cs.CL OR cat:cs.SE) AND submittedDate:[202609230000 TO 202609242359]"
WEEK_2024_W43 = [f"2024-10-{d}" for d in range(21, 28)]

CASSETTES: dict[str, list[dict]] = {
    "test_hf_day_gives_20_papers": [hf("2026-03-16", HF_2026_03_16)],
    "test_hf_week_fetches_every_day": [
        hf(day, HF_2024_10_25 if day == "2024-10-25" else None) for day in WEEK_2024_W43
    ],
    "test_hf_week_narrowed_by_window": [
        hf(day, HF_2024_10_25 if day == "2024-10-25" else None) for day in WEEK_2024_W43
    ],
    "test_hf_empty_day_is_an_empty_listing": [hf("2024-10-26", None)],
    "test_hf_current_week_stops_at_today": [hf(f"2026-09-{d}", None) for d in range(21, 25)],
    "test_hf_pages_a_long_day": [
        hf("2026-03-16", HF_2026_03_16, limit=20),
        hf("2026-03-16", None, limit=20, p=1),
    ],
    "test_hf_page_counted_from_one_stops_on_repeats": [
        hf("2026-03-16", HF_2026_03_16, limit=20),
        hf("2026-03-16", HF_2026_03_16, limit=20, p=1),
    ],
    "test_hf_endpoint_redirects_requests": [
        hf("2026-03-16", HF_2026_03_16, base="https://hf-mirror.example.org/api/daily_papers")
    ],
    "test_hf_retries_503_then_succeeds": [hf_503("2026-03-16"), hf("2026-03-16", HF_2026_03_16)],
    "test_arxiv_category_since": [arxiv(CL_SINCE_0923, fixture(ARXIV_MAX3), ARXIV_MAX3)],
    "test_arxiv_courtesy_gap_between_pages": [
        arxiv(CL_SINCE_0923, fixture(ARXIV_MAX3), ARXIV_MAX3, size=3),
        arxiv(
            CL_SINCE_0923, empty_atom(), f"derived: {ARXIV_MAX3} without entries", start=3, size=3
        ),
    ],
    "test_arxiv_without_window_reads_last_complete_week": [
        arxiv(CL_W38, empty_atom(), f"derived: {ARXIV_MAX3} without entries"),
    ],
    "test_arxiv_search_strips_versions": [arxiv(DEL_MAESTRO, fixture(ARXIV_2016), ARXIV_2016)],
    # The 2016 body answered a query without dates; here it stands for an answer that strays
    # outside the window (entries from 2004-2007), which paperbrief must leave out.
    "test_arxiv_drops_papers_outside_window": [
        arxiv(DEL_MAESTRO_2010, fixture(ARXIV_2016), ARXIV_2016)
    ],
    "test_arxiv_400_is_a_one_line_error": [
        arxiv(ID_ABC, arxiv_400_body(), f"{ARXIV_400} (its body)", status=400)
    ],
    "test_arxiv_api_env_redirects_requests": [
        arxiv(
            CL_SINCE_0923,
            fixture(ARXIV_MAX3),
            ARXIV_MAX3,
            base="http://arxiv-mirror.example.org:8080/api/query",
        )
    ],
    "test_arxiv_today_reads_the_rss_feed": [rss(RSS_CATS, fixture(RSS_4), RSS_4)],
    "test_arxiv_rss_env_redirects_requests": [
        rss(RSS_CATS, fixture(RSS_4), RSS_4, base="http://rss-mirror.example.org:8080/rss")
    ],
    "test_arxiv_rss_of_an_earlier_day_keeps_nothing": [rss(RSS_CATS, fixture(RSS_4), RSS_4)],
    "test_arxiv_rss_without_items_is_an_empty_listing": [
        rss("cs.CL", empty_rss(), f"derived: {RSS_4} without items")
    ],
    "test_arxiv_search_today_asks_the_api": [
        arxiv(AGENTS_TODAY, empty_atom(), f"derived: {ARXIV_MAX3} without entries")
    ],
    # The max3 body answered `cat:cs.CL` alone; here it stands for the answer to cs.CL OR cs.SE
    # (one of its papers is a cs.SE paper cross-listed to cs.CL).
    "test_several_categories_are_ored_in_the_api_query": [
        arxiv(CL_SE_SINCE_0923, fixture(ARXIV_MAX3), ARXIV_MAX3)
    ],
    "test_failing_source_is_reported_and_others_go_on": [
        hf_503("2026-09-23"),
        hf_503("2026-09-23"),
        arxiv(CL_SINCE_0923, fixture(ARXIV_MAX3), ARXIV_MAX3),
    ],
    "test_nothing_fetched_is_an_error": [hf_503("2026-03-16"), hf_503("2026-03-16")],
}


# tests/test_cli_live.py: the commands end to end. The HTTP client retries 4 times by default.
HF_MIRROR = "http://mirror.example/api/daily_papers"
ARXIV_MIRROR = "http://arxiv-mirror.example/api/query"
WEEK_2026_W38 = [f"2026-09-{d}" for d in range(14, 21)]

CLI_CASSETTES: dict[str, list[dict]] = {
    "test_digest_of_a_hf_day": [hf("2026-03-16", HF_2026_03_16)],
    "test_takeaway_of_arxiv_category_since": [
        arxiv(CL_SINCE_0923, fixture(ARXIV_MAX3), ARXIV_MAX3)
    ],
    "test_week_without_papers_is_an_empty_digest": [hf(day, None) for day in WEEK_2026_W38],
    "test_hf_endpoint_redirects_the_cli": [hf("2026-03-16", HF_2026_03_16, base=HF_MIRROR)],
    "test_arxiv_api_env_redirects_the_cli": [
        arxiv(CL_SINCE_0923, fixture(ARXIV_MAX3), ARXIV_MAX3, base=ARXIV_MIRROR)
    ],
    "test_failing_source_is_skipped_with_a_warning": [hf_503("2026-03-16") for _ in range(4)],
    "test_all_sources_failing_exits_1": [hf_503("2026-03-16") for _ in range(4)],
    "test_arxiv_error_feed_exits_2": [
        arxiv(ID_ABC, arxiv_400_body(), f"{ARXIV_400} (its body)", status=400)
    ],
    "test_compare_with_a_live_spec": [hf("2026-03-16", HF_2026_03_16)],
    "test_digest_of_todays_arxiv_announcement": [rss(RSS_CATS, fixture(RSS_4), RSS_4)],
    "test_last_week_cron_line_names_the_file_after_the_week": [
        *(hf(day, None) for day in WEEK_2026_W38),
        arxiv(CL_W38, empty_atom(), f"derived: {ARXIV_MAX3} without entries"),
    ],
}


# tests/test_cli_compare.py: papers named by id or link, fetched with one id_list request.
COMPARE_OUT = ROOT / "cassettes" / "test_cli_compare"
PAIR_IDS = ["2609.28471v1", "2609.28449"]
OLD_IDS = ["cond-mat/0412498v1", "1303.6954"]


def _derived(name: str, ids: list[str]) -> dict:
    return id_list(ids, atom_with_entries(name, ids), f"derived: {name}, only {', '.join(ids)}")


COMPARE_CASSETTES: dict[str, list[dict]] = {
    "arxiv_pair": [_derived(ARXIV_MAX3, PAIR_IDS)],
    "arxiv_old_style_pair": [_derived(ARXIV_2016, OLD_IDS)],
    "arxiv_one_of_three": [_derived(ARXIV_MAX3, ["2609.28442"])],
    "arxiv_pair_twice": [_derived(ARXIV_MAX3, PAIR_IDS), _derived(ARXIV_MAX3, PAIR_IDS)],
    "arxiv_one_versioned": [_derived(ARXIV_MAX3, ["2609.28449v1"])],
    "arxiv_unknown_id": [
        id_list(
            ["2609.28471", "2401.99999"],
            atom_with_entries(ARXIV_MAX3, ["2609.28471"]),
            f"derived: {ARXIV_MAX3}, only 2609.28471 (arXiv leaves out an id it does not know)",
        )
    ],
    "arxiv_down": [
        interaction(
            ARXIV,
            {"id_list": ",".join(PAIR_IDS), "start": 0, "max_results": 2},
            "",
            "none: a 503 with an empty body",
            status=503,
            content_type="text/plain",
            extra={"Retry-After": "2"},
        )
        for _ in range(4)
    ],
}


def write(out: Path, cassettes: dict[str, list[dict]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, interactions in cassettes.items():
        text = yaml.safe_dump(
            {"interactions": interactions, "version": 1},
            allow_unicode=True,
            sort_keys=False,
            width=1_000_000,
        )
        (out / f"{name}.yaml").write_text(text, encoding="utf-8")
    print(f"wrote {len(cassettes)} cassettes to {out.relative_to(ROOT)}")


def main() -> None:
    write(OUT, CASSETTES)
    write(CLI_OUT, CLI_CASSETTES)
    write(COMPARE_OUT, COMPARE_CASSETTES)


if __name__ == "__main__":
    main()
