"""Every selected PR as one row, without its body: what the CSV and HTML exports list."""

from __future__ import annotations

import json
from collections.abc import Iterator

from tformance.core.detection.verdict import ai_tools, ai_verdict, ai_verdict_source
from tformance.core.metrics.selection import (
    as_text,
    parse_optional_time,
    parse_time,
    pr_conditions,
    selected_repos,
    with_conditions,
)
from tformance.core.metrics.types import GHOST, PRRow, ReportFilter
from tformance.core.store.models import PullRequest, db_proxy


def list_prs(filters: ReportFilter | None = None) -> Iterator[PRRow]:
    """Every PR ``filters`` selects, oldest first, without its body: for the exports."""
    filters = filters or ReportFilter()
    pr = PullRequest
    names = {repo.id: repo.full_name for repo in selected_repos(filters)}
    query = with_conditions(
        pr.select(
            pr.repo,
            pr.number,
            pr.title,
            pr.url,
            pr.author_login,
            pr.author_is_bot,
            pr.state,
            pr.is_draft,
            as_text(pr.created_at),
            as_text(pr.merged_at),
            as_text(pr.closed_at),
            as_text(pr.first_review_at),
            pr.additions,
            pr.deletions,
            pr.review_count,
            pr.is_ai_assisted,
            pr.signature_tools,
            pr.ai_tools_detected,
            pr.enrichment_status,
        ).order_by(pr.created_at, pr.id),
        pr_conditions(filters, list(names)),
    )
    for row in db_proxy.obj.execute(query):
        (repo_id, number, title, url, login, is_bot, state, is_draft, created, merged) = row[:10]
        closed, reviewed, additions, deletions, reviews, is_ai = row[10:16]
        signatures, detected, enrichment_status = row[16:]
        signature_tools = json.loads(signatures or "[]")
        llm_verdict = None if is_ai is None else bool(is_ai)
        yield PRRow(
            repo=names[repo_id],
            number=number,
            title=title,
            url=url,
            author=login or GHOST,
            author_is_bot=bool(is_bot),
            state=state,
            is_draft=bool(is_draft),
            created_at=parse_time(created),
            merged_at=parse_optional_time(merged),
            closed_at=parse_optional_time(closed),
            first_review_at=parse_optional_time(reviewed),
            additions=additions,
            deletions=deletions,
            review_count=reviews,
            ai_assisted=ai_verdict(llm_verdict, signature_tools),
            ai_verdict_source=ai_verdict_source(llm_verdict, signature_tools),
            ai_tools=ai_tools(json.loads(detected or "[]"), signature_tools),
            enrichment_status=enrichment_status,
        )
