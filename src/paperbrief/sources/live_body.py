"""A live source answering 200 with a body of the wrong type (a captive portal, a proxy's page).

Such a source is skipped with a warning like one that could not be fetched (SourceFetchError),
so the other sources of the run go on; it is never a usage error (exit 2) of the whole run.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element

from paperbrief.errors import InputError
from paperbrief.http import Response, SourceFetchError, short_url
from paperbrief.sources.jsonl import loads_bounded
from paperbrief.sources.safe_xml import local_name, parse_xml


def describe(text: str) -> str:
    """What a body is, in a few words, without quoting it: 'an HTML page', 'a JSON object'."""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if not head:
        return "an empty body"
    if head.startswith(("<!doctype html", "<html")) or "<html" in head:
        return "an HTML page"
    if head.startswith("<"):
        return "an XML document"
    if head[0] in "[{":
        try:
            value = loads_bounded(text, "body")
        except (ValueError, InputError):  # JSONDecodeError is a ValueError
            return "invalid JSON"
        return _json_kind(value)
    return "plain text"


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a JSON object"
    return "a JSON list" if isinstance(value, list) else f"a JSON {type(value).__name__}"


def wrong_body(response: Response, what: str, expected: str) -> SourceFetchError:
    """The error for a 2xx `response` whose body is `what` instead of `expected`."""
    return SourceFetchError(
        f"{short_url(response.url)} answered {what}, not {expected} "
        "(a captive portal or proxy?)",
        url=response.url,
        status=response.status,
    )


def json_list(response: Response, origin: str) -> list[Any]:
    """The body's JSON list; SourceFetchError for HTML, invalid JSON or a JSON non-list."""
    try:
        value = loads_bounded(response.text, origin)
    except (json.JSONDecodeError, InputError):
        raise wrong_body(response, describe(response.text), "a JSON list") from None
    if not isinstance(value, list):
        raise wrong_body(response, _json_kind(value), "a JSON list")
    return value


def xml_root(
    response: Response, origin: str, root_names: tuple[str, ...], expected: str
) -> Element:
    """The body's XML root if it is one of `root_names`; SourceFetchError for anything else."""
    text = response.text
    if describe(text) != "an XML document":
        raise wrong_body(response, describe(text), expected)
    try:
        root = parse_xml(text, origin)
    except InputError:
        raise wrong_body(response, "invalid XML", expected) from None
    if local_name(root.tag) not in root_names:
        raise wrong_body(response, f"XML with root <{local_name(root.tag)}>", expected)
    return root
