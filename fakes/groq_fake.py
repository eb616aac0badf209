"""A local fake of Groq's OpenAI-compatible API, reached through the real ``groq`` SDK.

It serves ``/openai/v1/chat/completions`` (and ``/files`` and ``/batches`` for the Batch API) with
Groq's shapes, headers and errors: a tokens-per-minute bucket reported in ``x-ratelimit-*`` headers,
429 with ``retry-after``, a daily quota (429 naming TPD), 401, 413, 498 and 503, usage in every answer,
and latency per request and per completion token. Faults are injected with ``FakeGroq.inject``:
fenced JSON, prose around the JSON, invalid JSON, truncated answers, missing, unknown or mistyped
entries, and every HTTP error above.

Its "model" (``groq_answers``) answers deterministically from the wire contract: it reads the
``{"prs": [...]}`` user message and judges each PR on that PR's own fields alone.

``FakeGroq.handle`` is the synchronous core; ``transport()`` serves it in-process to httpx (no socket,
for ``--demo`` and most tests) and ``serve_in_thread`` over a real socket. This module holds the
fake's state, the route of a request and the chat completion; the refusals are in ``groq_faults``,
the Batch API in ``groq_batches``, the wire shapes in ``groq_wire``. ``build_demo_llm`` gives the
``--demo`` its LLM.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import httpx

from tformance.fakes import http_serving
from tformance.fakes.groq_answers import judge, read_prs
from tformance.fakes.groq_batches import Batch, BatchAPI
from tformance.fakes.groq_faults import GroqFault, GroqFaultsAndLimits
from tformance.fakes.groq_wire import CHARS_PER_TOKEN, CHAT_PATH, RecordedCall, error_response, json_body, json_response
from tformance.fakes.http_serving import CountsInFlight, FakeResponse, FakeTransport

if TYPE_CHECKING:
    from groq import AsyncGroq

    from tformance.core.llm.client import LLMClient

log = logging.getLogger(__name__)

DEMO_GROQ_KEY = "gsk_demo_offline_key"
FAKE_BASE_URL = "http://groq.fake"
# model -> whether it accepts a strict json_schema response format
MODELS: dict[str, bool] = {
    "openai/gpt-oss-20b": True,
    "openai/gpt-oss-120b": True,
    "llama-3.1-8b-instant": False,
    "llama-3.3-70b-versatile": False,
    "meta-llama/llama-4-scout-17b-16e-instruct": False,
    "qwen/qwen3-32b": False,
}


class FakeGroq(BatchAPI, GroqFaultsAndLimits, CountsInFlight):
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
        self._batches: dict[str, Batch] = {}

    def __repr__(self) -> str:
        return f"FakeGroq(tokens_per_minute={self.tokens_per_minute}, calls={len(self.calls)})"

    # -- control (faults and quotas: ``GroqFaultsAndLimits``) ----------------------------------

    def set_key(self, api_key: str) -> None:
        """Accept only ``api_key`` from now on (the old one starts getting 401)."""
        with self._lock:
            self._key_hash = _hash(api_key)

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
                response = error_response(500, "Internal Server Error", "internal_server_error", "server_error")
            call.status = response.status
            return response

    def _route(self, call: RecordedCall, headers: dict[str, str], body: bytes, now: float) -> FakeResponse:
        auth = headers.get("authorization", "")
        scheme, _, key = auth.partition(" ")
        if scheme.lower() != "bearer" or _hash(key.strip()) != self._key_hash:
            call.fault = call.fault or "unauthorized"
            return error_response(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
        path, method = call.path, call.method
        if path == CHAT_PATH and method == "POST":
            return self._chat(call, json_body(body), now, live=True)
        if path == "/openai/v1/files" and method == "POST":
            return self._upload(headers.get("content-type", ""), body)
        if path == "/openai/v1/batches" and method == "POST":
            return self._create_batch(json_body(body))
        if path.startswith("/openai/v1/batches/") and method == "GET":
            return self._retrieve_batch(path.rsplit("/", 1)[1])
        if path.startswith("/openai/v1/files/") and path.endswith("/content") and method == "GET":
            return self._file_content(path.split("/")[-2])
        return error_response(404, f"Unknown request URL: {method} {path}", "invalid_request_error", "unknown_url")

    # -- chat completions ------------------------------------------------------------------

    def _chat(self, call: RecordedCall, request: Any, now: float, *, live: bool) -> FakeResponse:
        if not isinstance(request, dict):
            return error_response(400, "request body must be a JSON object", "invalid_request_error", "invalid_request")
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
        prs = read_prs(call.user)
        call.pr_ids = [pr["id"] for pr in prs if isinstance(pr.get("id"), int)]

        if model not in MODELS:
            return error_response(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            )
        if call.response_format == "json_schema" and not MODELS[model]:
            return error_response(
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
        return json_response(200, body, self._limit_headers(now), delay)


def _count_tokens(texts: Iterable[Any]) -> int:
    return sum(math.ceil(len(str(text)) / CHARS_PER_TOKEN) for text in texts)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


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
