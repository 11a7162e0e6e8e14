"""Reading a Chat Completions answer and judging it: JSON, schema, then number grounding."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from paperbrief.engines.llm_repair import repair
from paperbrief.models import ComparisonDraft, TakeawayDraft
from paperbrief.numbers import ungrounded

D = TypeVar("D", bound=BaseModel)
Status = Literal["ok", "repaired", "invalid", "ungrounded", "refusal", "length", "error"]

_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL | re.IGNORECASE)
_SECRET_RE = re.compile(r"\b(sk-[A-Za-z0-9*_\-]{3})[A-Za-z0-9*_\-]{3,}")
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class Reply:
    """The parts of one chat completion that paperbrief uses."""

    content: str | None
    refusal: str | None
    finish_reason: str | None
    model: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0


@dataclass(frozen=True)
class Verdict(Generic[D]):
    """A judged reply: the validated draft when status is 'ok' or 'repaired', else the error to
    re-ask with. A 'repaired' draft needed local fixes, listed in `error` ("repaired: ...")."""

    status: Status
    draft: D | None = None
    error: str | None = None


def redact(text: str) -> str:
    """`text` with anything shaped like an API key masked, squashed to one bounded line."""
    line = " ".join(_SECRET_RE.sub(r"\1***", text).split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def read_completion(body: Mapping[str, Any]) -> Reply:
    """A raw `chat.completion` JSON body (API answer or batch output line body) as a Reply."""
    choices = body.get("choices") or []
    choice = choices[0] if choices and isinstance(choices[0], Mapping) else {}
    message = choice.get("message") or {}
    usage = body.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    content = message.get("content")
    refusal = message.get("refusal")
    return Reply(
        content=content if isinstance(content, str) else None,
        refusal=refusal if isinstance(refusal, str) and refusal else None,
        finish_reason=choice.get("finish_reason"),
        model=body.get("model"),
        prompt_tokens=_int(usage.get("prompt_tokens")),
        completion_tokens=_int(usage.get("completion_tokens")),
        cached_tokens=_int(details.get("cached_tokens")),
    )


def parse_json_content(content: str) -> Any:
    """Decode a reply's JSON, tolerating a Markdown code fence around it (json_object mode)."""
    fenced = _FENCE_RE.match(content)
    return json.loads(fenced.group(1) if fenced else content)


def validation_message(exc: ValidationError) -> str:
    """A pydantic error as one line: 'field.path: message; ...'."""
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def takeaway_texts(draft: TakeawayDraft) -> Iterable[tuple[str, str]]:
    """(field, text) pairs of a takeaway whose numbers must be grounded."""
    yield from (("takeaway", draft.takeaway), ("problem", draft.problem))
    yield from (("method", draft.method), ("result", draft.result))
    for i, kn in enumerate(draft.key_numbers):
        yield (f"key_numbers.{i}.value", kn.value)
        yield (f"key_numbers.{i}.context", kn.context)


def comparison_texts(draft: ComparisonDraft) -> Iterable[tuple[str, str]]:
    """(field, text) pairs of a comparison whose numbers must be grounded."""
    yield from (("summary", draft.summary), ("shared_ground", draft.shared_ground))
    for i, diff in enumerate(draft.differences):
        yield (f"differences.{i}.aspect", diff.aspect)
        yield (f"differences.{i}.a", diff.a)
        yield (f"differences.{i}.b", diff.b)
    yield from (("prefer_a_when", draft.prefer_a_when), ("prefer_b_when", draft.prefer_b_when))


def grounding_error(texts: Iterable[tuple[str, str]], source: str) -> str | None:
    """Which numbers the texts state that `source` does not, or None when all are grounded."""
    problems = []
    for field, text in texts:
        missing = ungrounded(text, source)
        if missing:
            problems.append(f"{field} states {', '.join(repr(m) for m in missing)}")
    if not problems:
        return None
    return "numbers not found in the paper text: " + "; ".join(problems)


def judge(reply: Reply, model: type[D], source: str) -> Verdict[D]:
    """Check a reply in order: refusal/truncation, JSON, local repair, schema, number grounding.

    Works on any Reply, e.g. `read_completion` of a Batch API output line's response body.
    """
    if reply.finish_reason == "length":
        return Verdict("length", error="the reply was cut off (finish_reason=length); be briefer")
    if reply.finish_reason == "content_filter":
        return Verdict("refusal", error="the reply was stopped by the content filter")
    if reply.refusal:
        return Verdict("refusal", error=f"refused: {redact(reply.refusal)}")
    if not reply.content:
        return Verdict("invalid", error="the reply had no content")
    try:
        data = parse_json_content(reply.content)
    except ValueError as exc:
        return Verdict("invalid", error=f"the reply is not valid JSON ({exc})")
    if not isinstance(data, dict):
        return Verdict("invalid", error="the reply must be one JSON object")
    data, repairs = repair(data, model)
    try:
        draft = model.model_validate(data)
    except ValidationError as exc:
        return Verdict("invalid", error=f"schema errors: {validation_message(exc)}")
    texts = (
        takeaway_texts(draft)
        if isinstance(draft, TakeawayDraft)
        else comparison_texts(draft)
        if isinstance(draft, ComparisonDraft)
        else ()
    )
    error = grounding_error(texts, source)
    if error:
        return Verdict("ungrounded", error=error)
    if repairs:
        return Verdict("repaired", draft=draft, error="repaired: " + "; ".join(repairs))
    return Verdict("ok", draft=draft)
