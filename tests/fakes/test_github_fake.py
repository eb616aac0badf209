"""The fake GitHub answers like GitHub: shapes, pagination, counts, costs, faults; and the demo org is sound."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tformance.core.github import queries
from tformance.fakes.demo_model import DemoOrg, PullRequestData
from tformance.fakes.demo_org import build_demo_org, build_empty_org, build_large_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub
from tformance.fakes.github_faults import Fault
from tformance.fakes.github_server import serve_in_thread

TODAY = date(2025, 6, 15)
OWNER = "acme-robotics"
REPO = f"{OWNER}/fleet-console"
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class Clock:
    """A hand-driven clock, so rate-limit resets need no sleeping."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def org() -> DemoOrg:
    return build_demo_org(TODAY)


@pytest.fixture
def fake(org: DemoOrg) -> FakeGitHub:
    return FakeGitHub(org)


def post(
    fake: FakeGitHub, query: str, variables: dict[str, Any] | None = None, token: str | None = DEMO_TOKEN
) -> httpx.Response:
    headers = {"Authorization": f"bearer {token}"} if token else {}
    with httpx.Client(transport=fake.sync_transport(), base_url="https://api.github.com") as client:
        return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


def pr_page(fake: FakeGitHub, repo: str = REPO, first: int = 50, cursor: str | None = None, order: str = "CREATED_AT"):
    owner, name = repo.split("/")
    variables = {"owner": owner, "name": name, "first": first, "cursor": cursor, "order": order}
    return post(fake, queries.REPOSITORY_PULL_REQUESTS, variables)


def walk_prs(fake: FakeGitHub, repo: str, order: str, first: int = 37, cursor: str | None = None) -> list[dict]:
    nodes: list[dict] = []
    while True:
        connection = pr_page(fake, repo, first, cursor, order).json()["data"]["repository"]["pullRequests"]
        nodes += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        cursor = connection["pageInfo"]["endCursor"]


def find_pr(org: DemoOrg, test) -> tuple[str, PullRequestData]:
    return next((repo.full_name, pr) for repo, pr in org.pull_requests() if test(pr))


# Pagination and cursors


@pytest.mark.parametrize(("order", "field"), [("CREATED_AT", "createdAt"), ("UPDATED_AT", "updatedAt")])
def test_pagination_returns_every_pr_once_newest_first(fake: FakeGitHub, org: DemoOrg, order: str, field: str) -> None:
    for repo in org.repos:
        nodes = walk_prs(fake, repo.full_name, order)
        numbers = [node["number"] for node in nodes]
        assert sorted(numbers) == sorted(pr.number for pr in repo.pull_requests)
        assert len(set(numbers)) == len(numbers)
        keys = [(node[field], node["number"]) for node in nodes]
        assert keys == sorted(keys, reverse=True)


def test_cursors_look_like_githubs_and_survive_a_restart(org: DemoOrg) -> None:
    first = pr_page(FakeGitHub(org), first=100).json()["data"]["repository"]["pullRequests"]
    cursor = first["pageInfo"]["endCursor"]
    assert cursor.startswith("Y3Vyc29yOnYyOpK5")  # base64 of "cursor:v2:" and a msgpack pair, as GitHub's
    restarted = FakeGitHub(build_demo_org(TODAY))
    rest = walk_prs(restarted, REPO, "CREATED_AT", first=100, cursor=cursor)
    numbers = [node["number"] for node in first["nodes"] + rest]
    assert sorted(numbers) == sorted(pr.number for pr in org.repo(REPO).pull_requests)
    assert len(set(numbers)) == len(numbers)


def test_keyset_cursor_stays_put_when_a_pr_is_added_between_pages(fake: FakeGitHub, org: DemoOrg) -> None:
    first = pr_page(fake, first=40).json()["data"]["repository"]["pullRequests"]
    fake.add_pr(REPO, title="Brand new", author="maria-gonzalez")
    rest = walk_prs(fake, REPO, "CREATED_AT", first=40, cursor=first["pageInfo"]["endCursor"])
    numbers = [node["number"] for node in first["nodes"] + rest]
    assert sorted(numbers) == sorted(pr.number for pr in org.repo(REPO).pull_requests)


def test_bad_cursor_is_a_graphql_error(fake: FakeGitHub) -> None:
    body = pr_page(fake, cursor="not-a-cursor").json()
    assert body["data"]["repository"]["pullRequests"] is None
    assert body["errors"][0]["type"] == "INVALID_CURSOR_ARGUMENTS"


def test_nested_pages_and_follow_up_queries(fake: FakeGitHub, org: DemoOrg) -> None:
    for kind, query in (("commits", queries.PULL_REQUEST_COMMITS), ("reviews", queries.PULL_REQUEST_REVIEWS)):
        repo, pr = find_pr(org, lambda pr, kind=kind: len(getattr(pr, kind)) > 25)
        page = next(node for node in walk_prs(fake, repo, "CREATED_AT", 100) if node["number"] == pr.number)[kind]
        assert page["totalCount"] == len(getattr(pr, kind))
        assert page["pageInfo"]["hasNextPage"] is True
        assert len(page["nodes"]) == queries.NESTED_PAGE
        nodes, cursor = list(page["nodes"]), page["pageInfo"]["endCursor"]
        while cursor:
            more = post(fake, query, {"id": pr.id, "first": 10, "cursor": cursor}).json()["data"]["node"][kind]
            nodes += more["nodes"]
            cursor = more["pageInfo"]["endCursor"] if more["pageInfo"]["hasNextPage"] else None
        if kind == "commits":
            assert [node["commit"]["oid"] for node in nodes] == [commit.oid for commit in pr.commits]
        else:
            assert [node["id"] for node in nodes] == [review.id for review in pr.reviews]


def test_viewer_repositories_by_pushed_at_and_org_repos_need_the_affiliation(fake: FakeGitHub, org: DemoOrg) -> None:
    response = post(fake, queries.VIEWER_REPOSITORIES, {"first": 3})
    connection = response.json()["data"]["viewer"]["repositories"]
    nodes = connection["nodes"]
    more = post(fake, queries.VIEWER_REPOSITORIES, {"first": 3, "cursor": connection["pageInfo"]["endCursor"]})
    nodes += more.json()["data"]["viewer"]["repositories"]["nodes"]
    assert connection["totalCount"] == len(org.repos) == len(nodes) == 5
    assert [node["pushedAt"] for node in nodes] == sorted((node["pushedAt"] for node in nodes), reverse=True)
    # GitHub's default affiliations leave organisation repositories out.
    default = post(fake, "query { viewer { repositories(first: 5) { totalCount } } }").json()
    assert default["data"]["viewer"]["repositories"]["totalCount"] == 0


def test_empty_account(org: DemoOrg) -> None:
    body = post(FakeGitHub(build_empty_org(TODAY)), queries.VIEWER_REPOSITORIES, {"first": 10}).json()
    repositories = body["data"]["viewer"]["repositories"]
    assert repositories == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": []}


# Counts, errors of the query itself


def test_counts_match_the_data(fake: FakeGitHub, org: DemoOrg) -> None:
    since = datetime(2025, 3, 4, 10, tzinfo=UTC)
    searches = [
        f"repo:{REPO} is:pr created:>=2024-12-01",
        f"repo:{REPO} is:pr created:>=2024-12-01 updated:>=2025-03-04T10:00:00Z",
        f"repo:{OWNER}/infra is:pr",
        "repo:nobody/nothing is:pr created:>=2024-12-01",
    ]
    variables = {f"q{i}": search for i, search in enumerate(searches)}
    data = post(fake, queries.pull_request_counts(len(searches)), variables).json()["data"]
    prs = org.repo(REPO).pull_requests
    start = datetime(2024, 12, 1, tzinfo=UTC)
    assert data["c0"] == {"issueCount": sum(pr.created_at >= start for pr in prs)}
    assert data["c1"]["issueCount"] == sum(pr.created_at >= start and pr.updated_at >= since for pr in prs)
    assert data["c2"]["issueCount"] == len(org.repo(f"{OWNER}/infra").pull_requests)
    assert data["c3"]["issueCount"] == 0
    assert data["rateLimit"]["cost"] == 1


def test_missing_repository(fake: FakeGitHub) -> None:
    body = pr_page(fake, repo=f"{OWNER}/nope").json()
    assert body["data"]["repository"] is None
    [error] = body["errors"]
    assert error["type"] == "NOT_FOUND"
    assert error["path"] == ["repository"]
    assert error["message"] == f"Could not resolve to a Repository with the name '{OWNER}/nope'."
    lines = queries.REPOSITORY_PULL_REQUESTS.splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "repository(" in text)
    assert error["locations"] == [{"line": line, "column": lines[line - 1].index("repository(") + 1}]


def test_first_over_100_is_refused_and_costs_nothing(fake: FakeGitHub) -> None:
    before = fake.rate_limit_remaining
    body = pr_page(fake, first=101).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["type"] == "EXCESSIVE_PAGINATION"
    assert error["message"] == (
        "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records."
    )
    assert fake.rate_limit_remaining == before


def test_unknown_field_and_missing_variable_are_validation_errors(fake: FakeGitHub) -> None:
    body = post(fake, "query Q { viewer { login shoeSize } }").json()
    assert "data" not in body
    assert body["errors"][0]["message"] == "Field 'shoeSize' doesn't exist on type 'User'"
    body = post(fake, queries.REPOSITORY_PULL_REQUESTS, {"owner": OWNER, "first": 5, "order": "CREATED_AT"}).json()
    assert body["errors"][0]["message"] == "Variable $name of type String! was provided invalid value"
    body = pr_page(fake, order="SIDEWAYS").json()
    assert "SIDEWAYS" in body["errors"][0]["extensions"]["problems"][0]["explanation"]


def test_aliases_fragments_and_typename(fake: FakeGitHub) -> None:
    query = """
    query Mixed($owner: String!) {
      me: viewer { ...Who }
      repo: repository(owner: $owner, name: "docs") { __typename nameWithOwner skipped: name @skip(if: true) }
    }
    fragment Who on User { handle: login __typename }
    """
    data = post(fake, query, {"owner": OWNER}).json()["data"]
    assert data == {
        "me": {"handle": "demo-lead", "__typename": "User"},
        "repo": {"__typename": "Repository", "nameWithOwner": f"{OWNER}/docs"},
    }


# Authentication, rate limits, costs


def test_bad_and_missing_tokens(fake: FakeGitHub) -> None:
    response = post(fake, queries.VIEWER, token="ghp_wrong")
    assert response.status_code == 401
    assert response.json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/graphql",
        "status": "401",
    }
    assert post(fake, queries.VIEWER, token=None).status_code == 401


def test_viewer_scopes_and_rate_headers(fake: FakeGitHub) -> None:
    response = post(fake, queries.VIEWER)
    assert response.json()["data"]["viewer"] == {"login": "demo-lead", "name": "Demo Lead"}
    assert response.headers["x-oauth-scopes"] == "repo, read:org"
    assert response.headers["x-ratelimit-resource"] == "graphql"
    assert response.headers["x-ratelimit-limit"] == "5000"
    rate = response.json()["data"]["rateLimit"]
    assert rate["remaining"] == int(response.headers["x-ratelimit-remaining"]) == 4999
    assert rate["used"] == int(response.headers["x-ratelimit-used"]) == 1
    assert ISO_Z.match(rate["resetAt"])
    reset = datetime.fromisoformat(rate["resetAt"].replace("Z", "+00:00")).timestamp()
    assert reset == int(response.headers["x-ratelimit-reset"])


@pytest.mark.parametrize(("first", "cost"), [(10, 1), (50, 2), (100, 3)])
def test_cost_follows_githubs_rule(fake: FakeGitHub, first: int, cost: int) -> None:
    # 1 request for the page, plus one per PR for each of labels, reviews and commits: (1 + 3 * first) / 100.
    before = fake.rate_limit_remaining
    response = pr_page(fake, first=first)
    assert response.json()["data"]["rateLimit"]["cost"] == cost
    assert int(response.headers["x-ratelimit-remaining"]) == before - cost
    assert fake.requests[-1].cost == cost


def test_budget_runs_out_and_resets(org: DemoOrg) -> None:
    clock = Clock()
    fake = FakeGitHub(org, rate_limit=3, rate_limit_window=60, clock=clock)
    for _ in range(3):
        assert post(fake, queries.VIEWER).json()["data"]["viewer"]
    response = post(fake, queries.VIEWER)
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}],
    }
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert int(response.headers["x-ratelimit-reset"]) == int(clock.now + 60)
    clock.now += 61
    assert post(fake, queries.VIEWER).json()["data"]["rateLimit"]["remaining"] == 2


# Faults


def test_rate_limited_fault_holds_until_reset(org: DemoOrg) -> None:
    clock = Clock()
    fake = FakeGitHub(org, clock=clock)
    fake.inject(Fault("rate_limited", reset_in=2))
    response = post(fake, queries.VIEWER)
    assert response.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert int(response.headers["x-ratelimit-reset"]) == int(clock.now + 2)
    assert post(fake, queries.VIEWER).json()["data"] is None  # the budget itself is spent, not only one answer
    clock.now += 3
    assert post(fake, queries.VIEWER).json()["data"]["viewer"]["login"] == "demo-lead"
    fake.inject(Fault("rate_limited", reset_in=2, variant="RATE_LIMIT"))
    error = post(fake, queries.VIEWER).json()["errors"][0]
    assert error["type"] == "RATE_LIMIT"
    assert error["message"] == "API rate limit already exceeded for user ID 1."


@pytest.mark.parametrize(
    ("fault", "status", "check"),
    [
        (Fault("unauthorized"), 401, lambda r: r.json()["message"] == "Bad credentials"),
        (
            Fault("not_found"),
            200,
            lambda r: r.json()["data"]["repository"] is None and r.json()["errors"][0]["type"] == "NOT_FOUND",
        ),
        (
            Fault("forbidden"),
            200,
            lambda r: (
                r.json()["errors"][0]["type"] == "FORBIDDEN"
                and "SAML enforcement" in r.json()["errors"][0]["message"]
                and r.json()["data"]["repository"] is None
            ),
        ),
        (
            Fault("secondary_rate_limit", retry_after=7),
            403,
            lambda r: r.headers["retry-after"] == "7" and "secondary rate limit" in r.json()["message"],
        ),
        (
            Fault("secondary_rate_limit", retry_after=None, variant="200"),
            200,
            lambda r: "retry-after" not in r.headers and "secondary rate limit" in r.json()["errors"][0]["message"],
        ),
        (Fault("bad_gateway"), 502, lambda r: r.headers["content-type"].startswith("text/html")),
        (Fault("gateway_timeout"), 504, lambda r: "couldn't respond to your request in time" in r.json()["message"]),
        (
            Fault("timeout"),
            200,
            lambda r: (
                r.json()["data"] is None
                and r.json()["errors"][0]["message"].startswith("Something went wrong while executing your query")
                and r.headers["x-github-request-id"] in r.json()["errors"][0]["message"]
            ),
        ),
    ],
    ids=lambda value: value.kind + (value.variant or "") if isinstance(value, Fault) else None,
)
def test_fault_kinds(fake: FakeGitHub, fault: Fault, status: int, check) -> None:
    fake.inject(fault)
    response = pr_page(fake)
    assert response.status_code == status
    assert check(response)
    assert fake.requests[-1].fault == fault.kind
    assert pr_page(fake).status_code == 200  # times=1: the next answer is normal


def test_forbidden_outside_a_repository_nulls_the_data(fake: FakeGitHub) -> None:
    fake.inject(Fault("forbidden", operation="Viewer"))
    body = post(fake, queries.VIEWER).json()
    assert body["data"] is None
    assert body["errors"][0]["type"] == "FORBIDDEN"


def test_disconnect_fault(fake: FakeGitHub) -> None:
    fake.inject(Fault("disconnect"))
    with pytest.raises(httpx.RemoteProtocolError):
        post(fake, queries.VIEWER)


def test_faults_target_operation_repo_and_count_down(fake: FakeGitHub) -> None:
    fault = fake.inject(Fault("bad_gateway", times=2, operation="RepositoryPullRequests", repo=f"{OWNER}/infra"))
    assert post(fake, queries.VIEWER).status_code == 200
    assert pr_page(fake, repo=REPO).status_code == 200
    assert pr_page(fake, repo=f"{OWNER}/infra").status_code == 502
    assert pr_page(fake, repo=f"{OWNER}/INFRA").status_code == 502
    assert pr_page(fake, repo=f"{OWNER}/infra").status_code == 200
    assert fault.times == 0
    fake.inject(Fault("gateway_timeout", times=None))
    assert post(fake, queries.VIEWER).status_code == 504
    assert post(fake, queries.VIEWER).status_code == 504
    fake.clear_faults()
    assert post(fake, queries.VIEWER).status_code == 200


def test_big_pages_502_until_halved(fake: FakeGitHub) -> None:
    fake.max_first_before_502 = 50
    assert pr_page(fake, first=100).status_code == 502
    assert pr_page(fake, first=50).status_code == 200
    assert post(fake, queries.VIEWER_REPOSITORIES, {"first": 100}).status_code == 200


def test_requests_are_recorded_without_the_token(fake: FakeGitHub) -> None:
    secret = "ghp_" + "s3cr3t" * 6
    fake.add_token(secret)
    bodies = [post(fake, queries.VIEWER, token=secret), pr_page(fake, first=5), post(fake, queries.VIEWER, token="x")]
    [viewer, prs, _] = fake.requests
    assert (viewer.operation, prs.operation, prs.first, prs.variables["order"]) == (
        "Viewer",
        "RepositoryPullRequests",
        5,
        "CREATED_AT",
    )
    assert viewer.headers["authorization"] == "bearer <redacted>"
    assert [request.status for request in fake.requests] == [200, 200, 401]
    assert prs.pr_nodes == 5
    assert secret not in repr(fake.requests) and secret not in repr(vars(fake))
    assert all(secret not in response.text and secret not in str(response.headers) for response in bodies)
    fake.revoke_token(secret)
    assert post(fake, queries.VIEWER, token=secret).status_code == 401


# Latency and serving


def test_latency_accounting(org: DemoOrg) -> None:
    fake = FakeGitHub(org, latency_per_request=0.3, latency_per_pr=0.02)
    owner, name = REPO.split("/")
    body = json.dumps(
        {
            "query": queries.REPOSITORY_PULL_REQUESTS,
            "variables": {"owner": owner, "name": name, "first": 20, "order": "CREATED_AT"},
        }
    ).encode()
    answer = fake.handle("POST", "/graphql", {"Authorization": f"bearer {DEMO_TOKEN}"}, body)
    assert answer.delay == pytest.approx(0.3 + 20 * 0.02)
    viewer = json.dumps({"query": queries.VIEWER}).encode()
    assert fake.handle("POST", "/graphql", {"Authorization": f"token {DEMO_TOKEN}"}, viewer).delay == 0.3


def test_async_transport_sleeps_without_blocking(org: DemoOrg) -> None:
    fake = FakeGitHub(org, latency_per_request=0.1, latency_per_pr=0.001)

    async def run() -> float:
        headers = {"Authorization": f"bearer {DEMO_TOKEN}"}
        async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.github.com") as client:
            started = time.perf_counter()
            responses = await asyncio.gather(
                *(client.post("/graphql", json={"query": queries.VIEWER}, headers=headers) for _ in range(5))
            )
            assert all(response.status_code == 200 for response in responses)
            return time.perf_counter() - started

    elapsed = asyncio.run(run())
    assert 0.1 <= elapsed < 0.45  # five concurrent answers overlap; in series they would take 0.5 s
    assert fake.max_in_flight == 5
    assert fake.in_flight == 0


def test_threaded_server_over_a_real_socket(org: DemoOrg) -> None:
    fake = FakeGitHub(org)
    url, stop = serve_in_thread(fake)
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/graphql")
        with httpx.Client(headers={"Authorization": f"bearer {DEMO_TOKEN}"}) as client:
            response = client.post(url, json={"query": queries.VIEWER})
            assert response.json()["data"]["viewer"]["login"] == "demo-lead"
            assert response.headers["x-ratelimit-remaining"] == "4999"
            variables = {"owner": OWNER, "name": "docs", "first": 100, "order": "UPDATED_AT"}
            page = client.post(url, json={"query": queries.REPOSITORY_PULL_REQUESTS, "variables": variables})
            assert len(page.json()["data"]["repository"]["pullRequests"]["nodes"]) == 55
            fake.inject(Fault("disconnect"))
            with pytest.raises(httpx.RemoteProtocolError):
                client.post(url, json={"query": queries.VIEWER})
            assert client.post(url, json={"query": queries.VIEWER}).status_code == 200
    finally:
        stop()


def test_server_command_line() -> None:
    command = [sys.executable, "-m", "tformance.fakes.github_server", "--dataset", "large", "--repos", "2"]
    command += ["--prs-per-repo", "30", "--today", "2025-06-15", "--token", "t1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        response = httpx.post(
            url,
            json={"query": queries.VIEWER_REPOSITORIES, "variables": {"first": 5}},
            headers={"Authorization": "bearer t1"},
        )
        repositories = response.json()["data"]["viewer"]["repositories"]
        assert repositories["totalCount"] == 2
        assert {node["owner"]["login"] for node in repositories["nodes"]} == {"megacorp"}
    finally:
        process.kill()
        process.wait(timeout=5)


# Changing the data between runs


def test_merging_a_pr_moves_it_to_the_top_of_updated_order(fake: FakeGitHub, org: DemoOrg) -> None:
    repo, pr = find_pr(org, lambda pr: pr.state == "OPEN" and not pr.is_draft)
    at = datetime(2025, 6, 15, 9, 30, tzinfo=UTC)
    fake.merge_pr(repo, pr.number, at=at)
    top = pr_page(fake, repo, first=1, order="UPDATED_AT").json()["data"]["repository"]["pullRequests"]["nodes"][0]
    assert (top["number"], top["state"], top["mergedAt"], top["updatedAt"]) == (
        pr.number,
        "MERGED",
        "2025-06-15T09:30:00Z",
        "2025-06-15T09:30:00Z",
    )
    count = post(fake, queries.pull_request_counts(1), {"q0": f"repo:{repo} is:pr updated:>=2025-06-15T09:00:00Z"})
    assert count.json()["data"]["c0"]["issueCount"] == 1
    assert org.repo(repo).pull_requests[[p.number for p in org.repo(repo).pull_requests].index(pr.number)] == pr

    added = fake.add_pr(repo, title="Hotfix", author="kenji-sato", created_at=at + timedelta(minutes=5))
    fake.add_review(repo, added.number, "maria-gonzalez", at=at + timedelta(minutes=9))
    newest = pr_page(fake, repo, first=1).json()["data"]["repository"]["pullRequests"]["nodes"][0]
    assert newest["number"] == added.number
    assert newest["reviews"]["nodes"][0]["author"] == {"__typename": "User", "login": "maria-gonzalez"}


# The demo organisation


def test_demo_org_is_deterministic(org: DemoOrg) -> None:
    again = build_demo_org(TODAY)
    assert again == org
    assert build_demo_org(TODAY, seed=8) != org
    # A fixed clock: the rateLimit block's resetAt would otherwise follow the wall clock.
    first = pr_page(FakeGitHub(org, clock=lambda: 1_750_000_000.0), first=100).content
    assert pr_page(FakeGitHub(again, clock=lambda: 1_750_000_000.0), first=100).content == first


def test_demo_org_is_realistic(org: DemoOrg) -> None:
    prs = [pr for _, pr in org.pull_requests()]
    assert len(org.repos) == 5
    assert 500 <= len(prs) <= 800
    horizon = datetime(2025, 6, 15, tzinfo=UTC)
    assert min(pr.created_at for pr in prs) >= horizon - timedelta(days=400)
    for pr in prs:
        assert pr.created_at <= pr.updated_at < horizon
        assert pr.merged_at is None or pr.created_at <= pr.merged_at <= pr.updated_at
        assert (pr.state == "MERGED") == (pr.merged_at is not None)
        assert (pr.state == "OPEN") == (pr.closed_at is None)
        assert all(review.submitted_at < horizon for review in pr.reviews)
        assert [r.submitted_at for r in pr.reviews] == sorted(r.submitted_at for r in pr.reviews)
    humans = [pr for pr in prs if pr.author is None or not pr.author.is_bot]
    share = sum(bool(pr.ai_tools) for pr in humans) / len(humans)
    assert 0.25 <= share <= 0.35
    early = [pr for pr in humans if pr.created_at < horizon - timedelta(days=300)]
    late = [pr for pr in humans if pr.created_at >= horizon - timedelta(days=90)]
    assert sum(bool(pr.ai_tools) for pr in late) / len(late) > 2 * sum(bool(pr.ai_tools) for pr in early) / len(early)
    bots = {pr.author.login for pr in prs if pr.author and pr.author.is_bot}
    assert bots == {"dependabot", "renovate", "github-actions", "Copilot", "devin-ai-integration"}
    reviewers = {review.author.login for pr in prs for review in pr.reviews if review.author}
    assert {"coderabbitai", "copilot-pull-request-reviewer"} <= reviewers
    assert {pr.state for pr in prs} == {"OPEN", "CLOSED", "MERGED"}
    assert any(pr.is_draft for pr in prs)
    assert any(pr.state == "MERGED" and not pr.reviews for pr in prs)
    assert sum(pr.author is None for pr in prs) == 1
    assert max(len(pr.body) for pr in prs) >= 1_000_000
    assert any(len(pr.commits) > 25 and len(pr.reviews) > 25 for pr in prs)
    assert any(pr.additions > 1500 for pr in prs)
    titles = {pr.title: pr for pr in prs}
    assert not titles["Fix Copilot settings page"].ai_tools
    assert not titles["chore: bump claude-sdk from 0.3.1 to 0.4.0"].ai_tools
    assert any("[bold red]" in title for title in titles) and any("\x1b[31m" in title for title in titles)
    assert any("[link=https://evil.example]" in pr.body for pr in prs)
    assert any("\u202e" in pr.body for pr in prs)
    texts = [pr.body + "".join(c.message for c in pr.commits) for pr in prs]
    assert any("🤖 Generated with [Claude Code](https://claude.com/claude-code)" in text for text in texts)
    assert any("Co-Authored-By: Claude <noreply@anthropic.com>" in text for text in texts)
    assert any("Co-authored-by: Cursor <cursoragent@cursor.com>" in text for text in texts)
    assert any("chatgpt.com/codex/tasks/" in pr.body and pr.head_ref.startswith("codex/") for pr in prs)
    assert any(c.message.startswith("aider: ") for pr in prs for c in pr.commits)
    assert any(pr.head_ref.startswith("copilot/") and pr.author and pr.author.login == "Copilot" for pr in prs)
    ids = [pr.id for pr in prs] + [review.id for pr in prs for review in pr.reviews]
    assert len(set(ids)) == len(ids)


def test_large_org() -> None:
    started = time.perf_counter()
    big = build_large_org(TODAY, repos=4, prs_per_repo=500)
    assert time.perf_counter() - started < 2
    prs = [pr for _, pr in big.pull_requests()]
    assert len(big.repos) == 4 and len(prs) == 2000
    assert len({pr.id for pr in prs}) == 2000
    assert 0.15 < sum(bool(pr.ai_tools) for pr in prs) / len(prs) < 0.45
    assert build_large_org(TODAY, repos=4, prs_per_repo=500) == big
    fake = FakeGitHub(big)
    assert len(walk_prs(fake, big.repos[0].full_name, "UPDATED_AT", first=100)) == 500


# Shapes against GitHub's own schema (the session fixture `github_schema` is in conftest.py)


def assert_shape(schema, document: str, data: dict[str, Any]) -> None:
    """Every response object has exactly the selected keys, in order; types and nullability match the schema."""
    import graphql

    parsed = graphql.parse(document)
    fragments = {d.name.value: d for d in parsed.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
    operation = next(d for d in parsed.definitions if isinstance(d, graphql.OperationDefinitionNode))

    def fields_of(type_, selection_set, value) -> list[tuple[str, Any, Any]]:
        out = []
        for selection in selection_set.selections:
            if isinstance(selection, graphql.FieldNode):
                out.append((selection.alias.value if selection.alias else selection.name.value, selection, type_))
                continue
            if isinstance(selection, graphql.InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:
                fragment = fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            target = schema.get_type(condition.name.value) if condition else type_
            keys_present = all(
                (s.alias or s.name).value in value for s in inner.selections if isinstance(s, graphql.FieldNode)
            )
            if target is type_ or keys_present:
                out += fields_of(target, inner, value)
        return out

    def check(type_, selection_set, value: dict[str, Any], path: str) -> None:
        selected = fields_of(type_, selection_set, value)
        assert list(value) == [key for key, _, _ in selected], path
        for key, node, owner in selected:
            name = node.name.value
            if name == "__typename":
                assert isinstance(value[key], str)
                continue
            concrete = owner
            if graphql.is_abstract_type(owner) and "__typename" in value:
                concrete = schema.get_type(value["__typename"])
            check_value(concrete.fields[name].type, node, value[key], f"{path}.{key}")

    def check_value(type_, node, value: Any, path: str) -> None:
        if graphql.is_non_null_type(type_):
            assert value is not None, f"{path} is non-null in GitHub's schema"
            type_ = type_.of_type
        if value is None:
            return
        if graphql.is_list_type(type_):
            assert isinstance(value, list), path
            for index, item in enumerate(value):
                check_value(type_.of_type, node, item, f"{path}[{index}]")
        elif graphql.is_composite_type(type_):
            assert isinstance(value, dict), path
            check(type_, node.selection_set, value, path)
        elif graphql.is_enum_type(type_):
            assert value in type_.values, path
        else:
            expected = {"Int": int, "Boolean": bool, "Float": (int, float)}.get(type_.name, str)
            assert isinstance(value, expected) and not (expected is int and isinstance(value, bool)), path
            if type_.name == "DateTime":
                assert ISO_Z.match(value), path

    check(schema.query_type, operation.selection_set, data, "data")


def test_responses_match_githubs_schema(github_schema, fake: FakeGitHub, org: DemoOrg) -> None:
    import graphql

    repo, pr = find_pr(org, lambda pr: len(pr.commits) > 25 and len(pr.reviews) > 25)
    owner, name = repo.split("/")
    ghost_repo, _ = find_pr(org, lambda pr: pr.author is None)
    counts = {f"q{i}": f"repo:{REPO} is:pr created:>=2024-{i % 12 + 1:02d}-01" for i in range(30)}
    cases = [
        ("Viewer", queries.VIEWER, {}),
        ("ViewerRepositories", queries.VIEWER_REPOSITORIES, {"first": 5}),
        ("PullRequestCounts(1)", queries.pull_request_counts(1), {"q0": counts["q0"]}),
        ("PullRequestCounts(30)", queries.pull_request_counts(30), counts),
        ("PullRequestReviews", queries.PULL_REQUEST_REVIEWS, {"id": pr.id, "first": 100}),
        ("PullRequestCommits", queries.PULL_REQUEST_COMMITS, {"id": pr.id, "first": 100}),
        ("PullRequestLabels", queries.PULL_REQUEST_LABELS, {"id": pr.id, "first": 100}),
        ("SearchPullRequests", queries.SEARCH_PULL_REQUESTS, {"query": f"repo:{REPO} is:pr", "first": 20}),
        ("SearchPullRequestsLight", queries.SEARCH_PULL_REQUESTS_LIGHT, {"query": f"repo:{REPO}", "first": 9}),
    ]
    for repo_name in {name, ghost_repo.split("/")[1]}:
        for order in ("CREATED_AT", "UPDATED_AT"):
            variables = {"owner": owner, "name": repo_name, "first": 100, "order": order}
            cases.append(("RepositoryPullRequests", queries.REPOSITORY_PULL_REQUESTS, variables))
            cases.append(("RepositoryPullRequestsLight", queries.REPOSITORY_PULL_REQUESTS_LIGHT, variables))
    assert {label for label, _, _ in cases} == set(queries.all_documents())
    for label, document, variables in cases:
        assert graphql.validate(github_schema, graphql.parse(document)) == [], label
        body = post(fake, document, variables).json()
        assert "errors" not in body, (label, body.get("errors"))
        assert_shape(github_schema, document, body["data"])
