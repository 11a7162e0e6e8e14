"""Likes and dislikes: finding the papers a reader marks, and marks as a portable JSON file.

The export is one JSON document, `{"paperbrief_marks": 1, "marks": [...]}`, each mark with its
reader, paper id, mark, time and the paper itself (title, abstract, authors...), so an import
into an empty store needs no fetch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from paperbrief.errors import InputError
from paperbrief.models import Paper
from paperbrief.store.marks import DEFAULT_READER, Mark

READER_ENV = "PAPERBRIEF_READER"
EXPORT_VERSION = 1
MAX_READER_CHARS = 100


def reader_name(option: str | None) -> str:
    """The reader marks belong to: --reader, else $PAPERBRIEF_READER, else 'default'."""
    name = option if option is not None else os.environ.get(READER_ENV, "") or DEFAULT_READER
    name = " ".join(name.split())
    if not name or len(name) > MAX_READER_CHARS:
        raise InputError(f"--reader {option!r}: a reader is a name of 1 to "
                         f"{MAX_READER_CHARS} characters")
    return name


def mark_as_dict(mark: Mark) -> dict[str, Any]:
    """One mark as exported and as `marks --json` prints it."""
    return {
        "reader": mark.reader,
        "id": mark.paper_id,
        "mark": mark.mark,
        "marked": mark.marked,
        "title": mark.paper.title if mark.paper else None,
        "paper": mark.paper.model_dump(mode="json") if mark.paper else None,
    }


def export_marks(marks: Sequence[Mark]) -> str:
    """The JSON document of `marks`."""
    doc = {"paperbrief_marks": EXPORT_VERSION, "marks": [mark_as_dict(m) for m in marks]}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def parse_export(text: str, where: str) -> list[tuple[str, str, str, str | None, Paper | None]]:
    """(reader, id, mark, marked, paper) of each mark of an export; InputError naming the first
    thing wrong in it."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(doc, dict) or doc.get("paperbrief_marks") != EXPORT_VERSION \
            or not isinstance(doc.get("marks"), list):
        raise InputError(f"{where}: not a paperbrief marks export "
                         f"(expected {{\"paperbrief_marks\": {EXPORT_VERSION}, \"marks\": [...]}})")
    out = []
    for n, item in enumerate(doc["marks"], 1):
        if not isinstance(item, dict):
            raise InputError(f"{where}: mark {n} is not an object")
        reader, pid, mark = item.get("reader"), item.get("id"), item.get("mark")
        if not isinstance(pid, str) or not pid.strip():
            raise InputError(f"{where}: mark {n} has no paper id")
        if mark not in ("like", "dislike"):
            raise InputError(f"{where}: mark {n} ({pid}) is {mark!r}, not 'like' or 'dislike'")
        if not isinstance(reader, str):
            raise InputError(f"{where}: mark {n} ({pid}) has no reader")
        marked = item.get("marked") if isinstance(item.get("marked"), str) else None
        paper = None
        if item.get("paper") is not None:
            try:
                paper = Paper.model_validate(item["paper"])
            except ValidationError as exc:
                first = exc.errors()[0]
                raise InputError(f"{where}: mark {n} ({pid}): bad paper: "
                                 f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
            if paper.id != pid:
                raise InputError(f"{where}: mark {n}: paper {paper.id} under id {pid}")
        out.append((reader_name(reader), pid.strip(), mark, marked, paper))
    return out


def read_export(path: Path) -> str:
    """The text of an export file ('-': standard input)."""
    if str(path) == "-":
        import sys

        return sys.stdin.read()
    try:
        return path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc


def resolve_marked(refs: Sequence[str], marks: Sequence[Mark],
                   parse: Callable[[str], Any]) -> list[str]:
    """The ids of marked papers `refs` name: arXiv ids and links, or title fragments of marked
    papers (one match each)."""
    from paperbrief.sources.lookup import resolve

    papers = [m.paper or Paper(id=m.paper_id, abstract="", source="marks") for m in marks]
    ids = []
    for ref in refs:
        parsed = parse(ref)
        if parsed.arxiv_id is not None:
            ids.append(parsed.arxiv_id)
        elif any(m.paper_id == ref.strip() for m in marks):
            ids.append(ref.strip())
        else:
            ids.append(resolve(ref, papers).id)
    return list(dict.fromkeys(ids))
