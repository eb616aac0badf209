"""Groq's Batch API in the fake: upload a JSONL file, create a batch, poll it, download the answers.

``BatchAPI`` is the part of ``FakeGroq`` behind ``/openai/v1/files`` and ``/openai/v1/batches``.
A batch completes after ``batch_polls_until_done`` polls; each of its lines is answered as a chat
completion would be, without faults or limits (Groq runs batches outside the live quotas).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tformance.fakes.groq_wire import CHAT_PATH, RecordedCall, error_response, json_response, multipart_fields
from tformance.fakes.http_serving import FakeResponse


@dataclass
class Batch:
    id: str
    input_file_id: str
    completion_window: str
    created_at: int
    status: str = "validating"
    polls: int = 0
    output_file_id: str | None = None
    completed: int = 0
    failed: int = 0
    total: int = 0


class BatchAPI:
    """Files and batches; mixed into ``FakeGroq``, whose ``__init__`` sets the attributes below."""

    batch_polls_until_done: int
    _clock: Callable[[], float]
    _sequence: int
    _files: dict[str, tuple[str, bytes]]
    _batches: dict[str, Batch]
    _chat: Callable[..., FakeResponse]  # FakeGroq's chat completion, which answers each line

    def _upload(self, content_type: str, body: bytes) -> FakeResponse:
        fields = multipart_fields(content_type, body)
        data = fields.get("file")
        if fields.get("purpose", (None, b""))[1] != b"batch" or data is None:
            return error_response(
                400, "purpose must be 'batch' and a file is required", "invalid_request_error", "invalid"
            )
        file_id = f"file_{hashlib.sha1(data[1]).hexdigest()[:24]}"
        self._files[file_id] = (data[0] or "batch.jsonl", data[1])
        return json_response(200, self._file_object(file_id, "batch"), {})

    def _file_object(self, file_id: str, purpose: str) -> dict[str, Any]:
        name, data = self._files[file_id]
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
        }

    def _create_batch(self, request: Any) -> FakeResponse:
        if not isinstance(request, dict) or request.get("input_file_id") not in self._files:
            return error_response(
                400, "input_file_id does not name an uploaded file", "invalid_request_error", "invalid"
            )
        if request.get("endpoint") != "/v1/chat/completions":
            return error_response(400, "endpoint must be /v1/chat/completions", "invalid_request_error", "invalid")
        batch_id = f"batch_{len(self._batches) + 1:04d}{self._sequence:06x}"
        batch = Batch(
            batch_id, request["input_file_id"], str(request.get("completion_window", "24h")), int(time.time())
        )
        batch.total = len([line for line in self._files[batch.input_file_id][1].splitlines() if line.strip()])
        self._batches[batch_id] = batch
        return json_response(200, self._batch_object(batch), {})

    def _retrieve_batch(self, batch_id: str) -> FakeResponse:
        batch = self._batches.get(batch_id)
        if batch is None:
            return error_response(404, f"batch {batch_id} not found", "invalid_request_error", "not_found")
        batch.polls += 1
        if batch.status in ("validating", "in_progress"):
            batch.status = "in_progress"
            if batch.polls >= self.batch_polls_until_done:
                self._run_batch(batch)
        return json_response(200, self._batch_object(batch), {})

    def _run_batch(self, batch: Batch) -> None:
        out: list[str] = []
        for number, line in enumerate(self._files[batch.input_file_id][1].splitlines(), start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            call = RecordedCall("POST", "batch:" + CHAT_PATH, self._clock())
            response = self._chat(call, item.get("body"), self._clock(), live=False)
            ok = response.status == 200
            batch.completed += ok
            batch.failed += not ok
            out.append(
                json.dumps(
                    {
                        "id": f"batch_req_{number:06d}",
                        "custom_id": item.get("custom_id"),
                        "response": {
                            "status_code": response.status,
                            "request_id": f"req_b{number}",
                            "body": response.json(),
                        },
                        "error": None,
                    }
                )
            )
        output_id = f"file_out_{batch.id}"
        self._files[output_id] = ("batch_output.jsonl", ("\n".join(out) + "\n").encode())
        batch.output_file_id, batch.status = output_id, "completed"

    def _batch_object(self, batch: Batch) -> dict[str, Any]:
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "input_file_id": batch.input_file_id,
            "completion_window": batch.completion_window,
            "status": batch.status,
            "output_file_id": batch.output_file_id,
            "error_file_id": None,
            "created_at": batch.created_at,
            "expires_at": batch.created_at + 86400,
            "request_counts": {"total": batch.total, "completed": batch.completed, "failed": batch.failed},
        }

    def _file_content(self, file_id: str) -> FakeResponse:
        if file_id not in self._files:
            return error_response(404, f"file {file_id} not found", "invalid_request_error", "not_found")
        return FakeResponse(200, {"content-type": "application/octet-stream"}, self._files[file_id][1])
