"""Reading pull requests: exact counts, pages of a repository's PRs or of a search, follow-ups.

A page that GitHub cannot finish (502, timeout) is fetched again smaller, down to one PR, then
that PR without its nested connections, which follow in their own queries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from tformance.core.errors import GitHubNotFound, GitHubQueryError, GitHubTransientError, GitHubUnreachable
from tformance.core.github import queries as q
from tformance.core.github.transport import GraphQLTransport, Json, WaitListener

log = logging.getLogger(__name__)

MIN_PAGE_SIZE = 1  # a page failing at 1 PR is fetched without its nested connections
COUNTS_PER_REQUEST = 50  # aliased searches per pre-flight request: each request costs server time


@dataclass(frozen=True)
class PullRequestPage:
    nodes: list[Json]
    end_cursor: str | None
    has_next_page: bool
    total_count: int
    page_size: int  # the size that worked (may be smaller than asked, after 502s)


class PullRequestQueries(GraphQLTransport):
    """The PR reads of the sync, on top of the transport's polite requests. Each takes the
    ``label`` its waits are told under and the ``on_wait`` listener that hears them."""

    async def count_pull_requests(self, searches: list[str], *, on_wait: WaitListener | None = None) -> list[int]:
        """Exact ``issueCount`` for each search string, batched many to a request, chunks in parallel.

        A search GitHub could not answer (one repo's SSO, say) counts 0 and is logged: the
        pre-flight is an estimate; the sync itself reports that repo's failure."""

        async def chunk_counts(chunk: list[str]) -> list[int]:
            variables: Json = {f"q{i}": search for i, search in enumerate(chunk)}
            partial: list[Json] = []
            document = q.pull_request_counts(len(chunk))
            data = await self.execute(document, variables, partial=partial, on_wait=on_wait)
            if partial:
                log.info("pre-flight counts: %d searches unanswered", len(partial))
            return [int((data.get(f"c{i}") or {}).get("issueCount") or 0) for i in range(len(chunk))]

        chunks = [searches[start : start + COUNTS_PER_REQUEST] for start in range(0, len(searches), COUNTS_PER_REQUEST)]
        results = await asyncio.gather(*(chunk_counts(chunk) for chunk in chunks))
        return [count for chunk in results for count in chunk]

    async def pull_request_page(
        self,
        owner: str,
        name: str,
        *,
        cursor: str | None,
        order: str,
        page_size: int,
        label: str | None = None,
        urgent: bool = False,
        on_wait: WaitListener | None = None,
    ) -> PullRequestPage:
        """One page of PRs, newest first by ``order`` (CREATED_AT or UPDATED_AT).

        A 502/504 or timeout usually means the page was too heavy: halve the page size and
        retry the same cursor, backing off between attempts. The size that worked is returned
        so the caller can grow it back. A page that fails even at one PR is fetched without its
        nested connections, which follow in their own queries. Attempts are capped.
        """
        variables: Json = {"owner": owner, "name": name, "cursor": cursor, "order": order}

        def connection(data: Json) -> Json:
            repository = data.get("repository")
            if repository is None:
                raise GitHubNotFound(f"{owner}/{name} was not found, or this token cannot see it")
            found: Json = repository["pullRequests"]
            return found

        documents = (q.REPOSITORY_PULL_REQUESTS, q.REPOSITORY_PULL_REQUESTS_LIGHT)
        return await self._page(documents, variables, connection, page_size, label, on_wait, urgent)

    async def search_pull_request_page(
        self,
        search: str,
        *,
        cursor: str | None,
        page_size: int,
        label: str | None = None,
        on_wait: WaitListener | None = None,
    ) -> PullRequestPage:
        """One page of a PR search (``repo:o/r is:pr created:A..B sort:created-desc``), with the same
        fields as ``pull_request_page``. ``total_count`` is the search's exact ``issueCount``; the
        pages themselves stop at 1,000 results, and may lag or stop early: callers verify."""

        def connection(data: Json) -> Json:
            found = data.get("search")
            if found is None:
                raise GitHubQueryError("GitHub did not answer the search")
            return {**found, "totalCount": found.get("issueCount", 0)}

        variables: Json = {"query": search, "cursor": cursor}
        documents = (q.SEARCH_PULL_REQUESTS, q.SEARCH_PULL_REQUESTS_LIGHT)
        return await self._page(documents, variables, connection, page_size, label, on_wait)

    async def _page(
        self,
        documents: tuple[str, str],  # the full query, and the one without nested connections
        variables: Json,
        connection_of: Callable[[Json], Json],
        page_size: int,
        label: str | None,
        on_wait: WaitListener | None,
        urgent: bool = False,
    ) -> PullRequestPage:
        if not 1 <= page_size <= 100:
            raise ValueError("page_size must be between 1 and 100 (GitHub's limit)")
        document, light_document = documents
        attempt = 0
        light = False
        failing_since: float | None = None
        while True:
            sent = {**variables, "first": page_size}
            attempt_started = time.monotonic()
            try:
                data = await self.execute(
                    light_document if light else document,
                    sent,
                    label=label,
                    shrink_on_transient=True,
                    expected_nodes=page_size,
                    urgent=urgent,
                    on_wait=on_wait,
                )
            except GitHubUnreachable:
                raise  # execute() already retried; a smaller page will not help
            except GitHubTransientError as error:
                attempt += 1
                failing_since = failing_since or attempt_started
                if attempt > self.max_retries or self._past_deadline(failing_since):
                    raise GitHubTransientError(
                        f"{error}: gave up after {attempt} attempts at this page (it fails even at 1 PR)"
                    ) from None
                if page_size == MIN_PAGE_SIZE:
                    light = True  # one PR's nested data is too heavy: fetch those separately
                    reason = f"{error}; retrying that PR without its reviews and commits"
                else:
                    page_size = max(MIN_PAGE_SIZE, page_size // 2)
                    reason = f"{error}; retrying with {page_size} PRs a page"
                await self._wait_retry(attempt, reason, label, on_wait)
                continue
            connection = connection_of(data)
            nodes = [node for node in connection.get("nodes") or [] if node]
            if light:
                nodes = [await self._fill_nested(node, label, on_wait) for node in nodes]
            return PullRequestPage(
                nodes=nodes,
                end_cursor=connection["pageInfo"]["endCursor"],
                has_next_page=bool(connection["pageInfo"]["hasNextPage"]),
                total_count=int(connection["totalCount"]),
                page_size=page_size,
            )

    async def _fill_nested(self, node: Json, label: str | None, on_wait: WaitListener | None) -> Json:
        """A PR fetched without its nested connections, completed by follow-up queries."""
        reviews = await self._follow_up(q.PULL_REQUEST_REVIEWS, "reviews", node["id"], None, label, on_wait)
        commits = await self._follow_up(q.PULL_REQUEST_COMMITS, "commits", node["id"], None, label, on_wait)
        labels = await self._follow_up(q.PULL_REQUEST_LABELS, "labels", node["id"], None, label, on_wait)
        done = {"hasNextPage": False, "endCursor": None}
        return {
            **node,
            "labels": {"nodes": labels},
            "reviews": {"totalCount": len(reviews), "pageInfo": done, "nodes": reviews},
            "commits": {"totalCount": len(commits), "pageInfo": done, "nodes": commits},
        }

    async def remaining_reviews(
        self, pr_id: str, cursor: str | None, label: str | None = None, *, on_wait: WaitListener | None = None
    ) -> list[Json]:
        """The reviews of a PR after ``cursor`` (for PRs with more than the nested page holds)."""
        return await self._follow_up(q.PULL_REQUEST_REVIEWS, "reviews", pr_id, cursor, label, on_wait)

    async def remaining_commits(
        self, pr_id: str, cursor: str | None, label: str | None = None, *, on_wait: WaitListener | None = None
    ) -> list[Json]:
        return await self._follow_up(q.PULL_REQUEST_COMMITS, "commits", pr_id, cursor, label, on_wait)

    async def _follow_up(
        self,
        document: str,
        connection_name: str,
        pr_id: str,
        cursor: str | None,
        label: str | None,
        on_wait: WaitListener | None,
    ) -> list[Json]:
        nodes: list[Json] = []
        while True:
            variables: Json = {"id": pr_id, "first": q.FOLLOW_UP_PAGE, "cursor": cursor}
            data = await self.execute(document, variables, label=label, on_wait=on_wait)
            connection = (data.get("node") or {}).get(connection_name)
            if connection is None:
                return nodes
            nodes.extend(node for node in connection["nodes"] or [] if node is not None)
            if not connection["pageInfo"]["hasNextPage"]:
                return nodes
            cursor = connection["pageInfo"]["endCursor"]
