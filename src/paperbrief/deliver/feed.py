"""An Atom 1.0 feed of digests: one entry per period, updated in place, newest first, 52 kept.

The feed file is its own state: each run reads it back (defusedxml), replaces or adds the entry
of its period, and writes it atomically. Entry ids are derived from the feed's id and the period,
so a rerun updates the same entry; an entry's `updated` changes only when its content does.
A file at the path that paperbrief did not write is never overwritten.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from defusedxml import ElementTree as SafeET
from filelock import FileLock, Timeout

from paperbrief.atomic import check_output, write_atomic
from paperbrief.errors import PaperbriefError, UsageError

log = logging.getLogger("paperbrief")
LOCK_WAIT_S = 120.0  # another run's read-modify-write of the same feed takes well under a second

ATOM = "http://www.w3.org/2005/Atom"
PB = "urn:paperbrief:feed"  # extension element: the period an entry covers
GENERATOR = "paperbrief"
MAX_ENTRIES = 52
A = f"{{{ATOM}}}"
# characters XML 1.0 cannot carry at all (controls other than tab/newline/return, non-characters)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

ET.register_namespace("", ATOM)
ET.register_namespace("pb", PB)


@dataclass
class Entry:
    id: str
    title: str
    period: str
    start: date | None
    end: date | None
    published: datetime
    updated: datetime
    content: str
    summary: str = ""
    link: str | None = None
    link_type: str = "text/html"


def _time(text: str | None) -> datetime:
    try:
        value = datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_feed(raw: str) -> None:
    """UsageError now, before any work, when --feed could not be kept at `raw`."""
    path = Path(raw).expanduser()
    if raw.endswith(os.sep) or path.is_dir():
        raise UsageError(f"--feed {raw}: is a folder; name the feed file (e.g. {raw}/feed.xml)")
    check_output(raw, option="--feed")
    if path.exists():
        if not path.is_file():  # a FIFO would block the read, a device is not ours to replace
            raise UsageError(f"--feed {raw}: not a regular file; not overwriting it")
        try:
            read_feed(path, raw)
        except UsageError as exc:  # the digest and the mail go on; the run then exits 1
            log.warning("%s (the digest and the mail go on without the feed)", exc)


def check_feed_url(url: str) -> str:
    """The feed's public URL, checked before any work: an absolute http(s) URL with a host, no
    whitespace or control characters (which made an ill-formed feed), a valid port. User
    information (`https://user:token@host/`) is left out with a warning: the feed is public."""
    shown = ascii(url)[1:-1][:200]
    if not url.isprintable() or any(c.isspace() for c in url) or "\\" in url:
        raise UsageError(f"--feed-url {shown}: spaces, control characters or backslashes are "
                         "not allowed in a URL (percent-encode them)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as exc:
        raise UsageError(f"--feed-url {shown}: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--feed-url {shown}: expected an http(s) URL")
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[1]
        url = parts._replace(netloc=netloc).geturl()
        log.warning("--feed-url: the user name and password are left out of the (public) feed")
    return url


def read_feed(path: Path, raw: str | None = None) -> tuple[str, list[Entry]]:
    """(feed id, entries) of a feed paperbrief wrote; UsageError for anything else."""
    name = raw or str(path)
    try:
        root = SafeET.parse(path).getroot()
    except (ET.ParseError, OSError, ValueError) as exc:
        raise UsageError(f"--feed {name}: not an Atom feed ({exc}); not overwriting it") from None
    except Exception as exc:  # defusedxml refuses entities, DTDs and the like
        raise UsageError(f"--feed {name}: not a feed paperbrief wrote ({type(exc).__name__}); "
                         "not overwriting it") from None
    if root.tag != f"{A}feed" or (root.findtext(f"{A}generator") or "").strip() != GENERATOR:
        raise UsageError(f"--feed {name}: not a feed paperbrief wrote; not overwriting it")
    entries = []
    for node in root.findall(f"{A}entry"):
        period = node.find(f"{{{PB}}}period")
        link = node.find(f"{A}link[@rel='alternate']")
        entries.append(
            Entry(
                id=node.findtext(f"{A}id") or "",
                title=node.findtext(f"{A}title") or "",
                period=(period.text or "") if period is not None else "",
                start=_date(period.get("start")) if period is not None else None,
                end=_date(period.get("end")) if period is not None else None,
                published=_time(node.findtext(f"{A}published")),
                updated=_time(node.findtext(f"{A}updated")),
                content=node.findtext(f"{A}content") or "",
                summary=node.findtext(f"{A}summary") or "",
                link=link.get("href") if link is not None else None,
                link_type=(link.get("type") or "text/html") if link is not None else "text/html",
            )
        )
    return root.findtext(f"{A}id") or "", entries


def link_to(target: Path, feed: Path, feed_url: str | None) -> str:
    """The digest file's URL as seen from the feed: relative to the feed's folder, or absolute
    under `feed_url` (the URL the feed itself is served at)."""
    # the paths as the user names them (no symlink resolution): the folder served is the one
    # the feed is named in, even when the feed file is a symlink to elsewhere
    rel = os.path.relpath(os.path.abspath(target.expanduser()),
                          os.path.dirname(os.path.abspath(feed.expanduser())))
    href = quote(Path(rel).as_posix())
    return urljoin(feed_url, href) if feed_url else href


def update_feed(
    path: Path,
    *,
    period: str,
    start: date | None,
    end: date | None,
    title: str,
    summary: str,
    content: str,
    link: str | None = None,
    link_type: str = "text/html",
    feed_url: str | None = None,
    now: datetime | None = None,
) -> Entry:
    """Add or replace the entry of `period` in the feed at `path`; write it atomically."""
    now = now or datetime.now(UTC)
    path = path.expanduser()
    # concurrent runs (separate stores, one feed) each read, add their entry and write: the
    # read-modify-write is locked (on the resolved file) so that no run drops another's entry
    lock = FileLock(os.path.realpath(path) + ".lock", timeout=LOCK_WAIT_S)
    try:
        with lock:
            return _update(path, period, start, end, title, summary, content, link, link_type,
                           feed_url, now)
    except Timeout:
        raise PaperbriefError(f"--feed {path}: another run held its lock for "
                              f"{LOCK_WAIT_S:g} s; not updated") from None
    except OSError as exc:
        raise PaperbriefError(f"--feed {path}: cannot lock it: {exc.strerror or exc}") from None


def _update(path: Path, period: str, start: date | None, end: date | None, title: str,
            summary: str, content: str, link: str | None, link_type: str,
            feed_url: str | None, now: datetime) -> Entry:
    feed_id, entries = read_feed(path) if path.exists() else ("", [])
    feed_id = feed_id or feed_url or f"urn:uuid:{uuid.uuid4()}"
    entry_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{feed_id}#{period}')}"
    old = next((e for e in entries if e.id == entry_id), None)
    entry = Entry(
        id=entry_id, title=title, period=period, start=start, end=end,
        published=old.published if old else now,
        updated=old.updated if old and old.content == content and old.title == title else now,
        content=content, summary=summary, link=link, link_type=link_type,
    )
    entries = [e for e in entries if e.id != entry_id] + [entry]
    entries.sort(key=lambda e: (e.start or e.published.date(), e.published), reverse=True)
    write_atomic(path, _xml(feed_id, entries[:MAX_ENTRIES], feed_url))
    return entry


def _xml(feed_id: str, entries: list[Entry], feed_url: str | None) -> str:
    root = ET.Element(f"{A}feed")
    ET.SubElement(root, f"{A}id").text = feed_id
    ET.SubElement(root, f"{A}title").text = "paperbrief digests"
    ET.SubElement(root, f"{A}subtitle").text = "Weekly takeaways and comparisons of papers"
    updated = max((e.updated for e in entries), default=datetime.now(UTC))
    ET.SubElement(root, f"{A}updated").text = _stamp(updated)
    ET.SubElement(root, f"{A}author").append(_text(f"{A}name", GENERATOR))
    ET.SubElement(root, f"{A}generator").text = GENERATOR
    if feed_url:
        ET.SubElement(root, f"{A}link", rel="self", type="application/atom+xml", href=feed_url)
    for e in entries:
        node = ET.SubElement(root, f"{A}entry")
        ET.SubElement(node, f"{A}id").text = e.id
        ET.SubElement(node, f"{A}title").text = e.title
        ET.SubElement(node, f"{A}published").text = _stamp(e.published)
        ET.SubElement(node, f"{A}updated").text = _stamp(e.updated)
        if e.link:
            ET.SubElement(node, f"{A}link", rel="alternate", type=e.link_type, href=e.link)
        period = ET.SubElement(node, f"{{{PB}}}period")
        period.text = e.period
        if e.start:
            period.set("start", e.start.isoformat())
        if e.end:
            period.set("end", e.end.isoformat())
        if e.summary:
            ET.SubElement(node, f"{A}summary").text = e.summary
        ET.SubElement(node, f"{A}content", type="html").text = e.content
    for el in root.iter():
        if el.text:
            el.text = _NOT_XML.sub("", el.text)
        for name, value in el.attrib.items():  # an href is no way in for a control character
            el.set(name, _NOT_XML.sub("", value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _text(tag: str, text: str) -> ET.Element:
    el = ET.Element(tag)
    el.text = text
    return el
