"""Deliver a digest to one chat destination exactly once, part by part, through the store.

The parts are written to the `chat_outbox` table before the first is sent, and each part is
marked sent as soon as the service accepted it. A rerun finds every part sent and sends nothing;
a run that failed or was killed midway sends the remaining parts (as stored: the same split) and
never a part already accepted. Only the one part in flight when a run is killed, and not yet
confirmed, can go twice. When the last part is accepted the delivery is recorded in the
`deliveries` table too (channel = the service, recipient = the destination's key), like e-mail.
`resend` starts the destination's delivery of that period over.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from paperbrief.deliver.chat.send import Redactor, send_part

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def pending_parts(store: Any, key: str, period: str) -> list[tuple[int, int, str, str | None]]:
    """(part, parts, body, sent) of a destination's period, in order."""
    rows = store._read(
        "SELECT part, parts, body, sent FROM chat_outbox WHERE destination = ? AND period = ? "
        "ORDER BY part", (key, period))
    return [(r["part"], r["parts"], r["body"], r["sent"]) for r in rows]


def _queue(store: Any, key: str, period: str, messages: list[Any], run_id: int) -> None:
    with store._write() as conn:
        conn.execute("DELETE FROM chat_outbox WHERE destination = ? AND period = ?",
                     (key, period))
        conn.executemany(
            "INSERT INTO chat_outbox (destination, period, part, parts, body, created, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(key, period, n, len(messages), json.dumps(m, ensure_ascii=False), _now(), run_id)
             for n, m in enumerate(messages, 1)])


def _mark_sent(store: Any, key: str, period: str, part: int, message_id: str | None,
               run_id: int) -> None:
    with store._write() as conn:
        conn.execute(
            "UPDATE chat_outbox SET sent = ?, message_id = ?, run_id = ? "
            "WHERE destination = ? AND period = ? AND part = ?",
            (_now(), message_id, run_id, key, period, part))


def deliver_chat(
    store: Any,
    run_id: int,
    destination: Any,
    period: str,
    messages: Callable[[], list[Any]],
    *,
    redactor: Redactor,
    resend: bool = False,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Send the unsent parts of `destination`'s digest of `period`; how many were sent now.

    `messages` makes the parts (called only when none are stored yet, or with `resend`).
    Raises ChatError on the first refused part; the parts before it stay sent.
    """
    key = destination.key
    stored = pending_parts(store, key, period)
    if stored and all(sent for *_, sent in stored) and not resend:
        log.info("%s: %s already sent (--resend sends it again)", key, period)
        return 0
    if not stored or resend:
        _queue(store, key, period, messages(), run_id)
        stored = pending_parts(store, key, period)
    credentials = {name: secret.reveal() for name, secret in destination.secrets.items()}
    for value in credentials.values():
        redactor.add(value)
    extra = {} if sleep is None else {"sleep": sleep}
    sent_now = 0
    last_id = None
    for part, parts, body, sent in stored:
        if sent:
            continue
        what = f"{key}: part {part} of {parts}" if parts > 1 else key
        last_id = send_part(destination.kind, json.loads(body), credentials,
                            destination.settings, redactor=redactor, what=what,
                            delivery_id=f"{key}:{period}:{part}", **extra)
        _mark_sent(store, key, period, part, last_id, run_id)
        sent_now += 1
        log.info("%s: sent %s part %d of %d", key, period, part, parts)
    store.record_delivery(destination.kind, period, key, last_id, run_id)
    return sent_now
