"""Judging stored PRs again when the detection rules change: from their stored text, never refetched.

Every PR row records the rules version its signature columns come from. ``rescan_signatures``
re-runs stage 1 on the rows judged by other rules (or on all of them), rewrites their signature
columns and says how many PRs changed verdict. Both front ends call it when a sync starts, and
``tformance detect --rescan`` calls it on demand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from tformance.core.detection.detector import RULES_VERSION, CommitText, Detection, PullRequestText, detect_ai
from tformance.core.detection.verdict import ai_verdict
from tformance.core.events import Notice
from tformance.core.store.models import Commit, PullRequest, db_proxy
from tformance.core.store.pr_store import evidence_rows

BATCH = 500  # PRs read, judged and written per transaction


@dataclass(frozen=True)
class RescanResult:
    """How many PRs were judged again, and how many of them changed verdict or tools."""

    rescanned: int
    verdicts_changed: int
    tools_changed: int


def rescan_signatures(*, every_pr: bool = False) -> RescanResult:
    """Re-run stage-1 detection on stored PRs whose rules version is not the current one
    (all PRs with `every_pr`), in batches, each in one transaction: a kill loses at most a batch,
    and the next call carries on with what is left."""
    pr = PullRequest
    version = pr.signature_rules_version
    stale: pw.Expression = pr.id > 0 if every_pr else (version.is_null() | (version != RULES_VERSION))
    rescanned = verdicts = tools = 0
    last_id = 0
    while True:
        with db_proxy.atomic():
            rows = list(
                pr.select(
                    pr.id,
                    pr.title,
                    pr.body,
                    pr.author_login,
                    pr.head_ref,
                    pr.labels,
                    pr.is_ai_assisted,
                    pr.signature_tools,
                    pr.signature_evidence,
                )
                .where(stale, pr.id > last_id)
                .order_by(pr.id)
                .limit(BATCH)
            )
            if not rows:
                break
            commits = _commits_of(row.id for row in rows)
            for row in rows:
                detection = detect_ai(_text_of(row, commits.get(row.id, [])))
                before = list(row.signature_tools or [])
                verdicts += ai_verdict(row.is_ai_assisted, before) != ai_verdict(row.is_ai_assisted, detection.tools)
                changed_tools = sorted(before) != list(detection.tools)
                tools += changed_tools
                if changed_tools or evidence_rows(detection) != (row.signature_evidence or []):
                    _store(row.id, detection)
            # The rows whose evidence did not change only need the version: one statement.
            pr.update({pr.signature_rules_version: RULES_VERSION}).where(pr.id.in_([row.id for row in rows])).execute()
            rescanned += len(rows)
            last_id = rows[-1].id
    return RescanResult(rescanned, verdicts, tools)


def _commits_of(pr_ids: Iterable[int]) -> dict[int, list[CommitText]]:
    """The stored commits of these PRs, in the order they were stored (GitHub's order)."""
    c = Commit
    commits: dict[int, list[CommitText]] = {}
    query = (
        c.select(c.pull_request, c.message, c.author_name, c.author_email, c.author_login)
        .where(c.pull_request.in_(list(pr_ids)))
        .order_by(c.pull_request, c.id)
        .tuples()
    )
    for pr_id, message, name, email, login in query:
        commits.setdefault(pr_id, []).append(CommitText(message or "", name, email, login))
    return commits


def _text_of(row: PullRequest, commits: list[CommitText]) -> PullRequestText:
    return PullRequestText(
        title=row.title,
        body=row.body,
        author_login=row.author_login,
        branch=row.head_ref,
        labels=tuple(label for label in row.labels or () if isinstance(label, str)),
        commits=tuple(commits),
    )


def _store(pr_id: int, detection: Detection) -> None:
    pr = PullRequest
    pr.update(
        {
            pr.signature_tools: list(detection.tools),
            pr.signature_evidence: evidence_rows(detection),
            pr.has_signatures: bool(detection.tools),
            pr.signature_rules_version: RULES_VERSION,
        }
    ).where(pr.id == pr_id).execute()


def rescan_at_sync_start() -> Notice | None:
    """What a sync runs first: stored PRs judged by older rules are judged again. Returns a
    notice for the user when there were any, None otherwise (the usual case)."""
    result = rescan_signatures()
    if not result.rescanned:
        return None
    return Notice(
        f"Detection rules changed: re-evaluated {result.rescanned:,} stored PRs, "
        f"{result.verdicts_changed:,} changed verdict"
    )
