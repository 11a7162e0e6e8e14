"""Reading a Chat Completions answer and judging it: JSON, schema, then number grounding."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from paperbrief.engines.llm.numbers import ground_bare_numbers, log_repairs
from paperbrief.engines.llm.repair import repair
from paperbrief.models import ComparisonDraft, TakeawayDraft
from paperbrief.numbers import ungrounded

D = TypeVar("D", bound=BaseModel)
Status = Literal["ok", "repaired", "invalid", "ungrounded", "refusal", "length", "error"]

# a reasoning block written before the answer (vLLM without a reasoning parser, Groq and Together
# DeepSeek-R1: <think>; Bedrock gpt-oss: <reasoning>); an unclosed one means no answer followed
_LEADING_REASONING_RE = re.compile(
    r"^\s*<(think|thinking|reasoning)>.*?</\1>\s*", re.DOTALL | re.IGNORECASE
)
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
    completion_tokens: int = 0  # billed output: the answer plus any reasoning tokens
    cached_tokens: int = 0
    reasoning_tokens: int = 0  # of completion_tokens, the hidden thinking


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


def answer_text(content: Any) -> str | None:
    """The answer in a message's `content`: a string, or the text parts of a list of parts
    (Mistral magistral: ``[{"type": "thinking", ...}, {"type": "text", "text": ...}]``), with a
    leading reasoning block removed. Reasoning *fields* (`reasoning`, `reasoning_content`,
    `reasoning_details`) are never read."""
    if isinstance(content, list):
        parts = [
            p.get("text")
            for p in content
            if isinstance(p, Mapping) and p.get("type", "text") == "text"
        ]
        texts = [t for t in parts if isinstance(t, str)]
        content = "".join(texts) if texts else None
    if not isinstance(content, str):
        return None
    return _LEADING_REASONING_RE.sub("", content, count=1)


def _usage(usage: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """(prompt, billed completion, cached, reasoning) tokens of a `usage` object.

    Some servers leave the thinking out of `completion_tokens` (Gemini: total 100 = 66 prompt +
    6 completion + 28 thinking); it is billed as output, so it is added back: the difference to
    `total_tokens`, else `completion_tokens_details.reasoning_tokens` when that exceeds it."""
    prompt = _int(usage.get("prompt_tokens"))
    completion = _int(usage.get("completion_tokens"))
    total = _int(usage.get("total_tokens"))
    details = usage.get("completion_tokens_details")
    stated = _int(details.get("reasoning_tokens")) if isinstance(details, Mapping) else 0
    hidden = max(0, total - prompt - completion)
    if not total and stated > completion:
        hidden = stated
    cached_details = usage.get("prompt_tokens_details")
    cached = _int(cached_details.get("cached_tokens")) if isinstance(cached_details, Mapping) else 0
    return prompt, completion + hidden, cached, max(stated, hidden)


def read_completion(body: Mapping[str, Any]) -> Reply:
    """A raw `chat.completion` JSON body (API answer or batch output line body) as a Reply."""
    choices = body.get("choices") or []
    choice = choices[0] if choices and isinstance(choices[0], Mapping) else {}
    message = choice.get("message") or {}
    usage = body.get("usage")
    prompt, completion, cached, reasoning = _usage(usage if isinstance(usage, Mapping) else {})
    refusal = message.get("refusal")
    return Reply(
        content=answer_text(message.get("content")),
        refusal=refusal if isinstance(refusal, str) and refusal else None,
        finish_reason=choice.get("finish_reason"),
        model=body.get("model"),
        prompt_tokens=prompt,
        completion_tokens=completion,
        cached_tokens=cached,
        reasoning_tokens=reasoning,
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


CONTENT_FILTERED = "the reply was stopped by the content filter"
LENGTH_NO_ANSWER = (
    "the reply was cut off before any answer (finish_reason=length, reasoning used the token "
    "budget): raise --max-tokens / PAPERBRIEF_MAX_TOKENS"
)


def _unwrap(data: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """The answer inside a tool-call-like wrapper ``{"name": ..., "arguments": {...}}`` (Ollama
    llama3.1 in JSON mode), else `data` itself."""
    args = data.get("arguments")
    wrapped = set(data) == {"name", "arguments"} and isinstance(args, dict)
    if wrapped and not set(args) - set(model.model_fields):
        return args
    return data


def _ground_bare(data: dict[str, Any], model: type[D], source: str
                 ) -> tuple[D, list[str]] | None:
    """The draft with its bare numbers read as the paper writes them (engines/llm_numbers.py),
    when that grounds every number; else None (the answer is re-asked)."""
    notes: list[str] = []
    fixed = ground_bare_numbers(data, source, notes)
    if not notes:
        return None
    try:
        draft = model.model_validate(fixed)
    except ValidationError:
        return None
    texts = _texts(draft)
    if grounding_error(texts, source):
        return None
    log_repairs(notes)
    return draft, notes


def _texts(draft: object) -> tuple[str, ...] | list[str]:
    """The fields of a draft whose numbers must stand in the source (number grounding)."""
    if isinstance(draft, TakeawayDraft):
        return takeaway_texts(draft)
    if isinstance(draft, ComparisonDraft):
        return comparison_texts(draft)
    return ()


def judge(reply: Reply, model: type[D], source: str) -> Verdict[D]:
    """Check a reply in order: refusal/truncation, JSON, local repair, schema, number grounding.

    Works on any Reply, e.g. `read_completion` of a Batch API output line's response body.
    """
    if reply.finish_reason == "content_filter":
        return Verdict("refusal", error=CONTENT_FILTERED)
    if reply.refusal:
        return Verdict("refusal", error=f"refused: {redact(reply.refusal)}")
    cut = reply.finish_reason == "length"
    if not reply.content:
        if cut:  # the reasoning used every token: "be briefer" cannot help, room can
            return Verdict("length", error=LENGTH_NO_ANSWER)
        return Verdict("invalid", error="the reply had no content")
    try:
        data = parse_json_content(reply.content)
    except ValueError as exc:
        if cut:
            return Verdict("length", error="the reply was cut off (finish_reason=length); be "
                           "briefer")
        return Verdict("invalid", error=f"the reply is not valid JSON ({exc})")
    if not isinstance(data, dict):
        return Verdict("invalid", error="the reply must be one JSON object")
    data = _unwrap(data, model)
    data, repairs = repair(data, model)
    try:
        draft = model.model_validate(data)
    except ValidationError as exc:
        return Verdict("invalid", error=f"schema errors: {validation_message(exc)}")
    texts = _texts(draft)
    error = grounding_error(texts, source)
    if error:
        fixed = _ground_bare(data, model, source)
        if fixed is None:
            return Verdict("ungrounded", error=error)
        draft, number_notes = fixed
        repairs = [*repairs, *number_notes]
    if repairs:
        return Verdict("repaired", draft=draft, error="repaired: " + "; ".join(repairs))
    return Verdict("ok", draft=draft)
