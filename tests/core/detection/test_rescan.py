"""Verdicts follow the rules: stored PRs are judged again from their stored text when the rules change."""

from __future__ import annotations

import json
import sqlite3

import pytest
from playhouse.migrate import SchemaMigrator, migrate

from tests.cli_support import tformance
from tests.factories import NOW, REPO, pr_record
from tests.sync_helpers import DOCS, make_fake
from tformance.cli import main
from tformance.core.detection.detector import RULES_VERSION
from tformance.core.detection.rescan import rescan_at_sync_start, rescan_signatures
from tformance.core.metrics.report import compute_report, list_prs
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import SCHEMA_VERSION, PullRequest, SchemaInfo
from tformance.core.store.pr_store import ensure_repository, save_pull_requests
from tformance.fakes.github_fake import DEMO_TOKEN
from tformance.fakes.github_server import serve_in_thread

BARE_TRAILER = "Add pagination\n\nCo-authored-by: Claude"


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.db")
    yield database
    close_database()


def judged_by_older_rules(*numbers: int) -> None:
    """The state a database from an older release is in: rows judged by rules that missed a marker."""
    PullRequest.update(signature_tools=[], signature_evidence=[], has_signatures=False).where(
        PullRequest.number.in_(numbers)
    ).execute()
    PullRequest.update(signature_rules_version="1.older").execute()


def test_a_marker_the_old_rules_missed_wins_over_the_llms_no(db):
    repo = ensure_repository(REPO)
    save_pull_requests(
        repo.id, [pr_record(1, body="Adds pagination.", commit=BARE_TRAILER), pr_record(2, body="Fix typo.")], {}
    )
    assert PullRequest.get(number=1).signature_rules_version == RULES_VERSION
    judged_by_older_rules(1)
    PullRequest.update(is_ai_assisted=False).execute()  # the LLM said no to both
    assert compute_report(now=NOW).totals.ai_assisted == 0

    result = rescan_signatures()
    assert (result.rescanned, result.verdicts_changed, result.tools_changed) == (2, 1, 1)
    stored = PullRequest.get(number=1)
    assert stored.signature_tools == ["claude_code"] and stored.signature_rules_version == RULES_VERSION
    assert stored.signature_evidence[0]["where"] == "commit 1 message"
    report = compute_report(now=NOW)
    assert (report.totals.ai_assisted, [(t.tool, t.prs) for t in report.ai_by_tool]) == (1, [("claude_code", 1)])
    assert {row.number: row.ai_verdict_source for row in list_prs()} == {1: "signatures", 2: "llm"}

    # Judged by the current rules: nothing to do, and the sync says nothing.
    assert rescan_signatures().rescanned == 0
    assert rescan_at_sync_start() is None
    assert rescan_signatures(every_pr=True) == type(result)(2, 0, 0)


def test_rescan_drops_what_the_new_rules_no_longer_count(db):
    summary = "Adds export.\n\n<!-- This is an auto-generated description by cubic. -->\n## Summary by cubic\nExport."
    repo = ensure_repository(REPO)
    save_pull_requests(repo.id, [pr_record(1, body=summary)], {})
    PullRequest.update(signature_tools=["cubic"], has_signatures=True, signature_rules_version=None).execute()
    notice = rescan_at_sync_start()
    assert notice is not None and "re-evaluated 1 stored PRs, 1 changed verdict" in notice.text
    assert PullRequest.get(number=1).signature_tools == []


def test_a_schema_2_database_is_upgraded_and_its_prs_rescanned(tmp_path):
    path = tmp_path / "v2.db"
    database = open_database(path)
    repo = ensure_repository(REPO)
    save_pull_requests(repo.id, [pr_record(1, body="Body", commit=BARE_TRAILER)], {})
    migrate(SchemaMigrator.from_database(database).drop_column("pull_request", "signature_rules_version"))
    SchemaInfo.update(value="2").where(SchemaInfo.key == "schema_version").execute()
    close_database()

    open_database(path)
    try:
        assert SchemaInfo.get(SchemaInfo.key == "schema_version").value == str(SCHEMA_VERSION)
        assert PullRequest.get(number=1).signature_rules_version is None
        assert rescan_signatures().rescanned == 1
        assert PullRequest.get(number=1).signature_rules_version == RULES_VERSION
    finally:
        close_database()
    open_database(path)  # a second open is a no-op
    close_database()
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(pull_request)")}
    assert "signature_rules_version" in columns


def test_detect_rescan_prints_how_many_prs_changed_verdict(tmp_path, capsys):
    path = tmp_path / "t.db"
    open_database(path)
    repo = ensure_repository(REPO)
    save_pull_requests(repo.id, [pr_record(1, body="x", commit=BARE_TRAILER), pr_record(2, body="y")], {})
    judged_by_older_rules(1)
    close_database()

    assert main(["detect", "--rescan", "--db", str(path)]) == 0
    assert f"Re-evaluated 2 PRs with detection rules {RULES_VERSION}: 1 changed verdict" in capsys.readouterr().out
    assert main(["detect", "--rescan", "--db", str(path)]) == 0
    assert "Re-evaluated 0 PRs" in capsys.readouterr().out
    assert main(["detect", "--rescan", "--all", "--db", str(path)]) == 0
    assert "Re-evaluated 2 PRs" in capsys.readouterr().out
    close_database()


def test_the_next_sync_judges_stored_prs_again_without_refetching_them(tmp_path):
    fake = make_fake()
    url, stop = serve_in_thread(fake)
    try:
        path = tmp_path / "t.db"
        env = {"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url}
        assert tformance("sync", "--repo", DOCS, "--db", str(path), "--no-llm", env=env).returncode == 0
        before = json.loads(tformance("report", "--db", str(path), "--format", "json").stdout)
        connection = sqlite3.connect(path)
        with connection:
            connection.execute("UPDATE pull_request SET signature_rules_version = '1.older'")
        connection.close()

        again = tformance("sync", "--db", str(path), "--no-llm", env=env)
        assert again.returncode == 0, again.stderr
        assert f"Detection rules changed: re-evaluated {before['total_prs']} stored PRs" in again.stderr
        after = json.loads(tformance("report", "--db", str(path), "--format", "json").stdout)
        assert after["ai_assisted_prs"] == before["ai_assisted_prs"]
    finally:
        stop()
