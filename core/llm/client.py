"""Talking to Groq through the official ``groq`` SDK, as fast as the account's limits allow.

``LLMClient.analyse`` turns PRs into checked answers: it packs several PRs per request (sized by a
token budget), sends requests concurrently, and paces them with ``pacing.TokenGovernor``, a model of
Groq's token bucket resynced from every response's ``x-ratelimit-*`` headers.
It honours ``retry-after`` however long (the SDK stops at 60 s, so its own retries are off), backs
off on 498/503, and repairs bad answers: fenced JSON is stripped, invalid JSON is asked again once,
a truncated or oversized request is split, and only the PRs missing from an answer are re-asked.

When the key is rejected, the daily quota is used up or Groq stays down, the client stops for good
(``LLMUnavailable``): PRs not answered yet are simply not in the result, so they stay pending.
The Batch API (``llm.batch``) goes through ``call``, under the same failure rules.
The API key lives only inside the SDK client: never in a message, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from tformance.core.errors import (
    ENRICH_HINT,
    LLMBadAnswer,
    LLMDown,
    LLMKeyRejected,
    LLMNotFound,
    LLMQuotaExhausted,
    LLMUnavailable,
)
from tformance.core.llm.answers import ParsedAnswers, PRAnswer, parse_answers
from tformance.core.llm.cost import COMPLETION_TOKENS_PER_PR, TokenUsage
from tformance.core.llm.pacing import (
    DEFAULT_MAX_CONCURRENCY,
    INITIAL_CONCURRENCY,
    TokenGovernor,
    format_wait,
    retry_after,
)
from tformance.core.llm.prompt import (
    PreparedPR,
    PRInput,
    completion_budget,
    is_reasoning_model,
    plan_requests,
    prepare,
    prompt_tokens,
    request_body,
    supports_strict_schema,
)
from tformance.core.network import tls_context
from tformance.core.settings import DEFAULT_LLM_MODEL, Settings

if TYPE_CHECKING:
    from groq import AsyncGroq
    from groq.types import CompletionUsage
    from groq.types.chat import ChatCompletion

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_REQUEST_TOKENS = 8000  # prompt + expected answer of one request, before the account's limit is known
DEFAULT_MAX_PRS_PER_REQUEST = 20  # bounds the answer's length, so its latency and what a failure costs
MAX_WAIT_SECONDS = 900.0  # a longer retry-after means "out of quota for now": stop, resume later
MAX_TRANSIENT_ATTEMPTS = 6
REASK_ROUNDS = 2
RETRY_STATUSES = frozenset({408, 409, 498, 500, 502, 503, 504})
# A dead endpoint must not hold the LLM stage: a refused connection is tried 3 times (about 3 s of
# back-off), and Groq silent for 10 s (no answer, not even an error) stops the stage.
UNREACHABLE_ATTEMPTS = 3
SILENCE_DEADLINE = 10.0
# Connect fast (a closed or unrouted host), read long enough for a long answer to stream in.
GROQ_TIMEOUT = httpx.Timeout(20.0, connect=3.0)

_DAILY = re.compile(r"per day|\(TPD\)|\(RPD\)|\(ASD\)|daily", re.IGNORECASE)


class _Truncated(Exception):
    """The answer stopped at ``max_completion_tokens`` (finish_reason "length")."""


class _TooLarge(Exception):
    """Groq refused the request as too large (413, or context length)."""


@dataclass(frozen=True)
class Analysis:
    """Answers for the PRs that got one; ``failed``: PRs the model never answered usably."""

    answers: dict[int, PRAnswer]
    failed: frozenset[int]
    stopped: LLMUnavailable | None = None


@dataclass(frozen=True)
class _Completion:
    content: str | None
    finish_reason: str | None


class LLMClient:
    """PRs in, checked answers out, within the account's limits. One per run; not thread-safe."""

    def __init__(
        self,
        groq: AsyncGroq | Callable[[], AsyncGroq],
        model: str = DEFAULT_LLM_MODEL,
        *,
        request_tokens: int = DEFAULT_REQUEST_TOKENS,
        max_prs_per_request: int = DEFAULT_MAX_PRS_PER_REQUEST,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        initial_concurrency: int = INITIAL_CONCURRENCY,
        max_wait: float = MAX_WAIT_SECONDS,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_attempts: int = MAX_TRANSIENT_ATTEMPTS,
    ) -> None:
        self._groq_source = groq
        self._groq: AsyncGroq | None = None
        self.model = model
        self.strict = supports_strict_schema(model)
        self.request_tokens = request_tokens
        self.max_prs_per_request = max(1, max_prs_per_request)
        self.max_wait = max_wait
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_attempts = max(1, max_attempts)
        self.governor = TokenGovernor(initial_concurrency, max_concurrency)
        self.usage = TokenUsage()
        self._prompt_ratio = 1.0  # Groq's prompt tokens / our estimate, learned from usage
        self._completion_per_pr = COMPLETION_TOKENS_PER_PR + (25.0 if is_reasoning_model(model) else 0.0)
        self._silent_since: float | None = None  # first failure with no answer from Groq since

    def __repr__(self) -> str:
        return f"LLMClient(model={self.model!r})"

    @property
    def stopped(self) -> LLMUnavailable | None:
        return self.governor.stopped

    def groq(self) -> AsyncGroq:
        """The SDK client, built on first use."""
        if self._groq is None:
            source = self._groq_source
            # An AsyncGroq has ``chat``; anything else is a factory that builds one.
            self._groq = cast("AsyncGroq", source) if hasattr(source, "chat") else source()
        return self._groq

    async def close(self) -> None:
        if self._groq is not None:
            await self._groq.close()

    def request_budget(self) -> int:
        """Tokens one request may hold: a quarter of the per-minute limit at most, so several fit."""
        budget = self.request_tokens
        if self.governor.limit:
            budget = min(budget, max(400, self.governor.limit // 4))
        return budget

    async def analyse(self, prs: Sequence[PRInput]) -> Analysis:
        """Answers for ``prs``. Never raises for Groq's failures: a stop is reported in ``stopped``."""
        if self.stopped is not None or not prs:
            return Analysis({}, frozenset(), self.stopped)
        prepared = [prepare(pr) for pr in prs]
        # The budget counts prompt plus answer; the planner sees only the prompt side, in our estimate's units.
        share = self._prompt_ratio + self._completion_per_pr / max(1.0, _mean_tokens(prepared))
        groups = plan_requests(prepared, int(self.request_budget() / max(share, 0.1)), self.max_prs_per_request)
        results = await asyncio.gather(*(self._resolve(group, REASK_ROUNDS) for group in groups))
        answers: dict[int, PRAnswer] = {}
        failed: set[int] = set()
        for group_answers, group_failed in results:
            answers.update(group_answers)
            failed |= group_failed
        return Analysis(answers, frozenset(failed), self.stopped)

    async def _resolve(
        self, group: list[PreparedPR], rounds: int, *, boosted: bool = False
    ) -> tuple[dict[int, PRAnswer], set[int]]:
        """Answers for one group, splitting it and re-asking for missing PRs as needed."""
        try:
            # A single PR cut off even alone gets four times the room once (long reasoning, say).
            max_tokens = 4 * completion_budget(self.model, len(group)) if boosted else None
            parsed = await self._ask(group, max_tokens)
        except LLMUnavailable:
            return {}, set()
        except (_Truncated, _TooLarge, LLMBadAnswer) as problem:
            if len(group) > 1:
                log.info("splitting a request of %d PRs: %s", len(group), _describe(problem))
                half = len(group) // 2
                left, right = await asyncio.gather(
                    self._resolve(group[:half], rounds), self._resolve(group[half:], rounds)
                )
                return {**left[0], **right[0]}, left[1] | right[1]
            if isinstance(problem, _Truncated) and not boosted:
                return await self._resolve(group, rounds, boosted=True)
            log.warning("no usable answer for PR %s: %s", group[0].id, _describe(problem))
            return {}, {group[0].id}
        answers = dict(parsed.answers)
        if parsed.unknown_ids:
            log.info("ignored answers for PRs not asked about: %s", parsed.unknown_ids[:5])
        missing = [item for item in group if item.id in parsed.missing]
        if not missing:
            return answers, set()
        if rounds <= 0:
            return answers, {item.id for item in missing}
        log.info("re-asking for %d of %d PRs missing from an answer", len(missing), len(group))
        more, failed = await self._resolve(missing, rounds - 1)
        return {**answers, **more}, failed

    async def _ask(self, group: list[PreparedPR], max_tokens: int | None) -> ParsedAnswers:
        """One logical request: a bad answer (invalid JSON, wrong shape) is asked again once."""
        ids = [item.id for item in group]
        for attempt in (1, 2):
            try:
                completion = await self._complete(group, max_tokens)
                if completion.finish_reason == "length":
                    raise _Truncated()
                return parse_answers(completion.content, ids)
            except LLMBadAnswer as problem:
                if attempt == 2:
                    raise
                log.info("asking again after a bad answer: %s", problem)
        raise AssertionError("unreachable")

    async def _complete(self, group: list[PreparedPR], max_tokens: int | None) -> _Completion:
        """Send one chat completion, waiting out limits and retrying transient failures."""
        transient = 0
        while True:
            body = request_body(self.model, group, strict=self.strict, max_tokens=max_tokens)
            cost = self._estimate_cost(group, body["max_completion_tokens"])
            ticket = await self.governor.acquire(cost)
            headers: httpx.Headers | None = None
            failure: Exception | None = None
            outcome = "error"
            completion: ChatCompletion | None = None
            try:
                raw = await self.groq().chat.completions.with_raw_response.create(**body)
                headers = raw.headers
                completion = await raw.parse()
                outcome = "ok"
            except _groq_errors().APIStatusError as error:
                headers, failure = error.response.headers, error
                status = error.status_code
                outcome = "rate_limited" if status == 429 else "overloaded" if status in RETRY_STATUSES else "error"
            except _groq_errors().APIConnectionError as error:  # timeouts too
                failure, outcome = error, "overloaded"
            finally:
                self.governor.release(ticket, headers, outcome)
            if headers is not None:
                self._silent_since = None  # Groq answered (even an error): it is not a dead endpoint
            if completion is not None:
                self._learn(group, completion.usage)
                choice = completion.choices[0] if completion.choices else None
                if choice is None:
                    raise LLMBadAnswer("the answer has no choices")
                return _Completion(choice.message.content, choice.finish_reason)
            assert failure is not None
            transient = await self._handle_failure(failure, headers, transient)

    async def _handle_failure(self, failure: Exception, headers: httpx.Headers | None, transient: int) -> int:
        """Decide after a failed request: return to retry (with the new transient count), or raise."""
        status = getattr(failure, "status_code", None)
        message = _error_message(failure)
        code = _error_code(failure)
        if status in (401, 403):
            self._stop(LLMKeyRejected(status))
        if status == 404 and code == "model_not_found":
            self._stop(LLMUnavailable(f"Groq has no model {self.model!r} for this key (404): set TFORMANCE_LLM_MODEL"))
        if status == 404:
            raise LLMNotFound(f"Groq does not know it (404: {message[:160]})")
        if status == 413 or code == "context_length_exceeded":
            raise _TooLarge(message)
        if status == 429:
            if _DAILY.search(message):
                self._stop(LLMQuotaExhausted(f"Groq's daily quota for {self.model} is used up: {ENRICH_HINT} later"))
            wait = retry_after(headers, message)
            if wait > self.max_wait:
                self._stop(
                    LLMQuotaExhausted(f"Groq asks us to wait {format_wait(wait)} (rate limit): {ENRICH_HINT} later")
                )
            log.info("Groq rate limit: waiting %.1fs", wait)
            self.governor.block(wait)
            return transient
        if status is None or status in RETRY_STATUSES:
            transient += 1
            what = "cannot reach Groq" if status is None else f"Groq answered {status}"
            if transient >= self.max_attempts:
                self._stop(LLMDown(f"{what} after {transient} tries: {ENRICH_HINT} later"))
            if status is None:
                self._give_up_if_silent(failure, transient)
            delay = min(self.backoff_cap, self.backoff_base * 2 ** (transient - 1)) * (0.5 + random.random() / 2)
            delay = max(delay, retry_after(headers, message, default=0.0))
            log.info("%s; retrying in %.1fs", what, delay)
            self.governor.block(delay)
            return transient
        if status == 400 and code == "json_validate_failed":
            raise LLMBadAnswer("Groq could not make the model's output valid JSON")
        if status == 400 and self.strict and ("response_format" in message or "json_schema" in message):
            log.info("model %s refused a strict JSON schema; using json_object", self.model)
            self.strict = False
            return transient
        self._stop(LLMUnavailable(f"Groq refused the request ({status}: {message[:160]})"))
        raise AssertionError("unreachable")

    def _give_up_if_silent(self, failure: Exception, transient: int) -> None:
        """Stop when Groq gives no answer at all: a refused connection after a few quick tries, or
        no answer for ``SILENCE_DEADLINE`` seconds. A dead endpoint then holds the LLM stage for
        seconds, not the minutes a full back-off takes; 5xx answers keep their longer retries."""
        now = time.monotonic()
        if self._silent_since is None:
            self._silent_since = now
        timed_out = isinstance(failure, _groq_errors().APITimeoutError)
        silent_for = now - self._silent_since
        if (not timed_out and transient >= UNREACHABLE_ATTEMPTS) or silent_for > SILENCE_DEADLINE:
            host = self._host()
            why = "did not answer in time" if timed_out else "refused the connection"
            self._stop(LLMDown(f"Groq at {host} {why} ({transient} tries, {silent_for:.0f} s): {ENRICH_HINT} later"))

    def _host(self) -> str:
        try:
            return str(self.groq().base_url.host) or "api.groq.com"
        except Exception:  # a fake or factory without a base URL: the message still says what failed
            return "api.groq.com"

    def _stop(self, error: LLMUnavailable) -> None:
        self.governor.stop(error)
        raise self.governor.stopped or error

    def _estimate_cost(self, group: list[PreparedPR], max_tokens: int) -> int:
        expected = prompt_tokens(group) * self._prompt_ratio + self._completion_per_pr * len(group)
        return math.ceil(min(expected, prompt_tokens(group) * self._prompt_ratio + max_tokens))

    def _learn(self, group: list[PreparedPR], usage: CompletionUsage | None) -> None:
        if usage is None:
            self.usage += TokenUsage(0, 0, 1)
            return
        prompt, completion = int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0)
        self.usage += TokenUsage(prompt, completion, 1)
        if prompt:
            self._prompt_ratio = 0.7 * self._prompt_ratio + 0.3 * (prompt / prompt_tokens(group))
        if completion:
            self._completion_per_pr = 0.7 * self._completion_per_pr + 0.3 * (completion / len(group))

    async def call(self, operation: Callable[[AsyncGroq], Awaitable[T]]) -> T:
        """A call other than a completion (the Batch and Files API), with the same failure rules."""
        transient = 0
        while True:
            if self.stopped is not None:
                raise self.stopped
            try:  # _TooLarge comes from the failure handlers, so it is caught around them
                try:
                    result = await operation(self.groq())
                    self._silent_since = None
                    return result
                except _groq_errors().APIStatusError as error:
                    transient = await self._handle_failure(error, error.response.headers, transient)
                except _groq_errors().APIConnectionError as error:
                    transient = await self._handle_failure(error, None, transient)
            except _TooLarge as error:
                raise LLMUnavailable(f"Groq refused the batch file as too large: {error}") from None
            await asyncio.sleep(max(0.0, self.governor.blocked_until - time.monotonic()))


def build_llm_client(
    settings: Settings, *, http_client: httpx.AsyncClient | None = None, **options: Any
) -> LLMClient | None:
    """The client for ``settings`` (model, key, base URL), or None without a key. Nothing is built yet."""
    key = settings.groq_api_key
    if not key:
        return None
    base_url = settings.groq_base_url

    def make() -> AsyncGroq:
        from groq import AsyncGroq, DefaultAsyncHttpxClient

        # The SDK's own client settings, with our certificates (SSL_CERT_FILE, else the OS store);
        # HTTPS_PROXY is honoured (trust_env).
        client = http_client or DefaultAsyncHttpxClient(verify=tls_context(), trust_env=True)
        # Our own retries replace the SDK's: it would cap retry-after at 60 s and hide the headers.
        return AsyncGroq(api_key=key, base_url=base_url, max_retries=0, http_client=client, timeout=GROQ_TIMEOUT)

    return LLMClient(make, settings.llm_model, **options)


def _groq_errors() -> Any:
    import groq

    return groq


def _mean_tokens(prepared: Sequence[PreparedPR]) -> float:
    return sum(item.tokens for item in prepared) / max(1, len(prepared))


def _error_body(failure: Exception) -> dict[str, Any]:
    body = getattr(failure, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        return inner if isinstance(inner, dict) else {"message": str(inner)}
    return {}


def _error_message(failure: Exception) -> str:
    message = _error_body(failure).get("message")
    if isinstance(message, str):
        return message
    return getattr(failure, "message", None) or type(failure).__name__


def _error_code(failure: Exception) -> str | None:
    code = _error_body(failure).get("code")
    return code if isinstance(code, str) else None


def _describe(problem: Exception) -> str:
    if isinstance(problem, _Truncated):
        return "the answer was cut off (finish_reason: length)"
    if isinstance(problem, _TooLarge):
        return "the request was too large"
    return str(problem)
