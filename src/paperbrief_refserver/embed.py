"""The reference server's POST /v1/embeddings: deterministic vectors that carry some meaning.

A text's vector is its stemmed content words (paperbrief's own tokenizer, stopwords out) hashed
into `DIMENSIONS` signed features, each word counted once, L2-normalised, plus a direction all
texts share (`COMMON` of the length; real embedding models have one too, which is why unrelated
abstracts of one field sit near 0.2 and not at 0), then L2-normalised: two texts sharing words
point the same way. Unlike TF-IDF, every word weighs the same (no idf, the title is not
counted twice), and a small table of `CONCEPTS` folds words that mean the same thing into one
feature ('picture' = 'image', 'LLM' = 'language model') weighing `CONCEPT_WEIGHT` words, the way
a real embedding model relates paraphrases that share no word. The answers have OpenAI's shape:
`data[{object, index, embedding}]` (a list of floats, or base64 float32 with `encoding_format:
base64`, which the OpenAI SDK asks for by default), `model` and `usage`; more than `MAX_INPUTS`
inputs, an empty or non-string input, or a model that is not an embedding model get OpenAI's 400
or 404.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

import numpy as np

from paperbrief.text import content_tokens, stem

DIMENSIONS = 256
CONCEPT_WEIGHT = 3.0  # a concept says more about a text than any one word
COMMON = 0.45  # weight of the shared direction: texts with no word in common are at ~0.17
MAX_INPUTS = 2048  # OpenAI's limit of inputs per request

# stems that stand for one concept (hand-written: the reference server's whole "semantics")
CONCEPTS: dict[str, str] = {
    **dict.fromkeys(("imag", "pictur", "photo", "visual", "vision"), "concept:image"),
    **dict.fromkeys(("llm", "languag"), "concept:language-model"),
    **dict.fromkeys(("speech", "audio", "voic", "spoken"), "concept:speech"),
    **dict.fromkeys(("robot", "embodi", "manipul"), "concept:robot"),
    **dict.fromkeys(("video", "movi", "clip"), "concept:video"),
    **dict.fromkeys(("code", "program", "softwar"), "concept:code"),
    **dict.fromkeys(("math", "mathemat", "arithmet", "theorem"), "concept:math"),
}


def features(text: str) -> list[str]:
    """The distinct features of a text: its stems, with `CONCEPTS` folded, in first-seen order."""
    stems = (stem(w) for w in content_tokens(text))
    return list(dict.fromkeys(CONCEPTS.get(s, s) for s in stems))


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@lru_cache(maxsize=8)
def _common(dimensions: int) -> np.ndarray:
    """The direction every text shares: a fixed unit vector (hashed, so the same everywhere)."""
    vector = np.array([(_hash(f"common:{i}") % 2001) / 1000.0 - 1.0 for i in range(dimensions)])
    return vector / np.linalg.norm(vector)


def embed_text(text: str, dimensions: int = DIMENSIONS) -> np.ndarray:
    """The L2-normalised float32 vector of `text`."""
    vector = np.zeros(dimensions, dtype=np.float64)
    for feature in features(text):
        number = _hash(feature)
        weight = CONCEPT_WEIGHT if feature.startswith("concept:") else 1.0
        vector[number % dimensions] += weight if (number >> 32) & 1 else -weight
    norm = float(np.linalg.norm(vector))
    vector = (vector / norm if norm else vector) + COMMON * _common(dimensions)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _error(status: int, message: str, param: str | None = None, code: str | None = None):
    kind = "invalid_request_error"
    return status, {"error": {"message": message, "type": kind, "param": param, "code": code}}


def embeddings_answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) of OpenAI's answer to an embeddings request `body`."""
    model = body.get("model")
    raw = body.get("input")
    if not isinstance(model, str) or not model:
        return _error(400, "you must provide a model parameter", "model")
    if raw is None:
        return _error(400, "'input' is a required property", "input")
    inputs = [raw] if isinstance(raw, str) else raw
    if not isinstance(inputs, list) or not inputs:
        return _error(400, "'$.input' is invalid. Please check the API reference.", "input")
    if len(inputs) > MAX_INPUTS:
        return _error(
            400,
            f"'$.input' is too long: at most {MAX_INPUTS} inputs per request, got {len(inputs)}.",
            "input",
        )
    if any(not isinstance(t, str) or not t.strip() for t in inputs):
        return _error(400, "'$.input' is invalid: each input must be a non-empty string.", "input")
    if "embedding" not in model:
        return _error(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            None,
            "model_not_found",
        )
    dimensions = body.get("dimensions") or DIMENSIONS
    if not isinstance(dimensions, int) or not 1 <= dimensions <= 3072:
        return _error(400, f"Invalid value for 'dimensions': {dimensions!r}.", "dimensions")
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    for index, text in enumerate(inputs):
        vector = embed_text(text, dimensions)
        encoded: Any = (
            base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
            if as_base64
            else [round(float(x), 6) for x in vector]
        )
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(max(1, len(t) // 4) for t in inputs)
    return 200, {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
