"""Tokens without copy and paste: GITHUB_TOKEN, GH_TOKEN, `gh auth token`, then the remembered one.

A stand-in ``gh`` script on ``PATH`` plays the GitHub CLI: it records how it was asked and
answers as the real one does (the token on stdout, or exit 1 when not signed in).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from textual.message import Message

from tests.cli_support import tformance
from tests.snapshot_apps.support import app_for, services_for
from tests.sync_helpers import DOCS, make_fake
from tests.tui_support import wait_for_screen
from tformance.core.errors import SettingsError
from tformance.core.github.token_sources import find_token
from tformance.core.github.token_store import save_token
from tformance.core.settings import Settings
from tformance.fakes.github_fake import DEMO_TOKEN
from tformance.tui.messages import TokenAccepted
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.tui.widgets.token_summary import TokenSummary

GH_SECRET = "gho_" + "c" * 36


class StandInGh:
    """A ``gh`` on PATH that prints ``token`` for ``auth token`` (or fails, or hangs) and logs its arguments."""

    def __init__(self, directory: Path) -> None:
        self.bin = directory / "bin"
        self.bin.mkdir()
        self.calls = directory / "gh-calls.txt"
        self.script = self.bin / "gh"

    def answer(self, token: str | None = GH_SECRET, *, hang: bool = False) -> None:
        body = "import sys, time\n"
        body += f"open({str(self.calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        if hang:
            body += "time.sleep(30)\n"
        if token is None:
            body += "sys.stderr.write('You are not logged into any GitHub hosts.\\n'); sys.exit(1)\n"
        else:
            body += f"print({token!r})\n"
        self.script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
        self.script.chmod(self.script.stat().st_mode | stat.S_IXUSR)

    def asked(self) -> list[str]:
        return self.calls.read_text(encoding="utf-8").splitlines() if self.calls.exists() else []

    def env(self, **extra: str) -> dict[str, str]:
        return {"PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}", **extra}


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandInGh:
    stand_in = StandInGh(tmp_path)
    stand_in.answer()
    monkeypatch.setenv("PATH", stand_in.env()["PATH"])
    return stand_in


def test_the_sources_are_tried_in_the_documented_order(gh: StandInGh) -> None:
    save_token("ghp_" + "s" * 36)
    env = gh.env(GITHUB_TOKEN="ghp_" + "a" * 36, GH_TOKEN="ghp_" + "b" * 36)
    assert find_token(env).source == "GITHUB_TOKEN"
    del env["GITHUB_TOKEN"]
    assert (found := find_token(env)).source == "GH_TOKEN" and found.value == "ghp_" + "b" * 36
    assert gh.asked() == []  # an environment token spares the subprocess
    del env["GH_TOKEN"]
    found = find_token(env)
    assert (found.source, found.value, found.description) == ("gh", GH_SECRET, "token from the GitHub CLI")
    assert gh.asked() == ["auth token"]
    gh.answer(None)  # gh installed but not signed in
    assert (found := find_token(env)).source == "saved" and found.value == "ghp_" + "s" * 36
    assert GH_SECRET not in repr(found) and found.value not in repr(found)


def test_an_enterprise_host_is_asked_for_by_name(gh: StandInGh) -> None:
    assert find_token(gh.env(), host="ghe.corp.example").value == GH_SECRET
    assert find_token(gh.env(), host="github.com").value == GH_SECRET
    assert gh.asked() == ["auth token --hostname ghe.corp.example", "auth token"]


def test_a_hanging_gh_is_given_up_on_and_the_next_source_used(gh: StandInGh) -> None:
    gh.answer(hang=True)
    save_token("ghp_" + "s" * 36)
    assert find_token(gh.env(), timeout=0.5).source == "saved"


def test_without_gh_or_any_token_there_is_none(tmp_path: Path) -> None:
    assert find_token({"PATH": str(tmp_path)}) is None


def test_sync_uses_the_gh_token_and_says_so_never_showing_it(server, gh: StandInGh, tmp_path: Path) -> None:  # noqa: F811
    fake, url = server
    gh.answer(DEMO_TOKEN)
    env = gh.env(TFORMANCE_GITHUB_URL=url)
    result = tformance("sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"), "--no-llm", env=env)
    assert result.returncode == 0, result.stderr
    assert "Signed in to GitHub as demo-lead (Demo Lead) · token from the GitHub CLI" in result.stderr
    assert DEMO_TOKEN not in result.stdout + result.stderr

    result = tformance("sync", "--db", str(tmp_path / "t.db"), "--no-llm", env={**env, "GH_TOKEN": DEMO_TOKEN})
    assert "· token from GH_TOKEN" in result.stderr and DEMO_TOKEN not in result.stdout + result.stderr


def test_sync_on_an_enterprise_host_asks_gh_for_that_host(server, gh: StandInGh, tmp_path: Path) -> None:  # noqa: F811
    _, url = server
    gh.answer(DEMO_TOKEN)
    db = str(tmp_path / "t.db")
    # TFORMANCE_GITHUB_URL wins over the host's URL (here: the local fake); gh is still asked for the host.
    env = gh.env(TFORMANCE_GITHUB_URL=url, GH_HOST="ghe.from-env.example")
    assert tformance("sync", "--repo", DOCS, "--db", db, "--no-llm", env=env).returncode == 0
    assert tformance("sync", "--host", "ghe.corp.example", "--db", db, "--no-llm", env=env).returncode == 0
    assert gh.asked() == ["auth token --hostname ghe.from-env.example", "auth token --hostname ghe.corp.example"]


def test_a_bad_host_is_one_line(tmp_path: Path) -> None:
    result = tformance("sync", "--host", "not a host", "--db", str(tmp_path / "t.db"))
    assert result.returncode == 2
    assert result.stderr.strip() == "tformance: the GitHub host must be a name like ghe.example.com, got 'not a host'"


def test_the_host_decides_the_graphql_url() -> None:
    assert Settings.from_env({}).github_url == "https://api.github.com/graphql"
    assert Settings.from_env({"GH_HOST": "github.com"}).github_url == "https://api.github.com/graphql"
    ghes = Settings.from_env({"GH_HOST": "GHE.Corp.Example"})
    assert (ghes.github_host, ghes.github_url) == ("ghe.corp.example", "https://ghe.corp.example/api/graphql")
    assert Settings.from_env({"GH_HOST": "a.example"}, host="https://b.example/").github_url == (
        "https://b.example/api/graphql"
    )
    pinned = {"GH_HOST": "a.example", "TFORMANCE_GITHUB_URL": "http://127.0.0.1:9/graphql"}
    assert Settings.from_env(pinned, host="b.example").github_url == "http://127.0.0.1:9/graphql"
    with pytest.raises(SettingsError):
        Settings.from_env({"GH_HOST": "bad host/"})


async def test_the_app_skips_the_token_screen_with_gh_and_says_where_the_token_came_from(
    gh: StandInGh, tmp_path: Path
) -> None:
    gh.answer(DEMO_TOKEN)
    app = app_for(services_for(tmp_path / "t.db", make_fake(), demo=False))
    messages: list[Message] = []
    async with app.run_test(size=(120, 30), message_hook=messages.append) as pilot:
        await wait_for_screen(pilot, RepoPickerScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one(TokenSummary).render())
    accepted = [message for message in messages if isinstance(message, TokenAccepted)]
    assert accepted and accepted[0].source == "gh"
    assert "token from the GitHub CLI" in summary and DEMO_TOKEN not in summary
