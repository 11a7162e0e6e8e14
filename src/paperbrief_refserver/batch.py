"""The reference server's Files and Batch API: upload a JSONL, run it as a batch, read the output.

Served by `paperbrief_refserver.server`: POST /v1/files (multipart upload), GET
/v1/files/{id}/content,
POST /v1/batches, GET /v1/batches/{id}. Each request line of a batch is answered with the same
logic as a live chat completion (its fault, if any, is the next one of the server's fault queue,
or the one named for its custom_id in `line_faults`). How the batch ends is scripted:

- `polls`: the batch reads `in_progress` on that many retrievals, then reaches its end (0: at once);
- `end`: `completed` (every line answered), `expired` or `cancelled` (only the first `answered`
  lines answered, the others get a `batch_expired` / `batch_cancelled` error line) or `failed`
  (input validation failed: no output at all).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paperbrief_refserver.server import RefServer

ENDS = ("completed", "expired", "cancelled", "failed")
Answer = tuple[int, str, bytes]  # (status, content type, body)


def _json(status: int, body: Mapping[str, Any]) -> Answer:
    return status, "application/json", json.dumps(body).encode()


def _not_found(what: str) -> Answer:
    error = {"message": f"No such {what}", "type": "invalid_request_error", "code": None}
    return _json(404, {"error": error})


def _bad_request(message: str) -> Answer:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    return _json(400, {"error": error})


def multipart_fields(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a multipart/form-data body: {name: (filename, content)}."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    fields: dict[str, tuple[str | None, bytes]] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


class BatchDesk:
    """Uploaded files and batches of one reference server."""

    def __init__(
        self,
        server: RefServer,
        *,
        polls: int = 0,
        end: str = "completed",
        answered: int | None = None,
        line_faults: Mapping[str, str] | None = None,
    ) -> None:
        if end not in ENDS:
            raise ValueError(f"unknown batch end {end!r}; known: {', '.join(ENDS)}")
        self.server = server
        self.polls = max(0, polls)
        self.end = end
        self.answered = answered
        self.line_faults = dict(line_faults or {})
        self.files: dict[str, tuple[str, bytes]] = {}  # id -> (purpose, content)
        self.batches: dict[str, dict[str, Any]] = {}
        self.retrievals: dict[str, int] = {}
        self.lines: list[dict[str, Any]] = []  # bodies of batched chat requests, answered
        self._lock = threading.Lock()

    def handles(self, method: str, path: str) -> bool:
        parts = path.split("?")[0].strip("/").split("/")
        return len(parts) >= 2 and parts[0] == "v1" and parts[1] in ("files", "batches")

    def answer(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Answer:
        """The answer to one Files or Batch API request."""
        parts = path.split("?")[0].strip("/").split("/")[1:]
        if method == "POST" and parts == ["files"]:
            return self.upload(headers.get("content-type") or "", raw)
        if method == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
            return self.content(parts[1])
        if method == "POST" and parts == ["batches"]:
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return _bad_request("We could not parse the JSON body of your request.")
            return self.create(body, headers)
        if method == "GET" and len(parts) == 2 and parts[0] == "batches":
            return self.retrieve(parts[1])
        return _not_found(f"route {method} {path}")

    # -- files -------------------------------------------------------------------------------

    def _add_file(self, purpose: str, content: bytes, filename: str) -> dict[str, Any]:
        file_id = "file-ref" + hashlib.sha256(purpose.encode() + content).hexdigest()[:24]
        with self._lock:
            self.files[file_id] = (purpose, content)
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }

    def upload(self, content_type: str, raw: bytes) -> Answer:
        if not content_type.startswith("multipart/form-data"):
            return _bad_request("Expected a multipart/form-data upload.")
        fields = multipart_fields(content_type, raw)
        purpose = fields.get("purpose", (None, b""))[1].decode()
        if "file" not in fields or not purpose:
            return _bad_request("An upload needs a 'file' and a 'purpose'.")
        filename, content = fields["file"]
        return _json(200, self._add_file(purpose, content, filename or "upload.jsonl"))

    def content(self, file_id: str) -> Answer:
        with self._lock:
            found = self.files.get(file_id)
        if found is None:
            return _not_found(f"file: {file_id}")
        return 200, "application/octet-stream", found[1]

    # -- batches -----------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any], headers: Mapping[str, str]) -> Answer:
        file_id = body.get("input_file_id")
        with self._lock:
            found = self.files.get(file_id) if isinstance(file_id, str) else None
        if found is None:
            return _not_found(f"file: {file_id}")
        if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
            return _bad_request("Only endpoint /v1/chat/completions, window 24h are served.")
        batch_id = "batch_ref" + hashlib.sha256(
            f"{file_id}:{len(self.batches)}".encode()
        ).hexdigest()[:24]
        now = int(time.time())
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "errors": None,
            "input_file_id": file_id,
            "completion_window": "24h",
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": now,
            "in_progress_at": None,
            "expires_at": now + 86400,
            "completed_at": None,
            "failed_at": None,
            "expired_at": None,
            "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "metadata": body.get("metadata"),
        }
        key = (headers.get("authorization") or "").removeprefix("Bearer ").strip()
        self._run(batch, found[1], key)
        with self._lock:
            self.batches[batch_id] = batch
            self.retrievals[batch_id] = 0
        return _json(200, self._visible(batch, 0))

    def retrieve(self, batch_id: str) -> Answer:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return _not_found(f"batch: {batch_id}")
            self.retrievals[batch_id] += 1
            seen = self.retrievals[batch_id]
        return _json(200, self._visible(batch, seen))

    def _visible(self, batch: dict[str, Any], retrievals: int) -> dict[str, Any]:
        """The batch as a client sees it after `retrievals` retrievals (in progress until polls)."""
        if retrievals > self.polls or (self.polls == 0 and retrievals > 0):
            return _public(batch["final"])
        total = batch["final"]["request_counts"]["total"]
        status = "validating" if retrievals == 0 else "in_progress"
        return _public(
            batch
            | {
                "status": status,
                "in_progress_at": batch["created_at"] if retrievals else None,
                "request_counts": {"total": total, "completed": 0, "failed": 0},
            }
        )

    def _run(self, batch: dict[str, Any], content: bytes, key: str) -> None:
        """Answer the batch's lines now; store the end state shown once the polls are used up."""
        final = dict(batch)
        now = int(time.time())
        lines: list[dict[str, Any]] = []
        try:
            for text in content.decode("utf-8").splitlines():
                if text.strip():
                    lines.append(json.loads(text))
        except (UnicodeDecodeError, ValueError) as exc:
            final.update(status="failed", failed_at=now, errors=_errors("invalid_json", str(exc)))
            batch["final"] = final
            return
        if self.end == "failed":
            message = "The batch failed input validation (scripted by the reference server)."
            final.update(status="failed", failed_at=now, errors=_errors("invalid_request", message))
            batch["final"] = final
            return
        limit = len(lines) if self.end == "completed" else self.answered
        if limit is None:
            limit = len(lines) // 2
        outputs, errors = [], []
        for index, line in enumerate(lines):
            custom_id = str(line.get("custom_id"))
            request_id = hashlib.sha256(f"{batch['id']}:{custom_id}".encode()).hexdigest()[:24]
            record: dict[str, Any] = {"id": f"batch_req_{request_id}", "custom_id": custom_id}
            if index >= limit:
                code = "batch_expired" if self.end == "expired" else "batch_cancelled"
                message = (
                    "This request could not be executed before the completion window expired."
                    if self.end == "expired"
                    else "This request was not executed because the batch was cancelled."
                )
                error = {"code": code, "message": message}
                errors.append(record | {"response": None, "error": error})
                continue
            status, body = self._line(line.get("body") or {}, custom_id, key)
            response = {"status_code": status, "request_id": request_id, "body": body}
            (outputs if status == 200 else errors).append(
                record | {"response": response, "error": None}
            )
        purpose = "batch_output"
        if outputs:
            out = "\n".join(json.dumps(o) for o in outputs).encode() + b"\n"
            final["output_file_id"] = self._add_file(purpose, out, "batch_output.jsonl")["id"]
        if errors:
            err = "\n".join(json.dumps(e) for e in errors).encode() + b"\n"
            final["error_file_id"] = self._add_file(purpose, err, "batch_errors.jsonl")["id"]
        counts = {"total": len(lines), "completed": len(outputs), "failed": len(errors)}
        final["request_counts"] = counts
        final["in_progress_at"] = batch["created_at"]
        final["status"] = self.end
        final[f"{self.end}_at"] = now
        batch["final"] = final

    def _line(self, body: dict[str, Any], custom_id: str, key: str) -> tuple[int, dict[str, Any]]:
        """(status, body) of one batched chat completion: the live logic, fault included."""
        from paperbrief_refserver.faults import _ERROR_FAULTS

        scripted = self.line_faults.get(custom_id)
        fault = self.server.next_fault(body, record=False)
        if scripted is not None:
            fault = scripted
        self.lines.append(body)
        if fault in _ERROR_FAULTS:
            status, _, payload = self.server.error(fault, body.get("model", ""), key)
            return status, payload
        return 200, self.server.completion(body, fault, key)


def _errors(code: str, message: str) -> dict[str, Any]:
    return {"object": "list", "data": [{"code": code, "message": message, "line": None}]}


def _public(batch: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if k != "final"}
