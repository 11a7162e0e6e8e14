"""arXiv identifiers: find them in URLs and prefixes, strip versions, build abstract URLs."""

from __future__ import annotations

import re

_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
# ASCII digits only (Unicode's \d takes '٢٤٠١.٠١٢٣٤' and fullwidth digits, which would then
# bypass the duplicate check)
_VERSION = r"(v\d+)"
_BARE = re.compile(rf"^{_ID}{_VERSION}?$", re.ASCII)
_EMBEDDED = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|arxiv:|oai:arxiv\.org:){_ID}{_VERSION}?(?:\.pdf)?(?:[?#/]|$)",
    re.IGNORECASE | re.ASCII,
)


def split_version(text: str) -> tuple[str, str | None] | None:
    """('2609.28471', 'v1') for '2609.28471v1' or an arXiv URL/prefix; None if not an arXiv id."""
    text = text.strip()
    match = _BARE.match(text) or _EMBEDDED.search(text)
    if not match:
        return None
    version = match.group(2)
    return match.group(1), version[1:] if version else None


def without_version(paper_id: str) -> str:
    """'2401.00001' for '2401.00001v2'; any other id unchanged."""
    match = _BARE.match(paper_id)
    return match.group(1) if match else paper_id


def arxiv_id(text: str | None) -> str | None:
    """The arXiv id without version found in `text` (bare id, abs/pdf URL, 'arXiv:' prefix)."""
    if not text:
        return None
    found = split_version(text)
    return found[0] if found else None


def arxiv_version(*texts: str | None) -> int | None:
    """2 for the first of `texts` naming an arXiv id with 'v2'; None when none gives a version."""
    for text in texts:
        found = split_version(text) if text else None
        if found and found[1] and len(found[1]) <= 6 and int(found[1]) > 0:  # no v0
            return int(found[1])
    return None


def abs_url(paper_id: str) -> str:
    """The arXiv abstract page of an id."""
    return f"https://arxiv.org/abs/{paper_id}"
