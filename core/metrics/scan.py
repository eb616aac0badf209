"""The SQL side of the metrics: every figure about the PRs a filter selects (``selection``).

No query reads the table rows, which carry the PR bodies: each is answered from one of
``models.METRICS_INDEXES`` alone, and reads the numbers the store derives once per PR
(``models.derived_columns``), so that no timestamp is parsed here.

- Counts (``cells``): one GROUP BY over the PRs' (repo, author, bot, LLM verdict, signatures) *cells*,
  in index order, summed here into repos, authors, AI-vs-human sides and the total.
- Exact percentiles and series, two ways, by the size of the selection:

  - many PRs (``index_walks``): no row per PR reaches Python. The value at a rank within
    a group is a seek and a walk along an index that keeps the group's values in order
    (``ORDER BY value LIMIT 2 OFFSET rank``, from the nearer end); series and size buckets
    are GROUP BYs and counts along ordered indexes;
  - few PRs (``sorted_values``): their values, read in the cells' order, sorted here.

- AI tools: GROUP BY the stored lists.

Only Peewee's query builder and standard SQL (CASE, COALESCE, COUNT, SUM, GROUP BY, ORDER
BY, LIMIT, OFFSET) are used, so the same queries run on PostgreSQL.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

import peewee as pw

from tformance.core.detection.verdict import ai_condition, ai_tools
from tformance.core.metrics.cells import Scan, cells_query, enrichment_count, sum_groups
from tformance.core.metrics.index_walks import from_indexes
from tformance.core.metrics.selection import Statements, pr_conditions, walk_conditions
from tformance.core.metrics.sorted_values import from_values
from tformance.core.metrics.types import UNKNOWN_TOOL, ReportFilter
from tformance.core.store.models import EnrichmentStatus, PullRequest


def scan(filters: ReportFilter, repo_ids: Sequence[int]) -> Scan:
    """Every figure about the PRs ``filters`` selects (``repo_ids``: its repos).

    Run it in one read transaction, so that every query sees the same PRs.
    """
    conditions = pr_conditions(filters, repo_ids, by_day=True)
    key = (filters, tuple(repo_ids))
    queries = Statements(conditions, conditions, key)
    cells = queries.rows("cells", cells_query)
    if not cells:
        return Scan()
    # Two spellings of the same filter. Seeking: the authors by their exact logins (found in
    # the cells), so that an index can seek them. Walking: the repos and authors in forms no
    # index can seek, for statements that must walk one index whatever the filter. Without
    # statistics (a database nobody ran ANALYZE on), SQLite takes an equality on an indexed
    # column for a handful of rows, and would otherwise seek a narrower index and then read
    # the table rows for the columns it lacks.
    logins = {cell[1] for cell in cells} if filters.author is not None else None
    seek = pr_conditions(filters, repo_ids, by_day=True, logins=logins)
    queries = Statements(seek, walk_conditions(filters, repo_ids, logins), (*key, tuple(sorted(logins or (), key=str))))

    result = Scan()
    groups = sum_groups(cells, result)
    if not queries.filtered:
        result.total.pending_enrichment = enrichment_count(queries, EnrichmentStatus.PENDING)
        result.total.failed_enrichment = enrichment_count(queries, EnrichmentStatus.FAILED)
    if result.total.prs <= SMALL_SELECTION:
        from_values(queries, cells, groups, result)
    else:
        from_indexes(queries, groups, result)
    if result.total.ai_assisted:
        result.tools = tool_counts(queries)
    return result


# Up to this many PRs, reading their values and sorting them here is quicker than walking the
# indexes, whose walks cost about the same whatever the filter selects.
SMALL_SELECTION = 25_000


def tool_counts(queries: Statements) -> Counter[str]:
    """AI-assisted PRs per tool, grouped in SQL by the stored lists (a handful of them)."""
    pr = PullRequest

    def per_list(conditions: list[pw.Expression]) -> pw.Query:
        query = pr.select(pr.ai_tools_detected, pr.signature_tools, pw.fn.COUNT(pw.SQL("*")))
        return query.where(*conditions, ai_condition()).group_by(pr.ai_tools_detected, pr.signature_tools)

    counts: Counter[str] = Counter()
    for detected, signatures, count in queries.rows("tools", per_list, walk=True):
        tools = ai_tools(json.loads(detected or "[]"), json.loads(signatures or "[]"))
        for tool in tools or (UNKNOWN_TOOL,):
            counts[tool] += count
    return counts
