"""Find papers named on the command line: in a listing, in the store, else fetched from arXiv."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.safe_text import brief
from paperbrief.sources.arxiv_ids import split_version
from paperbrief.sources.references import Reference, parse_reference

MAX_CANDIDATES = 10


def resolve(ref: str, papers: Sequence[Paper]) -> Paper:
    """The one paper `ref` names in `papers`; InputError listing candidates when none or several.

    `ref` is any form parse_reference accepts: an arXiv id or link matches the paper's id
    (versions aside), anything else is a case-insensitive title fragment.
    """
    key = parse_reference(ref).arxiv_id or ref.strip()
    exact = [p for p in papers if p.id == key]
    if exact:
        return exact[0]
    needle = " ".join(key.lower().split())
    matches = [p for p in papers if needle and needle in " ".join(p.title.lower().split())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"no paper matches {brief(ref)!r} (by id or title fragment)")
    shown = "\n".join(f"  {p.id}  {p.display_title}" for p in matches[:MAX_CANDIDATES])
    extra = len(matches) - MAX_CANDIDATES
    more = f"\n  … and {extra} more" if extra > 0 else ""
    raise InputError(
        f"{brief(ref)!r} matches {len(matches)} papers; be more specific:\n{shown}{more}"
    )


def _holds_version(paper: Paper, version: int | None) -> bool:
    """Whether a stored paper is the version asked for (any version will do when none is)."""
    if version is None or paper.version == version:
        return True
    found = split_version(paper.url or "")
    return found is not None and found[1] == str(version)


def find_papers(
    refs: Sequence[Reference],
    listing: Sequence[Paper] | None,
    *,
    stored: Callable[[str], Paper | None],
    fetch: Callable[[list[str]], Sequence[Paper]],
) -> list[Paper]:
    """The papers `refs` name, in order: from `listing` first, then `stored`, else `fetch`ed.

    Title fragments need a listing to search. Every id found neither in the listing nor in the
    store is fetched by one call of `fetch` (arXiv ids, with the version asked for); an id it
    does not return is an InputError: arXiv has no such paper.
    """
    found: dict[int, Paper] = {}
    missing: dict[int, Reference] = {}
    for n, ref in enumerate(refs):
        if ref.arxiv_id is None:
            if listing is None:
                raise InputError(
                    f"{brief(ref.text)!r} is a title fragment, and there is no listing to search: "
                    "pass --input SOURCE, or name the paper by arXiv id or link"
                )
            found[n] = resolve(ref.text, listing)
            continue
        in_listing = [p for p in listing or () if p.id == ref.arxiv_id]
        kept = stored(ref.arxiv_id)
        if in_listing:
            found[n] = in_listing[0]
        elif kept is not None and _holds_version(kept, ref.version):
            found[n] = kept
        else:
            missing[n] = ref
    if missing:
        fetched = {p.id: p for p in fetch([r.versioned_id for r in missing.values()])}
        for n, ref in missing.items():
            if ref.arxiv_id not in fetched:
                raise InputError(f"arXiv has no paper {ref.versioned_id}")
            found[n] = fetched[ref.arxiv_id]  # type: ignore[index]
    return [found[n] for n in range(len(refs))]

