"""How fast the LLM stage enriches 2,000 PRs against the fake Groq, and how much of the token budget it uses.

Run: ``python benchmarks/llm_throughput.py [--prs 2000] [--tpm 250000] [--latency 0.4] [--tokens-per-second 500]
[--speedup 1] [--skip-original]``.

The fake answers after ``latency`` seconds plus its completion tokens at ``tokens-per-second``, and enforces
a tokens-per-minute bucket (``--tpm 0``: no limit). Two designs run on the same synthetic database:

* this one: ``Enricher`` + ``LLMClient`` (units of 100 PRs, several PRs per request sized by a token
  budget, concurrent requests paced by the rate-limit headers);
* the original: one 100-PR request at a time, then a 5 s poll before looking for more.

``--speedup N`` divides every duration (latency, generation, the rate-limit window, the poll) by N so a run
takes less wall time; reported times are scaled back to real seconds. Budget share = tokens used / tokens the
limit allowed over the run (a full bucket at the start plus the per-minute refill).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tformance.core.enrichment.live import Enricher
from tformance.core.enrichment.pending import claim_unit, count_pending, store_answers
from tformance.core.github.records import CommitRecord, PullRequestRecord
from tformance.core.llm.client import LLMClient
from tformance.core.store import pr_store
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import EnrichmentStatus, PullRequest
from tformance.core.store.pr_store import DatabaseThread
from tformance.fakes.groq_fake import FakeGroq

ORIGINAL_BATCH = 100
ORIGINAL_POLL_SECONDS = 5.0
WORDS = [
    "cache",
    "retry",
    "client",
    "server",
    "request",
    "response",
    "handler",
    "config",
    "parser",
    "schema",
    "migration",
    "index",
    "query",
    "token",
    "session",
    "login",
    "page",
    "button",
    "modal",
    "layout",
    "test",
    "fixture",
    "flaky",
    "timeout",
    "queue",
    "worker",
    "job",
    "metric",
    "dashboard",
    "export",
    "report",
    "filter",
    "search",
    "pagination",
    "sort",
    "error",
    "logging",
    "trace",
    "span",
    "docs",
    "readme",
]
TOOLS_FOOTERS = (
    "\n\nGenerated with [Claude Code](https://claude.ai/code)",
    "\n\nI drafted this with ChatGPT and reviewed it.",
    "",
    "",
    "",
    "",
)


@dataclass(frozen=True)
class RunResult:
    label: str
    seconds: float  # real-time equivalent (measured x speedup)
    requests: int
    rate_limited: int
    tokens: int
    enriched: int

    def budget_share(self, tpm: int) -> float | None:
        if not tpm:
            return None
        allowed = tpm * (1 + self.seconds / 60)
        return self.tokens / allowed


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build_records(count: int, seed: int = 11) -> list[PullRequestRecord]:
    """PRs with realistic text sizes: a third without a body, a third short, a third long; 1 to 6 commits."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared test builders
    from tests.factories import pr_record

    rng = random.Random(seed)
    start = datetime(2025, 6, 30, tzinfo=UTC)
    records = []
    for number in range(1, count + 1):
        at = start - timedelta(hours=number)
        kind = number % 3
        body = "" if kind == 0 else _sentence(rng, rng.randint(15, 60) if kind == 1 else rng.randint(150, 450))
        body += rng.choice(TOOLS_FOOTERS) if body else ""
        commits = tuple(
            CommitRecord(
                oid=f"{number:020x}{c:020x}",
                message=f"{rng.choice(['fix', 'feat', 'refactor', 'test'])}: {_sentence(rng, rng.randint(3, 8))}"
                + ("\n\nCo-authored-by: Sam Lee <sam@corp.example>" if rng.random() < 0.2 else ""),
                authored_at=at,
                author_name="Dev",
                author_email="dev@corp.example",
                author_login="dev",
            )
            for c in range(rng.randint(1, 6))
        )
        records.append(
            pr_record(
                number,
                url="",
                title=f"{rng.choice(['Fix', 'Add', 'Update', 'Refactor'])} {_sentence(rng, rng.randint(3, 8))}",
                body=body,
                author=f"dev{number % 17}",
                created=at,
                additions=10,
                deletions=2,
                changed_files=2,
                head_ref=f"branch-{number}",
                commits=commits,
            )
        )
    return records


def make_fake(args: argparse.Namespace) -> FakeGroq:
    return FakeGroq(
        tokens_per_minute=args.tpm or None,
        window_seconds=60.0 / args.speedup,
        latency_per_request=args.latency / args.speedup,
        seconds_per_completion_token=1.0 / (args.tokens_per_second * args.speedup),
        requests_per_day=10**9,
    )


async def run_current(db: DatabaseThread, args: argparse.Namespace) -> RunResult:
    fake = make_fake(args)
    llm = LLMClient(fake.client)
    started = time.monotonic()
    summary = await Enricher(llm, db, batch_size=ORIGINAL_BATCH).run()
    elapsed = (time.monotonic() - started) * args.speedup
    await llm.close()
    return _result("this design", fake, elapsed, summary.enriched)


async def run_original(db: DatabaseThread, args: argparse.Namespace) -> RunResult:
    """One request of 100 PRs at a time, and a 5 s poll between batches, as the original design did."""
    fake = make_fake(args)
    llm = LLMClient(
        fake.client,
        max_prs_per_request=ORIGINAL_BATCH,
        request_tokens=10**9,
        max_concurrency=1,
        initial_concurrency=1,
    )
    enriched = 0
    started = time.monotonic()
    while True:
        unit = await db.run(claim_unit, 0, ORIGINAL_BATCH)
        if not unit:
            break
        analysis = await llm.analyse(unit)
        await db.run(store_answers, unit, analysis.answers, analysis.failed)
        enriched += len(analysis.answers)
        await asyncio.sleep(ORIGINAL_POLL_SECONDS / args.speedup)
    elapsed = (time.monotonic() - started) * args.speedup
    await llm.close()
    return _result("original (100 PRs/request, 5 s poll)", fake, elapsed, enriched)


def _result(label: str, fake: FakeGroq, seconds: float, enriched: int) -> RunResult:
    calls = fake.chat_calls
    return RunResult(
        label,
        seconds,
        requests=len(calls),
        rate_limited=sum(call.status == 429 for call in calls),
        tokens=fake.tokens_used,
        enriched=enriched,
    )


def _reset() -> None:
    PullRequest.update(enrichment_status=EnrichmentStatus.PENDING, llm_summary=None, is_ai_assisted=None).execute()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "bench.db")
        repo = pr_store.ensure_repository("acme/bench")
        records = build_records(args.prs)
        for start in range(0, len(records), 200):
            pr_store.save_pull_requests(repo.id, records[start : start + 200], {})
        db = DatabaseThread()
        results = [await run_current(db, args)]
        if not args.skip_original:
            await db.run(_reset)
            assert await db.run(count_pending) == args.prs
            results.append(await run_original(db, args))
        await db.run(close_database)
        db.close()
        close_database()

    limit = f"{args.tpm:,} tokens/min" if args.tpm else "no token limit"
    print(
        f"{args.prs:,} PRs, {limit}, {args.latency}s per request + {args.tokens_per_second} completion tokens/s"
        + (f" (run {args.speedup:g}x faster, times scaled back)" if args.speedup != 1 else "")
    )
    print(f"{'design':<40} {'wall s':>8} {'PRs/s':>7} {'requests':>8} {'429s':>5} {'tokens':>9} {'budget':>7}")
    for result in results:
        share = result.budget_share(args.tpm)
        print(
            f"{result.label:<40} {result.seconds:>8.1f} {result.enriched / result.seconds:>7.1f} {result.requests:>8} "
            f"{result.rate_limited:>5} {result.tokens:>9,} {'-' if share is None else f'{share:.0%}':>7}"
        )
    if len(results) == 2:
        print(f"speed-up over the original design: {results[1].seconds / results[0].seconds:.1f}x")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prs", type=int, default=2000)
    parser.add_argument("--tpm", type=int, default=250_000, help="tokens per minute (0: no limit)")
    parser.add_argument("--latency", type=float, default=0.4, help="seconds per request")
    parser.add_argument("--tokens-per-second", type=float, default=500.0, help="completion tokens per second")
    parser.add_argument("--speedup", type=float, default=1.0, help="divide every duration by this")
    parser.add_argument("--skip-original", action="store_true", help="do not time the original design")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
