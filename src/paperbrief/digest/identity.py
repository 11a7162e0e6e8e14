"""What makes two digests the same digest, for delivery: the period, the sources and the profile.

A digest is mailed once per identity and address. The identity is the period's label plus a short
hash of the sources (each local file by its resolved path, each live spec as written, in any order,
duplicates ignored) and of the interests profile's resolved path (none: ""). So a rerun of the same
command in the same period is not mailed again (not even if the listing changed: cron reruns a
live source), while another listing or another profile for the same period is another digest and
is mailed. Records written before identities existed (the bare period label) count as the same
digest as any run of that period, so an upgrade never re-mails a period.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path


def _source(spec: str) -> str:
    path = Path(spec).expanduser()
    try:
        if path.exists():
            return "file:" + os.path.realpath(path)
    except (OSError, ValueError):
        pass
    return "spec:" + spec.strip()


def digest_key(sources: Sequence[str], profile: Path | None) -> str:
    """12 hex digits naming the sources and the profile (see the module docstring)."""
    parts = {
        "sources": sorted({_source(s) for s in sources}),
        "profile": os.path.realpath(profile) if profile is not None else "",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def delivery_period(label: str, key: str | None) -> str:
    """The `period` a delivery is recorded under: `label #key` (the bare label without a key)."""
    return f"{label} #{key}" if key else label
