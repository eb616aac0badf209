"""From the figures to the PRs behind them: drill-down, sorting by column, and the period selector."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, TabbedContent

from tests.snapshot_apps.support import NOW, app_for, copy_database, fake_github, services_for
from tests.tui_support import open_dashboard, settle
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.widgets.pr_list import PRList
from tformance.tui.widgets.sortable_table import SortableTable


def pr_keys(screen: DashboardScreen) -> list[str]:
    table = screen.query_one("#pr-table", DataTable)
    return [str(key.value) for key in table.rows]


def row_keys(table: DataTable) -> list[str]:
    return [str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]


async def test_enter_on_a_repo_or_a_person_opens_their_prs(tmp_path: Path, small_synced: Path) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        everything = pr_keys(screen)
        await pilot.press("3", "down", "enter")
        await settle(pilot)
        repo = row_keys(screen.query_one("#dash-repos", DataTable))[1]
        assert screen.query_one(TabbedContent).active == "prs"
        assert screen.query_one("#pr-filter").value == f"repo:{repo}"
        shown = pr_keys(screen)
        assert shown and len(shown) < len(everything) and all(key.startswith(f"{repo}#") for key in shown)

        await pilot.press("4", "enter")
        await settle(pilot)
        person = screen.report.authors[0]
        assert screen.query_one("#pr-filter").value == f"author:{person.login}"
        assert len(pr_keys(screen)) == person.stats.prs


async def test_tables_sort_by_a_column_from_a_key_or_a_click(tmp_path: Path, small_synced: Path) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("4")
        table = screen.query_one("#dash-people", SortableTable)
        people = [
            f"{'bot' if row.is_bot else 'person'}:{row.login}" for row in (*screen.report.authors, *screen.report.bots)
        ]
        assert row_keys(table) == people, "most PRs first, bots after the people"

        await pilot.press("o")  # by author, A to Z
        assert row_keys(table) == sorted(people, key=lambda key: key.partition(":")[2].lower())
        assert "Author ▲" in str(table.ordered_columns[0].label)

        await pilot.click("#dash-people", offset=(table.ordered_columns[0].get_render_width(table) + 3, 0))
        await pilot.pause()  # the PRs header: most first
        counts = [
            row.stats.prs for row in sorted((*screen.report.authors, *screen.report.bots), key=lambda r: -r.stats.prs)
        ]
        shown = {
            f"{'bot' if r.is_bot else 'person'}:{r.login}": r.stats.prs
            for r in (*screen.report.authors, *screen.report.bots)
        }
        assert [shown[key] for key in row_keys(table)] == counts
        assert table.sort_column == 1 and table.descending


async def test_the_period_selector_filters_the_whole_dashboard(tmp_path: Path, small_synced: Path) -> None:
    app = app_for(services_for(copy_database(small_synced, tmp_path / "t.db"), fake_github()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        everything = screen.report.totals.prs
        await pilot.press("p")  # All -> 30 days
        await settle(pilot)
        since = NOW.date() - timedelta(days=29)
        report = screen.report
        assert screen.period == "30d" and report.filters.since == since and report.period_start == since
        assert 0 < report.totals.prs < everything
        assert len(pr_keys(screen)) == report.totals.prs, "the PR list shows the same period"
        assert sum(row.stats.prs for row in report.repos) == report.totals.prs
        await pilot.press("p", "p", "p")  # 90 days, 12 months, All
        await settle(pilot)
        assert screen.period == "all" and screen.report.totals.prs == everything
        assert isinstance(screen.query_one(PRList), PRList)
