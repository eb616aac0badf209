"""Team metrics on hand-computed data: every expected figure below is worked out by hand.

The team ``tests.factories.seed_team`` stores (created times from Monday 2025-03-03 09:00 UTC, ISO week 2025-W10):

    PR        author             created  merged  1st review  size  reviews  AI verdict
    web#1     alice              +0d      +2h     +1h            5  1        LLM yes (claude_code)
    web#2     alice              +1d      +10h    +4h           50  2        LLM no
    web#3     bob                +2d      +4h     -            150  0        pending, signature copilot
    api#1     bob                +7d      +30h    +2h          600  3        LLM no, no signature
    api#2     carol (closed)     +8d      -       +6h         1500  0        pending, no signature
    api#3     carol (open)       +9d      -       -             99  0        LLM yes (cursor)
    web#4     dependabot (bot)   +10d     +1h     -              2  0        LLM no: automation
    web#5     copilot-swe-agent  +14d     +8h     +3h          300  1        LLM yes: AI agent

Percentiles interpolate linearly: rank (n - 1) * p / 100.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import (
    NOW,
    SYNCED,
    T0,
    add_pr,
    add_repo,
    pr_record,
    seed_comparison,
    seed_random_team,
    seed_team,
)
from tformance.core.detection.verdict import ai_tools, ai_verdict
from tformance.core.github.records import PullRequestRecord, ReviewRecord
from tformance.core.metrics import scan as metrics_queries
from tformance.core.metrics.report import (
    GHOST,
    SIZE_BUCKETS,
    Distribution,
    GroupStats,
    ReportFilter,
    compute_report,
    distribution,
    iso_week,
    list_prs,
    percentile,
    size_bucket,
)
from tformance.core.reports.json_export import report_to_json
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import DERIVED_COLUMNS, PullRequest, Review, derived_columns
from tformance.core.store.pr_store import count_ai, save_pull_requests


@pytest.fixture(params=["values", "indexes"])
def db(tmp_path, request, monkeypatch):
    """A fresh database; every test runs with each way of computing the percentiles and series.

    "values": the selected PRs' values sorted in Python (small selections); "indexes": read at
    ranks from the ordered indexes (large ones).
    """
    monkeypatch.setattr(metrics_queries, "SMALL_SELECTION", 10**9 if request.param == "values" else -1)
    database = open_database(tmp_path / "t.db")
    yield database
    close_database()


@pytest.fixture
def team(db):
    seed_team()
    return compute_report(now=NOW)


def test_volume_counts_every_state(team):
    totals = team.totals
    assert (totals.prs, totals.merged, totals.closed_unmerged, totals.open) == (8, 6, 1, 1)


def test_cycle_time_median_and_p90_of_merged_prs(team):
    # merged: 2, 10, 4, 30, 1, 8 hours -> sorted 1 2 4 8 10 30
    assert team.totals.cycle_time_hours == Distribution(6, 6.0, 20.0)


def test_time_to_first_review_counts_reviewed_prs_only(team):
    # reviewed: 1, 4, 2, 6, 3 hours -> sorted 1 2 3 4 6; p90 at rank 3.6
    assert team.totals.time_to_first_review_hours == Distribution(5, 3.0, pytest.approx(5.2))


def test_review_depth(team):
    totals = team.totals
    assert totals.reviews_per_pr == pytest.approx(7 / 6)  # 1+2+0+3+0+1 reviews on 6 merged PRs
    assert (totals.merged_without_review, totals.merged_without_review_share) == (2, pytest.approx(1 / 3))


def test_size_median_p90_and_buckets(team):
    # sizes sorted: 2 5 50 99 150 300 600 1500
    assert team.totals.size_lines == Distribution(8, 124.5, pytest.approx(870.0))
    assert [(b.label, b.count) for b in team.size_buckets] == [("XS", 2), ("S", 2), ("M", 2), ("L", 1), ("XL", 1)]


def test_ai_adoption_uses_the_llm_verdict_then_signatures(team):
    # AI: web#1 (LLM), web#3 (pending, signature), api#3 (LLM), web#5 (LLM); the LLM said no
    # to api#1.
    assert (team.totals.ai_assisted, team.totals.ai_share) == (4, 0.5)
    assert [(t.tool, t.prs) for t in team.ai_by_tool] == [("copilot", 2), ("claude_code", 1), ("cursor", 1)]
    assert [(m.month, m.prs, m.ai_assisted, m.share) for m in team.ai_by_month] == [("2025-03", 8, 4, 0.5)]


def test_weekly_merged_covers_every_week_of_the_period(team):
    assert (team.period_start, team.period_end) == (date(2025, 3, 3), date(2025, 3, 31))
    assert [(w.week, w.count) for w in team.weekly_merged] == [
        ("2025-W10", 3),
        ("2025-W11", 2),
        ("2025-W12", 1),
        ("2025-W13", 0),
        ("2025-W14", 0),
    ]


def test_cycle_time_trend_per_month_of_merge(team):
    assert [(m.month, m.cycle_time_hours) for m in team.cycle_time_by_month] == [
        ("2025-03", Distribution(6, 6.0, 20.0))
    ]


def test_ai_vs_human_leaves_automation_bots_out(team):
    ai, human = team.ai_vs_human.ai, team.ai_vs_human.human
    assert team.ai_vs_human.automation_prs_excluded == 1  # dependabot
    # AI side: web#1, web#3, api#3 and the agent's web#5
    assert (ai.prs, ai.merged) == (4, 3)
    assert ai.cycle_time_hours == Distribution(3, 4.0, pytest.approx(7.2))  # 2 4 8
    assert ai.time_to_first_review_hours == Distribution(2, 2.0, pytest.approx(2.8))  # 1 3
    assert ai.size_lines == Distribution(4, 124.5, pytest.approx(255.0))  # 5 99 150 300
    assert ai.merged_without_review_share == pytest.approx(1 / 3)
    # human side: web#2, api#1, api#2
    assert (human.prs, human.merged, human.ai_assisted) == (3, 2, 0)
    assert human.cycle_time_hours == Distribution(2, 20.0, pytest.approx(28.0))  # 10 30
    assert human.time_to_first_review_hours == Distribution(3, 4.0, pytest.approx(5.6))  # 2 4 6
    assert human.size_lines.median == 600
    assert human.merged_without_review_share == 0.0


def test_headline_figures_leave_automation_bots_out(team):
    # Everything but dependabot's web#4 (merged in 1 h, 2 lines); the AI agent's web#5 stays.
    headline = team.headline
    assert team.bots_left_out == 1
    assert (headline.prs, headline.merged, headline.closed_unmerged, headline.open) == (7, 5, 1, 1)
    assert headline.cycle_time_hours == Distribution(5, 8.0, pytest.approx(22.0))  # 2 4 8 10 30
    assert (headline.ai_assisted, headline.ai_share) == (4, pytest.approx(4 / 7))
    assert headline.merged_without_review == 1  # web#3
    # With the bots asked for, the headline is every PR, and nothing is said to be left out.
    everything = compute_report(ReportFilter(include_bots=True), now=NOW)
    assert everything.headline == everything.totals == team.totals and everything.bots_left_out == 0
    # So the headline median lies between the two sides', never below both.
    sides = team.ai_vs_human
    low, high = sorted((sides.ai.cycle_time_hours.median, sides.human.cycle_time_hours.median))
    assert low <= headline.cycle_time_hours.median <= high


def test_repo_and_author_tables_list_bots_apart(team):
    assert [(r.name, r.status, r.stats.prs) for r in team.repos] == [
        ("acme/web", "completed", 5),
        ("acme/api", "completed", 3),
        ("acme/old", "failed", 0),
    ]
    web = team.repos[0].stats
    assert web.cycle_time_hours == Distribution(5, 4.0, pytest.approx(9.2))  # 1 2 4 8 10
    old = team.repos[2].stats
    assert (old.cycle_time_hours.median, old.ai_share, old.reviews_per_pr) == (None, None, None)
    assert [a.login for a in team.authors] == ["alice", "bob", "carol"]
    alice = team.authors[0].stats
    assert (alice.prs, alice.ai_share, alice.cycle_time_hours) == (2, 0.5, Distribution(2, 6.0, pytest.approx(9.2)))
    assert [(b.login, b.is_bot) for b in team.bots] == [("copilot-swe-agent", True), ("dependabot", True)]


def test_data_health(team):
    health = team.health
    assert (health.pending_enrichment, health.failed_enrichment) == (2, 0)
    assert [(f.name, f.error) for f in health.failed_repos] == [("acme/old", "GitHub said 404")]
    assert health.covered_from == datetime(2025, 2, 1, tzinfo=UTC)  # the later of the two starts
    assert health.covered_until == SYNCED
    assert (health.first_pr_at, health.last_pr_at) == (T0, T0 + timedelta(days=14))


def test_filters_by_repo_author_and_dates(db):
    seed_team()
    web = compute_report(ReportFilter(repo="ACME/Web"), now=NOW)
    assert (web.totals.prs, [r.name for r in web.repos]) == (5, ["acme/web"])
    bob = compute_report(ReportFilter(author="@Bob"), now=NOW)
    assert (bob.totals.prs, bob.totals.cycle_time_hours.median) == (2, 17.0)  # 4 and 30 hours
    assert [a.login for a in bob.authors] == ["bob"] and bob.bots == ()
    # until is inclusive: api#1 is created on 2025-03-10 at 09:00
    window = compute_report(ReportFilter(since=date(2025, 3, 4), until=date(2025, 3, 10)), now=NOW)
    assert window.totals.prs == 3  # web#2, web#3, api#1
    assert (window.period_start, window.period_end) == (date(2025, 3, 4), date(2025, 3, 10))
    # api#1 merges on 2025-03-11 (W11), after the window: the series runs on to it
    assert [(w.week, w.count) for w in window.weekly_merged] == [("2025-W10", 2), ("2025-W11", 1)]
    assert compute_report(ReportFilter(repo="acme/nope"), now=NOW).totals.prs == 0


def test_deleted_authors_are_ghost(db):
    repo = add_repo("acme/web")
    add_pr(repo, 1, author=None)
    report = compute_report(ReportFilter(author="ghost"), now=NOW)
    assert [(a.login, a.stats.prs) for a in report.authors] == [("ghost", 1)]


def test_empty_database_gives_no_data_not_zeros(db):
    report = compute_report(now=NOW)
    assert not report.has_data
    assert report.totals.prs == 0
    assert report.totals.cycle_time_hours == Distribution(0, None, None)
    assert (report.totals.ai_share, report.totals.reviews_per_pr, report.totals.merged_without_review_share) == (
        None,
        None,
        None,
    )
    assert (report.weekly_merged, report.ai_by_month, report.ai_by_tool, report.repos) == ((), (), (), ())
    data = report_to_json(report)
    assert data["cycle_time_hours"] is None and data["ai_share"] is None and data["weekly_merged"] == []


def test_no_merged_prs(db):
    repo = add_repo("acme/web")
    add_pr(repo, 1, review_after=5)
    add_pr(repo, 2, created=T0 + timedelta(days=1), closed_after=3)
    report = compute_report(now=NOW)
    assert report.totals.cycle_time_hours == Distribution(0, None, None)
    assert (report.totals.reviews_per_pr, report.totals.merged_without_review_share) == (None, None)
    assert report.totals.time_to_first_review_hours == Distribution(1, 5.0, 5.0)
    assert {w.count for w in report.weekly_merged} == {0}
    assert [m.cycle_time_hours.median for m in report.cycle_time_by_month] == [None]


def test_a_single_pr_is_its_own_median_and_p90(db):
    add_pr(add_repo("acme/web"), 1, merged_after=5.5, review_after=0.25, size=42)
    totals = compute_report(now=NOW).totals
    assert totals.cycle_time_hours == Distribution(1, 5.5, 5.5)
    assert totals.time_to_first_review_hours == Distribution(1, 0.25, 0.25)
    assert totals.size_lines == Distribution(1, 42, 42)


def test_reviews_by_the_author_or_bots_are_not_a_first_review(db):
    # The sync leaves first_review_at empty when the only reviews are the author's or a bot's.
    pr = add_pr(add_repo("acme/web"), 1, merged_after=3, reviews=2)
    Review.create(pull_request=pr, github_id="R1", author_login="alice", state="COMMENTED", submitted_at=T0)
    Review.create(
        pull_request=pr,
        github_id="R2",
        author_login="coderabbit",
        author_is_bot=True,
        state="APPROVED",
        submitted_at=T0 + timedelta(hours=1),
    )
    totals = compute_report(now=NOW).totals
    assert totals.time_to_first_review_hours == Distribution(0, None, None)
    assert (totals.merged_without_review, totals.reviews_per_pr) == (1, 2.0)


def test_a_review_after_the_merge_does_not_count_as_reviewed(db):
    add_pr(add_repo("acme/web"), 1, merged_after=2, review_after=5)
    totals = compute_report(now=NOW).totals
    assert totals.merged_without_review == 1
    assert totals.time_to_first_review_hours.median == 5.0


def test_clock_skew_never_gives_negative_durations(db):
    add_pr(add_repo("acme/web"), 1, merged_after=4, review_after=-0.001)
    assert compute_report(now=NOW).totals.time_to_first_review_hours.median == 0.0


def test_sql_verdict_agrees_with_the_python_rule(team):
    rows = list(list_prs())
    assert len(rows) == 8
    assert sum(row.ai_assisted for row in rows) == team.totals.ai_assisted
    by_number = {(row.repo, row.number): row for row in rows}
    assert by_number["acme/web", 3].ai_verdict_source == "signatures"
    assert by_number["acme/api", 3].ai_tools == ("cursor",)
    assert by_number["acme/web", 3].cycle_time_hours == 4.0


@pytest.mark.parametrize(
    ("llm", "signatures", "expected"),
    # A signature wins over the LLM's "no": it may have been found after the LLM judged the PR.
    [(True, [], True), (False, ["copilot"], True), (None, ["copilot"], True), (None, [], False), (False, [], False)],
)
def test_ai_verdict(llm, signatures, expected):
    assert ai_verdict(llm, signatures) is expected


def test_ai_tools_prefer_the_llm():
    assert ai_tools(["cursor"], ["copilot"]) == ("cursor",)
    assert ai_tools([], ["copilot"]) == ("copilot",)
    assert ai_tools(None, None) == ()


def test_percentile_interpolates_linearly():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4], 90) == pytest.approx(3.7)
    assert percentile([7], 90) == 7
    assert percentile([], 50) is None


@pytest.mark.parametrize(("lines", "bucket"), [(0, "XS"), (9, "XS"), (10, "S"), (499, "M"), (999, "L"), (1000, "XL")])
def test_size_buckets(lines, bucket):
    assert size_bucket(lines) == bucket


def test_iso_weeks_at_year_ends():
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert iso_week(date(2021, 1, 3)) == "2020-W53"


STATS_KEYS = {
    "prs": int,
    "merged": int,
    "closed_unmerged": int,
    "open": int,
    "ai_assisted": int,
    "ai_share": (float, type(None)),
    "cycle_time_hours": (dict, type(None)),
    "time_to_first_review_hours": (dict, type(None)),
    "size_lines": (dict, type(None)),
    "reviews_per_pr": (float, type(None)),
    "merged_without_review": int,
    "merged_without_review_share": (float, type(None)),
}


def _check(obj: dict, schema: dict) -> None:
    assert set(obj) == set(schema), set(obj) ^ set(schema)
    for key, kind in schema.items():
        assert isinstance(obj[key], kind), (key, obj[key])


def _check_distribution(value) -> None:
    if value is not None:
        _check(value, {"median": float, "p90": float})


def test_json_schema(team):
    import json

    data = json.loads(json.dumps(report_to_json(team)))  # survives a round trip
    optional_str = (str, type(None))
    _check(
        data,
        {
            "schema_version": int,
            "generated_at": str,
            "filters": dict,
            "period": dict,
            "repos": list,
            "total_prs": int,
            "merged_prs": int,
            "closed_unmerged_prs": int,
            "open_prs": int,
            "ai_assisted_prs": int,
            "ai_share": float,
            "ai_by_tool": dict,
            "ai_by_month": list,
            "cycle_time_hours": dict,
            "cycle_time_by_month": list,
            "time_to_first_review_hours": dict,
            "reviews_per_pr": float,
            "merged_without_review": int,
            "merged_without_review_share": float,
            "size_lines": dict,
            "size_buckets": dict,
            "weekly_merged": list,
            "authors": list,
            "bots": list,
            "ai_vs_human": dict,
            "headline": dict,
            "health": dict,
        },
    )
    assert data["schema_version"] == 1 and data["generated_at"] == "2025-04-01T08:00:00Z"
    _check(
        data["filters"],
        {
            "repo": optional_str,
            "author": optional_str,
            "since": optional_str,
            "until": optional_str,
            "include_bots": bool,
        },
    )
    assert data["period"] == {"start": "2025-03-03", "end": "2025-03-31"}
    for repo in data["repos"]:
        _check(
            repo, {"name": str, "status": str, "last_synced_at": optional_str, "sync_error": optional_str} | STATS_KEYS
        )
    assert data["repos"][0]["last_synced_at"] == "2025-03-31T12:00:00Z"
    assert (data["total_prs"], data["merged_prs"], data["ai_assisted_prs"], data["ai_share"]) == (8, 6, 4, 0.5)
    assert data["ai_by_tool"] == {"copilot": 2, "claude_code": 1, "cursor": 1}
    assert data["cycle_time_hours"] == {"median": 6.0, "p90": 20.0}
    assert data["time_to_first_review_hours"] == {"median": 3.0, "p90": 5.2}
    assert data["size_buckets"] == {"XS": 2, "S": 2, "M": 2, "L": 1, "XL": 1}
    assert data["weekly_merged"][0] == {"week": "2025-W10", "count": 3}
    for week in data["weekly_merged"]:
        _check(week, {"week": str, "count": int})
    for month in data["ai_by_month"]:
        _check(month, {"month": str, "prs": int, "ai_assisted": int, "ai_share": (float, type(None))})
    for month in data["cycle_time_by_month"]:
        _check(month, {"month": str, "merged": int, "cycle_time_hours": (dict, type(None))})
        _check_distribution(month["cycle_time_hours"])
    for author in data["authors"] + data["bots"]:
        _check(author, {"login": str, "is_bot": bool} | STATS_KEYS)
        for key in ("cycle_time_hours", "time_to_first_review_hours", "size_lines"):
            _check_distribution(author[key])
    assert [a["login"] for a in data["bots"]] == ["copilot-swe-agent", "dependabot"]
    _check(
        data["ai_vs_human"],
        {"ai": dict, "human": dict, "automation_prs_excluded": int, "cycle_time_difference": dict},
    )
    _check(
        data["ai_vs_human"]["cycle_time_difference"],
        {
            "ai_merged": int,
            "human_merged": int,
            "median_difference_hours": (float, type(None)),
            "interval_low_hours": (float, type(None)),
            "interval_high_hours": (float, type(None)),
            "confidence": float,
            "verdict": str,
        },
    )
    assert data["ai_vs_human"]["cycle_time_difference"]["verdict"] == "too_few_prs"  # 3 and 2 merged
    _check(data["headline"], STATS_KEYS | {"bots_left_out": int})
    assert (data["headline"]["prs"], data["headline"]["bots_left_out"]) == (7, 1)
    _check(data["ai_vs_human"]["ai"], STATS_KEYS)
    _check(data["ai_vs_human"]["human"], STATS_KEYS)
    _check(
        data["health"],
        {
            "pending_enrichment": int,
            "failed_enrichment": int,
            "failed_repos": list,
            "incomplete_repos": list,
            "covered_from": optional_str,
            "covered_until": optional_str,
            "first_pr_at": optional_str,
            "last_pr_at": optional_str,
        },
    )
    assert data["health"]["failed_repos"] == [{"name": "acme/old", "error": "GitHub said 404"}]


def test_series_add_up_to_the_totals_even_with_a_stale_sync(db):
    repo = add_repo("acme/web", last_synced_at=T0)  # synced before its newest PRs were stored
    add_pr(repo, 1, merged_after=1)
    add_pr(repo, 2, created=T0 + timedelta(days=40), merged_after=24 * 30)
    report = compute_report(now=NOW)
    assert report.period_end == date(2025, 4, 12)
    assert sum(w.count for w in report.weekly_merged) == report.totals.merged == 2
    assert sum(m.prs for m in report.ai_by_month) == report.totals.prs == 2
    assert [m.month for m in report.cycle_time_by_month] == ["2025-03", "2025-04", "2025-05"]


# --- Every figure against a brute-force computation over the PRs themselves -------------------


def reference_stats(rows: list) -> GroupStats:
    merged_rows = [row for row in rows if row.merged_at is not None]
    merged = sum(row.state == "MERGED" for row in rows)
    closed = sum(row.state == "CLOSED" for row in rows)
    ai = sum(row.ai_assisted for row in rows)
    sizes = sorted(row.size for row in rows)
    unreviewed = sum(row.merged_without_review for row in rows)

    def seconds(end_of: str) -> list[float]:
        ends = [(row.created_at, getattr(row, end_of)) for row in rows if getattr(row, end_of) is not None]
        return [max((end - start).total_seconds(), 0.0) for start, end in ends]

    return GroupStats(
        prs=len(rows),
        merged=merged,
        closed_unmerged=closed,
        open=len(rows) - merged - closed,
        ai_assisted=ai,
        ai_share=ai / len(rows) if rows else None,
        cycle_time_hours=distribution(seconds("merged_at"), 3600),
        time_to_first_review_hours=distribution(seconds("first_review_at"), 3600),
        size_lines=Distribution(len(sizes), percentile(sizes, 50), percentile(sizes, 90)),
        reviews_per_pr=sum(row.review_count for row in merged_rows) / merged if merged else None,
        merged_without_review=unreviewed,
        merged_without_review_share=unreviewed / merged if merged else None,
    )


@pytest.mark.parametrize(
    "filters",
    [
        ReportFilter(),
        ReportFilter(repo="ACME/r2"),
        ReportFilter(author="BOB"),
        ReportFilter(author="ghost"),
        ReportFilter(since=date(2025, 4, 1), until=date(2025, 5, 15)),
        ReportFilter(repo="acme/r1", author="alice", since=date(2025, 3, 20)),
    ],
)
def test_every_figure_matches_a_brute_force_computation(db, filters):
    seed_random_team()
    report = compute_report(filters, now=NOW)
    rows = list(list_prs(filters))
    assert rows, "the filter must select some PRs"
    # Exact equality, floats included: the same values, in the same order of operations.
    assert report.totals == reference_stats(rows)
    assert {row.name: row.stats for row in report.repos if row.stats.prs} == {
        repo: reference_stats([row for row in rows if row.repo == repo]) for repo in {row.repo for row in rows}
    }
    by_login = {row.login: row for row in (*report.authors, *report.bots)}
    assert len(by_login) == len(report.authors) + len(report.bots)
    logins = {row.author if row.author != GHOST else GHOST for row in rows}
    assert set(by_login) == logins
    for login in logins:
        mine = [row for row in rows if row.author == login]
        assert by_login[login].stats == reference_stats(mine), login
        assert by_login[login].is_bot == any(row.author_is_bot for row in mine)
    ai_rows = [row for row in rows if row.ai_assisted]
    human_rows = [row for row in rows if not row.ai_assisted and not row.author_is_bot]
    assert report.ai_vs_human.ai == reference_stats(ai_rows)
    assert report.ai_vs_human.human == reference_stats(human_rows)
    assert report.ai_vs_human.automation_prs_excluded == len(rows) - len(ai_rows) - len(human_rows)
    assert report.headline == reference_stats([row for row in rows if row.ai_assisted or not row.author_is_bot])

    weeks = Counter(iso_week(row.merged_at.date()) for row in rows if row.merged_at)
    assert {week.week: week.count for week in report.weekly_merged if week.count} == weeks
    months = {}
    for row in rows:
        if row.merged_at:
            months.setdefault(row.merged_at.strftime("%Y-%m"), []).append(
                max((row.merged_at - row.created_at).total_seconds(), 0.0)
            )
    assert {m.month: m.cycle_time_hours for m in report.cycle_time_by_month if m.cycle_time_hours.count} == {
        month: distribution(values, 3600) for month, values in months.items()
    }
    created = Counter((row.created_at.strftime("%Y-%m"), row.ai_assisted) for row in rows)
    assert {(m.month, m.prs, m.ai_assisted) for m in report.ai_by_month if m.prs} == {
        (month, created[month, True] + created[month, False], created[month, True])
        for month in {month for month, _ in created}
    }
    buckets = Counter(row.size_bucket for row in rows)
    assert [(b.label, b.count) for b in report.size_buckets] == [(label, buckets[label]) for label, _ in SIZE_BUCKETS]
    tools = Counter(tool for row in ai_rows for tool in (row.ai_tools or ("unknown",)))
    assert {t.tool: t.prs for t in report.ai_by_tool} == tools
    statuses = Counter(row.enrichment_status for row in rows)
    assert (report.health.pending_enrichment, report.health.failed_enrichment) == (
        statuses["pending"],
        statuses["failed"],
    )
    assert report.health.first_pr_at == min(row.created_at for row in rows)
    assert report.health.last_pr_at == max(row.created_at for row in rows)


def test_the_derived_columns_follow_the_columns_they_come_from(db):
    pr = add_pr(add_repo("acme/web"), 1, merged_after=3, review_after=5, size=12, signatures=("copilot",))
    stored = PullRequest.get_by_id(pr.id)
    assert (stored.size_lines, stored.cycle_seconds, stored.first_review_seconds) == (12, 3 * 3600.0, 5 * 3600.0)
    assert (stored.created_day, stored.merged_day, stored.merged_month) == (20250303, 20250303, 202503)
    assert (stored.merged_unreviewed, stored.has_signatures) == (True, True)
    # A save that changes a source column refreshes what derives from it.
    stored.merged_at, stored.signature_tools, stored.deletions = None, [], stored.deletions + 8
    stored.save()
    again = PullRequest.get_by_id(pr.id)
    assert (again.cycle_seconds, again.merged_day, again.merged_unreviewed, again.has_signatures) == (
        None,
        None,
        False,
        False,
    )
    assert again.size_lines == 20


def test_the_store_derives_the_same_columns_as_the_model_and_refreshes_them(db):
    repo = add_repo("acme/web")

    def record(merged_at: datetime | None) -> PullRequestRecord:
        return pr_record(
            7,
            repo="acme/web",
            title="Add caching",
            body="Generated with [Claude Code](https://claude.ai/code)",
            author="alice",
            created=T0,
            merged_after=None if merged_at is None else merged_at - T0,
            additions=30,
            deletions=4,
            changed_files=2,
            head_ref="feature",
            commits=(),
            commit_count=1,
            reviews=(ReviewRecord("R7", "bob", False, "APPROVED", T0 + timedelta(hours=2)),),
        )

    def derived_of_stored() -> tuple[dict, dict]:
        row = PullRequest.get(PullRequest.number == 7)
        sources = (row.created_at, row.merged_at, row.first_review_at, row.additions, row.deletions)
        expected = derived_columns(*sources, row.signature_tools)
        return {name: getattr(row, name) for name in DERIVED_COLUMNS}, expected

    save_pull_requests(repo.id, [record(T0 + timedelta(hours=5))], {})
    stored, expected = derived_of_stored()
    assert stored == expected
    assert (stored["cycle_seconds"], stored["first_review_seconds"], stored["has_signatures"]) == (
        18000.0,
        7200.0,
        True,
    )
    save_pull_requests(repo.id, [record(None)], {})  # the upsert refreshes them with the GitHub columns
    stored, expected = derived_of_stored()
    assert stored == expected and stored["cycle_seconds"] is None and stored["merged_day"] is None
    assert compute_report(now=NOW).totals.merged == 0


@pytest.mark.parametrize(
    "filters",
    [ReportFilter(), ReportFilter(repo="acme/r2"), ReportFilter(author="bob"), ReportFilter(since=date(2025, 4, 1))],
)
def test_every_statement_reads_an_index_alone_even_without_statistics(db, filters):
    """No table scan, and no index that would need the table rows (the PR bodies) besides.

    A new database has no statistics (ANALYZE), and SQLite then takes any equality on an
    indexed column for a few rows: the statements are written so that it still picks the
    index meant for them (seen at 100,000 PRs: 0.9 s instead of 40 ms for one repo).
    """
    seed_random_team()
    statements = []
    execute_sql = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return execute_sql(sql, params, *args, **kwargs)

    db.execute_sql = recording
    try:
        compute_report(filters, now=NOW)
    finally:
        db.execute_sql = execute_sql
    assert db.execute_sql("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (0,)
    checked = 0
    for sql, params in statements:
        if '"pull_request"' not in sql:
            continue
        plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        reads = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
        assert reads and all("INDEX" in step for step in reads), (sql, plan)
        if "created_at" not in sql:  # the first and last creation times: a day of rows, by design
            assert all("COVERING INDEX" in step for step in reads), (sql, plan)
        checked += 1
    assert checked >= 4


def expected_difference(rows: list) -> object:
    from tformance.core.metrics.median_difference import RankedSample, median_difference

    def cycles(keep) -> RankedSample:
        values = sorted(max((row.merged_at - row.created_at).total_seconds(), 0.0) for row in rows if keep(row))
        return RankedSample(len(values), 0, tuple(values))

    ai = cycles(lambda row: row.ai_assisted and row.merged_at)
    human = cycles(lambda row: not row.ai_assisted and not row.author_is_bot and row.merged_at)
    return median_difference(ai, human).scaled(3600)


def test_the_comparison_says_when_ai_prs_clearly_merge_faster(db):
    seed_comparison(ai_hours=3, human_hours=12, seed=1)
    report = compute_report(now=NOW)
    difference = report.ai_vs_human.cycle_time_difference
    assert (difference.a_count, difference.b_count) == (40, 50)
    assert difference.clear and difference.low < difference.difference < difference.high < 0
    assert difference == expected_difference(list(list_prs()))  # the index path reads only the median's band
    assert report_to_json(report)["ai_vs_human"]["cycle_time_difference"]["verdict"] == "ai_faster"


def test_the_comparison_says_when_there_is_no_clear_difference(db):
    seed_comparison(ai_hours=8, human_hours=8, seed=2)
    difference = compute_report(now=NOW).ai_vs_human.cycle_time_difference
    assert difference.enough_data and not difference.clear
    assert difference.low < 0 < difference.high
    assert difference == expected_difference(list(list_prs()))


def test_a_signature_found_after_the_llm_said_no_wins(db):
    web = add_repo("acme/web")
    add_pr(web, 1, merged_after=2, size=10, ai=False, signatures=("claude_code",))
    add_pr(web, 2, created=T0 + timedelta(hours=1), merged_after=2, size=10, ai=False)
    report = compute_report(now=NOW)
    assert (report.totals.ai_assisted, [(t.tool, t.prs) for t in report.ai_by_tool]) == (1, [("claude_code", 1)])
    assert (report.ai_vs_human.ai.prs, report.ai_vs_human.human.prs) == (1, 1)
    rows = {row.number: row for row in list_prs()}
    assert (rows[1].ai_assisted, rows[1].ai_verdict_source) == (True, "signatures")
    assert (rows[2].ai_assisted, rows[2].ai_verdict_source) == (False, "llm")
    assert count_ai(web.id, T0 - timedelta(days=1)) == 1
