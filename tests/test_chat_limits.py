"""Chat messages of a 1,000-paper week stay within each service's documented limits: every part
is accepted by stand-ins that enforce them, in order, and together they carry every paper."""

from __future__ import annotations

import json

import pytest

from paperbrief.deliver.chat.compose import (
    ChatDigest,
    ChatItem,
    discord_messages,
    messages_for,
    slack_messages,
    telegram_messages,
    units,
)
from paperbrief.deliver.chat.send import Redactor, send_part
from tests.chat_standins import StandIns
from tests.lab_support import LISTING

HOSTILE = [
    ChatItem("x1", "<script>alert(1)</script> & <b>bold</b> | pipes @everyone " + "🧪" * 300,
             "https://arxiv.org/abs/x1?a=1&b=\"2\"", "Uses <tags> & ampersands " * 400),
    ChatItem("x2", "T" * 600, None, ""),
    ChatItem("x3", "Emoji 🚀 title", "https://example.org/x3", "🚀" * 5000),
]


def _week(n: int = 1000) -> ChatDigest:
    """A reader's digest that details every paper of a 1,000-paper week (the abstract standing
    in for a takeaway: longer than any), plus hostile titles and texts."""
    items = []
    for line in LISTING.read_text(encoding="utf-8").splitlines()[:n]:
        p = json.loads(line)
        items.append(ChatItem(p["id"], p["title"], p.get("url"), p["abstract"]))
    return ChatDigest("ana", "2024-W22", n, [*HOSTILE, *items],
                      "https://lab.example/ana/2024-W22.md")


def _send(kind: str, messages: list, s: StandIns) -> None:
    u = s.urls()
    credentials = {"token": u["telegram_token"]} if kind == "telegram" else {
        "url": u[kind], "secret": "sig"}
    settings = {"chat_id": "-1001", "api_url": u["telegram_api"]} if kind == "telegram" else {}
    for n, message in enumerate(messages, 1):
        send_part(kind, message, credentials, settings, redactor=Redactor(), what=kind,
                  delivery_id=f"{kind}:{n}")


@pytest.mark.parametrize("kind", ["slack", "discord", "telegram", "webhook"])
def test_a_1000_paper_week_fits_every_service(kind):
    week = _week()
    messages = messages_for(kind, week)
    with StandIns(hook_secret="sig") as s:
        _send(kind, messages, s)
        assert not s.refused
        accepted = s.accepted[kind]
    assert len(accepted) == len(messages)
    text = json.dumps(accepted, ensure_ascii=False)
    positions = [text.find(item.id if kind == "webhook" else item.url)
                 for item in week.items[3:]]
    assert all(p >= 0 for p in positions)  # every paper is there, in the digest's order
    assert positions == sorted(positions)
    assert "lab.example/ana/2024-W22.md" in text


def test_the_limits_themselves():
    week = _week()
    for msg in slack_messages(week):
        assert len(msg["blocks"]) <= 50
        assert all(units(b["text"]["text"]) <= 3000 for b in msg["blocks"])
    for msg in discord_messages(week):
        assert len(msg["embeds"]) <= 10 and units(msg["content"]) <= 2000
        assert sum(units(e["title"]) + units(e["description"]) for e in msg["embeds"]) <= 6000
        assert msg["allowed_mentions"] == {"parse": []}
    texts = telegram_messages(week)
    assert all(units(t) <= 4096 for t in texts)
    assert "&lt;script&gt;" in texts[0] and "<script>" not in texts[0]
    assert 'href="https://arxiv.org/abs/x1?a=1&amp;b=&quot;2&quot;"' in texts[0]


def test_a_refusal_quotes_the_service(tmp_path):
    from paperbrief.deliver.chat.send import ChatError

    with StandIns() as s:
        for kind, message, words in [
            ("slack", {"blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                               "text": "x" * 3001}}]},
             "invalid_blocks"),
            ("slack", {}, "no_text"),
            ("discord", {"content": "x" * 2001}, r"Invalid Form Body \(code 50035\)"),
            ("telegram", "<div>no</div>", "Unsupported start tag"),
            ("telegram", "a & b", "can't parse entities"),
            ("telegram", "x" * 4097, "message is too long"),
        ]:
            with pytest.raises(ChatError, match=words):
                _send(kind, [message], s)
