"""The report as text, CSV and HTML, and anonymized for sharing."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from tests.factories import NOW, T0, add_pr, add_repo, seed_comparison, seed_team
from tformance.core.metrics.report import ReportFilter, compute_report, list_prs
from tformance.core.reports.anonymize import Anonymizer
from tformance.core.reports.csv_export import CSV_COLUMNS, render_csv
from tformance.core.reports.html_page import render_html
from tformance.core.reports.json_export import report_to_json
from tformance.core.reports.text import render_text
from tformance.core.store.database import close_database, open_database

NASTY_TITLE = 'Fix "quotes", commas,\nnewlines <script>alert(1)</script> [bold]x[/] & more'
REAL_NAMES = ("alice", "bob", "carol", "dependabot", "copilot-swe-agent", "acme/web", "acme/api", "acme")


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.db")
    yield database
    close_database()


@pytest.fixture
def team(db):
    seed_team()
    add_pr(add_repo("acme/web-tools"), 9, author="bob", created=T0 + timedelta(days=3), title=NASTY_TITLE)
    return compute_report(now=NOW)


def test_text_summary_shows_the_headline_figures(team):
    text = render_text(team, console_width=100)
    assert "Team insights: all repos" in text
    # The headline leaves dependabot's PR out, and says so.
    assert "8 opened · 5 merged · 1 closed unmerged · 2 open" in text
    assert "median 8.0 h · p90 22.0 h (5 PRs)" in text
    assert "Bots left out         1 PR by automation accounts" in text
    assert "tools: Copilot 2, Claude Code 1, Cursor 1" in text
    assert "AI-assisted vs without AI" in text and "Bots (listed apart)" in text
    assert "Too few merged PRs to compare cycle times (3 AI-assisted and 2 without AI" in text
    assert "Sync failed: acme/old: GitHub said 404" in text
    assert "\x1b[" not in text  # no colour codes in a string
    assert max(len(line) for line in text.splitlines()) <= 100


def test_text_prints_markup_in_names_as_is(db):
    add_pr(add_repo("acme/web"), 1, author="[bold]x[/]", merged_after=1)
    assert "[bold]x[/]" in render_text(compute_report(now=NOW))


def test_text_says_when_there_is_nothing_to_measure(db):
    text = render_text(compute_report(now=NOW))
    assert "Nothing synced yet" in text and "`tformance --demo`" in text
    assert "?" not in text
    add_pr(add_repo("acme/web"), 1, author="alice", merged_after=1)
    text = render_text(compute_report(ReportFilter(author="nobody"), now=NOW))
    assert "No pull requests match this selection" in text and "?" not in text


def test_csv_has_a_header_and_one_row_per_pr(team):
    out = io.StringIO()
    assert render_csv(None, out) == 9
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 10
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    nasty = next(r for r in records if r["repo"] == "acme/web-tools")
    assert nasty["title"] == NASTY_TITLE  # commas, quotes and newlines round-trip
    first = next(r for r in records if r["repo"] == "acme/web" and r["number"] == "1")
    assert first["created_at"] == "2025-03-03T09:00:00Z"
    assert (first["cycle_time_hours"], first["time_to_first_review_hours"]) == ("2.00", "1.00")
    assert (first["size"], first["size_bucket"], first["ai_assisted"], first["ai_tools"]) == (
        "5",
        "XS",
        "true",
        "Claude Code",  # people read the CSV in a spreadsheet: display names, as in the app
    )
    assert first["merged_without_review"] == "false"


def test_csv_follows_the_filters_and_defuses_formulas(db):
    web = add_repo("acme/web")
    add_pr(web, 1, title="=HYPERLINK(1)")
    add_pr(add_repo("acme/api"), 2)
    out = io.StringIO()
    assert render_csv(ReportFilter(repo="acme/web"), out) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][CSV_COLUMNS.index("title")] == "'=HYPERLINK(1)"


def test_html_is_self_contained_and_escapes_every_text(team):
    page = render_html(team, list_prs())
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[bold]x[/]" in page  # shown as typed, not interpreted
    # Nothing to load: the only addresses are links to the PRs on GitHub.
    assert not re.search(r"""src\s*=|@import|url\(""", page, re.IGNORECASE)
    links = re.findall(r'href="([^"]*)"', page)
    assert links and all(re.fullmatch(r"https://github\.com/acme/[\w-]+/pull/\d+", link) for link in links)
    assert page.count("<svg") == 4  # weekly, cycle per month, AI share per month, sizes
    assert "acme/web-tools" in page and "Sync failed: acme/old: GitHub said 404" in page


def test_html_reads_like_the_app(team):
    page = render_html(team, list_prs())
    # PR numbers link to GitHub, newest first.
    assert '<a href="https://github.com/acme/web/pull/5">#5</a>' in page
    listed = re.findall(r">#(\d+)</a>", page)
    # web#5 (+14 d), web#4, api#3, api#2, api#1, web-tools#9 (+3 d), web#3, web#2, web#1 (+0 d)
    assert listed == ["5", "4", "3", "2", "1", "9", "3", "2", "1"]
    # Tool display names, the app's words, every size bucket labelled, the bots note.
    assert "Claude Code" in page and "claude_code" not in page
    assert "Without AI" in page and "Human" not in page
    for bucket in ("XS &lt;10", "S 10-99", "M 100-499", "L 500-999", "XL 1,000+"):
        assert bucket in page
    assert "Figures above: bots left out: 1 PR" in page
    assert "Too few merged PRs to compare cycle times" in page
    # Repository names and dates never wrap.
    assert '<td class="text nowrap">acme/web</td>' in page and '<td class="nowrap">2025-03-17</td>' in page


def test_html_of_an_empty_database(db):
    page = render_html(compute_report(now=NOW))
    assert "Nothing synced yet" in page and "<svg" not in page


def test_anonymized_outputs_name_no_one(team):
    anonymizer = Anonymizer.from_database()
    report = anonymizer.report(team)
    out = io.StringIO()
    render_csv(None, out, anonymizer=anonymizer)
    outputs = {
        "json": json.dumps(report_to_json(report)),
        "text": render_text(report),
        "html": render_html(report, map(anonymizer.pr, list_prs())),
        "csv": out.getvalue(),
    }
    for kind, output in outputs.items():
        for name in REAL_NAMES:
            assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", output, re.IGNORECASE), (kind, name)
    # The same person has the same pseudonym in the report and in the CSV.
    bob = anonymizer.login("bob")
    assert bob.startswith("author-") and bob in outputs["json"] and bob in outputs["csv"]
    assert anonymizer.login("dependabot", is_bot=True).startswith("bot-")
    assert anonymizer.repo("acme/web").startswith("repo-")


def test_anonymized_titles_lose_names_and_keep_the_rest():
    anonymizer = Anonymizer(people=["alice"], repos=["acme/web"])
    assert anonymizer.text("Port acme/web fix by @Alice to web") == "Port repo-01 fix by @author-01 to repo-01"
    assert anonymizer.text("Malice aforethought") == "Malice aforethought"  # inside a word: kept


def test_pseudonyms_are_stable_across_runs(team):
    first, second = Anonymizer.from_database(), Anonymizer.from_database()
    for name in ("alice", "bob", "carol"):
        assert first.login(name) == second.login(name) == first.login(name.upper())
    assert len({first.login(name) for name in ("alice", "bob", "carol")}) == 3


def test_people_read_tool_names_and_json_keeps_ids(team):
    text, page = render_text(team, console_width=100), render_html(team, list_prs())
    for output in (text, page):
        assert "Claude Code" in output and "claude_code" not in output
    assert "claude_code" in json.dumps(report_to_json(team))


@pytest.mark.parametrize(
    ("ai_hours", "human_hours", "verdict"),
    [(3, 12, "AI-assisted PRs merge "), (8, 8, "No clear difference in median cycle time: 95% interval from ")],
)
def test_reports_say_whether_the_cycle_time_difference_is_bigger_than_chance(db, ai_hours, human_hours, verdict):
    seed_comparison(ai_hours=ai_hours, human_hours=human_hours, seed=1 if ai_hours != human_hours else 2)
    report = compute_report(now=NOW)
    sizes = "40 AI-assisted and 50 without AI merged PRs"
    text = render_text(report, console_width=140)
    page = render_html(report, list_prs())
    for output in (" ".join(text.split()), page):  # the terminal wraps the sentence
        assert verdict in output and sizes in output
    if ai_hours < human_hours:
        assert re.search(r"merge [\d.]+ h faster \(median; 95% interval [\d.]+ (h|min) to [\d.]+ h faster", page)
    # Automation bots' instant merges are left out of the headline, and the report says so.
    assert "Bots left out         20 PRs by automation accounts" in text
    assert "Figures above: bots left out: 20 PRs" in page


def test_include_bots_puts_them_back_in_the_headline(team):
    everything = compute_report(ReportFilter(include_bots=True), now=NOW)
    text = render_text(everything, console_width=100)
    assert "Team insights: all repos · bots included" in text
    assert "9 opened · 6 merged · 1 closed unmerged · 2 open" in text and "Bots left out" not in text
    assert "bots left out" not in render_html(everything)
