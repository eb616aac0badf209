"""`tformance sync` and `tformance report` as a user runs them: exit codes and one-line reasons."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.cli_support import one_line, tformance
from tests.sync_helpers import DOCS, expected_in_range
from tformance.fakes.github_fake import DEMO_TOKEN

INFRA = "acme-robotics/infra"


def test_sync_exits_0_and_prints_a_table(tmp_path, server):
    fake, url = server
    db = tmp_path / "t.db"
    result = tformance(
        "sync", "--repo", DOCS, "--db", str(db), env={"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url}
    )
    assert result.returncode == 0, result.stderr
    assert DOCS in result.stdout and "synced" in result.stdout
    report = tformance("report", "--db", str(db), "--format", "json")
    data = json.loads(report.stdout)
    assert data["total_prs"] == len(expected_in_range(fake, DOCS))
    assert data["repos"][0]["name"] == DOCS and data["repos"][0]["status"] == "completed"
    assert data["repos"][0]["last_synced_at"]

    # Without --repo, the tracked repos are refreshed.
    again = tformance("sync", "--db", str(db), env={"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url})
    assert again.returncode == 0, again.stderr
    assert DOCS in again.stdout


def test_sync_exits_1_when_a_repo_failed(tmp_path, server):
    _, url = server
    result = tformance(
        "sync", "--repo", DOCS, "--repo", "acme-robotics/gone", "--db", str(tmp_path / "t.db"),
        env={"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url},
    )  # fmt: skip
    assert result.returncode == 1
    assert "acme-robotics/gone" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_a_rejected_token_exits_2_without_echoing_it(tmp_path, server):
    _, url = server
    secret = "ghp_" + "x" * 36
    result = tformance(
        "sync",
        "--repo",
        DOCS,
        "--db",
        str(tmp_path / "t.db"),
        env={"GITHUB_TOKEN": secret, "TFORMANCE_GITHUB_URL": url},
    )
    assert result.returncode == 2
    assert "GitHub rejected this token" in one_line(result)
    assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "env", "reason"),
    [
        (["sync", "--repo", DOCS], {}, "`tformance --demo`"),
        (["sync", "--repo", "not-a-repo"], {"GITHUB_TOKEN": "t"}, "OWNER/NAME"),
        (["sync", "--repo", DOCS, "--months", "zero"], {"GITHUB_TOKEN": "t"}, "--months"),
        (["sync", "--repo", DOCS], {"GITHUB_TOKEN": "t", "SYNC_HISTORY_MONTHS": "lots"}, "SYNC_HISTORY_MONTHS"),
        (["sync"], {"GITHUB_TOKEN": "t"}, "no repositories"),
        (["frobnicate"], {}, "invalid choice"),
        (["report", "--repo", "acme/nope"], {}, "acme/nope is not tracked (none tracked yet)"),
    ],
)
def test_bad_usage_exits_2_with_one_line(tmp_path, args, env, reason):
    needs_db = args[0] in ("sync", "report")
    result = tformance(*args, "--db", str(tmp_path / "t.db"), env=env) if needs_db else tformance(*args)
    assert result.returncode == 2
    assert reason in one_line(result)


def test_unreachable_github_is_a_clear_failure(tmp_path):
    result = tformance(
        "sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"),
        env={"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": "http://127.0.0.1:9/graphql"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot reach GitHub" in one_line(result)


def test_demo_sync_runs_offline_without_a_token(tmp_path):
    result = tformance("sync", "--demo", "--demo-speed", "50", "--db", str(tmp_path / "demo.db"))
    assert result.returncode == 0, result.stderr
    assert "acme-robotics/fleet-console" in result.stdout
    # The estimate is of the demo's own pace: a run of a second or two is not "about 1 min".
    plan = next(line for line in result.stderr.splitlines() if "PRs to fetch:" in line)
    assert "API points" in plan and plan.endswith("a few seconds"), plan
    db = str(tmp_path / "demo.db")
    report = json.loads(tformance("report", "--db", db, "--format", "json").stdout)
    assert len(report["repos"]) == 5 and 500 <= report["total_prs"] <= 800
    assert 0 < report["ai_share"] < 1 and report["ai_by_tool"]["claude_code"] > 0
    assert report["cycle_time_hours"]["median"] > 0
    # The headline leaves the demo's dependabot and renovate PRs out, unless asked for them.
    assert 0 < report["headline"]["bots_left_out"] == report["total_prs"] - report["headline"]["prs"]
    everything = json.loads(tformance("report", "--db", db, "--format", "json", "--include-bots").stdout)
    assert everything["headline"]["prs"] == everything["total_prs"] and everything["headline"]["bots_left_out"] == 0

    text = tformance("report", "--db", db)
    assert text.returncode == 0 and "AI-assisted" in text.stdout and "Cycle time" in text.stdout
    csv_out = tformance("report", "--db", db, "--format", "csv", "--anonymize")
    assert len(csv_out.stdout.splitlines()) > report["total_prs"]  # header + one row a PR (titles may span lines)
    assert "acme-robotics" not in csv_out.stdout and "maria-gonzalez" not in csv_out.stdout
    html = tmp_path / "report.html"
    written = tformance("report", "--db", db, "--format", "html", "--output", str(html))
    assert written.returncode == 0 and html.read_text().startswith("<!DOCTYPE html>")
    bad = tformance("report", "--db", db, "--since", "last tuesday")
    assert bad.returncode == 2 and "--since" in one_line(bad)


@pytest.fixture
def groq_server():
    from tformance.fakes.groq_fake import DEMO_GROQ_KEY, FakeGroq
    from tformance.fakes.groq_fake import serve_in_thread as serve_groq

    fake = FakeGroq()
    url, stop = serve_groq(fake)
    yield fake, url, DEMO_GROQ_KEY
    stop()


def test_sync_enriches_with_the_llm_through_the_real_sdk(tmp_path, server, groq_server):
    _, github_url = server
    groq, groq_url, key = groq_server
    db = tmp_path / "t.db"
    env = {
        "GITHUB_TOKEN": DEMO_TOKEN,
        "TFORMANCE_GITHUB_URL": github_url,
        "GROQ_API_KEY": key,
        "GROQ_BASE_URL": groq_url,
    }
    result = tformance("sync", "--repo", DOCS, "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    assert "AI summaries:" in result.stdout and "enriched" in result.stdout
    assert groq.calls, "the sync called the LLM"
    assert key not in result.stdout + result.stderr
    report = json.loads(tformance("report", "--db", str(db), "--format", "json").stdout)
    assert report["health"]["pending_enrichment"] == 0


def test_sync_without_a_groq_key_still_succeeds_and_says_how_to_finish(tmp_path, server):
    _, url = server
    db = tmp_path / "t.db"
    result = tformance(
        "sync", "--repo", DOCS, "--db", str(db), env={"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url}
    )
    assert result.returncode == 0, result.stderr
    combined = result.stdout + result.stderr
    assert "GROQ_API_KEY" in combined and "tformance enrich" in combined
    report = json.loads(tformance("report", "--db", str(db), "--format", "json").stdout)
    assert report["health"]["pending_enrichment"] == report["total_prs"]
    assert report["ai_assisted_prs"] > 0, "stage-1 signatures still mark AI PRs"

    enrich = tformance("enrich", "--db", str(db))
    assert enrich.returncode == 1 and "GROQ_API_KEY" in one_line(enrich)


def test_dry_run_shows_what_would_leave_the_machine_and_sends_nothing(tmp_path, server):
    fake, url = server
    before = len(fake.requests)
    result = tformance(
        "sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"), "--dry-run",
        env={"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "title" in result.stdout and "nothing was fetched or sent" in result.stdout.replace("\n", " ")
    assert {r.operation for r in fake.requests[before:]} == {"PullRequestCounts"}


def test_batch_mode_submits_after_the_sync_and_enrich_collects_later(tmp_path, server, groq_server):
    _, github_url = server
    _, groq_url, key = groq_server
    db = tmp_path / "t.db"
    env = {
        "GITHUB_TOKEN": DEMO_TOKEN,
        "TFORMANCE_GITHUB_URL": github_url,
        "GROQ_API_KEY": key,
        "GROQ_BASE_URL": groq_url,
    }
    synced = tformance("sync", "--repo", DOCS, "--db", str(db), "--llm-mode", "batch", env=env)
    assert synced.returncode == 0, synced.stderr
    said = " ".join(synced.stdout.split())
    assert "submitted" in said and "tformance enrich --llm-mode batch" in said

    collected = tformance("enrich", "--db", str(db), "--llm-mode", "batch", env=env)
    assert collected.returncode == 0, collected.stderr
    report = json.loads(tformance("report", "--db", str(db), "--format", "json").stdout)
    assert report["health"]["pending_enrichment"] == 0


def test_version_and_help_read_like_a_finished_tool():
    version = tformance("--version")
    assert version.returncode == 0 and version.stdout.strip().startswith("tformance 0.")
    helped = tformance("sync", "--help")
    assert helped.returncode == 0
    assert "Fetch the pull requests" in helped.stdout
    assert "--db PATH" in helped.stdout and "SUB_DB" not in helped.stdout


def test_enrich_with_nothing_pending_succeeds_without_a_key(tmp_path):
    env = {"GROQ_API_KEY": "", "TFORMANCE_DB": str(tmp_path / "t.db")}
    result = tformance("enrich", env=env)
    assert result.returncode == 0, result.stderr
    assert "No PRs are waiting" in result.stdout


def test_detect_names_the_line_that_is_not_json():
    full_env = {key: value for key, value in os.environ.items() if key != "GITHUB_TOKEN"}
    lines = '{"title": "Add retries"}\n{oops\n'
    result = subprocess.run(
        [sys.executable, "-m", "tformance", "detect"], input=lines, env=full_env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert one_line(result) == "tformance: line 2: not valid JSON"
    assert json.loads(result.stdout.splitlines()[0])["is_ai_assisted"] is False
