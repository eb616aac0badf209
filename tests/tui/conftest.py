"""Databases the app tests open: synced once per test module, copied by each test that changes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshot_apps.support import fake_github, sync_into
from tests.tui_support import SMALL_REPOS


@pytest.fixture(scope="module")
def small_synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database that has synced the two small demo repos, 3 hours before NOW."""
    path = tmp_path_factory.mktemp("synced") / "small.db"
    sync_into(path, fake_github(), SMALL_REPOS)
    return path
