"""Reading paper listings: formats detected by content, duplicates merged.

The CLI and the pipeline call only `parse_text`, `read_file`, `merge` and `load`.

It may import only the shared top-level modules (models, errors, http,
text, ...): it is the first stage.
"""

from __future__ import annotations

import codecs
import stat
from datetime import date
from pathlib import Path

from paperbrief.errors import InputError
from paperbrief.models import Period
from paperbrief.sources.arxiv_atom import atom_listing, is_atom
from paperbrief.sources.arxiv_rss import is_rss, rss_listing
from paperbrief.sources.hf_api import looks_like_hf_entry, parse_hf_api
from paperbrief.sources.hf_page import looks_like_hf_page, parse_hf_page
from paperbrief.sources.jsonl import (
    as_records,
    looks_like_paper,
    paper_records_listing,
    read_json_records,
)
from paperbrief.sources.listing import Listing
from paperbrief.sources.merge import merge
from paperbrief.sources.safe_xml import local_name, parse_xml

__all__ = ["Listing", "load", "merge", "parse_text", "read_file"]

KNOWN_FORMATS = (
    "a Hugging Face Daily Papers page (text) or API answer (JSON), an arXiv Atom or RSS feed, "
    "or paperbrief JSONL"
)


def parse_text(text: str, origin: str, *, today: date | None = None) -> Listing:
    """Papers of `text`, whose format is sniffed from its content; `origin` names it in messages.

    `today` (default: UTC today) dates a Daily Papers page that shows no year.
    """
    if "\x00" in text:
        raise InputError(f"{origin}: binary file (contains NUL bytes), not a paper listing")
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        raise InputError(f"{origin}: empty file")
    if body.startswith("<"):
        return _parse_xml_listing(body, origin)
    if body[0] in "[{":
        return _parse_json_listing(body, origin)
    if looks_like_hf_page(body):
        return parse_hf_page(body, origin, today=today)
    raise InputError(f"{origin}: unknown format (expected {KNOWN_FORMATS})")


def _parse_xml_listing(text: str, origin: str) -> Listing:
    head = text[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        raise InputError(
            f"{origin}: an HTML page, not a supported format (expected {KNOWN_FORMATS})"
        )
    root = parse_xml(text, origin)
    if is_atom(root):
        return atom_listing(root, origin)
    if is_rss(root):
        return rss_listing(root, origin)
    raise InputError(
        f"{origin}: unknown XML format <{local_name(root.tag)}> "
        "(expected an arXiv Atom or RSS feed)"
    )


def _parse_json_listing(text: str, origin: str) -> Listing:
    value = read_json_records(text, origin)
    listing_like = isinstance(value, dict) and (
        looks_like_paper(value)
        or looks_like_hf_entry(value)
        or isinstance(value.get("papers"), list)
    )
    if isinstance(value, dict) and not listing_like:
        keys = ", ".join(list(value)[:6]) or "none"
        raise InputError(
            f"{origin}: a JSON object that is not a paper listing (keys: {keys}); "
            f"expected {KNOWN_FORMATS}"
        )
    if not isinstance(value, (list, dict)):
        raise InputError(f"{origin}: a JSON {type(value).__name__}, not a paper listing")
    records = as_records(value)
    first = next((obj for _, obj in records if isinstance(obj, dict)), None)
    if first is not None and looks_like_hf_entry(first) and not looks_like_paper(first):
        return parse_hf_api([obj for _, obj in records], origin)
    return paper_records_listing(records, origin)


def _decode(data: bytes, origin: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError(f"{origin}: binary file (contains NUL bytes), not a paper listing")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{origin}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "binary file?"
        ) from None


def read_file(path: str | Path, *, today: date | None = None) -> Listing:
    """Papers of the file at `path`; InputError (naming it) if missing, unreadable or invalid.

    Only a regular file is read: a FIFO, device or socket is refused at once (reading one could
    block forever or never end). `today` dates a page that shows no year (default: UTC today).
    """
    origin = str(path)
    file = Path(path)
    if file.is_dir():
        raise InputError(f"{origin}: is a directory, not a file")
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{origin}: no such file") from None
    except OSError as exc:
        raise InputError(f"{origin}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{origin}: not a regular file (a FIFO, device or socket); give a file")
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{origin}: no such file") from None
    except OSError as exc:
        raise InputError(f"{origin}: cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(f"{origin}: empty file")
    return parse_text(_decode(data, origin), origin, today=today)


def load(specs: list[str], window: Period | None = None, *, today: date | None = None) -> Listing:
    """Papers of every source spec (files, or live 'hf:'/'arxiv:' specs) inside `window`, merged.

    Files keep the papers published inside the window; live sources fetch only its days. A live
    source that fails after retries becomes a warning while the others go on.
    """
    from paperbrief.sources.live import load_specs

    return load_specs(specs, window, today=today)
