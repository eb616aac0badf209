"""A sync killed with SIGKILL mid-run resumes from the last stored page: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime

from tests.sync_helpers import expected_in_range
from tformance.core.sync.slices import created_query
from tformance.fakes.github_fake import DEMO_TOKEN

FLEET = "acme-robotics/fleet-console"


def _count(db_path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(db_path, timeout=5) as connection:
            return connection.execute("select count(*) from pull_request").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # tables not created yet


def _sync_command(db_path) -> list[str]:
    return [sys.executable, "-m", "tformance", "sync", "--repo", FLEET, "--db", str(db_path), "--no-llm"]


def _slices(db_path) -> list[tuple[str, str | None, str, str | None, int]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "select start, end, method, cursor, done from sync_slice order by start desc"
        ).fetchall()


def _query(start: str, end: str | None) -> str:
    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    return created_query(FLEET, moment(start), moment(end) if end else None, sort=True)


def test_killed_sync_resumes_every_slice_from_its_own_cursor(tmp_path, served_fake):
    fake, url = served_fake
    fake.latency_per_request = 0.15
    db_path = tmp_path / "resume.db"
    env = {
        **os.environ,
        "GITHUB_TOKEN": DEMO_TOKEN,
        "TFORMANCE_GITHUB_URL": url,
        "TFORMANCE_PAGE_SIZE": "10",
        "TFORMANCE_MAX_IN_FLIGHT": "2",
    }
    expected = expected_in_range(fake, FLEET)

    process = subprocess.Popen(_sync_command(db_path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _count(db_path) < 40 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    stored_before = _count(db_path)
    assert 0 < stored_before < len(expected), "killed mid-sync"

    slices = _slices(db_path)
    with sqlite3.connect(db_path) as connection:
        status = connection.execute("select sync_status from repository where full_name = ?", (FLEET,)).fetchone()[0]
    assert status == "syncing" and len(slices) > 2, "a big repo is fetched as several slices"
    started = [piece for piece in slices if piece[3]]
    assert len(started) >= 2, "several slices were under way at once"
    requests_before = len(fake.requests)

    fake.latency_per_request = 0.0
    result = subprocess.run(_sync_command(db_path), env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    with sqlite3.connect(db_path) as connection:
        numbers = [n for (n,) in connection.execute("select number from pull_request")]
        status = connection.execute("select sync_status from repository").fetchone()[0]
    assert sorted(numbers) == sorted(expected), "nothing lost, nothing duplicated"
    assert status == "completed" and _slices(db_path) == [], "slices go once the backfill is complete"
    again = fake.requests[requests_before:]
    for start, end, method, cursor, done in started:
        if done:
            continue
        if method == "search":
            first = next(
                r for r in again if r.operation == "SearchPullRequests" and r.variables["query"] == _query(start, end)
            )
        else:
            first = next(r for r in again if r.operation == "RepositoryPullRequests")
        assert first.variables["cursor"] == cursor, f"the {method} slice from {start} continued where it stopped"
    fetched_again = sum(r.pr_nodes for r in again if r.operation in ("SearchPullRequests", "RepositoryPullRequests"))
    assert fetched_again <= len(expected) - stored_before + 10 * len(slices), "did not fetch the year again"
    assert DEMO_TOKEN not in result.stdout + result.stderr


def test_ctrl_c_stops_cleanly_and_saves_state(tmp_path, served_fake):
    fake, url = served_fake
    fake.latency_per_request = 0.15
    db_path = tmp_path / "interrupt.db"
    env = {**os.environ, "GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url, "TFORMANCE_PAGE_SIZE": "10"}
    process = subprocess.Popen(
        _sync_command(db_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while _count(db_path) < 30 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 130
    assert "interrupted" in stderr and "resume" in stderr and "Traceback" not in stderr
    with sqlite3.connect(db_path) as connection:
        status, error, cursor = connection.execute(
            "select sync_status, sync_error, backfill_cursor from repository"
        ).fetchone()
    assert status == "pending" and "interrupted" in error and (cursor or any(piece[3] for piece in _slices(db_path)))

    fake.latency_per_request = 0.0
    result = subprocess.run(_sync_command(db_path), env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db_path) as connection:
        numbers = [n for (n,) in connection.execute("select number from pull_request")]
    assert sorted(numbers) == sorted(expected_in_range(fake, FLEET))
