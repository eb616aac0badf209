"""The whole flow driven by Pilot against the fakes: token -> repositories -> sync -> dashboard.

Tests await workers (``wait_for_complete``) rather than sleeping, and assert on the app's typed
messages and on what the database holds afterwards.
"""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from textual.message import Message

from tests.snapshot_apps.support import (
    GOOD_TOKEN,
    app_for,
    copy_database,
    fake_github,
    fast_llm,
    services_for,
)
from tests.tui_support import SMALL_REPOS, choose_only, of_type, screen_text, settle, wait_for_screen
from tformance.core import paths
from tformance.core.detection.detector import RULES_VERSION
from tformance.core.events import Stage
from tformance.core.github.token_store import save_token
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import EnrichmentStatus, PullRequest, Repository, SyncStatus
from tformance.fakes.github_faults import Fault
from tformance.fakes.groq_fake import FakeGroq
from tformance.tui.messages import (
    EnrichmentUpdated,
    PullRequestCountsLoaded,
    ReportLoaded,
    RepositoriesLoaded,
    RepoSynced,
    SyncCompleted,
    TokenAccepted,
    TokenRejected,
)
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.tui.screens.sync import SyncScreen
from tformance.tui.screens.token import TokenScreen
from tformance.tui.widgets.repo_progress import RepoProgress


def database_rows(path: Path) -> dict[str, Repository]:
    open_database(path)
    try:
        return {repo.full_name: repo for repo in Repository.select()}
    finally:
        close_database()


async def test_demo_runs_the_whole_flow(tmp_path: Path) -> None:
    fake = fake_github()
    app = app_for(services_for(tmp_path / "demo.db", fake))
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RepoPickerScreen)
        assert picker.table.repo_count == 5
        assert len(picker.table.selected) == 5, "the demo preselects every repo"

        await pilot.press("enter")  # the sync screen shows, then the dashboard once every repo is in
        await wait_for_screen(pilot, DashboardScreen)
        await settle(pilot)

    assert of_type(messages, TokenAccepted)[0].info.login == "demo-lead"
    assert len(of_type(messages, RepositoriesLoaded)[0].repos) == 5
    assert of_type(messages, PullRequestCountsLoaded)[-1].complete
    synced = of_type(messages, RepoSynced)
    assert len(synced) == 5 and all(message.result.success for message in synced)
    completed = of_type(messages, SyncCompleted)
    assert completed and completed[-1].finished.ok
    report = of_type(messages, ReportLoaded)[-1].report
    assert report.totals.prs > 0

    repos = database_rows(tmp_path / "demo.db")
    assert {repo.sync_status for repo in repos.values()} == {SyncStatus.COMPLETED}
    assert sum(result.result.prs for result in synced) == report.totals.prs


async def test_a_pasted_token_is_checked_remembered_and_never_shown(tmp_path: Path) -> None:
    fake = fake_github()
    fake.add_token(GOOD_TOKEN)
    app = app_for(services_for(tmp_path / "t.db", fake, demo=False))
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, TokenScreen)
        await pilot.press(*"ghp_wrong_token")
        await pilot.press("enter")
        await settle(pilot)
        rejected = of_type(messages, TokenRejected)
        assert rejected and "rejected this token" in rejected[-1].reason
        assert isinstance(app.screen, TokenScreen)

        await pilot.press("ctrl+l")
        app.screen.query_one("#token-input").insert_text_at_cursor(GOOD_TOKEN)  # a paste
        await pilot.click("#token-remember")
        await pilot.click("#token-check")
        await settle(pilot)
        assert GOOD_TOKEN not in screen_text(app), "the token is masked"
        assert "demo-lead" in screen_text(app)

        await pilot.press("enter")  # Continue
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        assert GOOD_TOKEN not in screen_text(app)

    accepted = of_type(messages, TokenAccepted)
    assert accepted[0].source == "entered" and GOOD_TOKEN not in repr(accepted[0])
    saved = paths.saved_token_path()
    assert saved.read_text().strip() == GOOD_TOKEN
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("token", "scopes", "warning"),
    [
        (GOOD_TOKEN, "public_repo", "cannot read private repos: it lacks `repo`"),
        ("github_pat_" + "b" * 82, None, "fine-grained token: it sees only the repositories of the one owner"),
    ],
)
async def test_a_saved_token_skips_ahead_and_says_what_it_lacks(
    tmp_path: Path, token: str, scopes: str | None, warning: str
) -> None:
    fake = fake_github(scopes=scopes)
    fake.add_token(token)
    save_token(token)
    app = app_for(services_for(tmp_path / "t.db", fake, demo=False))
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        text = screen_text(app)
    assert "Signed in as demo-lead" in text and "saved token" in text
    assert warning in text


async def test_a_rejected_environment_token_asks_for_another(tmp_path: Path) -> None:
    fake = fake_github()
    app = app_for(services_for(tmp_path / "t.db", fake, demo=False, env_token="ghp_revoked"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, TokenScreen)
        await settle(pilot)
        assert "rejected this token" in screen_text(app)


async def test_no_network_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    services = services_for(tmp_path / "t.db", fake_github(), demo=False)
    services.transport = httpx.MockTransport(refuse)
    app = app_for(services)
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, TokenScreen)
        app.screen.query_one("#token-input").insert_text_at_cursor(GOOD_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
    reason = of_type(messages, TokenRejected)[-1].reason
    assert "cannot reach GitHub" in reason and "network" in reason
    assert "Traceback" not in text and "cannot reach GitHub" in text
    assert reason.lower().count("network") == 1, "the advice is given once"


async def test_a_failed_repo_is_retried_alone_then_the_dashboard_opens(tmp_path: Path) -> None:
    fake = fake_github()
    fake.inject(Fault("forbidden", times=None, repo="acme-robotics/infra", operation="RepositoryPullRequests"))
    app = app_for(services_for(tmp_path / "t.db", fake))
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        await choose_only(pilot, SMALL_REPOS)
        await pilot.press("enter")
        await wait_for_screen(pilot, SyncScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen), "a failure keeps the sync screen up"
        failed = screen.rows["acme-robotics/infra"]
        assert failed.failed and "refused" in failed.message.lower() or failed.message
        assert "failed" in screen_text(app)

        fake.clear_faults()
        failed.focus()
        await pilot.press("r")
        await wait_for_screen(pilot, DashboardScreen)
        await settle(pilot)

    results = [message.result for message in of_type(messages, RepoSynced)]
    assert [(r.repo, r.success) for r in results if r.repo.endswith("infra")] == [
        ("acme-robotics/infra", False),
        ("acme-robotics/infra", True),
    ]
    assert [r.repo for r in results if r.repo.endswith("docs")] == ["acme-robotics/docs"], "docs synced once"
    repos = database_rows(tmp_path / "t.db")
    assert repos["acme-robotics/infra"].sync_status == SyncStatus.COMPLETED


async def test_cancel_saves_progress_and_resume_finishes(tmp_path: Path) -> None:
    fake = fake_github(latency_per_request=0.3)
    app = app_for(services_for(tmp_path / "t.db", fake))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await settle(pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, SyncScreen)
        screen = app.screen
        for _ in range(200):  # until some PRs are stored
            await pilot.pause(0.02)
            if any(row.fetched for row in screen.query(RepoProgress)):
                break
        await pilot.press("escape")
        await settle(pilot)
        assert screen.cancelled and not screen.running
        assert "Sync stopped" in screen_text(app)
        still_busy = [row.repo for row in screen.query(RepoProgress) if row.stage in (Stage.FETCHING, Stage.WAITING)]
        assert not still_busy, "every repo the sync had not finished reads as stopped"

        repos = database_rows(tmp_path / "t.db")
        interrupted = [repo for repo in repos.values() if repo.sync_status == SyncStatus.PENDING]
        assert interrupted and all("interrupted" in (repo.sync_error or "") for repo in interrupted)

        fake.latency_per_request = 0
        await pilot.press("s")  # resume
        await wait_for_screen(pilot, DashboardScreen)
        await settle(pilot)
    repos = database_rows(tmp_path / "t.db")
    assert {repo.sync_status for repo in repos.values()} == {SyncStatus.COMPLETED}


async def test_later_launches_open_the_dashboard_and_summaries_fill_in(tmp_path: Path, small_synced: Path) -> None:
    fake = fake_github()
    database = copy_database(small_synced, tmp_path / "t.db")
    groq = FakeGroq()
    app = app_for(services_for(database, fake), llm_factory=fast_llm(groq))
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, DashboardScreen)
        await settle(pilot)
        assert "synced 3 h ago" in screen_text(app)
        assert "AI summaries pending" in screen_text(app)

        await pilot.press("s")  # re-sync: nothing new to fetch, the summaries get written
        await settle(pilot)
        assert of_type(messages, SyncCompleted)
        await wait_for_screen(pilot, DashboardScreen)
        for _ in range(100):
            await settle(pilot)
            if app.enrichment is not None and not app.enrichment.running:
                break
        await pilot.pause(0.1)
        await settle(pilot)
        assert "AI summaries pending" not in screen_text(app)

    updates = [m.event for m in of_type(messages, EnrichmentUpdated)]
    assert updates and updates[-1].pending == 0
    open_database(database)
    try:
        assert PullRequest.select().where(PullRequest.enrichment_status == EnrichmentStatus.PENDING).count() == 0
        assert PullRequest.select().where(PullRequest.llm_summary.is_null(False)).count() > 0
    finally:
        close_database()


async def test_a_resync_in_the_app_judges_stored_prs_by_the_current_rules(tmp_path: Path, small_synced: Path) -> None:
    database = copy_database(small_synced, tmp_path / "t.db")
    open_database(database)
    try:
        stored = PullRequest.update(signature_rules_version="1.older").execute()
    finally:
        close_database()
    app = app_for(services_for(database, fake_github()))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, DashboardScreen)
        await pilot.press("s")
        await settle(pilot)
        await wait_for_screen(pilot, DashboardScreen)
    open_database(database)
    try:
        current = PullRequest.select().where(PullRequest.signature_rules_version == RULES_VERSION).count()
        assert stored and current == PullRequest.select().count()
    finally:
        close_database()
