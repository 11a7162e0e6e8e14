"""Find papers named on the command line: by arXiv id or id, else by title fragment."""

from __future__ import annotations

import re
from collections.abc import Sequence

from paperbrief.errors import InputError
from paperbrief.models import Paper

_VERSION = re.compile(r"v\d+$")
MAX_CANDIDATES = 10


def _clean(ref: str) -> str:
    ref = ref.strip()
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "arxiv:", "arXiv:"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
    return _VERSION.sub("", ref) if re.match(r"^\d{4}\.\d{4,5}v\d+$", ref) else ref


def resolve(ref: str, papers: Sequence[Paper]) -> Paper:
    """The one paper `ref` names; InputError listing candidates when none or several match."""
    key = _clean(ref)
    exact = [p for p in papers if p.id == key]
    if exact:
        return exact[0]
    needle = " ".join(key.lower().split())
    matches = [p for p in papers if needle and needle in " ".join(p.title.lower().split())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"no paper matches {ref!r} (by id or title fragment)")
    shown = "\n".join(f"  {p.id}  {p.display_title}" for p in matches[:MAX_CANDIDATES])
    extra = len(matches) - MAX_CANDIDATES
    more = f"\n  … and {extra} more" if extra > 0 else ""
    raise InputError(f"{ref!r} matches {len(matches)} papers; be more specific:\n{shown}{more}")
