"""The sync service end to end: real client, real store, the fake GitHub at the edge."""

from __future__ import annotations

import pytest

from tests.sync_helpers import TODAY, client, expected_in_range, make_fake, run_sync
from tformance.core.errors import GitHubAuthError
from tformance.core.events import (
    OverallProgress,
    PageStored,
    RepoFinished,
    RepoProgress,
    Stage,
    SyncFinished,
    SyncStarted,
)
from tformance.core.store.database import open_database
from tformance.core.store.models import Commit, EnrichmentStatus, PullRequest, Repository, Review, SyncStatus
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync.service import SyncService
from tformance.fakes.github_faults import Fault

FLEET = "acme-robotics/fleet-console"
DOCS = "acme-robotics/docs"
INFRA = "acme-robotics/infra"


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "sync.db")
    yield database
    database.close()


def stored_numbers(repo: str) -> list[int]:
    query = PullRequest.select(PullRequest.number).join(Repository).where(Repository.full_name == repo)
    return sorted(number for (number,) in query.tuples())


async def test_first_sync_stores_every_pr_in_the_window_exactly_once(db):
    fake = make_fake()
    events: list = []
    finished = await run_sync(fake, [DOCS, FLEET], events=events)

    assert finished.ok
    for repo in (DOCS, FLEET):
        assert stored_numbers(repo) == sorted(expected_in_range(fake, repo))
        row = Repository.get(Repository.full_name == repo)
        assert row.sync_status == SyncStatus.COMPLETED
        assert row.sync_prs_completed == row.sync_prs_total == len(expected_in_range(fake, repo))
        assert row.last_synced_at is not None and row.sync_error is None
    # Most active first: the pre-flight ordered the plan by PRs in the last 6 months.
    started = next(event for event in events if isinstance(event, SyncStarted))
    assert [plan.repo for plan in started.plans] == [FLEET, DOCS]
    assert started.total_prs == len(expected_in_range(fake, FLEET)) + len(expected_in_range(fake, DOCS))
    assert started.estimated_points > 0
    overall = [event for event in events if isinstance(event, OverallProgress)]
    assert overall[-1].fraction == 1.0 and overall[-1].repos_done == 2
    fractions = [event.fraction for event in overall]
    assert fractions == sorted(fractions), "overall progress never goes backwards"


async def test_reviews_and_commits_beyond_the_nested_page_are_all_fetched(db):
    fake = make_fake()
    await run_sync(fake, [FLEET])
    since_numbers = expected_in_range(fake, FLEET)
    big = [pr for pr in fake.org.repo(FLEET).pull_requests if pr.number in since_numbers and len(pr.commits) > 25]
    assert big, "the demo org has PRs with more commits than one nested page"
    for pr in big:
        stored = PullRequest.get(PullRequest.number == pr.number, PullRequest.github_id == pr.id)
        assert Commit.select().where(Commit.pull_request == stored).count() == len(pr.commits)
        assert stored.commit_count == len(pr.commits)
    many_reviews = [pr for pr in fake.org.repo(FLEET).pull_requests if len(pr.reviews) > 25]
    for pr in many_reviews:
        stored = PullRequest.get(PullRequest.github_id == pr.id)
        assert Review.select().where(Review.pull_request == stored).count() == len(pr.reviews)


async def test_second_sync_refreshes_only_what_changed_and_never_duplicates(db):
    fake = make_fake()
    await run_sync(fake, [DOCS])
    before = len(fake.requests)
    in_range = expected_in_range(fake, DOCS)
    open_pr = next(pr for pr in fake.org.repo(DOCS).pull_requests if pr.state == "OPEN" and pr.number in in_range)
    fake.merge_pr(DOCS, open_pr.number)
    fresh = fake.add_pr(DOCS, title="Add a brand new page")

    finished = await run_sync(fake, [DOCS])

    assert finished.ok
    numbers = stored_numbers(DOCS)
    assert len(numbers) == len(set(numbers)) == len(expected_in_range(fake, DOCS)) + 1
    merged = PullRequest.get(PullRequest.github_id == open_pr.id)
    assert merged.state == "MERGED" and merged.merged_at is not None
    assert PullRequest.get(PullRequest.github_id == fresh.id).title == "Add a brand new page"
    refresh = [r for r in fake.requests[before:] if r.operation == "RepositoryPullRequests"]
    assert refresh and all(r.variables["order"] == "UPDATED_AT" for r in refresh)
    assert len(refresh) == 1, "a refresh reads one page, not the year again"


async def test_a_missing_repo_fails_alone_with_a_reason(db):
    fake = make_fake()
    events: list = []
    finished = await run_sync(fake, [DOCS, "acme-robotics/vanished"], events=events)

    assert not finished.ok
    results = {result.repo: result for result in finished.results}
    assert results[DOCS].success and stored_numbers(DOCS)
    assert not results["acme-robotics/vanished"].success
    assert "Could not resolve to a Repository" in results["acme-robotics/vanished"].error
    assert "not tracked (check the name)" in results["acme-robotics/vanished"].error
    # Never synced: a typo is forgotten, so later plain syncs do not fail on it forever.
    assert Repository.get_or_none(Repository.full_name == "acme-robotics/vanished") is None
    failed = [e for e in events if isinstance(e, RepoProgress) and e.stage is Stage.FAILED]
    assert failed and failed[-1].repo == "acme-robotics/vanished"
    assert (await run_sync(fake, [])).ok, "a later plain sync has nothing failing left"


async def test_a_synced_repo_that_goes_missing_stays_tracked_as_failed(db):
    fake = make_fake()
    assert (await run_sync(fake, [DOCS])).ok
    fake.inject(Fault("not_found", repo=DOCS, times=None))
    finished = await run_sync(fake, [DOCS])
    assert not finished.ok
    row = Repository.get(Repository.full_name == DOCS)
    assert row.sync_status == SyncStatus.FAILED and stored_numbers(DOCS), "its history is kept"


async def test_forbidden_by_sso_fails_that_repo_with_an_actionable_reason(db):
    fake = make_fake()
    fake.inject(Fault("forbidden", repo=INFRA, times=None))
    finished = await run_sync(fake, [INFRA, DOCS])
    results = {result.repo: result for result in finished.results}
    assert results[DOCS].success
    assert "SSO" in results[INFRA].error and "SAML" in results[INFRA].error


async def test_502_halves_the_page_size_and_remembers_what_worked(db):
    fake = make_fake()
    fake.max_first_before_502 = 20
    events: list = []
    finished = await run_sync(fake, [DOCS], page_size=50, events=events)

    assert finished.ok
    assert stored_numbers(DOCS) == sorted(expected_in_range(fake, DOCS))
    assert Repository.get(Repository.full_name == DOCS).page_size == 12
    firsts = [r.first for r in fake.requests if r.operation == "RepositoryPullRequests"]
    assert firsts[:3] == [50, 25, 12]
    assert any(isinstance(e, RepoProgress) and e.stage is Stage.RETRYING for e in events)


@pytest.mark.parametrize("kind", ["bad_gateway", "gateway_timeout", "timeout", "disconnect"])
async def test_transient_failures_are_retried(db, kind):
    fake = make_fake()
    fake.inject(Fault(kind, times=2, operation="RepositoryPullRequests"))
    sleeps: list = []
    finished = await run_sync(fake, [DOCS], sleeps=sleeps)
    assert finished.ok
    assert stored_numbers(DOCS) == sorted(expected_in_range(fake, DOCS))
    assert len(sleeps) >= 2, "backed off between attempts"


@pytest.mark.parametrize("variant", [None, "RATE_LIMIT"])
async def test_rate_limit_pauses_until_reset_and_never_fails(db, variant):
    fake = make_fake()
    fake.inject(Fault("rate_limited", operation="RepositoryPullRequests", reset_in=0.5, variant=variant))
    events: list = []
    sleeps: list = []
    finished = await run_sync(fake, [DOCS], events=events, sleeps=sleeps)

    assert finished.ok
    paused = [e for e in events if isinstance(e, RepoProgress) and e.stage is Stage.PAUSED]
    assert paused and paused[0].paused_until is not None
    assert "paused until" in paused[0].message
    assert stored_numbers(DOCS) == sorted(expected_in_range(fake, DOCS))


@pytest.mark.parametrize("variant", [None, "200"])
async def test_secondary_rate_limit_backs_off_for_retry_after(db, variant):
    fake = make_fake()
    fake.inject(Fault("secondary_rate_limit", operation="RepositoryPullRequests", retry_after=7, variant=variant))
    sleeps: list = []
    finished = await run_sync(fake, [DOCS], sleeps=sleeps)
    assert finished.ok
    assert 7 in sleeps


async def test_a_rejected_token_stops_everything(db):
    fake = make_fake()
    fake.inject(Fault("unauthorized", operation="RepositoryPullRequests"))
    with pytest.raises(GitHubAuthError, match="rejected this token"):
        await run_sync(fake, [DOCS, FLEET])


async def test_the_sink_hears_the_milestones_and_a_raising_sink_does_not_break_the_sync(db, caplog):
    """What a listener learns of a sync comes from its events: progress, each repo's end, the end."""
    fake = make_fake()
    heard: list = []
    failures = 0

    def sink(event):
        nonlocal failures
        heard.append(event)
        if isinstance(event, RepoProgress) and failures == 0:
            failures += 1
            raise RuntimeError("sink bug")

    db_thread = DatabaseThread()
    try:
        async with client(fake) as github:
            finished = await SyncService(github, db_thread, sink=sink, today=TODAY).run([DOCS])
    finally:
        db_thread.close()
    assert finished.ok
    assert failures == 1 and "progress sink failed" in caplog.text, "the failure is logged..."
    assert isinstance(heard[-1], SyncFinished), "...and later events still arrive"
    progress = [event for event in heard if isinstance(event, RepoProgress)]
    assert progress[-1].fetched == len(expected_in_range(fake, DOCS))
    assert [(e.repo, e.success, e.error) for e in heard if isinstance(e, RepoFinished)] == [(DOCS, True, None)]
    done = [event for event in heard if isinstance(event, SyncFinished)]
    assert len(done) == 1 and [result.repo for result in done[0].results] == [DOCS] and done[0].ok
    stored = [event for event in heard if isinstance(event, PageStored)]
    assert {event.repo for event in stored} == {DOCS}
    assert sum(event.prs for event in stored) == len(expected_in_range(fake, DOCS))


async def test_hostile_text_is_stored_byte_exact(db):
    fake = make_fake()
    hostile_title = "[bold red]x[/] \x1b[31mred\x1b[0m [link=https://evil.example]click[/link] שלום 🎉"
    pr = fake.add_pr(DOCS, title=hostile_title, body="\x1b]0;pwned\x07" + "é" * 1_000_000, author=None)
    await run_sync(fake, [DOCS])
    stored = PullRequest.get(PullRequest.github_id == pr.id)
    assert stored.title == hostile_title
    assert stored.body == "\x1b]0;pwned\x07" + "é" * 1_000_000
    assert stored.author_login is None


async def test_a_longer_window_extends_the_stored_history(db):
    fake = make_fake()
    await run_sync(fake, [DOCS], months=6)
    assert stored_numbers(DOCS) == sorted(expected_in_range(fake, DOCS, months=6))
    await run_sync(fake, [DOCS], months=12)
    assert stored_numbers(DOCS) == sorted(expected_in_range(fake, DOCS, months=12))


async def test_finished_events_report_each_repo(db):
    fake = make_fake()
    events: list = []
    await run_sync(fake, [DOCS, INFRA], events=events)
    finished = {e.repo: e for e in events if isinstance(e, RepoFinished)}
    assert set(finished) == {DOCS, INFRA}
    assert finished[DOCS].prs == len(expected_in_range(fake, DOCS))


async def test_a_pr_edited_on_github_goes_back_to_the_llm(db):
    fake = make_fake()
    await run_sync(fake, [DOCS])
    # As the enricher leaves them: every PR summarised.
    PullRequest.update(enrichment_status=EnrichmentStatus.DONE, llm_summary="old summary").execute()
    numbers = sorted(expected_in_range(fake, DOCS))
    edited, untouched = numbers[-1], numbers[-2]
    fake.update_pr(DOCS, edited, title="A completely different title")
    fake.update_pr(DOCS, untouched, labels=("needs-review",))

    await run_sync(fake, [DOCS])

    by_number = {pr.number: pr for pr in PullRequest.select()}
    assert by_number[edited].title == "A completely different title"
    assert by_number[edited].enrichment_status == EnrichmentStatus.PENDING
    assert by_number[untouched].enrichment_status == EnrichmentStatus.DONE
    assert by_number[untouched].labels == ["needs-review"]
