"""The reference server: OpenAI-compatible answers, grounded content, faults, command line."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from urllib.error import HTTPError

import pytest

from paperbrief.engines.llm.prompts import comparison_messages, takeaway_messages
from paperbrief.engines.llm.reply import judge, read_completion
from paperbrief.models import ComparisonDraft, TakeawayDraft
from paperbrief_refserver.answers import answer_content
from paperbrief_refserver.server import FAULTS, RefServer
from tests.llm_support import scitldr_papers


def _post(server: RefServer, body: dict, key: str = "sk-local") -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        server.base_url + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_answers_are_schema_valid_and_grounded_for_real_abstracts():
    papers = scitldr_papers(40)
    for paper in papers:
        reply = read_completion(
            {
                "choices": [
                    {
                        "message": {"content": answer_content(takeaway_messages(paper))},
                        "finish_reason": "stop",
                    }
                ]
            }
        )
        verdict = judge(reply, TakeawayDraft, f"{paper.title}\n{paper.abstract}")
        assert verdict.status == "ok", (paper.id, verdict.error)
    for a, b in zip(papers[::2], papers[1::2], strict=True):
        content = answer_content(comparison_messages(a, b))
        reply = read_completion({"choices": [{"message": {"content": content}}]})
        source = f"{a.title}\n{a.abstract}\n{b.title}\n{b.abstract}"
        assert judge(reply, ComparisonDraft, source).status == "ok"


def test_chat_completion_shape_usage_and_models_listing():
    paper = scitldr_papers(1)[0]
    with RefServer() as server:
        status, headers, body = _post(server, {"model": "m1", "messages": takeaway_messages(paper)})
        with urllib.request.urlopen(server.base_url + "/models", timeout=10) as resp:
            models = json.loads(resp.read())
    assert status == 200 and body["object"] == "chat.completion" and body["model"] == "m1"
    assert body["choices"][0]["finish_reason"] == "stop"
    TakeawayDraft.model_validate_json(body["choices"][0]["message"]["content"])
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert "openai-processing-ms" in {k.lower() for k in headers}
    assert models["object"] == "list" and models["data"]


def test_faults_are_served_in_order_then_success():
    messages = takeaway_messages(scitldr_papers(1)[0])
    with RefServer(retry_after=0.25) as server:
        server.add_faults("429-ms", "429", "quota", "refusal", "length")
        results = [_post(server, {"model": "m", "messages": messages}) for _ in range(6)]
    statuses = [r[0] for r in results]
    assert statuses == [429, 429, 429, 200, 200, 200]
    assert results[0][1]["retry-after-ms"] == "250" and results[1][1]["retry-after"] == "0.25"
    assert "try again in 0.25s" in results[1][2]["error"]["message"]
    assert results[2][2]["error"]["code"] == "insufficient_quota"
    assert results[3][2]["choices"][0]["message"]["refusal"]
    assert results[4][2]["choices"][0]["finish_reason"] == "length"
    assert results[5][2]["choices"][0]["finish_reason"] == "stop"


def test_json_schema_rejection_and_missing_key():
    schema_body = {"model": "m", "messages": [], "response_format": {"type": "json_schema"}}
    with RefServer(json_schema=False) as server:
        status, _, body = _post(server, schema_body)
        ok, _, _ = _post(server, {**schema_body, "response_format": {"type": "json_object"}})
        unauthorized, _, err = _post(server, schema_body, key="")
    assert status == 400 and body["error"]["param"] == "response_format" and ok == 200
    assert unauthorized == 401 and err["error"]["code"] == "invalid_api_key"


def test_unknown_fault_is_refused():
    with pytest.raises(ValueError, match="unknown fault"):
        RefServer(faults=["teapot"])
    assert "429" in FAULTS and "schema400" in FAULTS


def test_command_line_prints_its_base_url():
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperbrief_refserver.server", "--port", "0", "--latency", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:") and line.endswith("/v1")
        with urllib.request.urlopen(line + "/models", timeout=10) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_command_line_rejects_bad_arguments():
    done = subprocess.run(
        [sys.executable, "-m", "paperbrief_refserver.server", "--latency", "soon"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "usage:" in done.stderr and "Traceback" not in done.stderr


def test_every_seed_page_paper_gets_a_valid_takeaway_from_the_reference_server():
    """Long-worded abstracts once produced takeaways over the character limit (server crash)."""
    from paperbrief.sources import read_file
    from paperbrief_refserver.answers import takeaway_draft
    from tests.conftest import FIXTURES

    for paper in read_file(FIXTURES / "hf-daily-papers-page.txt").papers:
        draft = takeaway_draft(paper.title, paper.abstract)
        assert len(draft.takeaway) <= 300


def test_a_client_hanging_up_is_not_a_traceback(capsys):
    server = RefServer()
    try:
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise error
            except ConnectionError:
                server._httpd.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real bug")
        except ValueError:
            server._httpd.handle_error(None, ("127.0.0.1", 1))
        assert "ValueError: a real bug" in capsys.readouterr().err  # real errors still show
    finally:
        server._httpd.server_close()
