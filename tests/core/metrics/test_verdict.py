"""The AI verdict's two forms agree: the Python function over a row and the SQL expression."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest

from tformance.core.detection.verdict import ai_condition, ai_verdict, human_condition, people_condition
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import PullRequest, Repository

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)
# Every combination the verdict reads: the LLM's answer (or none yet), the signatures, a bot author.
CASES = list(product((None, False, True), ((), ("copilot",), ("claude_code", "cursor")), (False, True)))


@pytest.fixture
def every_case(database_location: str):
    open_database(database_location)
    repo = Repository.create(full_name="acme/web", owner="acme", name="web")
    for number, (llm, signatures, bot) in enumerate(CASES, start=1):
        PullRequest.create(
            repo=repo,
            number=number,
            github_id=f"PR_{number}",
            author_login=f"user{number}",
            author_is_bot=bot,
            state="OPEN",
            created_at=T0,
            updated_at=T0,
            is_ai_assisted=llm,
            signature_tools=list(signatures),
        )
    yield
    close_database()


def numbers(condition) -> set[int]:
    return {pr.number for pr in PullRequest.select(PullRequest.number).where(condition)}


def test_the_sql_verdict_selects_the_prs_the_python_verdict_calls_ai_assisted(every_case) -> None:
    stored = {pr.number: pr for pr in PullRequest.select()}
    ai = {number for number, pr in stored.items() if ai_verdict(pr.is_ai_assisted, pr.signature_tools)}
    # The rows as stored, read back: the same verdict as the cases they were made from.
    assert ai == {number for number, (llm, signatures, _) in enumerate(CASES, 1) if ai_verdict(llm, signatures)}
    assert numbers(ai_condition()) == ai
    humans = {number for number, pr in stored.items() if number not in ai and not pr.author_is_bot}
    assert numbers(human_condition()) == humans
    assert numbers(people_condition()) == ai | humans
    assert ai and humans and set(stored) - ai - humans  # every side has PRs: the test means something
