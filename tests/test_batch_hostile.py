"""Batches a server loses or answers unusably (issue 28, item 9), against the reference server.

A batch the server no longer knows (404), one "completed" with no output file, one whose output
names requests it was never sent, one in a status nobody documents: each is dropped with one
line on stderr, its requests are asked live in the same run (the digest is complete, not
provisional for ever), and a rerun pays nothing: nothing is batched and paid again blindly.
`--batch-wait --batch-poll 0` waits at least batching.MIN_POLL_S between two polls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paperbrief import cli
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.run import batching
from paperbrief.run.batching import BatchMode
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY

HF_JSON = Path(__file__).parent / "fixtures" / "hf-api" / "hf_daily_papers_2026-03-16.json"


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "listing.json"
    path.write_text(json.dumps(json.loads(HF_JSON.read_text())[:4]), encoding="utf-8")
    return path


def digest(listing: Path, db: Path, out: Path, capsys) -> tuple[int, str, str]:
    code = cli.main(["digest", str(listing), "--db", str(db), "--out", str(out), "--batch"])
    return code, out.read_text(encoding="utf-8"), capsys.readouterr().err


def forget(server: RefServer, batch: dict[str, Any]) -> None:
    server.batches.batches.clear()


def no_files(server: RefServer, batch: dict[str, Any]) -> None:
    batch["final"].update(output_file_id=None, error_file_id=None)


def strange_ids(server: RefServer, batch: dict[str, Any]) -> None:
    file_id = batch["final"]["output_file_id"]
    purpose, content = server.batches.files[file_id]
    lines = [json.loads(line) for line in content.decode().splitlines()]
    renamed = [line | {"custom_id": "other:" + line["custom_id"]} for line in lines]
    text = "".join(json.dumps(line) + "\n" for line in renamed)
    server.batches.files[file_id] = (purpose, text.encode())


def strange_status(server: RefServer, batch: dict[str, Any]) -> None:
    batch["final"]["status"] = "archived"


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (forget, "is unknown to the server (cannot check the batch: HTTP 404"),
        (no_files, "completed without an output file"),
        (strange_ids, "completed, but its output answers"),
        (strange_status, "is in a status this client does not know ('archived')"),
    ],
    ids=["404", "no-files", "unknown-custom-ids", "unknown-status"],
)
def test_an_unusable_batch_is_said_once_asked_live_and_never_paid_again(
    damage: Callable[[RefServer, dict[str, Any]], None],
    said: str,
    listing: Path,
    tmp_path: Path,
    monkeypatch,
    capsys,
):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    with RefServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        code, text, err = digest(listing, db, out, capsys)
        assert code == 0 and "Provisional" in text
        (batch,) = server.batches.batches.values()
        with Store(db) as store:
            (record,) = store.iter_batches()
        damage(server, batch)

        live_before = len(server.requests)
        code, text, err = digest(listing, db, out, capsys)
        assert code == 0
        assert err.count("\n") == 1 and said in err, err
        assert record.id in err
        assert "Provisional" not in text and "_(offline)_" not in text
        assert len(server.requests) - live_before == record.requests  # each asked live, once
        assert len(server.batches.batches) <= 1  # and not batched again

        live_before, uploads = len(server.requests), len(server.batches.files)
        code, again, err = digest(listing, db, out, capsys)
        assert (code, err) == (0, "")
        assert len(server.requests) == live_before  # a rerun pays nothing
        assert len(server.batches.files) == uploads
    with Store(db) as store:
        (closed,) = store.iter_batches()
    assert closed.collected is not None


def test_batch_poll_0_still_waits_between_polls(tmp_path: Path, monkeypatch):
    papers = read_file(HF_JSON).papers[:2]
    slept: list[float] = []
    with RefServer(batch_polls=2) as server, Store(tmp_path / "pb.db") as store:
        engine = LLMEngine(
            "gpt-4o-mini", fallback=OfflineEngine(), api_key=FAKE_KEY,
            base_url=server.base_url, sleep=lambda s: None,
        )  # fmt: skip
        mode = BatchMode(engine, store, None, poll=0, sleep=slept.append)
        report = mode.prepare(papers, [], wait=True)
    assert report.pending == {} and report.stored == 2
    assert len(slept) == 3 and set(slept) == {batching.MIN_POLL_S}  # in progress twice, then done
    assert batching.MIN_POLL_S >= 1
