"""The GitHub client on its own: token checks, repo listing, counts, and never leaking the token."""

from __future__ import annotations

import logging

import pytest

from tests.sync_helpers import TODAY, client
from tformance.core.errors import GitHubAuthError
from tformance.core.github.client import GitHubClient
from tformance.fakes.demo_org import build_demo_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub
from tformance.fakes.github_faults import Fault


async def test_viewer_says_who_the_token_belongs_to_its_scopes_and_rate_limit():
    fake = FakeGitHub(build_demo_org(TODAY))
    async with client(fake) as github:
        info = await github.viewer()
    assert (info.login, info.name) == ("demo-lead", "Demo Lead")
    assert info.scopes == ("repo", "read:org")
    assert info.rate_limit_limit == 5000 and 0 < info.rate_limit_remaining <= 5000
    assert info.warnings() == []


@pytest.mark.parametrize(
    ("scopes", "warning"),
    [
        ("read:org", "cannot read private repos: it lacks `repo`"),
        ("repo", "lacks `read:org`"),
        (None, "fine-grained token"),
    ],
)
async def test_missing_scopes_are_explained(scopes, warning):
    fake = FakeGitHub(build_demo_org(TODAY), scopes=scopes)
    async with client(fake) as github:
        info = await github.viewer()
    assert any(warning in line for line in info.warnings())


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("ghp_" + "a" * 36, "classic"),
        ("github_pat_" + "b" * 82, "fine-grained"),
        ("gho_" + "c" * 36, "oauth"),
        ("ghu_" + "d" * 36, "user-to-server"),
        ("ghs_" + "e" * 36, "server-to-server"),
    ],
)
async def test_token_kind_comes_from_its_prefix_and_only_scoped_kinds_lack_scopes(token, kind):
    # GitHub sends no x-oauth-scopes for fine-grained and app tokens: that must not read as "lacks repo".
    fake = FakeGitHub(build_demo_org(TODAY), tokens=[token], scopes=None if kind not in ("classic", "oauth") else "")
    async with client(fake, token=token) as github:
        info = await github.viewer()
        assert token not in repr(github) and token not in repr(info)
    assert info.kind == kind
    lacks_repo = any("lacks `repo`" in line for line in info.warnings())
    assert lacks_repo == (kind in ("classic", "oauth"))
    assert info.is_fine_grained == (kind == "fine-grained")


async def test_lists_every_repo_including_organisation_ones_last_pushed_first():
    fake = FakeGitHub(build_demo_org(TODAY))
    async with client(fake) as github:
        repos = await github.list_repositories()
    assert {repo.full_name for repo in repos} == {repo.full_name for repo in fake.org.repos}
    pushed = [repo.pushed_at for repo in repos]
    assert pushed == sorted(pushed, reverse=True)
    sent = next(r for r in fake.requests if r.operation == "ViewerRepositories")
    assert sent.status == 200


async def test_counts_are_exact_and_batched():
    fake = FakeGitHub(build_demo_org(TODAY))
    names = [repo.full_name for repo in fake.org.repos]
    async with client(fake) as github:
        counts = await github.count_pull_requests([f"repo:{name} is:pr" for name in names] * 7)
    assert counts[: len(names)] == [len(repo.pull_requests) for repo in fake.org.repos]
    assert sum(1 for r in fake.requests if r.operation == "PullRequestCounts") == 1  # 35 searches, 50 a request


async def test_a_rejected_token_never_appears_in_errors_logs_or_reprs(caplog):
    caplog.set_level(logging.DEBUG)
    fake = FakeGitHub(build_demo_org(TODAY))
    secret = "ghp_" + "s3cr3t" * 6
    github = GitHubClient(secret, transport=fake.transport())
    with pytest.raises(GitHubAuthError) as raised:
        await github.viewer()
    await github.aclose()
    assert "rejected this token" in str(raised.value)
    assert secret not in str(raised.value) + repr(raised.value) + repr(github) + caplog.text
    assert all(secret not in str(request.headers) for request in fake.requests)


async def test_a_revoked_token_mid_run_is_an_auth_error():
    fake = FakeGitHub(build_demo_org(TODAY))
    fake.inject(Fault("unauthorized", operation="ViewerRepositories"))
    async with client(fake, token=DEMO_TOKEN) as github:
        await github.viewer()
        with pytest.raises(GitHubAuthError):
            await github.list_repositories()


async def test_no_token_is_a_clear_error():
    with pytest.raises(GitHubAuthError, match="GITHUB_TOKEN"):
        GitHubClient("")
