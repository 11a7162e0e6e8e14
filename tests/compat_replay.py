"""Replaying the real response shapes of OpenAI-compatible servers (tests/fixtures/compat/).

`ReplayServer` serves, on 127.0.0.1, a scripted list of HTTP answers (status, real headers,
body bytes) to POST /v1/chat/completions and /v1/embeddings, one per request (the last repeats),
and records the requests. The loaders below read a real recording and put a valid paperbrief
answer where the server's own text stood, keeping its wrapping: a leading `<think>`/`<reasoning>`
block, a Markdown fence, list-shaped content, keep-alive whitespace, extra fields and headers.
"""

from __future__ import annotations

import ast
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

COMPAT = Path(__file__).resolve().parent / "fixtures" / "compat"
# hop-by-hop or re-computed headers; scrubbed values (`...XXX`) are not replayed either
_SKIP_HEADERS = {"content-length", "transfer-encoding", "content-encoding", "connection"}
_LEAD_RE = re.compile(r"^(\s*<(think|thinking|reasoning)>.*?</\2>\s*)", re.DOTALL)


@dataclass
class Answer:
    """One scripted HTTP answer."""

    status: int
    body: bytes
    headers: list[tuple[str, str]]


def json_answer(status: int, body: Any, headers: list[tuple[str, str]] | None = None) -> Answer:
    text = body if isinstance(body, str) else json.dumps(body)
    return Answer(status, text.encode(), [("content-type", "application/json"), *(headers or [])])


Script = list[Answer] | Callable[[dict[str, Any]], Answer]


class ReplayServer:
    """A loopback HTTP server answering each POST with the next scripted answer."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def next_answer(self, path: str, body: dict[str, Any]) -> Answer:
        with self._lock:
            self.requests.append(body)
            self.paths.append(path)
            if callable(self.script):
                return self.script(body)
            index = min(len(self.requests), len(self.script)) - 1
            return self.script[index]

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


def _handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            answer = server.next_answer(self.path, json.loads(raw or b"{}"))
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

    return Handler


# -- putting a paperbrief answer inside a real envelope ----------------------------------------


def inject(message: dict[str, Any], answer: str) -> None:
    """Put `answer` where `message`'s own text stood, keeping the wrapping around it."""
    content = message.get("content")
    if isinstance(content, list):  # Mistral: thinking parts kept, text parts replaced
        kept = [p for p in content if not (isinstance(p, dict) and p.get("type") == "text")]
        message["content"] = [*kept, {"type": "text", "text": answer}]
        return
    if not isinstance(content, str) or content in ("", "None"):
        message.pop("tool_calls", None)  # a tool-call answer becomes a text answer
        message["content"] = answer
        return
    lead = _LEAD_RE.match(content)
    prefix = lead.group(1) if lead else ""
    rest = content[len(prefix):]
    trail = rest[len(rest.rstrip()):]
    fenced = rest.lstrip().startswith("```")
    body = f"```\n{answer}\n```" if fenced else answer
    message["content"] = prefix + body + trail


def _with_answer(body: dict[str, Any], answer: str) -> dict[str, Any]:
    choice = body["choices"][0]
    inject(choice["message"], answer)
    if choice.get("finish_reason") == "tool_calls":
        choice["finish_reason"] = "stop"
    return body


def _headers(raw: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for name, values in raw.items():
        for value in values if isinstance(values, list) else [values]:
            if name.lower() not in _SKIP_HEADERS and not str(value).endswith("XXX"):
                out.append((name, str(value)))
    return out


def cassette(path: str) -> list[dict[str, Any]]:
    """The interactions of a vcrpy cassette in tests/fixtures/compat."""
    return yaml.safe_load((COMPAT / path).read_text(encoding="utf-8"))["interactions"]


def from_cassette(path: str, index: int, answer: str | None) -> Answer:
    """Interaction `index` of a cassette, replayed with its real status, headers and body
    (pydantic-ai `parsed_body`, or crewAI's raw `body.string` with its leading whitespace);
    a completion gets `answer` inside."""
    response = cassette(path)[index]["response"]
    status = response["status"]["code"]
    headers = _headers(response.get("headers", {}))
    if "parsed_body" in response:
        body: Any = response["parsed_body"]
        lead = ""
    else:
        text = response["body"]["string"]
        lead = text[: len(text) - len(text.lstrip())]  # OpenRouter keep-alive whitespace
        body = json.loads(text)
    if answer is not None and isinstance(body, dict) and "choices" in body:
        body = _with_answer(body, answer)
    return Answer(status, (lead + json.dumps(body)).encode(), headers)


def ollama_generate(index: int, answer: str) -> Answer:
    """An Ollama `/api/generate` answer's text (crewAI llama3.1 cassette), as the text of a
    chat completion: the model's own wrapping (fence, name/arguments object) around `answer`."""
    response = cassette("crewai/test_converter_with_llama3_1_model.yaml")[index]["response"]
    native = json.loads(response["body"]["string"])
    text = native["response"]
    if text.startswith('{"name"'):  # {"name": "SimpleModel", "arguments": {...}}
        wrapped = json.loads(text)
        wrapped["arguments"] = json.loads(answer)
        content = json.dumps(wrapped)
    else:
        message = {"content": text}
        inject(message, answer)
        content = message["content"]
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1740106695,
        "model": native["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": native["done_reason"]}],
        "usage": {"prompt_tokens": native["prompt_eval_count"],
                  "completion_tokens": native["eval_count"],
                  "total_tokens": native["prompt_eval_count"] + native["eval_count"]},
    }
    return json_answer(200, body)


def from_llama_stack(name: str, answer: str) -> Answer:
    """A llama-stack recording's ChatCompletion (`__data__`) with `answer` inside."""
    data = json.loads((COMPAT / "llama-stack" / name).read_text(encoding="utf-8"))
    body = data["response"]["body"]["__data__"]
    return json_answer(200, _with_answer(body, answer))


def from_json_file(path: str, answer: str | None) -> Answer:
    """A completion body kept as a JSON file (the LM Studio documented response)."""
    body = json.loads((COMPAT / path).read_text(encoding="utf-8"))
    return json_answer(200, _with_answer(body, answer) if answer is not None else body)


def llamacpp(section: str, answer: str | None) -> Answer:
    """One of the llama.cpp b7634 answers quoted in excerpts/llamacpp_agon_CURLY.md: `plain`,
    `reasoning_content` or `length` (the pretty-printed first one is read whole)."""
    text = (COMPAT / "excerpts" / "llamacpp_agon_CURLY.md").read_text(encoding="utf-8")
    blocks = re.split(r"^## ", text, flags=re.M)[1:]
    chosen = next(b for b in blocks if b.startswith(section))
    raw = chosen[chosen.index("{"):].strip()
    body = json.loads(raw)
    if answer is not None:
        body = _with_answer(body, answer)
    return json_answer(200, body)


def excerpt_body(path: str, marker: str) -> str:
    """The first JSON body after `marker` in an excerpt file (verbatim text), one line or a
    pretty-printed block."""
    text = (COMPAT / "excerpts" / path).read_text(encoding="utf-8")
    start = text.index(marker) + len(marker)
    tail = text[start:]
    first = min(i for i in (tail.find("{"), tail.find("[")) if i >= 0)
    try:
        _, end = json.JSONDecoder().raw_decode(tail[first:])
    except ValueError:  # quoted as a Python dict (Groq, Azure issues): the rest of the line
        line = tail[first:].splitlines()[0]
        return json.dumps(ast.literal_eval(line))
    return tail[first:first + end]


def excerpt_line(path: str, marker: str) -> str:
    """The first line after `marker` in an excerpt file (a quoted plain-text message)."""
    text = (COMPAT / "excerpts" / path).read_text(encoding="utf-8")
    return text[text.index(marker):].splitlines()[1]


def section_lines(path: str, header: str) -> list[str]:
    """The non-empty lines of the `## header...` section of an excerpt file."""
    text = (COMPAT / "excerpts" / path).read_text(encoding="utf-8")
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        if block.startswith(header):
            return [line for line in block.splitlines()[1:] if line.strip()]
    raise KeyError(header)


def section_body(path: str, header: str, line: int = 0) -> str:
    """Line `line` of a section as a JSON body (a Python-quoted dict is converted; the docs'
    `{...}` elision becomes `{}`)."""
    raw = section_lines(path, header)[line]
    raw = raw[min(i for i in (raw.find("{"), raw.find("[")) if i >= 0):].replace("{...}", "{}")
    try:
        json.loads(raw)
        return raw
    except ValueError:
        return json.dumps(ast.literal_eval(raw))
