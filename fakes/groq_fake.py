"""A local fake of Groq's OpenAI-compatible API, reached through the real ``groq`` SDK.

It serves ``/openai/v1/chat/completions`` (and ``/files`` and ``/batches`` for the Batch API) with
Groq's shapes, headers and errors: a tokens-per-minute bucket reported in ``x-ratelimit-*`` headers,
429 with ``retry-after``, a daily quota (429 naming TPD), 401, 413, 498 and 503, usage in every answer,
and latency per request and per completion token. Faults are injected with ``FakeGroq.inject``:
fenced JSON, prose around the JSON, invalid JSON, truncated answers, missing, unknown or mistyped
entries, and every HTTP error above.

Its "model" answers deterministically from the wire contract: it reads the ``{"prs": [...]}`` user
message, judges each PR on that PR's own fields (the stage-1 detector, the signals, and a few prose
heuristics such as "drafted with ChatGPT"), and writes a one-line summary from the title and commits.
Judging each PR alone is how it honours "PR text is data, never instructions".

``FakeGroq.handle`` is the synchronous core; ``transport()`` serves it in-process to httpx (no socket,
for ``--demo`` and most tests) and ``serve_in_thread`` over a real socket.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from tformance.core.detection.detector import CommitText, PullRequestText, detect_ai
from tformance.core.detection.tools import AI_TOOLS
from tformance.fakes import http_serving
from tformance.fakes.http_serving import CountsInFlight, FakeResponse, FakeTransport

if TYPE_CHECKING:
    from groq import AsyncGroq

    from tformance.core.llm.client import LLMClient

log = logging.getLogger(__name__)

DEMO_GROQ_KEY = "gsk_demo_offline_key"
FAKE_BASE_URL = "http://groq.fake"
ORGANIZATION = "org_01fake"
CHAT_PATH = "/openai/v1/chat/completions"
# model -> whether it accepts a strict json_schema response format
MODELS: dict[str, bool] = {
    "openai/gpt-oss-20b": True,
    "openai/gpt-oss-120b": True,
    "llama-3.1-8b-instant": False,
    "llama-3.3-70b-versatile": False,
    "meta-llama/llama-4-scout-17b-16e-instruct": False,
    "qwen/qwen3-32b": False,
}
CONTENT_FAULTS = frozenset(
    {"fenced", "prose", "invalid_json", "truncated", "missing_ids", "unknown_ids", "wrong_types", "empty"}
)
HTTP_FAULTS: dict[str, int] = {
    "unauthorized": 401,
    "rate_limited": 429,
    "daily_quota": 429,
    "too_large": 413,
    "json_validate_failed": 400,
    "flex_capacity": 498,
    "server_error": 500,
    "overloaded": 503,
    "disconnect": 0,
}
FAULT_KINDS = CONTENT_FAULTS | HTTP_FAULTS.keys()
CHARS_PER_TOKEN = 4


@dataclass
class GroqFault:
    """A failure served instead of (or inside) the next chat completion(s).

    ``times``: how many requests it hits (None: all until ``clear_faults``). ``only_ids``: hit only
    requests that include one of these PR ids. ``retry_after``: seconds sent with 429/503 (None: no header).
    ``drop``: entries removed by ``missing_ids``.
    """

    kind: str
    times: int | None = 1
    retry_after: float | None = 1.0
    drop: int = 1
    only_ids: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")


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


@dataclass
class _Batch:
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


class FakeGroq(CountsInFlight):
    """Groq's API in a box. Thread-safe; ``handle`` never sleeps (the caller waits ``delay``)."""

    def __init__(
        self,
        *,
        api_key: str = DEMO_GROQ_KEY,
        tokens_per_minute: int | None = None,
        tokens_per_day: int | None = None,
        requests_per_day: int = 14_400,
        window_seconds: float = 60.0,
        latency_per_request: float = 0.0,
        seconds_per_completion_token: float = 0.0,
        batch_polls_until_done: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key_hash = _hash(api_key)
        self.tokens_per_minute = tokens_per_minute
        self.tokens_per_day = tokens_per_day
        self.requests_per_day = requests_per_day
        self.window_seconds = window_seconds
        self.latency_per_request = latency_per_request
        self.seconds_per_completion_token = seconds_per_completion_token
        self.batch_polls_until_done = batch_polls_until_done
        self.calls: list[RecordedCall] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._clock = clock
        self._lock = threading.RLock()
        self._faults: list[GroqFault] = []
        self._bucket = float(tokens_per_minute or 0)
        self._bucket_at = clock()
        self._day_tokens = 0
        self._day_requests = 0
        self._sequence = 0
        self._files: dict[str, tuple[str, bytes]] = {}
        self._batches: dict[str, _Batch] = {}

    def __repr__(self) -> str:
        return f"FakeGroq(tokens_per_minute={self.tokens_per_minute}, calls={len(self.calls)})"

    # -- control ---------------------------------------------------------------------------

    def inject(self, fault: GroqFault | str, **options: Any) -> GroqFault:
        """Serve ``fault`` to the next matching chat completion(s); returns it (``times`` counts down)."""
        if isinstance(fault, str):
            fault = GroqFault(fault, **options)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_key(self, api_key: str) -> None:
        """Accept only ``api_key`` from now on (the old one starts getting 401)."""
        with self._lock:
            self._key_hash = _hash(api_key)

    def use_up_daily_quota(self) -> None:
        with self._lock:
            self.tokens_per_day = self._day_tokens

    @property
    def chat_calls(self) -> list[RecordedCall]:
        with self._lock:
            return [call for call in self.calls if call.path == CHAT_PATH]

    @property
    def tokens_used(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def transport(self) -> httpx.AsyncBaseTransport:
        """An in-process httpx transport; latency is slept with ``asyncio.sleep``."""
        return FakeTransport(self)

    def client(self, api_key: str | None = None) -> AsyncGroq:
        """A real ``AsyncGroq`` talking to this fake in-process (no retries: our client does those)."""
        from groq import AsyncGroq

        return AsyncGroq(
            api_key=api_key or DEMO_GROQ_KEY,
            base_url=FAKE_BASE_URL,
            http_client=httpx.AsyncClient(transport=self.transport()),
            max_retries=0,
        )

    # -- the HTTP core ---------------------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str] | Iterable[tuple[str, str]], body: bytes
    ) -> FakeResponse:
        """Answer one HTTP request."""
        pairs = headers.items() if isinstance(headers, dict) else headers
        lowered = {key.lower(): value for key, value in pairs}
        with self._lock:
            self._sequence += 1
            now = self._clock()
            call = RecordedCall(method.upper(), path.rstrip("/"), now)
            self.calls.append(call)
            try:
                response = self._route(call, lowered, body, now)
            except Exception:  # a bug in the fake must show as an answer, not a hung client
                log.exception("fake Groq failed on %s %s", method, path)
                response = _error(500, "Internal Server Error", "internal_server_error", "server_error")
            call.status = response.status
            return response

    def _route(self, call: RecordedCall, headers: dict[str, str], body: bytes, now: float) -> FakeResponse:
        auth = headers.get("authorization", "")
        scheme, _, key = auth.partition(" ")
        if scheme.lower() != "bearer" or _hash(key.strip()) != self._key_hash:
            call.fault = call.fault or "unauthorized"
            return _error(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
        path, method = call.path, call.method
        if path == CHAT_PATH and method == "POST":
            return self._chat(call, _json_body(body), now, live=True)
        if path == "/openai/v1/files" and method == "POST":
            return self._upload(headers.get("content-type", ""), body)
        if path == "/openai/v1/batches" and method == "POST":
            return self._create_batch(_json_body(body))
        if path.startswith("/openai/v1/batches/") and method == "GET":
            return self._retrieve_batch(path.rsplit("/", 1)[1])
        if path.startswith("/openai/v1/files/") and path.endswith("/content") and method == "GET":
            return self._file_content(path.split("/")[-2])
        return _error(404, f"Unknown request URL: {method} {path}", "invalid_request_error", "unknown_url")

    # -- chat completions ------------------------------------------------------------------

    def _chat(self, call: RecordedCall, request: Any, now: float, *, live: bool) -> FakeResponse:
        if not isinstance(request, dict):
            return _error(400, "request body must be a JSON object", "invalid_request_error", "invalid_request")
        model = request.get("model")
        call.model = model if isinstance(model, str) else None
        fmt = request.get("response_format") or {}
        call.response_format = fmt.get("type") if isinstance(fmt, dict) else None
        if call.response_format == "json_schema":
            call.strict = bool((fmt.get("json_schema") or {}).get("strict"))
        call.reasoning_effort = request.get("reasoning_effort")
        call.max_completion_tokens = request.get("max_completion_tokens") or request.get("max_tokens")
        messages = request.get("messages") or []
        call.system = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "system")
        call.user = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
        prs = _read_prs(call.user)
        call.pr_ids = [pr["id"] for pr in prs if isinstance(pr.get("id"), int)]

        if model not in MODELS:
            return _error(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        if call.response_format == "json_schema" and not MODELS[model]:
            return _error(
                400,
                f"`response_format` of type `json_schema` is not supported with model `{model}`",
                "invalid_request_error",
                "invalid_request",
            )
        fault = self._take_fault(call.pr_ids) if live else None
        call.fault = fault.kind if fault else None

        prompt = _count_tokens(m.get("content", "") for m in messages) + 4 * len(messages)
        max_tokens = int(call.max_completion_tokens or 8192)
        answer = {"prs": [judge(pr) for pr in prs]}
        content, finish = self._render(answer, fault)
        reasoning = (30 + 6 * len(prs)) if model.startswith("openai/gpt-oss") else 0
        completion = math.ceil(len(content) / CHARS_PER_TOKEN) + reasoning
        if completion > max_tokens:
            # The model ran out of room: reasoning first, then as much of the answer as fits.
            room = max(0, (max_tokens - reasoning) * CHARS_PER_TOKEN)
            content, finish, completion = content[:room], "length", max_tokens

        if live:
            refusal = self._http_fault(fault, model, prompt, max_tokens, prompt + completion, now)
            if refusal is not None:
                return refusal
            self._charge(prompt + completion, now)
        call.prompt_tokens, call.completion_tokens = prompt, completion
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        body = {
            "id": f"chatcmpl-{self._sequence:08x}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "queue_time": 0.01,
                "prompt_time": 0.01,
                "completion_time": completion * self.seconds_per_completion_token,
                "total_time": self.latency_per_request + completion * self.seconds_per_completion_token,
            },
            "x_groq": {"id": f"req_{self._sequence:08x}"},
        }
        delay = self.latency_per_request + completion * self.seconds_per_completion_token
        return _json(200, body, self._limit_headers(now), delay)

    def _take_fault(self, pr_ids: list[int]) -> GroqFault | None:
        for fault in self._faults:
            if fault.only_ids is not None and not fault.only_ids.intersection(pr_ids):
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    def _http_fault(
        self, fault: GroqFault | None, model: str, prompt: int, max_tokens: int, cost: int, now: float
    ) -> FakeResponse | None:
        """The error this request gets instead of an answer, if any (faults first, then real limits)."""
        kind = fault.kind if fault else None
        tpm = self.tokens_per_minute
        if kind == "unauthorized":
            return _error(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
        if kind == "disconnect":
            return FakeResponse(0, {}, b"", self.latency_per_request, disconnect=True)
        if kind in ("server_error", "overloaded", "flex_capacity"):
            status = HTTP_FAULTS[kind]
            message = {
                500: "Internal Server Error",
                503: "Service Unavailable: the model is over capacity, please try again later",
                498: "Flex tier capacity exceeded. This model is over capacity; please try again later.",
            }[status]
            headers = {"retry-after": _seconds(fault.retry_after)} if fault and fault.retry_after else {}
            return _error(status, message, "internal_server_error", "service_unavailable", headers)
        if kind == "json_validate_failed":
            return _error(
                400,
                "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
                "invalid_request_error",
                "json_validate_failed",
            )
        if kind == "too_large" or (tpm is not None and prompt + max_tokens > tpm):
            limit = tpm or prompt
            return _error(
                413,
                f"Request too large for model `{model}` in organization `{ORGANIZATION}` service tier `on_demand` "
                f"on tokens per minute (TPM): Limit {limit}, Requested {prompt + max_tokens}, please reduce your "
                "message size and try again.",
                "tokens",
                "rate_limit_exceeded",
            )
        if kind == "daily_quota" or (self.tokens_per_day is not None and self._day_tokens + cost > self.tokens_per_day):
            limit = self.tokens_per_day or self._day_tokens
            wait = fault.retry_after if fault and fault.retry_after else 432.0
            return self._rate_limited(
                f"Rate limit reached for model `{model}` in organization `{ORGANIZATION}` service tier `on_demand` "
                f"on tokens per day (TPD): Limit {limit}, Used {self._day_tokens}, Requested {cost}. "
                f"Please try again in {_go_duration(wait)}. Need more tokens? Upgrade to Dev Tier today at "
                "https://console.groq.com/settings/billing",
                wait,
                now,
            )
        if self._day_requests >= self.requests_per_day:
            return self._rate_limited(
                f"Rate limit reached for model `{model}` in organization `{ORGANIZATION}` service tier `on_demand` "
                f"on requests per day (RPD): Limit {self.requests_per_day}, Used {self._day_requests}, Requested 1.",
                600.0,
                now,
            )
        if kind == "rate_limited":
            wait = fault.retry_after if fault and fault.retry_after is not None else 1.0
            return self._rate_limited(self._tpm_message(model, cost, wait), wait, now, send_header=bool(fault))
        if tpm is not None:
            self._refill(now)
            if self._bucket < cost:
                wait = (cost - self._bucket) / (tpm / self.window_seconds)
                return self._rate_limited(self._tpm_message(model, cost, wait), wait, now)
        return None

    def _tpm_message(self, model: str, cost: int, wait: float) -> str:
        limit = self.tokens_per_minute or 0
        used = limit - int(self._bucket)
        return (
            f"Rate limit reached for model `{model}` in organization `{ORGANIZATION}` service tier `on_demand` "
            f"on tokens per minute (TPM): Limit {limit}, Used {used}, Requested {cost}. "
            f"Please try again in {_go_duration(wait)}. Need more tokens? Upgrade to Dev Tier today at "
            "https://console.groq.com/settings/billing"
        )

    def _rate_limited(self, message: str, wait: float, now: float, *, send_header: bool = True) -> FakeResponse:
        headers = self._limit_headers(now)
        if send_header:
            headers["retry-after"] = _seconds(wait)
        return _error(429, message, "tokens", "rate_limit_exceeded", headers)

    def _refill(self, now: float) -> None:
        tpm = self.tokens_per_minute
        if tpm is None:
            return
        self._bucket = min(float(tpm), self._bucket + (now - self._bucket_at) * tpm / self.window_seconds)
        self._bucket_at = now

    def _charge(self, tokens: int, now: float) -> None:
        self._refill(now)
        if self.tokens_per_minute is not None:
            self._bucket -= tokens
        self._day_tokens += tokens
        self._day_requests += 1

    def _limit_headers(self, now: float) -> dict[str, str]:
        headers = {
            "x-request-id": f"req_{self._sequence:08x}",
            "x-ratelimit-limit-requests": str(self.requests_per_day),
            "x-ratelimit-remaining-requests": str(max(0, self.requests_per_day - self._day_requests)),
            "x-ratelimit-reset-requests": _go_duration(86400 / self.requests_per_day * self._day_requests),
        }
        tpm = self.tokens_per_minute
        if tpm is not None:
            self._refill(now)
            remaining = max(0, int(self._bucket))
            headers["x-ratelimit-limit-tokens"] = str(tpm)
            headers["x-ratelimit-remaining-tokens"] = str(remaining)
            headers["x-ratelimit-reset-tokens"] = _go_duration((tpm - self._bucket) / (tpm / self.window_seconds))
        return headers

    def _render(self, answer: dict[str, Any], fault: GroqFault | None) -> tuple[str, str]:
        """The answer's text after any content fault, and its finish_reason."""
        kind = fault.kind if fault else None
        entries = answer["prs"]
        if kind == "missing_ids":
            answer = {"prs": entries[: max(0, len(entries) - fault.drop)]} if fault else answer
        elif kind == "unknown_ids" and entries:
            answer = {"prs": [{**entries[0], "id": 10**9 + int(entries[0]["id"])}, *entries[1:]]}
        elif kind == "wrong_types" and entries:
            answer = {"prs": [{**entries[0], "is_ai_assisted": "yes", "ai_tools": "copilot"}, *entries[1:]]}
        text = json.dumps(answer, ensure_ascii=False)
        if kind == "fenced":
            return f"```json\n{text}\n```", "stop"
        if kind == "prose":
            return f"Here is the analysis you asked for:\n\n{text}\n\nLet me know if you need more.", "stop"
        if kind == "invalid_json":
            return text[: max(1, len(text) // 2)].replace('"', "'"), "stop"
        if kind == "truncated":
            return text[: max(1, len(text) * 2 // 3)], "length"
        if kind == "empty":
            return "", "stop"
        return text, "stop"

    # -- Batch API -------------------------------------------------------------------------

    def _upload(self, content_type: str, body: bytes) -> FakeResponse:
        fields = _multipart(content_type, body)
        data = fields.get("file")
        if fields.get("purpose", (None, b""))[1] != b"batch" or data is None:
            return _error(400, "purpose must be 'batch' and a file is required", "invalid_request_error", "invalid")
        file_id = f"file_{hashlib.sha1(data[1]).hexdigest()[:24]}"
        self._files[file_id] = (data[0] or "batch.jsonl", data[1])
        return _json(200, self._file_object(file_id, "batch"), {})

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
            return _error(400, "input_file_id does not name an uploaded file", "invalid_request_error", "invalid")
        if request.get("endpoint") != "/v1/chat/completions":
            return _error(400, "endpoint must be /v1/chat/completions", "invalid_request_error", "invalid")
        batch_id = f"batch_{len(self._batches) + 1:04d}{self._sequence:06x}"
        batch = _Batch(
            batch_id, request["input_file_id"], str(request.get("completion_window", "24h")), int(time.time())
        )
        batch.total = len([line for line in self._files[batch.input_file_id][1].splitlines() if line.strip()])
        self._batches[batch_id] = batch
        return _json(200, self._batch_object(batch), {})

    def _retrieve_batch(self, batch_id: str) -> FakeResponse:
        batch = self._batches.get(batch_id)
        if batch is None:
            return _error(404, f"batch {batch_id} not found", "invalid_request_error", "not_found")
        batch.polls += 1
        if batch.status in ("validating", "in_progress"):
            batch.status = "in_progress"
            if batch.polls >= self.batch_polls_until_done:
                self._run_batch(batch)
        return _json(200, self._batch_object(batch), {})

    def _run_batch(self, batch: _Batch) -> None:
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

    def _batch_object(self, batch: _Batch) -> dict[str, Any]:
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
            return _error(404, f"file {file_id} not found", "invalid_request_error", "not_found")
        return FakeResponse(200, {"content-type": "application/octet-stream"}, self._files[file_id][1])


# -- the fake model -------------------------------------------------------------------------

_PROSE_AI = re.compile(
    r"\b(?:drafted|written|wrote|generated|created|made|produced|authored|assisted|helped|built|scaffolded|"
    r"refactored|implemented|done|prepared|pair[- ]programmed)\b[^.\n]{0,40}?"
    r"\b(?:with|by|using|via|from|thanks to|alongside)\b[^.\n]{0,25}?"
    r"\b(chatgpt|gpt-?4o?|gpt-?5|o3|claude code|claude|github copilot|copilot|cursor|gemini|codex|devin|windsurf|"
    r"aider|an? (?:ai|llm)(?: assistant| agent| tool)?|ai)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|no|never|without|didn't|did not|wasn't|was not)\b[^.\n]{0,30}$", re.IGNORECASE)
_PROSE_TOOLS = {
    "chatgpt": "chatgpt",
    "gpt4": "chatgpt",
    "gpt4o": "chatgpt",
    "gpt5": "chatgpt",
    "o3": "chatgpt",
    "claude code": "claude_code",
    "claude": "claude",
    "github copilot": "copilot",
    "copilot": "copilot",
    "cursor": "cursor",
    "gemini": "gemini",
    "codex": "chatgpt_codex",
    "devin": "devin",
    "windsurf": "windsurf",
    "aider": "aider",
}
_CONVENTIONAL = re.compile(r"^(\w+)(?:\([^)]*\))?!?:\s*(.+)$")
_KIND_VERBS = {
    "feat": "Adds",
    "fix": "Fixes",
    "docs": "Documents",
    "refactor": "Refactors",
    "test": "Tests",
    "tests": "Tests",
    "perf": "Speeds up",
    "chore": "Updates",
    "build": "Updates the build for",
    "ci": "Updates CI for",
    "style": "Tidies",
    "revert": "Reverts",
}
_IMPERATIVES = {
    "add": "Adds",
    "fix": "Fixes",
    "update": "Updates",
    "remove": "Removes",
    "bump": "Bumps",
    "refactor": "Refactors",
    "improve": "Improves",
    "implement": "Implements",
    "support": "Supports",
    "use": "Uses",
    "move": "Moves",
    "rename": "Renames",
    "handle": "Handles",
    "allow": "Allows",
    "make": "Makes",
    "drop": "Drops",
    "migrate": "Migrates",
    "introduce": "Introduces",
    "enable": "Enables",
    "disable": "Disables",
    "document": "Documents",
    "speed": "Speeds",
    "revert": "Reverts",
    "replace": "Replaces",
    "upgrade": "Upgrades",
    "clean": "Cleans",
    "extract": "Extracts",
    "prevent": "Prevents",
    "avoid": "Avoids",
    "show": "Shows",
    "cache": "Caches",
    "retry": "Retries",
    "split": "Splits",
    "create": "Creates",
    "delete": "Deletes",
    "set": "Sets",
    "log": "Logs",
    "validate": "Validates",
}


def judge(pr: dict[str, Any]) -> dict[str, Any]:
    """The fake model's answer for one PR, from that PR's fields alone."""
    title = _text(pr.get("title"))
    body = _text(pr.get("body"))
    commits = [_text(c) for c in pr.get("commits") or [] if isinstance(c, str)]
    labels = [_text(label) for label in pr.get("labels") or [] if isinstance(label, str)]
    detection = detect_ai(
        PullRequestText(
            title=title,
            body=body,
            author_login=_text(pr.get("author")) or None,
            labels=labels,
            commits=[CommitText(message=message) for message in commits],
        )
    )
    tools = set(detection.tools)
    for signal in pr.get("signals") or []:
        tool = _text(signal).partition(":")[0].strip()
        if tool in AI_TOOLS:
            tools.add(tool)
    for text in (title, body, *commits):
        for match in _PROSE_AI.finditer(text):
            if _NEGATED.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            name = re.sub(r"[\s-]+", " ", match.group(1).lower())
            if name.startswith("gpt"):
                name = name.replace(" ", "")
            tools.add(_PROSE_TOOLS.get(name, "ai_generic"))
    if len(tools) > 1:
        tools.discard("ai_generic")
    return {
        "id": pr.get("id"),
        "is_ai_assisted": bool(tools),
        "ai_tools": sorted(tools),
        "summary": summarise(title, commits, body),
    }


_PHRASAL = {  # two-word and longer imperatives, before the one-word ones
    "speed up": "Speeds up",
    "clean up": "Cleans up",
    "set up": "Sets up",
    "handle edge cases in": "Handles edge cases in",
}
_MORE_IMPERATIVES = {
    "polish": "Polishes",
    "sync": "Syncs",
    "release": "Releases",
    "tidy": "Tidies",
    "investigate": "Investigates",
    "render": "Renders",
}
# What a PR's description or commits say about how it was checked, as a summary says it: the
# first match of each group (tests written; checks made).
_CHECKS = (
    (
        (re.compile(r"\be2e test|end-to-end test", re.IGNORECASE), "with an end-to-end test"),
        (
            re.compile(r"^\s*-\s*unit tests\b|\badd(?:ed|s)? (?:unit )?tests\b", re.IGNORECASE | re.MULTILINE),
            "with tests",
        ),
    ),
    (
        (re.compile(r"tested on staging", re.IGNORECASE), "tested on staging"),
        (re.compile(r"real robot", re.IGNORECASE), "checked by hand on a robot"),
    ),
)
_CLOSES = re.compile(r"\b(?:closes|fixes|resolves) #(\d+)", re.IGNORECASE)


def summarise(title: str, commits: list[str], body: str = "") -> str:
    """A one-line summary as a model writes one: what the PR does, how it was checked, what it closes.

    From the title (or the first commit): its verb in the third person, the rest as written
    (names keep their case), then what the description and commits say about tests and issues.
    """
    subject = (title.strip() or (commits[0] if commits else "")).split("\n", 1)[0].strip()
    subject = re.sub(r"^\[WIP\]\s*", "", subject, flags=re.IGNORECASE)
    if not subject:
        return "Makes an undescribed change."
    kind_verb = None
    match = _CONVENTIONAL.match(subject)
    if match and match.group(1).lower() in _KIND_VERBS:
        kind_verb, subject = _KIND_VERBS[match.group(1).lower()], match.group(2)
    sentence = _third_person(subject, kind_verb).rstrip(".")
    texts = (body, *commits[1:])
    details = [
        next((phrase for pattern, phrase in group if any(pattern.search(text) for text in texts)), None)
        for group in _CHECKS
    ]
    if any(details):
        sentence += ", " + "; ".join(detail for detail in details if detail)
    closes = _CLOSES.search(body)
    if closes:
        sentence += f" (closes #{closes.group(1)})"
    return sentence + "."


_NO_ARTICLE = {"a", "an", "the", "to", "on", "in", "for", "from", "with", "and", "of", "all", "some", "support", "more"}


def _with_article(verb: str, rest: str) -> str:
    """``the Postgres connection pool``, ``version 1.4.3``, plurals bare: as a person writes it."""
    first = rest.split(" ", 1)[0]
    if first[:1].isdigit() or re.match(r"v\d", first):
        return f"version {rest}" if verb == "Releases" else rest
    if verb == "Bumps" or first.lower() in _NO_ARTICLE or first.startswith(("/", "#", "`")) or "/" in first:
        return rest
    noun = re.split(r" (?:in|for|on|to|of|around|from|with|across) ", rest, maxsplit=1)[0].split(" ")[-1]
    if (noun.endswith("s") and not noun.endswith("ss")) or noun[:1].isdigit():  # "permissions", "module 3"
        return rest
    if verb in ("Adds", "Introduces", "Creates", "Implements", "Supports"):  # new things: no "the"
        return rest
    return f"the {rest}"


def _third_person(subject: str, kind_verb: str | None) -> str:
    """``add CSV parser`` -> ``Adds CSV parser``; a subject without a verb gets the kind's, or "Changes"."""
    lowered = subject.lower()
    for phrase, verb in _PHRASAL.items():
        if lowered.startswith(phrase + " "):
            return f"{verb} {_with_article(verb, subject[len(phrase) + 1 :].strip())}"
    first, _, rest = subject.partition(" ")
    word = first.lower().rstrip(":")
    verb = _IMPERATIVES.get(word) or _MORE_IMPERATIVES.get(word)
    if verb is not None and rest.strip():
        return f"{verb} {_with_article(verb, rest.strip())}"
    # No verb of its own ("Login page redesign"): the kind's verb, or a neutral one.
    opening = subject if subject[:2].isupper() else subject[:1].lower() + subject[1:]
    return f"{kind_verb or 'Changes'} {opening}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _read_prs(user: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(user)
    except ValueError:
        return []
    prs = data.get("prs") if isinstance(data, dict) else None
    return [pr for pr in prs if isinstance(pr, dict)] if isinstance(prs, list) else []


def _count_tokens(texts: Iterable[Any]) -> int:
    return sum(math.ceil(len(str(text)) / CHARS_PER_TOKEN) for text in texts)


# -- HTTP helpers ---------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def _json(status: int, body: Any, headers: dict[str, str], delay: float = 0.0) -> FakeResponse:
    return FakeResponse(status, {"content-type": "application/json", **headers}, json.dumps(body).encode(), delay)


def _error(status: int, message: str, kind: str, code: str, headers: dict[str, str] | None = None) -> FakeResponse:
    return _json(status, {"error": {"message": message, "type": kind, "code": code}}, headers or {})


def _seconds(value: float | None) -> str:
    """A retry-after value: whole seconds when long, hundredths when short (tests use short ones)."""
    value = max(0.0, value or 0.0)
    return str(math.ceil(value)) if value >= 10 else f"{math.ceil(value * 100) / 100:.2f}"


def _go_duration(seconds: float) -> str:
    """Groq's duration format: ``7.66s``, ``2m59.56s``, ``1h2m3s``."""
    seconds = max(0.0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{int(hours)}h" if hours >= 1 else ""
    if hours >= 1 or minutes >= 1:
        text += f"{int(minutes)}m"
    return text + f"{secs:.2f}".rstrip("0").rstrip(".") + "s"


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
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


# The in-process transport, under the name it had before it was shared with the GitHub fake.
FakeGroqTransport = FakeTransport


def serve_in_thread(fake: FakeGroq, host: str = "127.0.0.1") -> tuple[str, Callable[[], None]]:
    """Serve ``fake`` over a real socket on a free port; returns the base URL and a stop function."""
    return http_serving.serve_in_thread(
        fake.handle,
        host=host,
        name="fake-groq",
        methods=("GET", "POST", "DELETE"),
        enter=fake.enter,
        leave=fake.leave,
        strip_query=True,
        log=lambda line: log.debug("fake Groq: %s", line),
    )


# The demo's pace at --demo-speed 1: Groq-like latency, generation speed and a paid plan's budget.
DEMO_LATENCY_PER_REQUEST = 0.4
DEMO_SECONDS_PER_COMPLETION_TOKEN = 1 / 500
DEMO_TOKENS_PER_MINUTE = 250_000


def build_demo_llm(speed: float = 1.0, **client_options: Any) -> tuple[LLMClient, FakeGroq]:
    """An ``LLMClient`` on an in-process fake Groq with demo latencies, and the fake (for --demo)."""
    from tformance.core.llm.client import LLMClient

    speed = max(speed, 0.01)
    fake = FakeGroq(
        tokens_per_minute=DEMO_TOKENS_PER_MINUTE,
        latency_per_request=DEMO_LATENCY_PER_REQUEST / speed,
        seconds_per_completion_token=DEMO_SECONDS_PER_COMPLETION_TOKEN / speed,
        window_seconds=60.0 / speed,
    )
    return LLMClient(fake.client, **client_options), fake
