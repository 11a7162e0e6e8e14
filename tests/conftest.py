"""Shared test set-up: fixture paths and the vcrpy configuration (pytest-recording).

Cassettes live in the top-level `cassettes/` folder, one sub-folder per test module. CI replays
them with pytest-recording's default record mode `none`; re-record with `--record-mode=rewrite`
(see cassettes/README.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from paperbrief_refserver.server import RefServer

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


# Read before the autouse fixture below clears it, so a re-recording run can scrub the real key.
_RECORDING_KEY = os.environ.get("OPENAI_API_KEY") or None
_KEY_RE = re.compile(r"sk-[A-Za-z0-9_\-]{8,}")


def _scrub_text(text: str) -> str:
    if _RECORDING_KEY:
        text = text.replace(_RECORDING_KEY, "REDACTED")
    return _KEY_RE.sub("sk-REDACTED", text)


def _scrub_request(request):  # vcr.request.Request
    """Remove an API key from a recorded request's URI and body (headers are filtered)."""
    request.uri = _scrub_text(request.uri)
    body = request.body
    if isinstance(body, bytes):
        cleaned = _scrub_text(body.decode("utf-8", "replace")).encode("utf-8")
        if cleaned != body.decode("utf-8", "replace").encode("utf-8"):
            request.body = cleaned
    elif isinstance(body, str):
        request.body = _scrub_text(body)
    return request


def _scrub_response_secrets(response: dict) -> dict:
    """Header scrubbing, plus any API key echoed in the response body."""
    response = _scrub_response(response)
    body = response.get("body", {})
    raw = body.get("string")
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", "replace")
        if _scrub_text(text) != text:
            body["string"] = _scrub_text(text).encode("utf-8")
    elif isinstance(raw, str):
        body["string"] = _scrub_text(raw)
    return response


def _multipart_fields(request) -> dict | None:  # vcr.request.Request
    """A multipart/form-data request's fields {name: (filename, content)}, else None."""
    from paperbrief_refserver.batch import multipart_fields

    content_type = request.headers.get("content-type") or request.headers.get("Content-Type")
    if not content_type or not content_type.startswith("multipart/form-data"):
        return None
    raw = request.body or b""
    return multipart_fields(content_type, raw if isinstance(raw, bytes) else raw.encode())


def _body_ignoring_multipart_boundary(r1, r2) -> None:
    """vcrpy's `body` matcher, except that multipart uploads (Batch API input files) compare by
    their fields: the boundary is random on every request."""
    import vcr.matchers

    f1, f2 = _multipart_fields(r1), _multipart_fields(r2)
    if f1 is None or f2 is None:
        vcr.matchers.body(r1, r2)
    elif f1 != f2:
        raise AssertionError(f"multipart fields differ: {sorted(f1)} vs {sorted(f2)}")


def pytest_recording_configure(config: pytest.Config, vcr) -> None:
    # `body` stays in match_on; only multipart bodies are compared field by field
    vcr.register_matcher("body", _body_ignoring_multipart_boundary)


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    # No record_mode here: it would override --record-mode.
    return {
        "match_on": ["method", "path", "query", "body"],
        "filter_headers": SECRET_HEADERS,
        "decode_compressed_response": True,
        "before_record_response": _scrub_response_secrets,
        "before_record_request": _scrub_request,
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
                 "PAPERBRIEF_MODEL", "PAPERBRIEF_PRICES", "HF_ENDPOINT", "PAPERBRIEF_ARXIV_API",
                 "PAPERBRIEF_EMBEDDING_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAPERBRIEF_DB", str(tmp_path / "paperbrief-test.db"))
    monkeypatch.setenv("PAPERBRIEF_CACHE_DIR", str(tmp_path / "cache"))  # parsed profiles


@pytest.fixture
def server() -> Iterator[RefServer]:
    """The reference LLM server, on a free loopback port, for one test."""
    with RefServer() as ref:
        yield ref


@pytest.fixture
def llm_env(server: RefServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The reference server configured as the user's endpoint, in this process and for children."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    return dict(os.environ)


_ARTEFACTS = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def browser_artefacts(request: pytest.FixtureRequest) -> Path:
    """Where tests keep screenshots: $PAPERBRIEF_ARTEFACTS, else build/test-artefacts (ignored by
    git, and unlike pytest's tmp folders not pruned by the next runs)."""
    chosen = os.environ.get("PAPERBRIEF_ARTEFACTS")
    folder = Path(chosen) if chosen else ROOT / "build" / "test-artefacts"
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[_ARTEFACTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(_ARTEFACTS, None)
    if folder is not None and any(folder.iterdir()):
        names = ", ".join(sorted(p.name for p in folder.iterdir()))
        terminalreporter.write_line(f"browser screenshots in {folder}: {names}")


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A throwaway certificate authority for the local TLS servers (SMTP, HTTPS)."""
    return trustme.CA()


@pytest.fixture
def trusted(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the throwaway CA (OpenSSL reads SSL_CERT_FILE)."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
