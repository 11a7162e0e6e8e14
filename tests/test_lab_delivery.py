"""Lab digests delivered to Slack, Discord, Telegram and a webhook (local stand-ins that enforce
each service's limits): exactly once across a run, a rerun, a kill -9 mid-delivery and the
resumed run; `--resend`; a new destination gets only its own; a failing destination does not
stop the others and is retried by the next run."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from paperbrief.cli import main
from tests.chat_standins import StandIns
from tests.lab_support import listing, write_config

HOOK_SECRET = "hook-signing-secret"


def _env(s: StandIns, **extra: str) -> dict[str, str]:
    u = s.urls()
    return {"LAB_SLACK_URL": u["slack"], "LAB_DISCORD_URL": u["discord"],
            "LAB_TELEGRAM_TOKEN": u["telegram_token"], "PAPERBRIEF_TELEGRAM_API": u["telegram_api"],
            "LAB_HOOK_URL": u["webhook"], "LAB_HOOK_SECRET": HOOK_SECRET, **extra}


READERS = {
    "ana": 'slack = { url_env = "LAB_SLACK_URL" }\n'
           'telegram = { token_env = "LAB_TELEGRAM_TOKEN", chat_id = "-100123" }\n',
    "ben": 'discord = { url_env = "LAB_DISCORD_URL" }\n'
           'webhook = { url_env = "LAB_HOOK_URL", secret_env = "LAB_HOOK_SECRET" }\n',
}


def _run(config, env, *more: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperbrief.cli", "digest", "--config",
                           str(config), "--offline", *more], env=env, capture_output=True,
                          text=True, timeout=300)


def _parts(messages: list, service: str) -> list[str]:
    """'n/N' of each accepted message, in arrival order."""
    if service == "slack":
        texts = [m["text"] for m in messages]
    elif service == "discord":
        texts = [m["content"] for m in messages]
    else:
        texts = [m["text"] for m in messages]
    return [(re.search(r"(\d+/\d+)", t) or re.search("()", t)).group(1) for t in texts]


def test_every_destination_gets_each_part_once_across_kill_and_resume(tmp_path):
    source = listing(tmp_path, 300)
    config = write_config(tmp_path, source, READERS, top=120)
    with StandIns(hook_secret=HOOK_SECRET) as s:
        env = dict(os.environ, **_env(s))
        proc = subprocess.Popen([sys.executable, "-m", "paperbrief.cli", "digest", "--config",
                                 str(config), "--offline"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        s.kill = ("slack", 2, proc.pid)  # kill -9 while Slack's second part is being posted
        proc.communicate(timeout=300)
        assert proc.returncode == -signal.SIGKILL
        assert _parts(s.accepted["slack"], "slack") == ["1/3"]
        assert not s.accepted["discord"] and not s.accepted["webhook"]

        resumed = _run(config, env)
        assert resumed.returncode == 0, resumed.stderr
        slack = _parts(s.accepted["slack"], "slack")
        assert slack == ["1/3", "2/3", "3/3"]  # the resumed run sent parts 2 and 3 only
        discord = _parts(s.accepted["discord"], "discord")
        assert discord == [f"{n}/12" for n in range(1, 13)]  # 120 embeds, 10 a message
        telegram = _parts(s.accepted["telegram"], "telegram")
        assert len(telegram) > 1 and telegram == [f"{n}/{len(telegram)}"
                                                  for n in range(1, len(telegram) + 1)]
        assert len(s.accepted["webhook"]) == 1 and not s.refused
        counts = {k: len(v) for k, v in s.accepted.items()}

        rerun = _run(config, env)  # nothing is sent twice
        assert rerun.returncode == 0, rerun.stderr
        assert {k: len(v) for k, v in s.accepted.items()} == counts

        again = _run(config, env, "--resend")  # --resend: every destination gets it again
        assert again.returncode == 0, again.stderr
        assert {k: len(v) for k, v in s.accepted.items()} == {k: 2 * n for k, n in
                                                              counts.items()}

        more = dict(READERS, cal='webhook = { url_env = "LAB_HOOK_URL", '
                                 'secret_env = "LAB_HOOK_SECRET" }\n')
        config = write_config(tmp_path, source, more, top=120)
        added = _run(config, env)  # a new destination gets only its own
        assert added.returncode == 0, added.stderr
        assert {k: len(v) for k, v in s.accepted.items()} == {
            k: 2 * n + (k == "webhook") for k, n in counts.items()}
        assert s.accepted["webhook"][-1]["reader"] == "cal"


def test_a_failing_destination_stops_no_other_and_is_retried(tmp_path, monkeypatch, capsys):
    source = listing(tmp_path, 60)
    config = write_config(tmp_path, source, READERS, top=5)
    with StandIns(hook_secret=HOOK_SECRET, discord_429s=2) as s:
        env = _env(s, LAB_SLACK_URL=s.base + "/services/T000/B000/wrong",
                   LAB_TELEGRAM_TOKEN="123:wrong")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(["digest", "--config", str(config), "--offline"]) == 1
        err = capsys.readouterr().err
        assert re.search(r"ana: slack: .*refused \(HTTP 403\): invalid_token", err)
        assert re.search(r"ana: telegram: .*refused \(HTTP 401\): Unauthorized", err)
        assert "2 destination(s) failed" in err
        # Discord's two 429s were waited out (retry_after), then the message went once
        assert [r[1] for r in s.refused if r[0] == "discord"] == [429, 429]
        assert len(s.accepted["discord"]) == 1 and len(s.accepted["webhook"]) == 1

        monkeypatch.setenv("LAB_SLACK_URL", s.urls()["slack"])
        monkeypatch.setenv("LAB_TELEGRAM_TOKEN", s.urls()["telegram_token"])
        assert main(["digest", "--config", str(config), "--offline"]) == 0
        assert {k: len(v) for k, v in s.accepted.items()} == {
            "slack": 1, "telegram": 1, "discord": 1, "webhook": 1}


def test_webhook_body_is_the_versioned_schema_and_signed(tmp_path, monkeypatch, capsys):
    source = listing(tmp_path, 40)
    config = write_config(tmp_path, source, {"ben": READERS["ben"]}, top=3,
                          head='digest_url = "https://lab.example/{reader}/{period}.md"')
    with StandIns(hook_secret=HOOK_SECRET) as s:
        for name, value in _env(s).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("LAB_HOOK_SECRET", "not-the-secret")
        assert main(["digest", "--config", str(config), "--offline"]) == 1
        assert "refused (HTTP 401): bad signature" in capsys.readouterr().err
        monkeypatch.setenv("LAB_HOOK_SECRET", HOOK_SECRET)
        assert main(["digest", "--config", str(config), "--offline"]) == 0
        (body,) = s.accepted["webhook"]  # the stand-in checked the HMAC-SHA256 signature
    assert body["schema"] == "paperbrief.digest/1" and body["reader"] == "ben"
    assert len(body["top"]) == 3 and body["papers"] == 40
    assert set(body["top"][0]) == {"id", "title", "url", "takeaway"}
    # {period} as the digest's file name: the out folder's file at that URL
    assert body["period"] == "2024-05-23 to 2024-05-29"
    assert body["digest_url"] == "https://lab.example/ben/2024-05-23-to-2024-05-29.md"
    assert body["top"][0]["url"].startswith("https://")


def test_the_example_config_works_as_shipped(tmp_path, monkeypatch, capsys):
    import shutil
    from pathlib import Path

    examples = tmp_path / "examples"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", examples,
                    ignore=shutil.ignore_patterns("digests"))
    with StandIns(hook_secret="example-signing-secret") as s:
        u = s.urls()
        for name, value in {"LAB_SLACK_URL": u["slack"], "BEN_HOOK_URL": u["webhook"],
                            "BEN_HOOK_SECRET": "example-signing-secret",
                            "CAL_DISCORD_URL": u["discord"],
                            "LAB_TELEGRAM_TOKEN": u["telegram_token"],
                            "PAPERBRIEF_TELEGRAM_API": u["telegram_api"]}.items():
            monkeypatch.setenv(name, value)
        assert main(["digest", "--config", str(examples / "lab.toml")]) == 0, \
            capsys.readouterr().err
        assert {k: len(v) for k, v in s.accepted.items()} == {
            "slack": 1, "discord": 1, "telegram": 1, "webhook": 1}
        assert not s.refused
    written = sorted(p.relative_to(examples).as_posix()
                     for p in (examples / "digests").rglob("*") if p.is_file())
    assert written == ["digests/ana/2026-03-05.md", "digests/ben/2026-03-05.md",
                       "digests/cal/2026-03-05.html"]
    assert s.accepted["telegram"][0]["chat_id"] == "@cal_papers"


def test_each_reader_is_mailed_their_own_digest_once(tmp_path, monkeypatch, capsys):
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
            self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(
                envelope.original_content or envelope.content, policy=email.policy.default)))
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "paperbrief <digest@lab.example>")
        source = listing(tmp_path, 80)
        config = write_config(tmp_path, source, {
            "ana": 'email = ["ana@lab.example", "pi@lab.example"]\nfeed = "ana.xml"\n',
            "cal": 'email = "Cal <cal@lab.example>, pi@lab.example"\nformat = "html"\n'
                   'out = "cal.html"\n',
        }, top=3)
        for _ in range(2):  # the rerun mails nobody again
            assert main(["digest", "--config", str(config), "--offline"]) == 0, \
                capsys.readouterr().err
    finally:
        controller.stop()
    # the PI on both readers' lists gets both digests (two profiles, two digests), once each
    assert [rcpt for rcpt, _ in inbox.messages] == [
        ["ana@lab.example"], ["pi@lab.example"], ["cal@lab.example"], ["pi@lab.example"]]
    bodies = [m.get_body(("plain",)).get_content() for _, m in inbox.messages]
    assert bodies[0] == bodies[1] and bodies[2] == bodies[3]
    assert bodies[0] != bodies[2]  # each reader's own picks
    assert (tmp_path / "ana.xml").read_text().count("<entry>") == 1
    assert (tmp_path / "cal.html").read_text().lstrip().lower().startswith("<!doctype html")
