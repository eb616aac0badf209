"""What a person sees, as SVG snapshots (pytest-textual-snapshot): time, data and the cursor are fixed.

After looking at the report, update with ``pytest tests/tui/test_snapshots.py --snapshot-update``.
The scenes are shared with ``scripts/make_screenshots.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tests.snapshot_apps import scenes
from tests.snapshot_apps.scenes import SMALL, Scene
from tests.snapshot_apps.support import fake_github, sync_into


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole demo organisation synced (every PR still waiting for its AI summary)."""
    path = tmp_path_factory.mktemp("synced") / "demo.db"
    sync_into(path, fake_github())
    return path


def shot(snap_compare, scene: Scene) -> bool:
    return snap_compare(scene.app, terminal_size=scene.size, run_before=scene.run_before)


def test_token_screen(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.token_screen(tmp_path))


def test_token_rejected(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.token_rejected(tmp_path))


def test_repo_list_filtered(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.repositories(tmp_path, scenes.WIDE, "ctrl+n", "t", "e", "space"))


def test_empty_account(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.empty_account(tmp_path))


def test_sync_in_progress(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.sync(tmp_path))


def test_sync_with_a_failed_and_a_paused_repo(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.sync(tmp_path, trouble=True))


def test_sync_at_80x24(snap_compare, tmp_path: Path) -> None:
    assert shot(snap_compare, scenes.sync(tmp_path, SMALL, trouble=True))


def test_dashboard(snap_compare, tmp_path: Path, synced: Path) -> None:
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced))


def test_dashboard_with_enrichment_pending(snap_compare, tmp_path: Path, synced: Path) -> None:
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, enriched_every=3))


def test_dashboard_at_80x24(snap_compare, tmp_path: Path, synced: Path) -> None:
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, SMALL, enriched_every=None))


def test_dashboard_ai_tab(snap_compare, tmp_path: Path, synced: Path) -> None:
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, scenes.WIDE, "2"))


def test_pull_request_detail(snap_compare, tmp_path: Path, synced: Path) -> None:
    assert shot(snap_compare, scenes.pull_request(tmp_path, synced))


def test_dashboard_at_100x30_with_enrichment_pending(snap_compare, tmp_path: Path, synced: Path) -> None:
    """The banner, the cards, the charts and the AI glance all fit 30 rows."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, (100, 30), enriched_every=3))


def test_pull_request_list(snap_compare, tmp_path: Path, synced: Path) -> None:
    """Every column fits the width: the title gives way, not the AI column."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, scenes.WIDE, "5"))


def test_pull_request_list_filtered(snap_compare, tmp_path: Path, synced: Path) -> None:
    """Opening the tab focuses the filter: typing narrows the list (s and c type, they do not re-sync)."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, scenes.WIDE, "5", *"docs"))


def test_dashboard_last_30_days(snap_compare, tmp_path: Path, synced: Path) -> None:
    """The period selector: every figure, chart and table for the last 30 days."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, scenes.WIDE, "p"))


def test_drill_down_from_a_repository(snap_compare, tmp_path: Path, synced: Path) -> None:
    """Enter on the Repositories tab opens that repository's PRs, the filter saying so."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, scenes.WIDE, "3", "down", "enter"))


def test_people_at_80x24(snap_compare, tmp_path: Path, synced: Path) -> None:
    """At 80 columns the names give way, and every figure (Reviews/PR too) stays."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, SMALL, "4"))


def test_pull_request_list_at_80x24(snap_compare, tmp_path: Path, synced: Path) -> None:
    """At 80 columns the AI column stays; titles shrink first."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, SMALL, "5", "tab"))


def test_dashboard_at_200x60(snap_compare, tmp_path: Path, synced: Path) -> None:
    """A wide terminal: the charts and the PR titles use the width."""
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, (200, 60)))


def test_pull_request_list_at_200x60(snap_compare, tmp_path: Path, synced: Path) -> None:
    assert shot(snap_compare, scenes.dashboard(tmp_path, synced, (200, 60), "5", "tab"))
