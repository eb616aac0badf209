"""Sync speed and memory against the fake GitHub with GitHub-like latency.

    python benchmarks/sync_speed.py            # the figures in the README
    python benchmarks/sync_speed.py --quick    # smaller, for a smoke run

Latency model (from the issue): 0.3 s per request plus 0.02 s per PR returned. The fake runs as
a separate process with a threaded HTTP server, so concurrent requests overlap as on GitHub.
The baseline is the original design: one repo at a time, 25 PRs a page, one request in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tformance.core.database import open_database
from tformance.core.fakes.demo_org import DEMO_TOKEN
from tformance.core.github_client import GitHubClient
from tformance.core.pr_store import DatabaseThread
from tformance.core.sync_service import SyncService


@contextmanager
def fake_server(repos: int, prs_per_repo: int, latency: float, per_pr: float):
    command = [
        sys.executable, "-m", "tformance.core.fakes.github_server", "--dataset", "large",
        "--repos", str(repos), "--prs-per-repo", str(prs_per_repo),
        "--latency", str(latency), "--latency-per-pr", str(per_pr), "--rate-limit", "1000000",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        yield url
    finally:
        process.terminate()
        process.wait()


def repo_names(repos: int) -> list[str]:
    return [f"megacorp/service-{index + 1:03d}" for index in range(repos)]


async def timed_sync(
    url: str, repos: list[str], *, page_size: int, in_flight: int, concurrent_repos: int
) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(Path(folder) / "bench.db")
        db = DatabaseThread()
        async with GitHubClient(DEMO_TOKEN, url, max_in_flight=in_flight) as github:
            service = SyncService(github, db, page_size=page_size, max_concurrent_repos=concurrent_repos)
            started = time.perf_counter()
            finished = await service.run(repos, 12)
            elapsed = time.perf_counter() - started
        db.close()
        database.close()
    assert finished.ok, finished
    return elapsed, sum(result.prs for result in finished.results)


def speed(label: str, repos: int, prs_per_repo: int, quick: bool) -> None:
    names = repo_names(repos)
    with fake_server(repos, prs_per_repo, 0.3, 0.02) as url:
        rows = []
        baseline, prs = asyncio.run(timed_sync(url, names, page_size=25, in_flight=1, concurrent_repos=1))
        rows.append(("baseline: sequential, 25/page", baseline))
        for page_size in (25, 50) if quick else (25, 50, 100):
            elapsed, _ = asyncio.run(timed_sync(url, names, page_size=page_size, in_flight=10, concurrent_repos=10))
            rows.append((f"tformance: 10 in flight, {page_size}/page", elapsed))
    print(f"\n{label}: {repos} repos, {prs} PRs in the 12-month window")
    for name, elapsed in rows:
        print(f"  {name:<36} {elapsed:6.1f} s   {baseline / elapsed:5.1f}x")


def memory(repos: int, prs_per_repo: int) -> None:
    """Peak RSS of a real `tformance sync` process (the fake runs in another process)."""
    with fake_server(repos, prs_per_repo, 0.0, 0.0) as url, tempfile.TemporaryDirectory() as folder:
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
    args = parser.parse_args()
    if args.quick:
        speed("typical team", 3, 60, quick=True)
        memory(4, 500)
        return
    speed("typical team", 3, 180, quick=False)
    speed("large team", 10, 217, quick=False)
    memory(20, 1000)
    _ = statistics  # kept for ad-hoc repeats


if __name__ == "__main__":
    main()
