"""Local repair of an LLM answer: fix what a program can fix without changing meaning.

Applied to the decoded JSON before schema validation, so a cosmetic slip costs no re-ask:
- whitespace normalised in every string (runs of spaces and newlines become one space);
- surplus list items dropped (key numbers, tags, differences beyond the schema's maximum);
- a tag over the length limit shortened at a word boundary, or dropped when no word fits;
  empty and repeated tags dropped.
Everything else (invalid JSON, missing fields, ungrounded numbers, a takeaway over the word
limit, an overlong sentence) needs the model and is re-asked. These are hand-written rules: no
library knows this schema's limits, which come from paperbrief.models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from paperbrief.models import (
    MAX_DIFFERENCES,
    MAX_KEY_NUMBERS,
    MAX_TAGS,
    ComparisonDraft,
    TakeawayDraft,
)

TAG_MAX_CHARS = 40
_LIST_LIMITS: dict[type[BaseModel], dict[str, int]] = {
    TakeawayDraft: {"key_numbers": MAX_KEY_NUMBERS, "tags": MAX_TAGS},
    ComparisonDraft: {"differences": MAX_DIFFERENCES},
}


def _squash(value: Any) -> Any:
    """`value` with every string inside it whitespace-normalised."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_squash(v) for v in value]
    if isinstance(value, dict):
        return {k: _squash(v) for k, v in value.items()}
    return value


def _short_tag(tag: str) -> str:
    """The longest run of whole leading words of `tag` within the limit ('' when none fits)."""
    out = ""
    for word in tag.split():
        candidate = f"{out} {word}" if out else word
        if len(candidate) > TAG_MAX_CHARS:
            break
        out = candidate
    return out


def _repair_tags(tags: list[Any], notes: list[str]) -> list[Any]:
    kept: list[Any] = []
    seen: set[str] = set()
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            kept.append(tag)  # not ours to fix: validation reports it
            continue
        if len(tag) > TAG_MAX_CHARS:
            tag = _short_tag(tag)
            what = "shortened" if tag else "dropped"
            notes.append(f"tags.{i} {what} (over {TAG_MAX_CHARS} chars)")
            if not tag:
                continue
        if not tag or tag.lower() in seen:
            notes.append(f"tags.{i} dropped ({'repeated' if tag else 'empty'})")
            continue
        seen.add(tag.lower())
        kept.append(tag)
    return kept


def repair(data: dict[str, Any], model: type[BaseModel]) -> tuple[dict[str, Any], list[str]]:
    """(repaired copy of `data`, one note per repair) for an answer meant to be a `model`."""
    notes: list[str] = []
    fixed = _squash(data)
    if fixed != data:
        notes.append("whitespace normalised")
    if model is TakeawayDraft and isinstance(fixed.get("tags"), list):
        fixed["tags"] = _repair_tags(fixed["tags"], notes)
    for name, limit in _LIST_LIMITS.get(model, {}).items():
        items = fixed.get(name)
        if isinstance(items, list) and len(items) > limit:
            notes.append(f"{name}: {len(items) - limit} surplus item(s) dropped")
            fixed[name] = items[:limit]
    return fixed, notes
