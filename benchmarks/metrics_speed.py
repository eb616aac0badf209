"""How long the dashboard's metrics take on a 100,000-PR database.

Run: ``python benchmarks/metrics_speed.py [--prs 100000] [--runs 7] [--db PATH] [--no-stats]``.
Builds a synthetic SQLite database in a temporary directory (or reuses ``--db``; one written
by an older tformance is upgraded when opened), then times ``compute_report()`` and prints
the median in milliseconds. The target is 200 ms.

The build runs ANALYZE, as a long-lived database may have had; ``--no-stats`` deletes the
statistics first, as in a database nobody ran ANALYZE on (the usual case): the query planner
then has only its defaults, and the figures should not change much.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee as pw

from tformance.core.metrics.report import ReportFilter, compute_report
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import EnrichmentStatus, PullRequest, Repository, SyncStatus, derived_columns

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)
HISTORY_DAYS = 730
HUMANS = [f"dev{i:02d}" for i in range(60)]
AUTOMATION_BOTS = ["dependabot", "renovate", "github-actions"]
AGENT_BOTS = ["copilot-swe-agent", "devin-ai-integration"]
TOOLS = ["claude_code", "copilot", "cursor", "chatgpt", "aider"]


def build_database(path: Path, prs: int, seed: int = 7) -> None:
    """Fill a new database at ``path`` with ``prs`` pull requests spread over 20 repos."""
    rng = random.Random(seed)
    database = open_database(path)
    repo_count = 20
    with database.atomic():
        Repository.insert_many(
            [
                {
                    "full_name": f"acme/service-{i:02d}",
                    "owner": "acme",
                    "name": f"service-{i:02d}",
                    "sync_status": SyncStatus.COMPLETED,
                    "last_synced_at": NOW,
                    "history_start": NOW - timedelta(days=HISTORY_DAYS),
                    "backfill_complete": True,
                }
                for i in range(repo_count)
            ]
        ).execute()
    repo_ids = [r.id for r in Repository.select(Repository.id)]
    rows = [_pull_request(rng, repo_ids, n) for n in range(prs)]
    # The raw cursor's executemany, each value converted by its Peewee field: far faster
    # than insert_many for 100,000 wide rows.
    fields = [field for field in PullRequest._meta.sorted_fields if not field.primary_key]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    sql = f'INSERT INTO "{PullRequest._meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
    with database.atomic():
        database.cursor().executemany(sql, ([_db_value(field, row) for field in fields] for row in rows))
    database.execute_sql("ANALYZE")
    close_database()


def _db_value(field: pw.Field, row: dict) -> object:
    if field.name in row:
        return field.db_value(row[field.name])
    default = field.default() if callable(field.default) else field.default
    return field.db_value(default)


def _pull_request(rng: random.Random, repo_ids: list[int], n: int) -> dict:
    roll = rng.random()
    if roll < 0.06:
        author, is_bot = rng.choice(AUTOMATION_BOTS), True
    elif roll < 0.08:
        author, is_bot = rng.choice(AGENT_BOTS), True
    else:
        author, is_bot = rng.choice(HUMANS), False
    created = NOW - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86400))
    state_roll = rng.random()
    merged = closed = None
    if state_roll < 0.75:
        state = "MERGED"
        merged = closed = created + timedelta(hours=rng.lognormvariate(3, 1.2))
    elif state_roll < 0.9:
        state = "CLOSED"
        closed = created + timedelta(hours=rng.lognormvariate(4, 1))
    else:
        state = "OPEN"
    first_review = created + timedelta(hours=rng.lognormvariate(1.5, 1.3)) if rng.random() < 0.8 else None
    signature = [rng.choice(TOOLS)] if rng.random() < 0.25 else []
    enriched = rng.random() < 0.9
    is_ai = (bool(signature) or rng.random() < 0.1) if enriched else None
    if author in AGENT_BOTS:
        is_ai, signature = True, ["copilot"]
    body_length = int(rng.lognormvariate(6.5, 1.2))  # median ~650 characters, a long tail
    row = {
        "repo": rng.choice(repo_ids),
        "number": n + 1,
        "github_id": f"PR_{n}",
        "url": f"https://github.com/acme/x/pull/{n + 1}",
        "title": f"Change {n}",
        "body": "x" * min(body_length, 200_000),
        "author_login": author,
        "author_is_bot": is_bot,
        "state": state,
        "created_at": created,
        "updated_at": closed or created,
        "merged_at": merged,
        "closed_at": closed,
        "additions": int(rng.lognormvariate(4, 1.5)),
        "deletions": int(rng.lognormvariate(3, 1.5)),
        "changed_files": rng.randint(1, 30),
        "review_count": rng.randint(0, 4) if first_review else 0,
        "first_review_at": first_review,
        "signature_tools": signature,
        "is_ai_assisted": is_ai,
        "ai_tools_detected": signature if is_ai else [],
        "enrichment_status": EnrichmentStatus.DONE if enriched else EnrichmentStatus.PENDING,
    }
    # The columns the store derives on every write (pr_store._pr_row, PullRequest.save).
    row.update(derived_columns(created, merged, first_review, row["additions"], row["deletions"], signature))
    return row


def drop_statistics(path: Path) -> None:
    database = open_database(path)
    with database.atomic():
        for table in ("sqlite_stat1", "sqlite_stat4"):
            if database.table_exists(table):
                database.execute_sql(f"DELETE FROM {table}")
    close_database()


def time_report(path: Path, runs: int, filters: ReportFilter | None = None) -> tuple[list[float], list[float]]:
    """Open ``path``; return the wall and the CPU time of each ``compute_report`` run, in ms.

    CPU time is the steadier figure on a busy machine: it leaves out waiting for a core.
    """
    open_database(path)
    try:
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            compute_report(filters, now=NOW)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        return walls, cpus
    finally:
        close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="reuse (or build once) this database file")
    parser.add_argument("--no-stats", action="store_true", help="delete the ANALYZE statistics first")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            start = time.perf_counter()
            build_database(path, args.prs)
            print(f"built {args.prs:,} PRs in {time.perf_counter() - start:.1f}s")
        if args.no_stats:
            drop_statistics(path)
        cases = {
            "all repos": None,
            "one repo": ReportFilter(repo="acme/service-03"),
            "one author": ReportFilter(author="dev07"),
            "last 90 days": ReportFilter(since=(NOW - timedelta(days=90)).date()),
        }
        for label, filters in cases.items():
            walls, cpus = time_report(path, args.runs, filters)
            print(
                f"compute_report, {label:>12}: median {statistics.median(walls):5.0f} ms wall, "
                f"{statistics.median(cpus):5.0f} ms CPU (min {min(walls):.0f} ms wall, {args.runs} runs)"
            )


if __name__ == "__main__":
    main()
