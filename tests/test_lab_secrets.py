"""Webhook URLs, bot tokens and signing secrets appear nowhere: not in stdout, stderr, the log,
the store or the digests, also when a destination fails (a canary value in each of them). A
config holding one in clear text is refused unless the file is private (mode 0600)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from paperbrief.cli import main
from tests.chat_standins import StandIns
from tests.lab_support import listing, write_config

CANARY = "CANARY-5e1f0c7a9b"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_credential_anywhere_even_in_failures(tmp_path):
    source = listing(tmp_path, 40)
    readers = {
        "ana": 'slack = { url_env = "LAB_SLACK_URL" }\n'
               'telegram = { token_env = "LAB_TELEGRAM_TOKEN", chat_id = "-100123" }\n'
               'out = "digests/ana/"\n',
        "ben": 'discord = { url_env = "LAB_DISCORD_URL" }\n'
               'webhook = { url_env = "LAB_HOOK_URL", secret_env = "LAB_HOOK_SECRET" }\n'
               'out = "digests/ben/"\nformat = "html"\n',
    }
    config = write_config(tmp_path, source, readers, top=3)
    with StandIns(slack_token=f"T1/B1/{CANARY}", discord_token=f"9/{CANARY}",
                  telegram_token=f"42:{CANARY}", hook_token=CANARY, hook_secret=CANARY) as s:
        u = s.urls()
        env = dict(os.environ, LAB_SLACK_URL=u["slack"], LAB_DISCORD_URL=u["discord"],
                   PAPERBRIEF_TELEGRAM_API=u["telegram_api"],
                   LAB_TELEGRAM_TOKEN=f"42:{CANARY}-wrong",  # refused: Unauthorized
                   LAB_HOOK_URL=f"http://127.0.0.1:{_closed_port()}/hook/{CANARY}",  # no server
                   LAB_HOOK_SECRET=CANARY)
        log = tmp_path / "run.log"
        run = subprocess.run([sys.executable, "-m", "paperbrief.cli", "digest", "--config",
                              str(config), "--offline", "-v", "--log", str(log)],
                             env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 1
        assert "ana: telegram" in run.stderr and "ben: webhook" in run.stderr
        assert "***" in run.stderr or "Unauthorized" in run.stderr
        assert len(s.accepted["slack"]) == 1 and len(s.accepted["discord"]) == 1
        env["LAB_HOOK_URL"] = u["webhook"]  # the next run reaches it
        rerun = subprocess.run([sys.executable, "-m", "paperbrief.cli", "digest", "--config",
                                str(config), "--offline", "-v", "--log", str(log)],
                               env=env, capture_output=True, text=True, timeout=300)
        assert len(s.accepted["webhook"]) == 1
    for text in (run.stdout, run.stderr, rerun.stdout, rerun.stderr):
        assert CANARY not in text
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".toml"]
    assert any(p.name.endswith(".db") for p in written) and log in written
    assert any(p.suffix == ".html" for p in written) and any(p.suffix == ".md" for p in written)
    for path in written:  # the store (and its WAL), the log, the digests
        assert CANARY.encode() not in path.read_bytes(), path


def test_clear_text_credential_needs_a_private_config(tmp_path, capsys):
    source = listing(tmp_path, 20)
    with StandIns(slack_token=f"T1/B1/{CANARY}") as s:
        readers = {"ana": f'slack = {{ url = "{s.urls()["slack"]}" }}\n'}
        config = write_config(tmp_path, source, readers, top=3)
        os.chmod(config, 0o644)
        assert main(["digest", "--config", str(config), "--offline"]) == 2
        err = capsys.readouterr().err
        assert "clear text" in err and "chmod 600" in err and CANARY not in err
        assert not s.requests  # refused before anything was fetched or sent
        os.chmod(config, 0o600)
        assert main(["digest", "--config", str(config), "--offline", "-v"]) == 0
        assert CANARY not in capsys.readouterr().err
        assert len(s.accepted["slack"]) == 1


def test_credentials_from_a_file_and_bare_strings(tmp_path, capsys):
    source = listing(tmp_path, 20)
    with StandIns(discord_token=f"7/{CANARY}") as s:
        (tmp_path / "discord.url").write_text(s.urls()["discord"] + "\n", encoding="utf-8")
        config = write_config(tmp_path, source, {"ana": 'discord = { url_file = "discord.url" }'},
                              top=2)
        os.chmod(config, 0o644)  # no credential in it: readable by others is fine
        assert main(["digest", "--config", str(config), "--offline", "-v"]) == 0
        assert len(s.accepted["discord"]) == 1
        assert CANARY not in capsys.readouterr().err
        # a bare string is the URL itself: a credential in clear text
        config = write_config(tmp_path, source, {"ana": f'discord = "{s.urls()["discord"]}"'})
        os.chmod(config, 0o644)
        assert main(["digest", "--config", str(config), "--offline"]) == 2
        err = capsys.readouterr().err
        assert "url_env or url_file" in err and CANARY not in err
        # a missing credential is a config mistake: exit 2 before anything is fetched
        (tmp_path / "discord.url").write_text("", encoding="utf-8")
        config = write_config(tmp_path, source, {"ana": 'discord = { url_file = "discord.url" }'})
        assert main(["digest", "--config", str(config), "--offline"]) == 2
        assert "the credential file is empty" in capsys.readouterr().err
        config = write_config(tmp_path, source, {"ana": 'slack = { url_env = "NOT_SET_HERE" }'})
        assert main(["digest", "--config", str(config), "--offline"]) == 2
        assert "$NOT_SET_HERE is not set" in capsys.readouterr().err
