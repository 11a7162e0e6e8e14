"""Paper references as people write them: arXiv ids, arXiv and Hugging Face links, title fragments.

Accepted forms (see `parse_reference`):
- an arXiv id, new style `2401.01234` or old style `astro-ph/0601001`, with or without a version
  (`2401.01234v2`, `hep-th/9901001v1`), optionally prefixed `arXiv:`;
- `arxiv.org/abs/ID`, `arxiv.org/pdf/ID` or `arxiv.org/pdf/ID.pdf` and `huggingface.co/papers/ID`
  links, http or https, with or without `www.`, a trailing slash, a query or a fragment;
- anything else that is not a link and not a broken id is a title fragment, resolved in a listing.

A link to another site, or to an arXiv or Hugging Face page that names no paper, and text that is
almost an id (`2401.123`, `2401.01234v`) are malformed: an InputError naming the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from paperbrief.errors import InputError
from paperbrief.safe_text import brief

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
# ASCII digits only (re.ASCII: no Arabic-Indic or fullwidth digits); a version is 1 to 3 digits
# and never v0 (arXiv numbers versions from v1)
_ID_RE = re.compile(
    rf"^(?:arxiv:)?({_NEW_ID}|{_OLD_ID})(?:v([1-9]\d{{0,2}}))?$", re.IGNORECASE | re.ASCII
)
# text that looks like an attempt at an id, so it is not taken for a title fragment
_ALMOST_ID_RE = re.compile(
    r"^(?:arxiv:)?(?:\d{4}\.\d*|\d{8,9}|[a-z\-]+(?:\.[a-z]{2})?/\d{4,})(?:v\d*)?$",
    re.IGNORECASE | re.ASCII,
)
_ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org"}
_HF_HOSTS = {"huggingface.co", "hf.co"}
_URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://|www\.)", re.IGNORECASE)
FORMS = (
    "an arXiv id (2401.01234, 2401.01234v2, astro-ph/0601001), an arxiv.org/abs, arxiv.org/pdf "
    "or huggingface.co/papers link, or a title fragment"
)


@dataclass(frozen=True)
class Reference:
    """One parsed reference: an arXiv id (version optional) or a title fragment."""

    text: str
    arxiv_id: str | None = None  # without version
    version: int | None = None

    @property
    def is_id(self) -> bool:
        return self.arxiv_id is not None

    @property
    def versioned_id(self) -> str:
        """The id as arXiv's id_list takes it: with the version asked for, if any."""
        if self.arxiv_id is None:
            raise ValueError(f"{self.text!r} is a title fragment, not an arXiv id")
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


def _from_id(text: str, candidate: str) -> Reference | None:
    match = _ID_RE.match(candidate)
    if not match:
        return None
    version = int(match.group(2)) if match.group(2) else None
    return Reference(text=text, arxiv_id=match.group(1), version=version)


def _from_url(text: str) -> Reference:
    url = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # 'Invalid IPv6 URL': a '[' with no ']'
        raise InputError(f"{brief(text)!r} is not a paper reference: {exc}") from None
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.strip("/")
    candidate = ""
    if parts.scheme.lower() in ("http", "https") and host in _ARXIV_HOSTS:
        kind, _, rest = path.partition("/")
        if kind in ("abs", "pdf"):
            candidate = rest.removesuffix(".pdf")
    elif parts.scheme.lower() in ("http", "https") and host in _HF_HOSTS:
        kind, _, rest = path.partition("/")
        if kind == "papers":
            candidate = rest
    found = _from_id(text, candidate) if candidate else None
    if found is None:
        raise InputError(f"{brief(text)!r} is not a paper reference; expected {FORMS}")
    return found


def parse_reference(text: str) -> Reference:
    """The reference `text` stands for; InputError (exit 2) when it is malformed."""
    cleaned = text.strip()
    if not cleaned:
        raise InputError(f"{brief(text)!r} is not a paper reference; expected {FORMS}")
    if _URL_RE.match(cleaned) or re.match(r"^[\w.\-]+\.(?:org|co|com)/", cleaned, re.I):
        return _from_url(cleaned)
    found = _from_id(text, cleaned)
    if found is not None:
        return found
    if _ALMOST_ID_RE.match(cleaned):
        if re.search(r"v0+$", cleaned, re.I):
            raise InputError(f"{brief(text)!r} is not a valid arXiv id: versions start at v1")
        raise InputError(f"{brief(text)!r} is not a valid arXiv id; expected {FORMS}")
    return Reference(text=text)


def check_distinct(refs: list[Reference]) -> None:
    """InputError when two references name one arXiv paper (versions aside: v1 and v2 are one)."""
    seen: dict[str, Reference] = {}
    for ref in refs:
        if ref.arxiv_id is None:
            continue
        if ref.arxiv_id in seen:
            raise InputError(
                f"{seen[ref.arxiv_id].text!r} and {ref.text!r} name the same paper "
                f"({ref.arxiv_id}); compare two different papers"
            )
        seen[ref.arxiv_id] = ref
