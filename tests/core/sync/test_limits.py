"""The real client and sync against the fake GitHub's secondary limits, SSO, partial answers,
a skewed clock, heavy PRs and search's shortcomings."""

from __future__ import annotations

import pytest

from tests.sync_helpers import TODAY, client, expected_in_range, make_fake
from tformance.core.errors import GitHubForbidden
from tformance.core.events import SLOW_DOWN, Notice
from tformance.core.github import queries as q
from tformance.core.github.client import GitHubClient
from tformance.core.github.governor import GitHubGovernor
from tformance.core.store.database import open_database
from tformance.core.store.pr_store import DatabaseThread
from tformance.core.sync.service import SyncService
from tformance.fakes.demo_model import DemoOrg
from tformance.fakes.demo_org import build_demo_org, build_large_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub
from tformance.fakes.github_faults import Fault
from tformance.fakes.github_limits import SecondaryLimits

FLEET = "acme-robotics/fleet-console"

OTHER = "megacorp/service-001"


@pytest.fixture
def db_path(tmp_path):
    database = open_database(tmp_path / "limits.db")
    yield tmp_path / "limits.db"
    database.close()


def two_org_fake(**kwargs) -> FakeGitHub:
    demo = build_demo_org(TODAY)
    other = build_large_org(TODAY, repos=1, prs_per_repo=40)
    org = DemoOrg(demo.login, TODAY, [*demo.repos, *other.repos], {**demo.people, **other.people})
    return FakeGitHub(org, **kwargs)


async def sync_with(fake: FakeGitHub, github: GitHubClient, repos: list[str], events: list | None = None, **options):
    db = DatabaseThread()
    try:
        sink = events.append if events is not None else (lambda event: None)
        service = SyncService(github, db, sink=sink, today=TODAY, **options)
        return await service.run(repos, 12)
    finally:
        db.close()


def stored_numbers(repo: str) -> set[int]:
    from tformance.core.store.models import PullRequest, Repository

    return {pr.number for pr in PullRequest.select().join(Repository).where(Repository.full_name == repo)}


async def test_a_sync_under_a_tiny_time_budget_runs_at_it_without_a_secondary_limit(db_path):
    # GitHub's 60 s per 60 s, scaled down: 0.25 s of server time per 1 s window.
    limits = SecondaryLimits(time_budget=0.25, window=1.0, penalty=1.0)
    fake = make_fake()
    fake.limits = limits
    fake.latency_per_request, fake.latency_per_pr = 0.02, 0.001
    governor = GitHubGovernor(max_in_flight=8, time_budget=0.25, window=1.0)
    async with GitHubClient(DEMO_TOKEN, transport=fake.transport(), governor=governor) as github:
        finished = await sync_with(fake, github, [FLEET], page_size=20)
    assert finished.ok
    assert limits.server_time_total > 2 * limits.time_budget, "the budget bound: the sync had to pace"
    assert limits.secondary_answers == 0
    assert stored_numbers(FLEET) == expected_in_range(fake, FLEET)


async def test_a_secondary_limit_stops_every_request_until_retry_after(db_path):
    # The client's governor does not know this budget: GitHub's penalty must stop every worker.
    limits = SecondaryLimits(time_budget=0.3, window=1.0, penalty=1.0)
    fake = make_fake()
    fake.limits = limits
    fake.latency_per_request = 0.02
    events: list = []
    governor = GitHubGovernor(max_in_flight=1, time_budget=None)
    async with GitHubClient(DEMO_TOKEN, transport=fake.transport(), governor=governor) as github:
        finished = await sync_with(fake, github, [FLEET], events, page_size=10)
    assert finished.ok and stored_numbers(FLEET) == expected_in_range(fake, FLEET)
    assert limits.secondary_answers >= 1, "the budget was broken once"
    assert limits.requests_during_penalty == 0, "nothing was sent while GitHub said to wait"
    notices = [e.text for e in events if isinstance(e, Notice) and e.text.startswith(SLOW_DOWN)]
    assert notices and "resuming at" in notices[0]


@pytest.mark.parametrize("variant", ["403", "200"])
async def test_abuse_wording_without_retry_after_backs_off_exponentially_from_a_minute(variant):
    fake = make_fake()
    message = "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again."
    kind = "200" if variant == "200" else None
    fake.inject(Fault("secondary_rate_limit", times=2, retry_after=None, message=message, variant=kind))
    sleeps: list[float] = []
    async with client(fake, sleeps=sleeps) as github:
        info = await github.viewer()
    assert info.login == "demo-lead"
    assert sleeps == [60.0, 120.0]


async def test_an_sso_repo_fails_alone_with_the_authorisation_link(db_path):
    fake = two_org_fake()
    fake.require_sso("megacorp")
    async with client(fake) as github:
        finished = await sync_with(fake, github, [FLEET, OTHER])
        listed = await github.list_repositories()
    by_repo = {result.repo: result for result in finished.results}
    assert by_repo[FLEET].success and stored_numbers(FLEET) == expected_in_range(fake, FLEET)
    assert not by_repo[OTHER].success
    assert "SAML SSO" in by_repo[OTHER].error and "https://github.com/orgs/megacorp/sso" in by_repo[OTHER].error
    assert OTHER not in {repo.full_name for repo in listed}
    assert github.sso_hidden_organizations, "the listing said some organisations' repos were left out"


async def test_the_preflight_says_which_organisations_are_hidden(db_path):
    fake = two_org_fake()
    fake.require_sso("megacorp")
    events: list = []
    async with client(fake) as github:
        await sync_with(fake, github, [FLEET, OTHER], events)
    notes = [e.text for e in events if isinstance(e, Notice) and "hidden until this token is authorised" in e.text]
    assert notes and str(fake.sso_orgs["megacorp"]) in notes[0]


async def test_partial_answers_keep_their_data_and_report_the_rest():
    fake = two_org_fake()
    fake.require_sso("megacorp")
    document = (
        'query Two { a: repository(owner: "acme-robotics", name: "docs") { name } '
        'b: repository(owner: "megacorp", name: "service-001") { name } }'
    )
    async with client(fake) as github:
        partial: list[dict] = []
        data = await github.execute(document, {}, partial=partial)
        with pytest.raises(GitHubForbidden, match="SAML SSO"):
            await github.execute(document, {})
    assert data["a"] == {"name": "docs"} and data["b"] is None
    assert [error["path"] for error in partial] == [["b"]] and partial[0]["type"] == "FORBIDDEN"


@pytest.mark.parametrize("offset", [-3600.0, 3600.0])
async def test_a_skewed_clock_waits_by_githubs_date_without_a_storm(offset):
    fake = make_fake()
    fake.clock_offset = offset  # GitHub's clock an hour behind, or ahead of, ours
    fake.exhaust_rate_limit(reset_in=0.5)
    async with GitHubClient(DEMO_TOKEN, transport=fake.transport(), backoff_base=0.01) as github:
        info = await github.viewer()
    assert info.login == "demo-lead"
    assert len(fake.requests) <= 3, "waited for GitHub's reset, not in a loop and not for an hour"


async def test_a_search_slice_that_stops_early_is_walked_instead(db_path):
    fake = make_fake()
    fake.search_stop_after[FLEET] = 7  # every search of this repo stops after 7 results
    events: list = []
    async with client(fake) as github:
        finished = await sync_with(fake, github, [FLEET], events, page_size=20)
    assert finished.ok and stored_numbers(FLEET) == expected_in_range(fake, FLEET)
    assert any("walking it instead" in e.text for e in events if isinstance(e, Notice))
    assert any(r.operation == "SearchPullRequests" for r in fake.requests), "the slices were searched first"


async def test_search_lag_loses_nothing(db_path):
    fake = make_fake()
    fake.search_hidden[FLEET] = 15  # the 15 newest PRs are not in the search index yet
    async with client(fake) as github:
        finished = await sync_with(fake, github, [FLEET], page_size=20)
    assert finished.ok and stored_numbers(FLEET) == expected_in_range(fake, FLEET)


async def test_a_pr_too_heavy_for_any_page_is_fetched_with_its_nested_data_apart(db_path):
    fake = make_fake()
    heavy = max(expected_in_range(fake, FLEET))
    fake.make_heavy(FLEET, heavy)
    async with client(fake) as github:
        finished = await sync_with(fake, github, [FLEET], page_size=20)
    assert finished.ok and stored_numbers(FLEET) == expected_in_range(fake, FLEET)
    from tformance.core.store.models import PullRequest

    stored = PullRequest.get(PullRequest.number == heavy)
    assert len(list(stored.commits)) == len(fake.pull_request(FLEET, heavy).commits)
    sizes = [r.first for r in fake.requests if r.operation == "RepositoryPullRequests" and r.first]
    assert 1 in sizes and sizes[-1] > 1, "halved down to one PR, then grown back"


async def test_a_cursor_that_never_heals_fails_its_repo_with_a_reason(db_path):
    fake = make_fake()
    fake.inject(Fault("bad_gateway", times=None, repo=FLEET))
    async with client(fake) as github:
        finished = await sync_with(fake, github, [FLEET, "acme-robotics/docs"], page_size=20)
    by_repo = {result.repo: result for result in finished.results}
    assert by_repo["acme-robotics/docs"].success
    assert not by_repo[FLEET].success and "gave up after" in by_repo[FLEET].error


async def test_search_serves_at_most_a_thousand_results_but_counts_them_all():
    org = build_large_org(TODAY, repos=1, prs_per_repo=1200)
    fake = FakeGitHub(org)
    async with client(fake) as github:
        seen, cursor = 0, None
        while True:
            page = await github.search_pull_request_page(
                "repo:megacorp/service-001 is:pr", cursor=cursor, page_size=100
            )
            seen += len(page.nodes)
            cursor = page.end_cursor
            if not page.has_next_page:
                break
    assert page.total_count == 1200 and seen == 1000


def test_every_new_query_is_in_the_schema_check():
    names = set(q.all_documents())
    assert {"SearchPullRequests", "SearchPullRequestsLight", "RepositoryPullRequestsLight"} <= names


async def test_an_endpoint_that_never_answers_fails_the_call_within_its_deadline():
    import time

    from tformance.core.errors import GitHubTransientError
    from tformance.fakes.github_server import serve_in_thread

    fake = make_fake()
    fake.inject(Fault("gateway_timeout", times=None, delay=2.0))  # answers far too late, every time
    url, stop = serve_in_thread(fake)
    try:
        started = time.monotonic()
        async with GitHubClient(DEMO_TOKEN, url, timeout=0.1, deadline=0.5, backoff_base=0.01) as github:
            with pytest.raises(GitHubTransientError, match="gave up after"):
                await github.viewer()
        assert time.monotonic() - started < 1.5, "the call failed within its deadline, with a reason"
        assert len(fake.requests) <= 6
    finally:
        stop()
