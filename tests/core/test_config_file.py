"""config.toml and `tformance config`: command line, then environment, then file, then defaults."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

from tests.cli_support import tformance
from tests.snapshot_apps.support import app_for, services_for
from tests.sync_helpers import DOCS, make_fake
from tformance.core import paths
from tformance.core.config_file import EXAMPLE, save_config_value
from tformance.core.errors import SettingsError
from tformance.core.settings import Settings


def write_config(text: str) -> Path:
    path = paths.config_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_command_line_then_environment_then_file_then_defaults() -> None:
    write_config('months = 6\nllm_model = "from-file"\nrepos = ["acme/api"]\n')
    env = {"SYNC_HISTORY_MONTHS": "9"}
    settings = Settings.load(env, overrides={"history_months": 3})
    assert (settings.history_months, settings.sources["history_months"]) == (3, "command line")
    settings = Settings.load(env)
    assert (settings.history_months, settings.sources["history_months"]) == (9, "environment (SYNC_HISTORY_MONTHS)")
    assert (settings.llm_model, settings.sources["llm_model"]) == ("from-file", "config file (llm_model)")
    assert settings.default_repos == ("acme/api",)
    settings = Settings.load({})
    assert (settings.history_months, settings.sources["history_months"]) == (6, "config file (months)")
    paths.config_file_path().unlink()
    settings = Settings.load({})
    assert (settings.history_months, settings.sources["history_months"]) == (12, "default")
    assert Settings.from_env({}) == Settings()  # the old door still works, file or not


def test_the_documented_example_is_a_valid_file() -> None:
    write_config(EXAMPLE)
    settings = Settings.load({})
    assert settings.default_repos == ("acme/api", "acme/web") and settings.theme == "textual-dark"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("months = 'six'\n", "months must be a whole number, got 'six'"),
        ("months = 500\n", "months must be between 1 and 120, got 500"),
        ("colour = 'red'\n", "unknown setting 'colour'"),
        ("repos = 'acme/api'\n", 'repos must be a list of "OWNER/NAME" strings'),
        ("months = \n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(text: str, message: str) -> None:
    path = write_config(text)
    with pytest.raises(SettingsError, match=message) as raised:
        Settings.load({})
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)
    result = tformance("config")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message.split(" ")[0] in result.stderr


def test_saving_one_key_keeps_the_others(tmp_path: Path) -> None:
    path = write_config('months = 6\nrepos = ["acme/api"]\ntheme = "nord"\n')
    save_config_value("theme", "gruvbox")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"months": 6, "repos": ["acme/api"], "theme": "gruvbox"}
    write_config("months = \n")  # broken: left for the user to fix, never overwritten
    with pytest.raises(SettingsError):
        save_config_value("theme", "nord")
    assert path.read_text(encoding="utf-8") == "months = \n"


def config_env(**extra: str) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"], **extra}


def test_tformance_config_says_where_each_setting_came_from_and_where_the_files_are() -> None:
    write_config('months = 6\nrepos = ["acme/api", "acme/web"]\n')
    secret = "ghp_" + "z" * 36
    env = config_env(TFORMANCE_PAGE_SIZE="20", GH_TOKEN=secret)
    result = tformance("config", "--db", "postgresql://ana:hunter2@db.internal/tf", env=env)
    assert result.returncode == 0, result.stderr
    table, _, files = result.stdout.partition("\n\n")
    lines = {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line.strip()) for line in table.splitlines())}
    assert lines["months"] == ["6", "config file (months)"]
    assert lines["repos"] == ["acme/api, acme/web", "config file (repos)"]
    assert lines["page_size"] == ["20", "environment (TFORMANCE_PAGE_SIZE)"]
    assert lines["llm_batch_size"] == ["100", "default"]
    assert lines["github_token"] == ["found", "token from GH_TOKEN"]
    assert lines["database"][0] == "postgresql://ana:***@db.internal/tf"
    places = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in files.splitlines())
    assert places == {
        "database": "postgresql://ana:***@db.internal/tf",
        "config file": str(paths.config_file_path()),
        "logs": str(paths.log_file_path()),
    }
    assert secret not in result.stdout and "hunter2" not in result.stdout


def test_sync_without_repo_syncs_the_files_repositories_for_the_files_months(server, tmp_path: Path) -> None:  # noqa: F811
    _, url = server
    write_config(f'repos = ["{DOCS}"]\nmonths = 2\n')
    from tformance.fakes.github_fake import DEMO_TOKEN

    db = tmp_path / "t.db"
    env = config_env(GITHUB_TOKEN=DEMO_TOKEN, TFORMANCE_GITHUB_URL=url)
    result = tformance("sync", "--db", str(db), "--no-llm", env=env)
    assert result.returncode == 0, result.stderr
    assert DOCS in result.stdout and "acme-robotics/infra" not in result.stdout
    from tformance.core.store.database import close_database, open_database
    from tformance.core.store.models import Repository

    open_database(db)
    try:
        (repo,) = Repository.select()
        assert repo.history_start is not None and (repo.last_synced_at - repo.history_start).days < 100
    finally:
        close_database()


async def test_the_app_opens_in_the_saved_theme_and_saves_the_one_picked(tmp_path: Path) -> None:
    path = write_config('theme = "nord"\nmonths = 6\n')
    services = services_for(tmp_path / "t.db", make_fake())
    services.settings = services.settings.with_(theme="nord")
    app = app_for(services)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "nord"
        assert tomllib.loads(path.read_text(encoding="utf-8"))["theme"] == "nord"
        app.theme = "gruvbox"  # what the palette's "Change theme" does
        await pilot.pause()
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"theme": "gruvbox", "months": 6}
