"""Sync speed and memory against the fake GitHub with GitHub-like latency and GitHub's limits.

    python benchmarks/sync_speed.py            # the figures in the README
    python benchmarks/sync_speed.py --quick    # smaller, for a smoke run
    python benchmarks/sync_speed.py --skewed   # the skewed large team only
    python benchmarks/sync_speed.py --big      # 20,000 PRs in 40 repos only (about 8 minutes)

Latency model (from the issue): 0.3 s per request plus 0.02 s per PR returned. The fake runs as
a separate process with a threaded HTTP server, so concurrent requests overlap as on GitHub, and
enforces GitHub's secondary limits: 60 s of server time (its simulated response times) per 60 s,
2,000 points a minute, 100 concurrent requests, a 60 s penalty after a breach.
The baseline is the original design: one repo at a time, 25 PRs a page, one request in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tformance.core.events import PageStored, SyncEvent
from tformance.core.github.client import GitHubClient
from tformance.core.github.governor import GitHubGovernor
from tformance.core.store.database import open_database
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync.service import SyncService
from tformance.fakes.github_fake import DEMO_TOKEN
from tformance.fakes.github_server import STATS_PATH

LATENCY, PER_PR = 0.3, 0.02


@contextmanager
def fake_server(sizes: list[int], latency: float = LATENCY, per_pr: float = PER_PR, budget: float | None = 60.0):
    command = [
        sys.executable, "-m", "tformance.fakes.github_server", "--dataset", "large",
        "--sizes", ",".join(map(str, sizes)),
        "--latency", str(latency), "--latency-per-pr", str(per_pr), "--rate-limit", "1000000",
    ]  # fmt: skip
    if budget is not None:
        command += ["--time-budget", str(budget)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        yield url
    finally:
        process.terminate()
        process.wait()


def fake_stats(url: str) -> dict[str, float]:
    return json.loads(httpx.get(url.removesuffix("/graphql") + STATS_PATH).text)


def repo_names(repos: int) -> list[str]:
    return [f"megacorp/service-{index + 1:03d}" for index in range(repos)]


@dataclass
class Run:
    seconds: float
    prs: int
    requests: int
    server_seconds: float  # the fake's own count of server time these requests took
    secondary: int
    during_penalty: int
    first_pages: float  # seconds until every repo had its first page stored

    @property
    def budget_share(self) -> float:
        """Share of GitHub's time budget used: 60 s of server time per 60 s, and a run shorter than
        a minute has one whole window (60 s) to spend."""
        return self.server_seconds / max(self.seconds, 60.0)


async def timed_sync(
    url: str,
    repos: list[str],
    *,
    page_size: int,
    in_flight: int,
    concurrent_repos: int,
    slice_above_pages: int = 1,
) -> Run:
    before = fake_stats(url)
    first: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(Path(folder) / "bench.db")
        db = DatabaseThread()
        governor = GitHubGovernor(max_in_flight=in_flight)
        async with GitHubClient(DEMO_TOKEN, url, governor=governor) as github:
            started = time.perf_counter()

            def stored(event: SyncEvent) -> None:
                if isinstance(event, PageStored):
                    first.setdefault(event.repo, time.perf_counter() - started)

            service = SyncService(
                github,
                db,
                page_size=page_size,
                max_concurrent_repos=concurrent_repos,
                sink=stored,
                slice_above_pages=slice_above_pages,
            )
            finished = await service.run(repos, 12)
            elapsed = time.perf_counter() - started
        db.close()
        database.close()
    assert finished.ok, finished
    after = fake_stats(url)
    return Run(
        elapsed,
        sum(result.prs for result in finished.results),
        int(after["requests"] - before["requests"]),
        after["server_seconds"] - before["server_seconds"],
        int(after["secondary_answers"] - before["secondary_answers"]),
        int(after["requests_during_penalty"] - before["requests_during_penalty"]),
        max(first.values(), default=0.0),
    )


def report(label: str, run: Run, baseline: Run | None = None) -> None:
    speedup = f"{baseline.seconds / run.seconds:5.1f}x" if baseline else "   1x"
    print(
        f"  {label:<40} {run.seconds:6.1f} s {speedup}  {run.requests:4d} requests  "
        f"server {run.server_seconds:6.1f} s  budget used {run.budget_share:4.0%}  "
        f"secondary {run.secondary}  during penalty {run.during_penalty}  "
        f"every repo's first page {run.first_pages:5.1f} s"
    )


def baseline_run(url: str, names: list[str]) -> Run:
    return asyncio.run(timed_sync(url, names, page_size=25, in_flight=1, concurrent_repos=1, slice_above_pages=10**6))


def skewed(quick: bool) -> None:
    """10 repos, about 2,000 PRs, one with 1,100 (more than one search can page)."""
    sizes = [1100] + [106] * 9
    names = repo_names(len(sizes))
    with fake_server(sizes) as url:
        print(
            f"\nskewed large team: {len(sizes)} repos, {sum(sizes)} PRs, one with {sizes[0]}; GitHub's time budget on"
        )
        baseline = baseline_run(url, names)
        report("baseline: sequential, 25/page", baseline)
        time.sleep(61)  # let the fake's 60 s window empty so every run starts alike
        variants = [(100, 10, 1)] if quick else [(50, 10, 2), (100, 10, 2), (100, 10, 1), (100, 25, 1)]
        for page_size, in_flight, above in variants:
            run = asyncio.run(
                timed_sync(
                    url, names, page_size=page_size, in_flight=in_flight, concurrent_repos=10, slice_above_pages=above
                )
            )
            report(f"tformance: {page_size}/page, {in_flight} in flight, slices >{above}p", run, baseline)
            time.sleep(61)


def big() -> None:
    """20,000 PRs in 40 repos: bound by GitHub's time budget; wall time against the physical limit."""
    sizes = [500] * 40
    with fake_server(sizes) as url:
        run = asyncio.run(timed_sync(url, repo_names(40), page_size=100, in_flight=10, concurrent_repos=10))
    print(f"\n20,000 PRs in 40 repos ({run.prs} stored), GitHub's time budget on")
    report("tformance: 100/page, 10 in flight", run)
    limit = run.server_seconds  # the server time of the requests it needed, at 60 s per 60 s
    print(f"  physical limit {limit:.0f} s; wall time {run.seconds:.0f} s = {run.seconds / limit:.2f} of it")


def speed(label: str, repos: int, prs_per_repo: int, quick: bool) -> None:
    """Equal-sized repos without the time budget: the earlier figures, for comparison."""
    names = repo_names(repos)
    with fake_server([prs_per_repo] * repos, budget=None) as url:
        baseline = baseline_run(url, names)
        print(f"\n{label}: {repos} repos, {baseline.prs} PRs in the 12-month window (no time budget)")
        report("baseline: sequential, 25/page", baseline)
        for page_size in (50, 100) if quick else (25, 50, 100):
            run = asyncio.run(timed_sync(url, names, page_size=page_size, in_flight=25, concurrent_repos=10))
            report(f"tformance: 25 in flight, {page_size}/page", run, baseline)


def memory(repos: int, prs_per_repo: int) -> None:
    """Peak RSS of a real `tformance sync` process (the fake runs in another process)."""
    with fake_server([prs_per_repo] * repos, 0.0, 0.0, None) as url, tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url, "TFORMANCE_PAGE_SIZE": "50"}
        command = [sys.executable, "-m", "tformance", "sync", "--db", f"{folder}/m.db", "--no-llm"]
        for name in repo_names(repos):
            command += ["--repo", name]
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\nmemory: {repos * prs_per_repo} PRs synced in {elapsed:.1f} s, peak RSS of the sync process {peak_mb:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skewed", action="store_true")
    parser.add_argument("--big", action="store_true")
    args = parser.parse_args()
    if args.quick:
        speed("typical team", 3, 60, quick=True)
        skewed(quick=True)
        memory(4, 500)
        return
    if args.skewed or args.big:
        if args.skewed:
            skewed(quick=False)
        if args.big:
            big()
        return
    speed("typical team", 3, 180, quick=False)
    skewed(quick=False)
    big()
    memory(20, 1000)


if __name__ == "__main__":
    main()
