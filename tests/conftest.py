"""Shared test set-up: fixture paths and the vcrpy configuration (pytest-recording).

Cassettes live in the top-level `cassettes/` folder, one sub-folder per test module. CI replays
them with pytest-recording's default record mode `none`; re-record with `--record-mode=rewrite`
(see cassettes/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASSETTES = ROOT / "cassettes"

SECRET_HEADERS = [
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
    "x-request-id",
]


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    # No record_mode here: it would override --record-mode.
    return {
        "match_on": ["method", "path", "query", "body"],
        "filter_headers": SECRET_HEADERS,
        "decode_compressed_response": True,
        "before_record_response": _scrub_response,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.split(".")[-1])


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's API key, endpoints or database."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
                 "PAPERBRIEF_MODEL", "PAPERBRIEF_PRICES", "HF_ENDPOINT", "PAPERBRIEF_ARXIV_API"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAPERBRIEF_DB", str(tmp_path / "paperbrief-test.db"))
