"""Embeddings calls replayed from cassettes (cassettes/test_embed_cassettes/), network blocked.

Recorded (`--record-mode=rewrite`) against the shipped reference server, which scripts the
faults; `test_embed_success` talks to a real endpoint instead when OPENAI_API_KEY is set for the
recording run (see cassettes/README.md). The SDK sends `encoding_format: base64`: the recorded
answers hold float32 vectors in base64, as OpenAI's do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml

from paperbrief.engines.llm.embed import DEFAULT_EMBEDDING_MODEL, Embedder, EmbeddingError
from paperbrief.relate.embedding import CachedEmbeddings, paper_item
from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY, SleepRecorder, scitldr_papers

REAL_KEY = os.environ.get("OPENAI_API_KEY") or None  # read before conftest clears it
REAL_BASE_URL = os.environ.get("OPENAI_BASE_URL") or None
REPLAY_URL = "http://replay.invalid/v1"  # never reached: vcr answers, the network is blocked

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]


class Endpoint:
    def __init__(self, base_url: str, key: str, server: RefServer | None) -> None:
        self.base_url, self.key, self.server = base_url, key, server
        self.sleeps = SleepRecorder()
        self.calls: list = []

    def embedder(self, model: str = DEFAULT_EMBEDDING_MODEL, **kwargs) -> Embedder:
        emb = Embedder(model, api_key=self.key, base_url=self.base_url, sleep=self.sleeps,
                       **kwargs)
        emb.call_log = self.calls.append
        return emb

    def faults(self, *faults: str) -> None:
        if self.server is not None:  # recording: script the server; replay: the cassette has it
            self.server.add_embedding_faults(*faults)


@pytest.fixture
def endpoint(request, record_mode, vcr_cassette_dir):
    real = request.node.name == "test_embed_success" and REAL_KEY
    if record_mode == "none":
        yield Endpoint(REPLAY_URL, FAKE_KEY, None)
    elif real:
        yield Endpoint(REAL_BASE_URL or "https://api.openai.com/v1", REAL_KEY, None)
    else:
        with RefServer() as server:
            yield Endpoint(server.base_url, FAKE_KEY, server)


def test_embed_success(endpoint, tmp_path):
    papers = scitldr_papers(3)
    with Store(tmp_path / "pb.db") as store:
        rows = CachedEmbeddings(endpoint.embedder(), store).rows([paper_item(p) for p in papers])
        assert rows.shape[0] == 3 and rows.dtype == np.float32
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
        [call] = endpoint.calls
        assert call.kind == "embedding" and call.status == "ok" and call.prompt_tokens > 0
        assert call.cost_usd == pytest.approx(call.prompt_tokens * 0.02 / 1e6)
        # a rerun replays nothing: the vectors come from the store
        again = CachedEmbeddings(endpoint.embedder(), store).rows([paper_item(p) for p in papers])
        assert np.array_equal(rows, again) and len(endpoint.calls) == 1


def test_embed_server_error_then_success(endpoint):
    endpoint.faults("500")
    rows = endpoint.embedder().embed(["one abstract", "another abstract"])
    assert rows.shape[0] == 2
    assert [c.status for c in endpoint.calls] == ["error", "ok"]
    assert "HTTP 500" in endpoint.calls[0].error and len(endpoint.sleeps.waits) == 1


def test_embed_rate_limited_then_success_honours_retry_after(endpoint):
    endpoint.faults("429")
    endpoint.embedder().embed(["one abstract"])
    assert [c.status for c in endpoint.calls] == ["error", "ok"]
    assert endpoint.sleeps.waits == [1.0]  # the recorded retry-after header


def test_embed_unknown_model_is_not_retried(endpoint):
    with pytest.raises(EmbeddingError, match="HTTP 404"):
        endpoint.embedder("gpt-4o-mini").embed(["a chat model cannot embed"])
    assert [c.status for c in endpoint.calls] == ["error"] and endpoint.sleeps.waits == []


@pytest.mark.vcr(record_mode="none")
def test_recorded_requests_are_batches_the_sdk_sends(vcr_cassette_dir):
    path = Path(vcr_cassette_dir) / "test_embed_success.yaml"
    interactions = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]
    [only] = interactions
    body = json.loads(only["request"]["body"])
    assert only["request"]["uri"].endswith("/embeddings") and len(body["input"]) == 3
    assert body["encoding_format"] == "base64" and body["model"] == DEFAULT_EMBEDDING_MODEL
