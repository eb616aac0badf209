"""Every GraphQL document the client sends. Each is validated against GitHub's schema in the tests.

The list query leaves heavy blocks such as ``files`` out: they are the usual cause of GitHub's 502s.
"""

from __future__ import annotations

# Nested pages inside a PR. A PR with more follows up with REVIEWS_PAGE / COMMITS_PAGE.
NESTED_PAGE = 25
LABELS_PAGE = 20
FOLLOW_UP_PAGE = 100

RATE_LIMIT_FIELDS = "rateLimit { limit cost remaining resetAt used }"

VIEWER = f"""
query Viewer {{
  viewer {{ login name }}
  {RATE_LIMIT_FIELDS}
}}
"""

VIEWER_REPOSITORIES = f"""
query ViewerRepositories($first: Int!, $cursor: String) {{
  viewer {{
    repositories(
      first: $first
      after: $cursor
      ownerAffiliations: [OWNER, COLLABORATOR, ORGANIZATION_MEMBER]
      orderBy: {{field: PUSHED_AT, direction: DESC}}
    ) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id
        nameWithOwner
        name
        owner {{ login }}
        isPrivate
        isArchived
        pushedAt
      }}
    }}
  }}
  {RATE_LIMIT_FIELDS}
}}
"""

_AUTHOR = "author { __typename login }"

_REVIEW_FIELDS = f"id state submittedAt {_AUTHOR}"

_COMMIT_FIELDS = """
commit {
  oid
  message
  authoredDate
  author { name email user { login } }
}
"""

_PULL_REQUEST_SCALARS = f"""
  id
  number
  url
  title
  body
  state
  isDraft
  createdAt
  updatedAt
  mergedAt
  closedAt
  additions
  deletions
  changedFiles
  headRefName
  baseRefName
  {_AUTHOR}
"""

PULL_REQUEST_FRAGMENT = f"""
fragment PullRequestFields on PullRequest {{
  {_PULL_REQUEST_SCALARS}
  labels(first: {LABELS_PAGE}) {{ nodes {{ name }} }}
  reviews(first: {NESTED_PAGE}) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {_REVIEW_FIELDS} }}
  }}
  commits(first: {NESTED_PAGE}) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {_COMMIT_FIELDS} }}
  }}
}}
"""

# $order is CREATED_AT for the backfill (stop at the first PR older than the start) and
# UPDATED_AT for refreshes (stop at the first PR not updated since the last sync).
REPOSITORY_PULL_REQUESTS = f"""
query RepositoryPullRequests(
  $owner: String!, $name: String!, $first: Int!, $cursor: String, $order: IssueOrderField!
) {{
  repository(owner: $owner, name: $name) {{
    pullRequests(first: $first, after: $cursor, orderBy: {{field: $order, direction: DESC}}) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ ...PullRequestFields }}
    }}
  }}
  {RATE_LIMIT_FIELDS}
}}
{PULL_REQUEST_FRAGMENT}
"""

# The same page without the nested connections, for a PR whose nested data GitHub cannot serve
# in one answer (a 502 even at one PR a page): reviews, commits and labels follow separately.
PULL_REQUEST_LIGHT_FRAGMENT = f"""
fragment PullRequestFields on PullRequest {{
  {_PULL_REQUEST_SCALARS}
}}
"""

_REPOSITORY_PULL_REQUESTS_BODY = REPOSITORY_PULL_REQUESTS[
    : REPOSITORY_PULL_REQUESTS.index("fragment PullRequestFields")
]
REPOSITORY_PULL_REQUESTS_LIGHT = _REPOSITORY_PULL_REQUESTS_BODY + PULL_REQUEST_LIGHT_FRAGMENT

# A created-date slice of one repository through search, newest first, with the same PR fields.
# $query is like "repo:o/r is:pr created:2025-01-01..2025-02-28 sort:created-desc".
_SEARCH_PULL_REQUESTS_BODY = f"""
query SearchPullRequests($query: String!, $first: Int!, $cursor: String) {{
  search(type: ISSUE, query: $query, first: $first, after: $cursor) {{
    issueCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ ... on PullRequest {{ ...PullRequestFields }} }}
  }}
  {RATE_LIMIT_FIELDS}
}}
"""
SEARCH_PULL_REQUESTS = _SEARCH_PULL_REQUESTS_BODY + PULL_REQUEST_FRAGMENT
SEARCH_PULL_REQUESTS_LIGHT = _SEARCH_PULL_REQUESTS_BODY + PULL_REQUEST_LIGHT_FRAGMENT

PULL_REQUEST_LABELS = f"""
query PullRequestLabels($id: ID!, $first: Int!, $cursor: String) {{
  node(id: $id) {{
    ... on PullRequest {{
      labels(first: $first, after: $cursor) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ name }}
      }}
    }}
  }}
  {RATE_LIMIT_FIELDS}
}}
"""

PULL_REQUEST_REVIEWS = f"""
query PullRequestReviews($id: ID!, $first: Int!, $cursor: String) {{
  node(id: $id) {{
    ... on PullRequest {{
      reviews(first: $first, after: $cursor) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ {_REVIEW_FIELDS} }}
      }}
    }}
  }}
  {RATE_LIMIT_FIELDS}
}}
"""

PULL_REQUEST_COMMITS = f"""
query PullRequestCommits($id: ID!, $first: Int!, $cursor: String) {{
  node(id: $id) {{
    ... on PullRequest {{
      commits(first: $first, after: $cursor) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ {_COMMIT_FIELDS} }}
      }}
    }}
  }}
  {RATE_LIMIT_FIELDS}
}}
"""


def pull_request_counts(count: int) -> str:
    """A pre-flight query counting PRs for ``count`` searches at once (aliases ``c0``, ``c1``, ...).

    ``search`` ``issueCount`` is exact (unlike its 1,000 result cap) and cheap: one point for all.
    Variables are ``$q0``, ``$q1``, ... each a search string like ``repo:o/r is:pr created:>=DATE``.
    """
    if not 1 <= count <= 100:
        raise ValueError("between 1 and 100 searches per pre-flight query")
    params = ", ".join(f"$q{i}: String!" for i in range(count))
    fields = "\n".join(f"  c{i}: search(type: ISSUE, query: $q{i}, first: 1) {{ issueCount }}" for i in range(count))
    return f"query PullRequestCounts({params}) {{\n{fields}\n  {RATE_LIMIT_FIELDS}\n}}\n"


def all_documents() -> dict[str, str]:
    """Every document the client can send, for schema validation."""
    return {
        "Viewer": VIEWER,
        "ViewerRepositories": VIEWER_REPOSITORIES,
        "RepositoryPullRequests": REPOSITORY_PULL_REQUESTS,
        "PullRequestReviews": PULL_REQUEST_REVIEWS,
        "PullRequestCommits": PULL_REQUEST_COMMITS,
        "RepositoryPullRequestsLight": REPOSITORY_PULL_REQUESTS_LIGHT,
        "SearchPullRequests": SEARCH_PULL_REQUESTS,
        "SearchPullRequestsLight": SEARCH_PULL_REQUESTS_LIGHT,
        "PullRequestLabels": PULL_REQUEST_LABELS,
        "PullRequestCounts(1)": pull_request_counts(1),
        "PullRequestCounts(30)": pull_request_counts(30),
    }
