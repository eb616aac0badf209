"""Serve a ``FakeGitHub`` over real HTTP, in a thread (tests) or as a process (kill -9 tests, benchmarks).

    python -m tformance.fakes.github_server --port 0 --dataset large --latency 0.3 --latency-per-pr 0.02

prints the endpoint URL on its first line of stdout, then serves until killed.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from tformance.fakes import http_serving
from tformance.fakes.demo_org import build_demo_org, build_empty_org, build_large_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub
from tformance.fakes.github_limits import SecondaryLimits
from tformance.fakes.http_serving import FakeResponse

STATS_PATH = "/_fake/stats"  # GET: what the fake counted, for benchmarks in another process


def serve_in_thread(fake: FakeGitHub, host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Start serving ``fake`` on a daemon thread; returns the endpoint URL and a function that stops it."""

    def handle(method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> FakeResponse:
        if method == "GET" and path.endswith(STATS_PATH):
            return FakeResponse(200, {"content-type": "application/json"}, json.dumps(stats(fake)).encode())
        return fake.handle(method, path, headers, body)

    return http_serving.serve_in_thread(
        handle,
        host=host,
        port=port,
        name="fake-github",
        url_path="/graphql",
        enter=fake.enter,
        leave=fake.leave,
        server_header="GitHub.com",
        quiet_disconnects=True,  # the kill -9 test kills clients mid-answer on purpose
    )


def stats(fake: FakeGitHub) -> dict[str, float]:
    limits = fake.limits
    with fake._lock:
        return {
            "requests": len(fake.requests),
            "server_seconds": limits.server_time_total,
            "secondary_answers": limits.secondary_answers,
            "requests_during_penalty": limits.requests_during_penalty,
            "max_in_flight": fake.max_in_flight,
        }


def build_fake(args: argparse.Namespace) -> FakeGitHub:
    today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else None
    if args.dataset == "large" or args.repos or args.prs_per_repo or sizes:
        org = build_large_org(today, args.repos or 20, args.prs_per_repo or 1000, args.seed, sizes)
    elif args.dataset == "empty":
        org = build_empty_org(today)
    else:
        org = build_demo_org(today, args.seed)
    return FakeGitHub(
        org,
        tokens=args.token or [DEMO_TOKEN],
        rate_limit=args.rate_limit,
        latency_per_request=args.latency,
        latency_per_pr=args.latency_per_pr,
        max_first_before_502=args.max_first_before_502,
        limits=SecondaryLimits(time_budget=args.time_budget, penalty=args.penalty),
        clock_offset=args.clock_offset,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tformance.fakes.github_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--dataset", choices=("demo", "large", "empty"), default="demo")
    parser.add_argument("--repos", type=int, help="large dataset: number of repositories (default 20)")
    parser.add_argument("--prs-per-repo", type=int, help="large dataset: PRs per repository (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", help="YYYY-MM-DD the data ends at (default: today, UTC)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--latency-per-pr", type=float, default=0.0, help="seconds added per PR returned")
    parser.add_argument("--rate-limit", type=int, default=5000, help="points per hour")
    parser.add_argument("--max-first-before-502", type=int, help="PR pages bigger than this get a 502")
    parser.add_argument("--sizes", help="large dataset: comma-separated PR counts, one per repository")
    parser.add_argument("--time-budget", type=float, help="seconds of server time per 60 s (GitHub: 60); off if unset")
    parser.add_argument("--penalty", type=float, default=60.0, help="seconds a secondary limit refuses everything")
    parser.add_argument("--clock-offset", type=float, default=0.0, help="seconds GitHub's clock is ahead of ours")
    parser.add_argument("--token", action="append", help=f"an accepted token (repeatable; default {DEMO_TOKEN})")
    args = parser.parse_args(argv)
    url, stop = serve_in_thread(build_fake(args), args.host, args.port)
    print(url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
