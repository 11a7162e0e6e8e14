"""Prompt templates (top-level `prompts/`): rendering, strict output schemas and prompt versions."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import jinja2
from pydantic import BaseModel

from paperbrief.models import (
    MAX_DIFFERENCES,
    MAX_KEY_NUMBERS,
    MAX_TAGS,
    TAKEAWAY_MAX_WORDS,
    ComparisonDraft,
    Paper,
    TakeawayDraft,
)

Kind = Literal["takeaway", "comparison"]
Message = dict[str, str]

OUTPUT_MODELS: dict[str, type[BaseModel]] = {
    "takeaway": TakeawayDraft,
    "comparison": ComparisonDraft,
}
SCHEMA_NAMES = {"takeaway": "takeaway", "comparison": "comparison"}

# JSON-schema keywords that OpenAI's strict mode has rejected on some models; the limits they
# carry are moved into the description and enforced by pydantic validation instead.
_STRICT_DROP = ("minLength", "maxLength", "minItems", "maxItems", "default")
_DELIMITER_TAG_RE = re.compile(r"</?\s*(?:paper|title|abstract)\b[^>]*>", re.IGNORECASE)
_REPO_PROMPTS = Path(__file__).resolve().parents[4] / "prompts"


def prompts_dir() -> Traversable:
    """The shipped templates (`paperbrief/prompts` in a wheel), else the repo's `prompts/`."""
    shipped = resources.files("paperbrief") / "prompts"
    if shipped.is_dir():
        return shipped
    return _REPO_PROMPTS


def _template_files(kind: str) -> list[str]:
    return [f"{kind}.system.j2", f"{kind}.user.j2", "reask.j2"]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    root = prompts_dir()
    sources = {}
    for name in (*_template_files("takeaway"), *_template_files("comparison")):
        sources[name] = (root / name).read_text(encoding="utf-8")
    return jinja2.Environment(
        loader=jinja2.DictLoader(sources),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, **context: Any) -> str:
    """Render template `name` (e.g. 'takeaway.user.j2'); a missing variable raises."""
    return _environment().get_template(name).render(**context).strip()


def untrusted(text: str) -> str:
    """Paper text made safe to quote between the prompt's tags: one line, no delimiter tags."""
    return " ".join(_DELIMITER_TAG_RE.sub(" ", text).split())


def _describe_limits(node: dict[str, Any]) -> None:
    notes = []
    if "maxLength" in node:
        notes.append(f"at most {node['maxLength']} characters")
    if "minItems" in node and node["minItems"] > 0:
        notes.append(f"at least {node['minItems']} items")
    if "maxItems" in node:
        notes.append(f"at most {node['maxItems']} items")
    if notes:
        desc = node.get("description", "")
        node["description"] = (desc + " " if desc else "") + "(" + ", ".join(notes) + ")"


def _strictify(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_strictify(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if "$ref" in node and len(node) > 1:  # a $ref with siblings: inline the target
        target = defs[node.pop("$ref").split("/")[-1]]
        node = {**copy.deepcopy(target), **node}
    _describe_limits(node)
    for key in _STRICT_DROP:
        node.pop(key, None)
    if node.get("type") == "object" and "properties" in node:
        node["additionalProperties"] = False
        node["required"] = list(node["properties"])
    return {key: _strictify(value, defs) for key, value in node.items()}


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in OpenAI strict form: all properties required, no extras."""
    raw = model.model_json_schema()
    return _strictify(raw, raw.get("$defs", {}))


@lru_cache(maxsize=4)
def schema_for(kind: str) -> dict[str, Any]:
    """The strict JSON schema of the answer to a `kind` prompt."""
    return strict_schema(OUTPUT_MODELS[kind])


def schema_text(kind: str) -> str:
    """The strict schema as compact, stable JSON (for json_object mode prompts)."""
    return json.dumps(schema_for(kind), sort_keys=True, separators=(",", ":"))


def compute_version(kind: str, root: Traversable | Path, schema: str) -> str:
    """Short hash of the templates of `kind` under `root` plus the output `schema` text."""
    digest = hashlib.sha256()
    for name in _template_files(kind):
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    digest.update(schema.encode())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=4)
def prompt_version(kind: str) -> str:
    """The version of `kind` prompts: changes when a template or the output schema does."""
    return compute_version(kind, prompts_dir(), schema_text(kind))


def _limits() -> dict[str, int]:
    return {
        "max_words": TAKEAWAY_MAX_WORDS,
        "max_key_numbers": MAX_KEY_NUMBERS,
        "max_tags": MAX_TAGS,
        "max_differences": MAX_DIFFERENCES,
    }


def _messages(kind: str, schema_in_prompt: bool, **user: str) -> list[Message]:
    schema = schema_text(kind) if schema_in_prompt else ""
    return [
        {"role": "system", "content": render(f"{kind}.system.j2", schema=schema, **_limits())},
        {"role": "user", "content": render(f"{kind}.user.j2", **user)},
    ]


def takeaway_messages(paper: Paper, *, schema_in_prompt: bool = False) -> list[Message]:
    """System and user messages asking for a takeaway of `paper`."""
    return _messages(
        "takeaway",
        schema_in_prompt,
        title=untrusted(paper.title) or "(none)",
        abstract=untrusted(paper.abstract),
    )


def comparison_messages(a: Paper, b: Paper, *, schema_in_prompt: bool = False) -> list[Message]:
    """System and user messages asking to compare paper `a` with paper `b`."""
    return _messages(
        "comparison",
        schema_in_prompt,
        a_title=untrusted(a.title) or "(none)",
        a_abstract=untrusted(a.abstract),
        b_title=untrusted(b.title) or "(none)",
        b_abstract=untrusted(b.abstract),
    )


def reask_message(error: str) -> Message:
    """The user message that sends the exact validation error back to the model."""
    return {"role": "user", "content": render("reask.j2", error=error)}
