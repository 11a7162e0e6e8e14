"""A digest as chat messages: the top papers with their takeaway and link, split to fit.

Limits, from each service's documentation:

- Slack incoming webhooks (Block Kit, docs.slack.dev/reference/block-kit): at most 50 blocks a
  message, a section's text at most 3,000 characters, a header's plain text at most 150; the
  top-level `text` is the notification fallback. mrkdwn escapes only `&`, `<` and `>`.
- Discord webhooks (discord.com/developers/docs/resources/webhook, .../resources/message): content
  at most 2,000 characters, at most 10 embeds, an embed's title 256 and description 4,096, all
  embeds together 6,000 characters.
- Telegram Bot API sendMessage (core.telegram.org/bots/api#sendmessage): text 1-4,096 characters
  after entities parsing; HTML parse mode knows only a small tag set and wants `<`, `>`, `&`
  (and `"` in attributes) escaped.

Lengths are counted in UTF-16 code units (what JavaScript and Telegram count; never fewer than
the code points Python counts), so an emoji-laden title cannot slip past a limit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from paperbrief.models import Digest

SCHEMA = "paperbrief.digest/1"

SLACK_BLOCKS = 50
SLACK_SECTION = 3000
SLACK_HEADER = 150
DISCORD_CONTENT = 2000
DISCORD_EMBEDS = 10
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 4096
DISCORD_TOTAL = 6000
TELEGRAM_TEXT = 4096
CHAT_TAKEAWAY = 600  # a chat message is a short digest: a takeaway is one line anyway


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` UTF-16 units, with an ellipsis when cut."""
    if units(text) <= limit:
        return text
    out = text
    while units(out) > limit - 1:  # a code point is 1 or 2 units: never cuts more than needed
        out = out[: len(out) - max(1, (units(out) - limit + 1) // 2)]
    return out.rstrip() + "…"


@dataclass(frozen=True)
class ChatItem:
    id: str
    title: str
    url: str | None
    takeaway: str


@dataclass(frozen=True)
class ChatDigest:
    """What a chat message says: who and which period, the top papers, the full digest's link."""

    reader: str
    period: str
    papers: int
    items: list[ChatItem]
    digest_url: str | None = None

    @property
    def heading(self) -> str:
        return f"paperbrief · {self.period} · for {self.reader} ({self.papers} papers)"


def chat_digest(digest: Digest, reader: str, top: int, digest_url: str | None) -> ChatDigest:
    """The reader's top papers (the digest's detailed ones, in its order) with takeaways."""
    from paperbrief.digest.render_html import paper_href

    by_id = {p.id: p for p in digest.papers}
    ids = digest.detailed if digest.detailed is not None else [p.id for p in digest.papers]
    items = []
    for pid in ids[:top]:
        paper = by_id.get(pid)
        if paper is None:
            continue
        t = digest.takeaways.get(pid)
        title = " ".join(paper.display_title.split()) or pid
        takeaway = cut(" ".join((t.takeaway if t else "").split()), CHAT_TAKEAWAY)
        items.append(ChatItem(pid, title, paper_href(paper), takeaway))
    return ChatDigest(reader, digest.period.label, digest.stats.papers, items, digest_url)


# -- Slack ------------------------------------------------------------------------------------

def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_item(item: ChatItem) -> str:
    title = _slack_escape(item.title).replace("|", "¦")  # `|` ends a link's URL part
    head = f"*<{item.url}|{title}>*" if item.url else f"*{title}*"
    return cut(f"{head}\n{_slack_escape(item.takeaway)}", SLACK_SECTION)


def slack_messages(cd: ChatDigest) -> list[dict[str, Any]]:
    """Block Kit messages: a header, one section per paper, the link; ≤ 50 blocks each."""
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": _slack_item(i)}}
                for i in cd.items]
    if cd.digest_url:
        link = f"<{cd.digest_url}|The full digest>"
        sections.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
    if not sections:
        sections.append({"type": "section", "text": {"type": "mrkdwn", "text": "No papers."}})
    per = SLACK_BLOCKS - 1  # each message opens with its header
    chunks = [sections[i:i + per] for i in range(0, len(sections), per)]
    messages = []
    for n, chunk in enumerate(chunks, 1):
        part = f" · {n}/{len(chunks)}" if len(chunks) > 1 else ""
        header = cut(cd.heading + part, SLACK_HEADER)
        messages.append({
            "text": header,  # the notification's fallback text
            "blocks": [{"type": "header", "text": {"type": "plain_text", "text": header}},
                       *chunk],
            "unfurl_links": False,
        })
    return messages


# -- Discord ----------------------------------------------------------------------------------

_DISCORD_MARKUP = re.compile(r"([\\*_~`|\[\]])")  # inline markdown, masked links
_DISCORD_LINE_START = re.compile(r"^([>#-])", re.M)  # quotes, headings, lists


def _discord_escape(text: str) -> str:
    return _DISCORD_LINE_START.sub(r"\\\1", _DISCORD_MARKUP.sub(r"\\\1", text))


def _embed_size(embed: dict[str, Any]) -> int:
    return units(embed.get("title", "")) + units(embed.get("description", ""))


def discord_messages(cd: ChatDigest) -> list[dict[str, Any]]:
    """Messages of ≤ 10 embeds (one per paper), ≤ 6,000 embed characters, content ≤ 2,000."""
    embeds = []
    for item in cd.items:
        embed: dict[str, Any] = {"title": cut(item.title, DISCORD_TITLE),
                                 "description": cut(_discord_escape(item.takeaway) or "—",
                                                    DISCORD_DESCRIPTION)}
        if item.url:
            embed["url"] = item.url
        embeds.append(embed)
    chunks: list[list[dict[str, Any]]] = [[]]
    for embed in embeds:
        chunk = chunks[-1]
        size = sum(_embed_size(e) for e in chunk)
        if chunk and (len(chunk) >= DISCORD_EMBEDS or size + _embed_size(embed) > DISCORD_TOTAL):
            chunks.append([])
        chunks[-1].append(embed)
    messages = []
    for n, chunk in enumerate(chunks, 1):
        part = f" · {n}/{len(chunks)}" if len(chunks) > 1 else ""
        content = _discord_escape(cd.heading) + part
        if n == len(chunks) and cd.digest_url:
            content += f"\nThe full digest: <{cd.digest_url}>"
        if not chunk and n == 1:
            content += "\nNo papers."
        messages.append({
            "content": cut(content, DISCORD_CONTENT),
            "embeds": chunk,
            "allowed_mentions": {"parse": []},  # a title's "@everyone" pings nobody
        })
    return messages


# -- Telegram ---------------------------------------------------------------------------------

def _tg(text: str) -> str:
    return html.escape(text, quote=False)


def _telegram_item(item: ChatItem, limit: int) -> str:
    title = _tg(cut(item.title, 300))
    head = (f'<b><a href="{html.escape(item.url, quote=True)}">{title}</a></b>' if item.url
            else f"<b>{title}</b>")
    room = limit - units(head) - 1
    return f"{head}\n{_tg(cut(item.takeaway, max(1, room // 2)))}"  # escapes at most double


def telegram_messages(cd: ChatDigest) -> list[str]:
    """HTML texts of ≤ 4,096 characters (counted on the HTML itself, longer than what Telegram
    counts after parsing), split between papers."""
    head = f"<b>{_tg(cd.heading)}</b>"
    tail = f'\n\n<a href="{html.escape(cd.digest_url, quote=True)}">The full digest</a>' \
        if cd.digest_url else ""
    budget = TELEGRAM_TEXT - units(head) - units(tail) - 16  # room for " · 12/34"
    bodies: list[list[str]] = [[]]
    for item in cd.items:
        block = _telegram_item(item, budget - 2)
        used = sum(units(b) + 2 for b in bodies[-1])
        if bodies[-1] and used + units(block) + 2 > budget:
            bodies.append([])
        bodies[-1].append(block)
    texts = []
    for n, blocks in enumerate(bodies, 1):
        part = f" · {n}/{len(bodies)}" if len(bodies) > 1 else ""
        text = head + part + "".join(f"\n\n{b}" for b in blocks)
        if n == len(bodies):
            text += tail
        texts.append(text)
    return texts


# -- generic webhook --------------------------------------------------------------------------

def webhook_payload(cd: ChatDigest) -> dict[str, Any]:
    """The webhook's JSON body, schema `paperbrief.digest/1` (documented in docs/lab.md)."""
    return {
        "schema": SCHEMA,
        "reader": cd.reader,
        "period": cd.period,
        "papers": cd.papers,
        "digest_url": cd.digest_url,
        "top": [{"id": i.id, "title": i.title, "url": i.url, "takeaway": i.takeaway}
                for i in cd.items],
    }


def messages_for(kind: str, cd: ChatDigest) -> list[Any]:
    """The parts one destination of `kind` sends, in order."""
    if kind == "slack":
        return slack_messages(cd)
    if kind == "discord":
        return discord_messages(cd)
    if kind == "telegram":
        return telegram_messages(cd)
    return [webhook_payload(cd)]
