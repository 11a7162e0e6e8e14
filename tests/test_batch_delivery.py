"""`digest --batch --email`: a provisional digest is never mailed; the run that collects the batch
mails the full one, once. Real components: the reference server (Files and Batch API), a real
SMTP server (aiosmtpd, STARTTLS, AUTH) and the real CLI and store."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme

from paperbrief.cli import main
from paperbrief_refserver.server import RefServer
from tests.test_mail import PASSWORD, USER, smtp_server

HF_JSON = Path(__file__).parent / "fixtures" / "hf-api" / "hf_daily_papers_2026-03-16.json"


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    ca = trustme.CA()
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    with smtp_server(ca, "starttls") as (port, inbox):
        monkeypatch.setenv(
            "PAPERBRIEF_SMTP_URL", f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
        )
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        yield inbox


def test_a_provisional_digest_is_not_mailed_the_collected_one_is_once(
    mailbox, tmp_path, monkeypatch, capsys
):
    listing = tmp_path / "listing.json"
    listing.write_text(json.dumps(json.loads(HF_JSON.read_text())[:4]), encoding="utf-8")
    out = tmp_path / "digest.md"
    argv = ["digest", str(listing), "--db", str(tmp_path / "pb.db"), "--out", str(out),
            "--batch", "--email", "ada@example.org"]
    with RefServer(batch_polls=1) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        for _ in range(2):  # submitted, then still in progress
            assert main(argv) == 0
            assert "pending" in capsys.readouterr().err
            assert "Provisional" in out.read_text("utf-8") and mailbox.messages == []
        assert main(argv) == 0  # collected: the full digest, mailed
        assert capsys.readouterr().err == ""
        (received,) = mailbox.messages
        text, _ = received.message.iter_parts()
        assert "Provisional" not in text.get_content() and "_(offline)_" not in text.get_content()
        assert main(argv) == 0  # a rerun pays nothing and mails nobody twice
        assert len(mailbox.messages) == 1 and server.requests == []
