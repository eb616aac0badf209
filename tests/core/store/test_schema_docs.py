"""docs/SCHEMA.md tells the truth: every table and column, and example queries that run as printed."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import peewee as pw
import pytest

from tests.snapshot_apps.support import NOW, enrich, sync_into
from tests.sync_helpers import make_fake
from tformance.core.metrics.report import ReportFilter, compute_report
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import ALL_MODELS, PullRequest, db_proxy

SCHEMA_DOC = Path(__file__).resolve().parents[3] / "docs" / "SCHEMA.md"
SMALL_REPOS = ["acme-robotics/docs", "acme-robotics/infra"]


def documented_columns() -> dict[str, list[str]]:
    """``### table`` headings and the first cell of each row of the table under them."""
    tables: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in SCHEMA_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            current = tables.setdefault(line[4:].strip(), [])
        elif line.startswith("## "):
            current = None
        elif current is not None and (match := re.match(r"^\| (\w+) \|", line)) and match.group(1) != "Column":
            current.append(match.group(1))
    return tables


def example_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_table_and_column_is_documented_and_nothing_else() -> None:
    actual = {model._meta.table_name: [f.column_name for f in model._meta.sorted_fields] for model in ALL_MODELS}
    assert documented_columns() == actual


def test_the_readme_links_the_schema() -> None:
    assert "(docs/SCHEMA.md)" in (SCHEMA_DOC.parents[1] / "README.md").read_text(encoding="utf-8")


def run(database: pw.Database, query: str) -> list[tuple]:
    """The query exactly as a user pastes it (no parameters: psycopg2 would read ``%`` as one)."""
    cursor = database.cursor()
    cursor.execute(query)
    return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def synced(database_location: str) -> str:
    """The demo's two small repositories synced, and every second PR judged by the (fake) LLM."""
    sync_into(database_location, make_fake(), SMALL_REPOS)  # type: ignore[arg-type] (a path or URL)
    enrich(database_location, every=2)  # type: ignore[arg-type]
    return database_location


def test_the_example_queries_run_as_printed_and_agree_with_the_report(synced: str) -> None:
    ai_by_month, slowest, per_repo, co_authored = example_queries()
    database = open_database(synced)
    try:
        report = compute_report(ReportFilter(), now=NOW)
        rows = run(database, ai_by_month)
        months = [month for month in report.ai_by_month if month.prs]
        assert rows == [(int(month.month.replace("-", "")), month.prs, month.ai_assisted) for month in months]
        assert sum(row[2] for row in rows) == report.totals.ai_assisted > 0

        slow = run(database, slowest)
        reviewed = PullRequest.select().where(PullRequest.first_review_seconds.is_null(False))
        longest = sorted(reviewed, key=lambda pr: (-pr.first_review_seconds, pr.id))[:10]
        assert [(row[1], row[3]) for row in slow] == [(pr.number, pr.first_review_seconds / 3600) for pr in longest]

        merged = {name: count for name, count, _ in run(database, per_repo)}
        assert merged == {repo.name: repo.stats.merged for repo in report.repos if repo.stats.merged}
        assert run(database, co_authored)  # the demo has Claude co-authored commits
    finally:
        close_database()


def test_sqlite_tools_read_the_file_as_people_expect(tmp_path: Path) -> None:
    """Python's sqlite3 read-only (as Datasette opens a file) and the sqlite3 shell, while nobody has it open."""
    path = tmp_path / "tformance.db"
    sync_into(path, make_fake(), SMALL_REPOS)
    assert db_proxy.obj is None or db_proxy.obj.is_closed()
    queries = example_queries()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"repository", "pull_request", "review", "pr_commit", "schema_info"} <= tables
        assert connection.execute("SELECT count(*) FROM pr_commit").fetchone()[0] > 0
        expected = [connection.execute(query).fetchall() for query in queries]
    finally:
        connection.close()
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 shell is not installed; Python's sqlite3 read the file")
    for query, rows in zip(queries, expected, strict=True):
        result = subprocess.run([shell, "-readonly", str(path), query], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0 and not result.stderr, result.stderr
        assert len(result.stdout.splitlines()) == len(rows)
    count = subprocess.run([shell, str(path), "SELECT count(*) FROM pr_commit"], capture_output=True, text=True)
    assert int(count.stdout) > 0, count.stderr
