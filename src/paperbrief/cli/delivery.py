"""The digest's delivery options (--email, --resend, --feed, --feed-url): checked before any
work, then the feed updated and the digest mailed after it is written (also for each reader of a
lab, paperbrief.cli.lab)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from paperbrief.errors import PaperbriefError, UsageError

log = logging.getLogger("paperbrief")


def _count(n: int, noun: str) -> str:
    """'1 topic', '3 topics' (not '1 topics')."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"



def check_delivery(args: argparse.Namespace) -> tuple[Any, list[str]] | None:
    """Validate --email/--resend/--feed before any work; the SMTP settings and recipients."""
    from paperbrief.deliver.feed import check_feed, check_feed_url

    if args.resend and not args.email:
        raise UsageError("--resend needs --email")
    if args.feed_url and not args.feed:
        raise UsageError("--feed-url needs --feed")
    if args.feed is not None:
        check_feed(args.feed)
        if args.feed_url:
            args.feed_url = check_feed_url(args.feed_url)  # user:token@ never goes public
    if not args.email:
        return None
    from paperbrief.deliver.mail import parse_recipients, settings_from_env

    recipients = parse_recipients(args.email)
    return settings_from_env(), recipients



def deliver(args: argparse.Namespace, digest: Any, fmt: str, text: str, target: Path | None,
             mail: tuple[Any, list[str]] | None, store: Any, run_id: int) -> Exception | None:
    """Update the feed, then mail the digest; an SMTP failure is returned, not raised, so the
    run is recorded (as failed) with its stats before the CLI reports it."""
    from paperbrief.digest.render_html import render_html_digest

    written = None if args.json else fmt
    feed_failure = None
    if args.feed is not None:
        try:  # a feed problem (a damaged feed, a full disk) never stops the mail
            _update_feed(args, digest, fmt, written, target)
        except (PaperbriefError, OSError) as exc:
            log.warning("the feed was not updated; the digest and the mail go on")
            feed_failure = PaperbriefError(str(exc))  # exit 1: the work is done, the feed failed
    if mail is None:
        return feed_failure
    from paperbrief.deliver.mail import DeliveryError, deliver_digest

    settings, recipients = mail
    from paperbrief.digest.render_text import render_text_digest

    plain = render_text_digest(digest, args.top, args.rest)  # the text part: plain, not Markdown
    html = text if written == "html" else render_html_digest(digest, None, args.top, args.rest)
    try:
        sent = deliver_digest(store, run_id, settings, recipients, period=digest.period.label,
                              papers=digest.stats.papers, text=plain, html=html,
                              resend=args.resend, digest=_digest_key(args))
    except DeliveryError as exc:
        return exc
    log.info("mailed %s to %d address(es)", digest.period.label, len(sent))
    return feed_failure



def _digest_key(args: argparse.Namespace) -> str:
    """The digest's identity within its period: its sources and profile (digest_identity)."""
    from paperbrief.digest.identity import digest_key
    from paperbrief.relate.interests import find_profile

    return digest_key(args.sources, find_profile(args.interests))



def _update_feed(args: argparse.Namespace, digest: Any, fmt: str, written: str | None,
                 target: Path | None) -> None:
    from paperbrief.deliver.feed import link_to, update_feed
    from paperbrief.deliver.mail import subject
    from paperbrief.digest.render_html import render_html_body

    feed = Path(args.feed)
    update_feed(
        feed,
        period=digest.period.label,
        start=digest.period.start,
        end=digest.period.end,
        title=subject(digest.period.label, digest.stats.papers),
        summary=f"{_count(digest.stats.papers, 'paper')} in "
        f"{_count(len(digest.topics), 'topic')}, "
        f"{_count(len(digest.comparisons), 'head-to-head comparison')}.",
        content=render_html_body(digest, args.template if written == "html" else None,
                                 args.top),
        link=link_to(target, feed, args.feed_url) if target else None,
        link_type="application/json" if args.json else
        "text/html" if fmt == "html" else "text/markdown",
        feed_url=args.feed_url,
    )
    log.info("updated the feed %s", feed)



