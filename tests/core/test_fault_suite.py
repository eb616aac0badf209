"""The fault suite: `tformance sync` killed at random moments (the LLM stage included), and dead
endpoints. Each checks exact counts, no duplicates and no traceback. (Two processes on one database
and a full small filesystem are in ``test_database_faults``.)"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.cli_support import one_line, tformance
from tests.sync_helpers import cli_env, expected_in_range
from tformance.core.errors import GitHubUnreachable
from tformance.core.github.client import GitHubClient
from tformance.fakes.dead_endpoints import closed_port, serve_html, serve_silent
from tformance.fakes.github_fake import DEMO_TOKEN
from tformance.fakes.groq_fake import FakeGroq
from tformance.fakes.groq_fake import serve_in_thread as serve_groq

FLEET = "acme-robotics/fleet-console"
DOCS = "acme-robotics/docs"
KILLS = 4


@pytest.fixture
def slow_groq():
    fake = FakeGroq(latency_per_request=0.15)
    url, stop = serve_groq(fake)
    yield fake, url
    stop()


def _state(db_path) -> tuple[int, int, int]:
    """(PRs stored, distinct (repo, number), PRs enriched), 0s before the tables exist."""
    try:
        with sqlite3.connect(db_path, timeout=5) as connection:
            return connection.execute(
                "select count(*), count(distinct repo_id || '/' || number), "
                "sum(enrichment_status = 'done') from pull_request"
            ).fetchone()
    except sqlite3.OperationalError:
        return 0, 0, 0


def test_sync_killed_at_random_moments_even_in_the_llm_stage_ends_exact(tmp_path, served_fake, slow_groq):
    fake, github_url = served_fake
    groq, groq_url = slow_groq
    fake.latency_per_request = 0.4  # slices fetch in parallel: slow enough for kills to land mid-fetch
    db = tmp_path / "t.db"
    env = {**os.environ, **cli_env(github_url, groq_url, TFORMANCE_PAGE_SIZE="20", SYNC_LLM_BATCH_SIZE="10")}
    command = [sys.executable, "-m", "tformance", "sync", "--repo", FLEET, "--repo", DOCS, "--db", str(db)]
    expected = len(expected_in_range(fake, FLEET)) + len(expected_in_range(fake, DOCS))
    rng = random.Random(20261203)
    killed_in_llm_stage = killed_in_fetch = 0
    for _ in range(KILLS):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.7, 2.5))  # start-up takes about 0.5 s: kill mid-work
        if process.poll() is not None:
            break
        enriched_before = _state(db)[2] or 0
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        stored, distinct, enriched = _state(db)
        assert stored == distinct <= expected, "never a duplicate, even mid-run"
        killed_in_fetch += stored < expected
        killed_in_llm_stage += bool(enriched) and enriched < expected and enriched >= enriched_before
    assert killed_in_fetch and killed_in_llm_stage, "kills landed mid-fetch and while summaries were written"

    final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert "Traceback" not in final.stderr
    stored, distinct, enriched = _state(db)
    assert stored == distinct == expected, "nothing lost, nothing twice"
    assert enriched == expected, "every PR has its summary once the sync completes"
    with sqlite3.connect(db) as connection:
        reviews = connection.execute("select count(*), count(distinct github_id) from review").fetchone()
        statuses = {row[0] for row in connection.execute("select sync_status from repository")}
    assert reviews[0] == reviews[1] and statuses == {"completed"}


# -- dead endpoints ------------------------------------------------------------------------


async def test_a_github_that_accepts_and_never_answers_is_given_up_after_the_deadline():
    url, stop, connections = serve_silent()
    client = GitHubClient(DEMO_TOKEN, url, timeout=0.3, backoff_base=0.05, max_retries=6)
    client.silence_deadline = 0.5  # the real one is 15 s after a 20 s timeout: see benchmarks/dead_endpoints.py
    try:
        with pytest.raises(GitHubUnreachable, match=r"GitHub at 127\.0\.0\.1 has not answered for"):
            await client.viewer()
    finally:
        await client.aclose()
        stop()
    assert 2 <= connections.count <= 3, "a couple of attempts, not six"


def test_a_github_url_answering_a_web_page_fails_at_once_without_retrying(tmp_path):
    url, stop, requests = serve_html()
    try:
        result = tformance(
            "sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"),
            env=cli_env(url),
        )  # fmt: skip
    finally:
        stop()
    assert result.returncode == 1
    assert "answered with a web page, not GitHub's GraphQL API: check TFORMANCE_GITHUB_URL" in one_line(result)
    assert requests.count == 1


def test_a_closed_groq_port_stops_the_llm_stage_after_three_quick_tries(tmp_path, served_fake):
    fake, github_url = served_fake
    env = cli_env(github_url, f"http://127.0.0.1:{closed_port()}")
    db = tmp_path / "t.db"
    result = tformance("sync", "--repo", DOCS, "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "refused the connection (3 tries" in output and "Traceback" not in output
    stored, distinct, enriched = _state(db)
    assert stored == distinct == len(expected_in_range(fake, DOCS)) and not enriched, "PRs kept, pending"
