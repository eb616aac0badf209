"""Groq's wire format as the fake speaks it: JSON answers and error bodies, its duration and
``retry-after`` formats, multipart uploads, and the record of each request the fake saw.

Shared by ``groq_fake`` (chat completions), ``groq_faults`` (the refusals) and ``groq_batches``.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import math
from dataclasses import dataclass, field
from typing import Any

from tformance.fakes.http_serving import FakeResponse

CHAT_PATH = "/openai/v1/chat/completions"
ORGANIZATION = "org_01fake"  # the account Groq names in its limit messages
CHARS_PER_TOKEN = 4


@dataclass
class RecordedCall:
    """One request as the fake saw it. The Authorization value is never kept."""

    method: str
    path: str
    at: float  # time.monotonic() on arrival
    status: int = 0
    model: str | None = None
    pr_ids: list[int] = field(default_factory=list)
    response_format: str | None = None
    strict: bool | None = None
    reasoning_effort: str | None = None
    max_completion_tokens: int | None = None
    system: str = ""
    user: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    fault: str | None = None


def json_body(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def json_response(status: int, body: Any, headers: dict[str, str], delay: float = 0.0) -> FakeResponse:
    return FakeResponse(status, {"content-type": "application/json", **headers}, json.dumps(body).encode(), delay)


def error_response(
    status: int, message: str, kind: str, code: str, headers: dict[str, str] | None = None
) -> FakeResponse:
    return json_response(status, {"error": {"message": message, "type": kind, "code": code}}, headers or {})


def retry_after_value(value: float | None) -> str:
    """A retry-after value: whole seconds when long, hundredths when short (tests use short ones)."""
    value = max(0.0, value or 0.0)
    return str(math.ceil(value)) if value >= 10 else f"{math.ceil(value * 100) / 100:.2f}"


def go_duration(seconds: float) -> str:
    """Groq's duration format: ``7.66s``, ``2m59.56s``, ``1h2m3s``."""
    seconds = max(0.0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{int(hours)}h" if hours >= 1 else ""
    if hours >= 1 or minutes >= 1:
        text += f"{int(minutes)}m"
    return text + f"{secs:.2f}".rstrip("0").rstrip(".") + "s"


def multipart_fields(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Fields of a multipart/form-data body: name -> (filename, data)."""
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields
