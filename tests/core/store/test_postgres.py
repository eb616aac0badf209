"""PostgreSQL for a team: the same sync, refresh, enrich, report and app as on SQLite.

Every test here runs against a real server (see ``tests/postgres_support.py``); each gets its
own database. Where a test takes ``database_location`` it runs on both backends, because the
promise is that they hold the same data.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual.message import Message

from tests.factories import pr_record
from tests.snapshot_apps.support import app_for, services_for
from tests.sync_helpers import DOCS, TODAY, awkward_fake, expected_in_range, make_fake, run_sync
from tests.tui_support import wait_for_screen
from tformance.cli import main
from tformance.core.github.records import CommitRecord, PullRequestRecord, ReviewRecord
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import (
    SCHEMA_VERSION,
    Commit,
    PullRequest,
    Repository,
    Review,
    SchemaInfo,
    SyncStatus,
    derived_columns,
)
from tformance.core.store.pr_store import ensure_repository, save_pull_requests
from tformance.core.text_values import REPLACEMENT
from tformance.tui.messages import ReportLoaded, RepoSynced
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen


def cli_json(*args: str, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def demo_round(location: str, capsys: pytest.CaptureFixture[str]) -> dict:
    """What a user runs: sync the demo, sync again (a refresh), enrich, report."""
    assert main(["sync", "--demo", "--db", location, "--no-llm"]) == 0
    assert main(["sync", "--demo", "--db", location, "--no-llm"]) == 0
    capsys.readouterr()
    assert main(["--demo-speed", "100", "enrich", "--demo", "--db", location]) == 0
    assert "PRs enriched" in capsys.readouterr().out  # the LLM stage ran here, not in the sync
    report = cli_json("report", "--demo", "--db", location, capsys=capsys)
    # When the sync ran differs from run to run; the figures must not.
    report.pop("generated_at")
    report["health"].pop("covered_until")
    for repo in report["repos"]:
        repo.pop("last_synced_at")
    return report


def test_the_demo_reports_the_same_figures_on_postgresql_as_on_sqlite(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    on_sqlite = demo_round(str(tmp_path / "demo.db"), capsys)
    on_postgres = demo_round(postgres_url, capsys)
    assert on_postgres["total_prs"] > 600
    assert on_postgres == on_sqlite


def test_nul_becomes_a_replacement_character_on_both_backends_and_resumes(database_location: str) -> None:
    fake = awkward_fake()
    open_database(database_location)
    for _ in range(2):  # the second run is the resume that used to fail on PostgreSQL
        finished = asyncio.run(run_sync(fake, [DOCS]))
        assert finished.ok, [result.error for result in finished.results]
    stored = PullRequest.get(PullRequest.number == fake.awkward_number)
    assert stored.body == f"Before the NUL{REPLACEMENT}after it: kept."
    message = Commit.select(Commit.message).where(Commit.pull_request == stored).order_by(Commit.id).first().message
    assert message.startswith(f"Fix parser{REPLACEMENT}{REPLACEMENT} (binary output pasted)")
    assert {pr.number for pr in PullRequest.select(PullRequest.number)} == expected_in_range(fake, DOCS)
    # Durations to the second, however long (single-precision REAL rounds 25,920,007 s to ...008).
    assert stored.cycle_seconds == 300 * 86_400 + 7
    for pr in PullRequest.select():
        sources = (pr.created_at, pr.merged_at, pr.first_review_at, pr.additions, pr.deletions, pr.signature_tools)
        assert pr.cycle_seconds == derived_columns(*sources)["cycle_seconds"]


def page_of_records(count: int) -> list[PullRequestRecord]:
    base = TODAY
    from tformance.core.dates import start_of_day_utc

    start = start_of_day_utc(base) - timedelta(days=30)
    return [
        pr_record(
            number,
            title=f"Change {number}",
            author="ana",
            created=start + timedelta(hours=number),
            merged_after=timedelta(hours=5),
            additions=number,
            labels=("backend",),
            head_ref=f"change-{number}",
            reviews=(ReviewRecord(f"R_{number}", "bo", False, "APPROVED", start + timedelta(hours=number + 1)),),
            commits=tuple(
                CommitRecord(f"{number:038x}{index:02x}", f"Step {index}", start, "Ana", "ana@x", "ana")
                for index in range(2)
            ),
        )
        for number in range(1, count + 1)
    ]


def test_two_people_upserting_the_same_pages_at_once_neither_fail_nor_duplicate(postgres_url: str) -> None:
    open_database(postgres_url)
    records = page_of_records(60)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def person() -> None:
        try:
            barrier.wait()
            repo = ensure_repository("acme/api")  # both add the repository at the same moment
            for start in (0, 20, 0, 40, 20):  # overlapping pages, several times over
                save_pull_requests(repo.id, records[start : start + 30], {"sync_status": SyncStatus.SYNCING})
        except BaseException as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            close_database()  # this thread's connection

    threads = [threading.Thread(target=person) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Repository.select().count() == 1
    assert PullRequest.select().count() == 60
    assert Review.select().count() == 60
    assert Commit.select().count() == 120


async def test_the_app_syncs_the_demo_into_postgresql_and_shows_the_dashboard(postgres_url: str) -> None:
    app = app_for(services_for(postgres_url, make_fake()))  # type: ignore[arg-type] (a URL, as --db takes)
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, DashboardScreen)
    synced = [message.result for message in messages if isinstance(message, RepoSynced)]
    report = [message.report for message in messages if isinstance(message, ReportLoaded)][-1]
    assert len(synced) == 5 and all(result.success for result in synced)
    assert report.totals.prs == sum(result.prs for result in synced) > 600
    open_database(postgres_url)
    assert {repo.sync_status for repo in Repository.select()} == {SyncStatus.COMPLETED}


OPEN_WHEN_TOLD = """
import pathlib, sys, time
from tformance.core.store.database import open_database
go = pathlib.Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
open_database(sys.argv[1])
print("opened")
"""


def test_people_opening_a_new_database_at_once_all_get_the_tables(postgres_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    people = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_WHEN_TOLD, postgres_url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for person in people:  # each has imported everything and waits at the line: they open together
        assert person.stdout is not None and person.stdout.readline().strip() == "ready"
    go.touch()
    results = [person.communicate(timeout=60) for person in people]
    assert all(out.strip() == "opened" and not err for out, err in results), results
    open_database(postgres_url)
    assert [row.value for row in SchemaInfo.select()] == [str(SCHEMA_VERSION)]
