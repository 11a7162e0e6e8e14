"""The parsed interests profile, cached by the file's content (issue 28, item 25).

A 52 MB BibTeX export (94,000 entries) took bibtexparser 3 min 26 s and 540 MB on every run,
though the file rarely changes. A profile of at least `MIN_BYTES` is kept, parsed and checked
(its warnings included), as JSON in `$PAPERBRIEF_CACHE_DIR` (default: the user cache folder,
e.g. ~/.cache/paperbrief/profiles), named by the SHA-256 of the file's bytes, its path and this
paperbrief's version. Any change to the file, a move, or an upgrade parses it again. The newest
`KEEP` entries are kept. A cache that cannot be read or written only costs the parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paperbrief.relate.interests import Profile

log = logging.getLogger("paperbrief")

CACHE_ENV = "PAPERBRIEF_CACHE_DIR"
MIN_BYTES = 64 * 1024  # below this, parsing costs less than it is worth keeping
KEEP = 8
FORMAT = 1  # bump when the stored shape changes


def cache_dir() -> Path:
    """$PAPERBRIEF_CACHE_DIR, else the user cache folder's `profiles` (platformdirs)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("paperbrief")) / "profiles"


def _entry(path: Path, raw: bytes) -> Path:
    from paperbrief import __version__

    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{__version__}\0{path.resolve()}\0".encode("utf-8", "replace"))
    digest.update(raw)
    return cache_dir() / f"{digest.hexdigest()}.json"


def load(path: Path, raw: bytes) -> Profile | None:
    """The profile parsed from these bytes at `path` before, if it was cached."""
    if len(raw) < MIN_BYTES:
        return None
    entry = _entry(path, raw)
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        profile = _from_dict(path, data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.info("profile cache %s unreadable (%s): parsing %s again", entry, exc, path)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # the newest are kept
    log.info("interests profile %s read from the cache", path)
    return profile


def save(path: Path, raw: bytes, profile: Profile) -> None:
    """Keep `profile`, parsed from `raw` at `path`, for the next run (atomically)."""
    if len(raw) < MIN_BYTES:
        return
    entry = _entry(path, raw)
    data = {k: v for k, v in asdict(profile).items() if k != "path"}
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".profile-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(entry.parent)
    except (OSError, ValueError) as exc:  # ValueError: text no encoding can write
        log.info("cannot cache the profile %s in %s: %s", path, entry.parent, exc)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return value


def _from_dict(path: Path, data: Any) -> Profile:
    from paperbrief.relate.interests import LikedPaper, Profile

    if not isinstance(data, dict) or not isinstance(data.get("description"), str):
        raise ValueError("not a cached profile")
    papers = []
    for item in data["papers"]:
        if not isinstance(item, dict):
            raise ValueError("not a cached liked paper")
        papers.append(LikedPaper(ref=str(item["ref"]), arxiv_id=item.get("arxiv_id"),
                                 title=str(item.get("title", "")),
                                 abstract=str(item.get("abstract", ""))))
    return Profile(path=path, description=data["description"],
                   keywords=_strings(data["keywords"]), authors=_strings(data["authors"]),
                   papers=papers, exclude=_strings(data["exclude"]),
                   warnings=_strings(data["warnings"]))
