"""Embeddings against the reference server: its /v1/embeddings, the batched Embedder, the store's
cache, and digest and rank using them (call counts, reruns, what changes, the TF-IDF fallback)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import openai
import pytest

from paperbrief import cli
from paperbrief.digest.build import plan_digest
from paperbrief.engines.llm.embed import (
    DEFAULT_EMBEDDING_MODEL,
    Embedder,
    EmbeddingError,
    batch_bounds,
    embedding_model,
)
from paperbrief.engines.offline.compare_ground import shares_subject, sure_subject
from paperbrief.pricing import DEFAULT_PRICES
from paperbrief.relate.embedding import CachedEmbeddings, embed_listing, paper_item
from paperbrief.relate.relatedness import relate
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from paperbrief_refserver.embed import DIMENSIONS, MAX_INPUTS, embed_text
from paperbrief_refserver.server import RefServer
from tests.conftest import FIXTURES
from tests.llm_support import FAKE_KEY, SleepRecorder

PAGE = FIXTURES / "hf-daily-papers-page.txt"  # 54 papers
HF_2024 = FIXTURES / "hf-2024-papers-2000.jsonl"
MODEL = DEFAULT_EMBEDDING_MODEL


@pytest.fixture
def llm_env(server: RefServer, monkeypatch: pytest.MonkeyPatch) -> RefServer:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    return server


def embedder(server: RefServer, **kwargs) -> Embedder:
    return Embedder(MODEL, api_key=FAKE_KEY, base_url=server.base_url, sleep=SleepRecorder(),
                    **kwargs)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_listing(path: Path, n: int) -> Path:
    """The first `n` real 2024 Daily Papers, in paperbrief's JSONL format."""
    lines = HF_2024.read_text(encoding="utf-8").splitlines()[:n]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- the reference server ---------------------------------------------------------------------


def test_refserver_answers_like_openai(server):
    client = openai.OpenAI(api_key=FAKE_KEY, base_url=server.base_url, max_retries=0)
    answer = client.embeddings.create(model=MODEL, input=["a cat", "a dog"])  # SDK: base64
    assert [d.index for d in answer.data] == [0, 1] and answer.model == MODEL
    assert len(answer.data[0].embedding) == DIMENSIONS
    assert np.allclose(answer.data[0].embedding, embed_text("a cat"), atol=1e-6)
    assert answer.usage.prompt_tokens == answer.usage.total_tokens > 0
    floats = client.embeddings.create(model=MODEL, input="a cat", encoding_format="float")
    assert np.allclose(floats.data[0].embedding, embed_text("a cat"), atol=1e-5)
    assert [r["encoding_format"] for r in server.embedding_requests] == ["base64", "float"]
    assert server.requests == []  # chat requests are counted apart


def test_refserver_rejects_like_openai(server):
    client = openai.OpenAI(api_key=FAKE_KEY, base_url=server.base_url, max_retries=0)
    with pytest.raises(openai.BadRequestError, match="at most 2048 inputs"):
        client.embeddings.create(model=MODEL, input=["word"] * (MAX_INPUTS + 1))
    with pytest.raises(openai.BadRequestError, match="non-empty string"):
        client.embeddings.create(model=MODEL, input=["fine", ""])
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.embeddings.create(model="gpt-4o-mini", input="a chat model cannot embed")
    server.add_embedding_faults("503")
    with pytest.raises(openai.InternalServerError):
        client.embeddings.create(model=MODEL, input="once")
    assert len(server.embedding_requests) == 4


def test_refserver_vectors_carry_meaning():
    cat, image = embed_text("cats sleeping on sofas"), embed_text("pictures of landscapes")
    assert abs(float(np.linalg.norm(cat)) - 1) < 1e-6
    assert float(cat @ embed_text("a sofa where cats sleep")) > 0.8  # shared words
    # no word in common, one concept: closer than two unrelated texts
    assert float(image @ embed_text("images of landscapes")) > 0.8
    assert float(image @ embed_text("photos of mountains")) > float(image @ cat) + 0.2


# -- the embedder -----------------------------------------------------------------------------


def test_about_100_a_request_never_a_request_for_a_few_extra_texts():
    assert batch_bounds(54 + 3, 100) == [(0, 57)]  # 54 papers and a profile: one request
    assert [b - a for a, b in batch_bounds(1000 + 5, 100)] == [101] * 5 + [100] * 5
    assert len(batch_bounds(149, 100)) == 1 and len(batch_bounds(150, 100)) == 2
    for n in range(1, 3000, 7):  # always every text, once, in order; <= 1 request per 100
        bounds = batch_bounds(n, 100)
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
        assert len(bounds) <= max(1, n // 100) + (n % 100 >= 50)
        assert max(b - a for a, b in bounds) < min(150, MAX_INPUTS)


def test_batches_of_100_logged_with_tokens_and_cost(server):
    texts = [f"paper number {i} about topic {i % 7}" for i in range(250)]
    emb = embedder(server)
    calls = []
    emb.call_log = calls.append
    rows = emb.embed(texts, [f"p{i}" for i in range(250)])
    assert rows.shape == (250, DIMENSIONS) and rows.dtype == np.float32
    assert np.allclose(rows[137], embed_text(texts[137]), atol=1e-6)
    # 3 requests in parallel (any order)
    assert sorted(len(r["input"]) for r in server.embedding_requests) == [83, 83, 84]
    assert sorted((c.kind, c.subject, c.status) for c in calls) == [
        ("embedding", "p0 +83", "ok"), ("embedding", "p167 +82", "ok"),
        ("embedding", "p84 +82", "ok"),
    ]
    price = DEFAULT_PRICES[MODEL]
    assert all(c.prompt_tokens > 0 and c.completion_tokens == 0 for c in calls)
    assert all(c.cost_usd == pytest.approx(price.cost(c.prompt_tokens, 0)) for c in calls)
    assert calls[0].cost_usd == pytest.approx(calls[0].prompt_tokens * 0.02 / 1e6)


def test_transient_failure_is_retried_by_tenacity(server):
    server.add_embedding_faults("500", "429")
    emb = embedder(server)
    calls = []
    emb.call_log = calls.append
    emb.embed(["one text"])
    assert [c.status for c in calls] == ["error", "error", "ok"]
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert len(emb.sleep.waits) == 2 and len(server.embedding_requests) == 3  # SDK retries off


def test_permanent_failure_and_budget_raise_without_retry(server):
    emb = Embedder("no-such-model", api_key=FAKE_KEY, base_url=server.base_url)
    with pytest.raises(EmbeddingError, match="404.*--embedding-model"):
        emb.embed(["one text"])
    assert len(server.embedding_requests) == 1
    emb = embedder(server)
    emb.may_call = lambda in_flight: "budget reached: --max-calls 3"
    with pytest.raises(EmbeddingError, match="budget reached"):
        emb.embed(["one text"])
    assert len(server.embedding_requests) == 1


def test_model_from_option_env_or_default(monkeypatch):
    assert embedding_model(None) == "text-embedding-3-small"
    monkeypatch.setenv("PAPERBRIEF_EMBEDDING_MODEL", "text-embedding-3-large")
    assert embedding_model(None) == "text-embedding-3-large"
    assert embedding_model("my-embedding") == "my-embedding"
    assert embedding_model("none") is None


# -- the cache --------------------------------------------------------------------------------


def test_cache_is_float32_by_content_hash_and_model(server, tmp_path):
    papers = read_file(PAGE).papers[:5]
    with Store(tmp_path / "pb.db") as store:
        assert "m006_embeddings" in store.applied
        first = CachedEmbeddings(embedder(server), store).rows([paper_item(p) for p in papers])
        again = CachedEmbeddings(embedder(server), store).rows([paper_item(p) for p in papers])
        assert len(server.embedding_requests) == 1 and np.array_equal(first, again)
        raw = store._read("SELECT content_key, model, dimensions, vector FROM embeddings")
        assert {r["content_key"] for r in raw} == {p.content_hash for p in papers}
        assert {r["model"] for r in raw} == {MODEL}
        assert all(len(r["vector"]) == 4 * DIMENSIONS == 4 * r["dimensions"] for r in raw)
        other = Embedder("text-embedding-3-large", api_key=FAKE_KEY, base_url=server.base_url)
        CachedEmbeddings(other, store).rows([paper_item(papers[0])])  # another model: embedded
        assert len(server.embedding_requests) == 2
        CachedEmbeddings(embedder(server), store, refresh=True).rows([paper_item(papers[0])])
        assert len(server.embedding_requests) == 3


def test_paid_batches_are_kept_when_a_later_one_fails(server, tmp_path):
    papers = read_file(PAGE).papers[:5]
    server.add_embedding_faults("none", "none", "404")  # the third request of 2 texts fails
    with Store(tmp_path / "pb.db") as store:
        cache = CachedEmbeddings(embedder(server, batch_size=2, parallel=1), store)
        assert embed_listing(papers, [], cache) is None
        kept = store.get_embeddings([p.content_hash for p in papers], MODEL)
    assert set(kept) == {p.content_hash for p in papers[:4]}  # the two paid batches
    assert len(server.embedding_requests) == 3


def test_parallel_requests_keep_what_was_paid_when_one_fails(server, tmp_path):
    papers = read_file(PAGE).papers[:12]
    server.add_embedding_faults("none", "404")  # the second request to arrive fails
    with Store(tmp_path / "pb.db") as store:
        cache = CachedEmbeddings(embedder(server, batch_size=3, parallel=4), store)
        assert embed_listing(papers, [], cache) is None
        kept = store.get_embeddings([p.content_hash for p in papers], MODEL)
    failed = set(server.embedding_requests[1]["input"])
    assert len(server.embedding_requests) == 4 and len(failed) == 3
    assert set(kept) == {p.content_hash for p in papers if f"{p.title}\n{p.abstract}" not in failed}
    assert len(kept) == 9  # the three other requests, finished and saved before the fallback


# -- digest and rank --------------------------------------------------------------------------


def test_digest_54_papers_one_call_then_a_rerun_none(tmp_path, llm_env, capsys):
    db = tmp_path / "pb.db"
    argv = ["digest", str(PAGE), "--db", str(db), "--top", "3", "--json"]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert len(llm_env.embedding_requests) == 1
    assert len(llm_env.embedding_requests[0]["input"]) == 54
    with Store(db) as store:
        (latest,) = store.recent_runs(1)
        embedding = [c for c in store.run_calls(latest.id) if c.kind == "embedding"]
    assert [(c.status, c.model) for c in embedding] == [("ok", MODEL)]
    assert embedding[0].cost_usd > 0
    digest = json.loads(out)
    assert digest["stats"]["usage"]["calls"] == len(store_calls(db))
    code, _, err = run(capsys, *argv)
    assert (code, err) == (0, "") and len(llm_env.embedding_requests) == 1  # cached: 0 calls


def store_calls(db: Path) -> list:
    with Store(db) as store:
        (latest,) = store.recent_runs(1)
        return store.run_calls(latest.id)


def test_digest_pairs_by_the_embeddings(tmp_path, llm_env, capsys):
    papers = read_file(PAGE).papers
    _, out, _ = run(capsys, "digest", str(PAGE), "--db", str(tmp_path / "pb.db"), "--json",
                    "--top", "54")
    embedded = json.loads(out)["compared_with"]
    # the TF-IDF pairing (an offline digest shows fewer: only the comparisons that compare)
    tfidf = plan_digest(read_file(PAGE).papers, top=54).compared_with
    # each paper is compared with its nearest neighbour by the reference server's vectors
    vectors = np.array([embed_text(f"{p.title}\n{p.abstract}") for p in papers])
    expected = relate(papers, embeddings=vectors)
    # ... when the two share a distinctive subject (issue 22), else with a next neighbour (of
    # the few nearest) that surely does (round 5)
    partner = {}
    for i, p in enumerate(papers):
        for rank, (j, _) in enumerate(expected.candidates(i)):
            if (shares_subject if rank == 0 else sure_subject)(p, papers[j]):
                partner[p.id] = papers[j].id
                break
    assert embedded and partner == embedded
    assert embedded != tfidf and len(set(embedded.items()) ^ set(tfidf.items())) >= 5


def test_rank_by_embeddings_finds_paraphrases(tmp_path, llm_env, capsys):
    listing = write_listing(tmp_path / "listing.jsonl", 40)
    profile = tmp_path / "interests.toml"
    profile.write_text('description = "pictures"\n', encoding="utf-8")  # no paper says it
    argv = ["rank", "-i", str(listing), "--interests", str(profile), "--json",
            "--db", str(tmp_path / "pb.db")]
    _, out, _ = run(capsys, *argv, "--offline")
    tfidf = [json.loads(line) for line in out.splitlines()]
    assert {r["similarity"] for r in tfidf} == {0.0}  # TF-IDF: no word in common with anyone
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    ranked = [json.loads(line) for line in out.splitlines()]
    by_id = {p.id: p for p in read_file(listing).papers}
    concept = ("imag", "pictur", "photo", "visual", "vision")  # refserver_embed.CONCEPTS
    for r in ranked[:8]:  # image papers first: the reference server folds them into one feature
        paper = by_id[r["id"]]
        assert any(c in f"{paper.title} {paper.abstract}".lower() for c in concept), r["title"]
    assert ranked[0]["similarity"] > ranked[-1]["similarity"] + 0.1
    assert ranked[0]["reasons"] == [f"similar to your profile ({ranked[0]['similarity']:.2f})"]
    # an embedding similarity of one field (~0.2) is no reason: said from the pairing bar on
    field = [r for r in ranked if 0.15 <= r["similarity"] < 0.35]
    assert field and all(r["reasons"] == ["no match"] for r in field)
    assert len(llm_env.embedding_requests) == 1  # 40 papers and the profile: one request


def test_250_papers_are_3_calls_and_rank_reruns_free(tmp_path, llm_env, capsys):
    listing = write_listing(tmp_path / "listing.jsonl", 250)
    profile = tmp_path / "interests.toml"
    profile.write_text('keywords = ["diffusion"]\ndescription = "video generation"\n',
                       encoding="utf-8")
    argv = ["rank", "-i", str(listing), "--interests", str(profile), "--db",
            str(tmp_path / "pb.db")]
    code, _, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert sorted(len(r["input"]) for r in llm_env.embedding_requests) == [83, 84, 84]
    with Store(tmp_path / "pb.db") as store:
        (latest,) = store.recent_runs(1)
        assert latest.command == "rank" and latest.calls == 3 and latest.cost_usd > 0
    code, _, _ = run(capsys, *argv)
    assert code == 0 and len(llm_env.embedding_requests) == 3


@pytest.mark.parametrize("flags, fault, why", [
    ((), "404", "HTTP 404"),
    (("--max-cost", "0"), None, "budget reached: --max-cost 0 USD"),
    (("--embedding-model", "none"), None, None),
])
def test_digest_falls_back_to_tfidf(tmp_path, llm_env, capsys, flags, fault, why):
    if fault:
        llm_env.add_embedding_faults(fault)
    # the TF-IDF pairing (an offline digest shows fewer: only the comparisons that compare)
    tfidf = plan_digest(read_file(PAGE).papers, top=54).compared_with
    code, out, err = run(capsys, "digest", str(PAGE), "--db", str(tmp_path / "pb.db"),
                         "--json", "--top", "54", *flags)
    assert code == 0
    lines = [line for line in err.splitlines() if "embeddings" in line]
    if why is None:
        assert lines == [] and llm_env.embedding_requests == []
    else:
        assert len(lines) == 1 and why in lines[0]
        assert lines[0].startswith("paperbrief: embeddings unavailable (")
        assert lines[0].endswith("pairing, topics and ranking use TF-IDF this run")
    assert json.loads(out)["compared_with"] == tfidf  # the digest is whole, paired by TF-IDF


def test_base64_helper_matches_float32_little_endian():
    vector = embed_text("anything")
    raw = base64.b64encode(vector.astype("<f4").tobytes())
    assert np.array_equal(np.frombuffer(base64.b64decode(raw), dtype="<f4"), vector)


def test_1000_paper_week_pays_top_25_and_10_embedding_calls_then_nothing(
    tmp_path, llm_env, capsys
):
    """The issue's target: a 1,000-paper week with a profile and --top 25."""
    listing = write_listing(tmp_path / "week.jsonl", 1000)
    profile = tmp_path / "interests.toml"
    profile.write_text('description = "Making large language models cheaper to serve"\n'
                       'keywords = ["speculative decoding", "KV cache"]\n'
                       'papers = ["2405.15738"]\n', encoding="utf-8")
    db = tmp_path / "pb.db"
    argv = ["digest", str(listing), "--db", str(db), "--interests", str(profile), "--top", "25",
            "--json"]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    kinds: dict[str, int] = {}
    for call in store_calls(db):
        kinds[call.kind] = kinds.get(call.kind, 0) + 1
    assert kinds["embedding"] == 10  # 1,000 papers and 2 profile texts: <= 1 per 100 papers
    assert kinds["takeaway"] <= 25 and kinds["comparison"] <= 25
    assert max(len(r["input"]) for r in llm_env.embedding_requests) <= 101
    digest = json.loads(out)
    assert digest["ranked_by"] == "interests" and len(digest["detailed"]) == 25
    code, _, err = run(capsys, *argv)
    assert (code, err) == (0, "") and store_calls(db) == []  # the rerun pays nothing


def test_compare_one_paper_picks_its_partner_by_the_embeddings(tmp_path, llm_env, capsys):
    papers = read_file(PAGE).papers
    vectors = np.array([embed_text(f"{p.title}\n{p.abstract}") for p in papers])
    expected = relate(papers, embeddings=vectors)
    i = next(i for i, p in enumerate(papers)  # a paper whose partner differs from TF-IDF's
             if expected.most_related(i) and relate(papers).most_related(i)
             and expected.most_related(i)[0] != relate(papers).most_related(i)[0])
    j, similarity = expected.most_related(i)
    code, out, err = run(capsys, "compare", papers[i].id, "--input", str(PAGE), "--json",
                         "--db", str(tmp_path / "pb.db"))
    assert code == 0
    picked = json.loads(out)["picked"]
    assert picked["paper"] == papers[j].id
    assert picked["similarity"] == pytest.approx(similarity, abs=1e-3)
    assert picked["shared_terms"]  # still the words both share, from TF-IDF
    assert len(llm_env.embedding_requests) == 1 and len(llm_env.requests) == 1
    assert f"comparing {papers[i].id} with {papers[j].id}" in err


def test_requests_in_worker_threads_keep_the_callers_urgency(server):
    import threading
    import time

    from paperbrief.ratelimit import RateLimiter

    limiter = RateLimiter(1)
    emb = embedder(server, limiter=limiter)
    held, release = threading.Event(), threading.Event()

    def takeaway_in_flight() -> None:
        with limiter.slot():
            held.set()
            release.wait(10)

    def plan() -> None:
        with limiter.urgent():  # as build_digest plans: the comparisons wait for it
            emb.embed(["one text", "another text"])

    blocker = threading.Thread(target=takeaway_in_flight)
    blocker.start()
    held.wait(10)
    planner = threading.Thread(target=plan)
    planner.start()
    deadline = time.monotonic() + 10
    while limiter._urgent_waiting == 0:  # the pool thread waits for a slot as an urgent one
        assert time.monotonic() < deadline
        time.sleep(0.01)
    release.set()
    blocker.join(10)
    planner.join(10)
    assert len(server.embedding_requests) == 1 and limiter._urgent_waiting == 0
