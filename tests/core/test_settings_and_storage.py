from datetime import UTC, datetime

import pytest

from tformance.core.errors import DatabaseError, SettingsError
from tformance.core.github.token_store import forget_token, load_token, save_token
from tformance.core.settings import Settings
from tformance.core.store.database import open_database
from tformance.core.store.models import PullRequest, Repository, SchemaInfo


def test_settings_read_the_documented_environment():
    settings = Settings.from_env(
        {
            "GITHUB_TOKEN": "ghp_secret",
            "TFORMANCE_GITHUB_URL": "http://127.0.0.1:9/graphql",
            "TFORMANCE_DB": "/tmp/x.db",
            "SYNC_HISTORY_MONTHS": "6",
            "SYNC_LLM_BATCH_SIZE": "25",
        }
    )
    assert settings.github_url == "http://127.0.0.1:9/graphql"
    assert settings.database_location() == "/tmp/x.db"
    assert (settings.history_months, settings.llm_batch_size) == (6, 25)
    assert "ghp_secret" not in repr(settings)


@pytest.mark.parametrize("value", ["twelve", "0", "-3", "1000"])
def test_bad_numbers_in_the_environment_get_a_clear_message(value):
    with pytest.raises(SettingsError, match="SYNC_HISTORY_MONTHS"):
        Settings.from_env({"SYNC_HISTORY_MONTHS": value})


def test_default_database_lives_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    location = Settings().database_location()
    assert location.startswith(str(tmp_path)) and location.endswith("tformance.db")
    assert Settings(demo=True).database_location().endswith("demo.db")


def test_database_is_wal_and_round_trips_aware_utc_times(tmp_path):
    database = open_database(tmp_path / "t.db")
    assert database.execute_sql("pragma journal_mode").fetchone()[0] == "wal"
    repo = Repository.create(full_name="o/r", owner="o", name="r")
    created = datetime(2024, 12, 1, 0, 0, tzinfo=UTC)
    PullRequest.create(repo=repo, number=1, github_id="PR_1", state="OPEN", created_at=created, updated_at=created)
    stored = PullRequest.get()
    assert stored.created_at == created and stored.created_at.tzinfo is not None
    database.close()


def test_a_database_from_a_newer_version_says_what_to_do(tmp_path):
    path = tmp_path / "t.db"
    open_database(path)
    SchemaInfo.update(value="999").execute()
    with pytest.raises(DatabaseError, match="newer tformance"):
        open_database(path)


def test_saved_token_is_private_and_forgettable(tmp_path):
    path = tmp_path / "cfg" / "token"
    save_token("ghp_abc\n", path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_token(path) == "ghp_abc"
    assert forget_token(path) is True
    assert load_token(path) is None and forget_token(path) is False
