"""What the fake Groq refuses and how: injected faults, the token bucket and the daily quotas.

``GroqFault`` is a failure to serve (an HTTP error, a dropped connection, or an answer whose text
is fenced, wrapped in prose, invalid, truncated or wrong); ``FakeGroq.inject`` queues it.
``GroqFaultsAndLimits`` is the part of ``FakeGroq`` that picks the fault a chat completion gets,
keeps the tokens-per-minute bucket and the daily token and request quotas, reports them in
``x-ratelimit-*`` headers, and refuses with Groq's own messages when a limit is hit.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from tformance.fakes.groq_wire import ORGANIZATION, error_response, go_duration, retry_after_value
from tformance.fakes.http_serving import FakeResponse

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


class GroqFaultsAndLimits:
    """Faults and limits; mixed into ``FakeGroq``, whose ``__init__`` sets the attributes below."""

    tokens_per_minute: int | None
    tokens_per_day: int | None
    requests_per_day: int
    window_seconds: float
    latency_per_request: float
    _lock: threading.RLock
    _faults: list[GroqFault]
    _bucket: float
    _bucket_at: float
    _day_tokens: int
    _day_requests: int
    _sequence: int

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

    def use_up_daily_quota(self) -> None:
        with self._lock:
            self.tokens_per_day = self._day_tokens

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
            return error_response(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
        if kind == "disconnect":
            return FakeResponse(0, {}, b"", self.latency_per_request, disconnect=True)
        if kind in ("server_error", "overloaded", "flex_capacity"):
            status = HTTP_FAULTS[kind]
            message = {
                500: "Internal Server Error",
                503: "Service Unavailable: the model is over capacity, please try again later",
                498: "Flex tier capacity exceeded. This model is over capacity; please try again later.",
            }[status]
            headers = {"retry-after": retry_after_value(fault.retry_after)} if fault and fault.retry_after else {}
            return error_response(status, message, "internal_server_error", "service_unavailable", headers)
        if kind == "json_validate_failed":
            return error_response(
                400,
                "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
                "invalid_request_error",
                "json_validate_failed",
            )
        if kind == "too_large" or (tpm is not None and prompt + max_tokens > tpm):
            limit = tpm or prompt
            return error_response(
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
                f"Please try again in {go_duration(wait)}. Need more tokens? Upgrade to Dev Tier today at "
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
            f"Please try again in {go_duration(wait)}. Need more tokens? Upgrade to Dev Tier today at "
            "https://console.groq.com/settings/billing"
        )

    def _rate_limited(self, message: str, wait: float, now: float, *, send_header: bool = True) -> FakeResponse:
        headers = self._limit_headers(now)
        if send_header:
            headers["retry-after"] = retry_after_value(wait)
        return error_response(429, message, "tokens", "rate_limit_exceeded", headers)

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
            "x-ratelimit-reset-requests": go_duration(86400 / self.requests_per_day * self._day_requests),
        }
        tpm = self.tokens_per_minute
        if tpm is not None:
            self._refill(now)
            remaining = max(0, int(self._bucket))
            headers["x-ratelimit-limit-tokens"] = str(tpm)
            headers["x-ratelimit-remaining-tokens"] = str(remaining)
            headers["x-ratelimit-reset-tokens"] = go_duration((tpm - self._bucket) / (tpm / self.window_seconds))
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
