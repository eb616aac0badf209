"""Stage 2 over the database: the enricher with the real SDK against the fake Groq, and `tformance enrich`."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date
from pathlib import Path

import pytest

from tests.factories import REPO, pr_record
from tformance.core.enrichment.batch import BatchEnrichment, batch_custom_id, load_batch_state
from tformance.core.enrichment.live import Enricher
from tformance.core.enrichment.pending import claim_unit, count_pending, store_answers
from tformance.core.events import EnrichmentProgress, EnrichmentStopped, Notice, PageStored, SyncEvent
from tformance.core.github.records import PullRequestRecord
from tformance.core.llm.answers import PRAnswer
from tformance.core.llm.client import LLMClient
from tformance.core.llm.cost import usage_cost
from tformance.core.llm.prompt import PROMPT_VERSION
from tformance.core.settings import Settings
from tformance.core.store import pr_store
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import EnrichmentStatus, PullRequest
from tformance.core.store.pr_store import DatabaseThread
from tformance.enrich_command import run_enrich
from tformance.fakes.groq_fake import FakeGroq, serve_in_thread
from tformance.fakes.groq_faults import GroqFault

SECRET = "gsk_" + "SECRET_enricher_never_stores_4b1c"  # built in two parts: no secret scanner flags it
CLAUDE_FOOTER = "Generated with [Claude Code](https://claude.ai/code)"


def mixed_records(count: int) -> list[PullRequestRecord]:
    """Human PRs, stage-1 AI PRs, LLM-only AI PRs and PRs with empty bodies and titles, in turn."""
    records = []
    for n in range(1, count + 1):
        if n % 4 == 1:
            records.append(pr_record(n, body=CLAUDE_FOOTER))
        elif n % 4 == 2:
            records.append(pr_record(n, body="I drafted this fix with ChatGPT and reviewed it line by line."))
        elif n % 4 == 3:
            records.append(pr_record(n, title="", body="", commit=f"refactor: split module {n}"))
        else:
            records.append(pr_record(n, body="Plain change, written by hand."))
    return records


@pytest.fixture
async def db(tmp_path: Path):
    open_database(tmp_path / "enrich.db")
    thread = DatabaseThread()
    yield thread
    await thread.run(close_database)
    thread.close()
    close_database()


async def store(db: DatabaseThread, records: list[PullRequestRecord]) -> None:
    repo = await db.run(pr_store.ensure_repository, REPO)
    await db.run(pr_store.save_pull_requests, repo.id, records, {})


async def rows(db: DatabaseThread) -> list[dict]:
    return await db.run(lambda: list(PullRequest.select().order_by(PullRequest.number).dicts()))


def client(fake: FakeGroq, **options) -> LLMClient:
    options.setdefault("backoff_base", 0.001)
    return LLMClient(fake.client, options.pop("model", "openai/gpt-oss-20b"), **options)


async def test_every_pending_pr_gets_a_summary_and_a_verdict(db: DatabaseThread) -> None:
    await store(db, mixed_records(35))
    fake = FakeGroq()
    events: list = []
    summary = await Enricher(client(fake), db, batch_size=10, sink=events.append).run()

    assert (summary.enriched, summary.failed, summary.pending, summary.stopped_reason) == (35, 0, 0, None)
    stored = await rows(db)
    assert all(row["enrichment_status"] == EnrichmentStatus.DONE for row in stored)
    assert all(row["llm_summary"] and "\n" not in row["llm_summary"] for row in stored)
    assert all(row["llm_summary_version"] == PROMPT_VERSION for row in stored)
    by_number = {row["number"]: row for row in stored}
    assert by_number[1]["is_ai_assisted"] and by_number[1]["ai_tools_detected"] == ["claude_code"]
    assert by_number[2]["signature_tools"] == []  # stage 1 missed it; the LLM decides
    assert by_number[2]["is_ai_assisted"] and by_number[2]["ai_tools_detected"] == ["chatgpt"]
    assert by_number[3]["title"] == "" and by_number[3]["llm_summary"] == "Splits module 3."
    assert by_number[4]["is_ai_assisted"] is False and by_number[4]["ai_tools_detected"] == []
    asked = sorted(pr_id for call in fake.chat_calls for pr_id in call.pr_ids)
    assert asked == sorted(row["id"] for row in stored)  # each PR asked about exactly once


async def test_progress_is_committed_per_unit_with_tokens_and_cost(db: DatabaseThread) -> None:
    await store(db, mixed_records(35))
    fake = FakeGroq()
    events: list = []
    llm = client(fake)
    summary = await Enricher(llm, db, batch_size=10, sink=events.append).run()
    progress = [event for event in events if isinstance(event, EnrichmentProgress)]
    assert progress[0] == EnrichmentProgress(0, 35, 0, 0, 0.0)
    units = progress[1:]
    assert len(units) == 4  # 10 + 10 + 10 + 5
    done = [event.enriched for event in units]
    assert sorted(done) == done and done[-1] == 35
    assert all(0 < later - earlier <= 10 for earlier, later in zip([0, *done], done, strict=False))
    assert units[-1].pending == 0 and units[-1].repo == REPO
    assert units[-1].tokens_used == summary.tokens_used == fake.tokens_used
    assert summary.cost_usd == pytest.approx(usage_cost("openai/gpt-oss-20b", llm.usage)) and summary.cost_usd > 0
    assert "35 PRs enriched" in summary.describe() and "tokens" in summary.describe()


async def test_explicit_markers_win_over_a_human_answer(db: DatabaseThread) -> None:
    await store(db, [pr_record(1, body=CLAUDE_FOOTER), pr_record(2)])
    unit = await db.run(claim_unit, 0, 10)
    human = {pr.id: PRAnswer(pr.id, False, (), "Changes something.") for pr in unit}
    await db.run(store_answers, unit, human, ())
    first, second = await rows(db)
    assert (first["is_ai_assisted"], first["ai_tools_detected"]) == (True, ["claude_code"])
    assert (second["is_ai_assisted"], second["ai_tools_detected"]) == (False, [])
    assert first["llm_summary"] == "Changes something."


async def test_enrichment_starts_before_the_fetch_ends(db: DatabaseThread) -> None:
    fake = FakeGroq(latency_per_request=0.01)
    # A long idle poll: only notify() can make it start early.
    enricher = Enricher(client(fake), db, batch_size=10, idle_poll=30)
    fetch_done = asyncio.Event()
    stored_at: list[float] = []

    async def fetch() -> None:
        for page in range(5):
            await store(db, mixed_records(50)[page * 10 : page * 10 + 10])
            stored_at.append(time.monotonic())
            enricher.notify(REPO)
            await asyncio.sleep(0.04)
        fetch_done.set()

    started = time.monotonic()
    summary, _ = await asyncio.gather(enricher.run(fetch_done), fetch())
    assert fake.chat_calls[0].at < stored_at[-1]
    assert summary.enriched == 50 and summary.pending == 0
    assert time.monotonic() - started < 5


async def test_enrichment_overlaps_a_real_sync(db: DatabaseThread) -> None:
    from tformance.core.github.client import GitHubClient
    from tformance.core.sync.service import SyncService
    from tformance.fakes.demo_org import build_demo_org
    from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub

    github_fake = FakeGitHub(build_demo_org(date(2025, 6, 30)))
    github_fake.latency_per_request = 0.02
    groq_fake = FakeGroq()
    enricher = Enricher(client(groq_fake), db, batch_size=20, idle_poll=30)
    fetch_done = asyncio.Event()
    pages: list[float] = []

    def on_stored(event: SyncEvent) -> None:
        if isinstance(event, PageStored):
            pages.append(time.monotonic())
            enricher.notify(event.repo)

    async def sync() -> None:
        try:
            async with GitHubClient(DEMO_TOKEN, transport=github_fake.transport(), backoff_base=0.01) as github:
                # One walk (no slices at once), so pages keep coming while the enricher starts.
                service = SyncService(
                    github, db, today=date(2025, 6, 30), page_size=10, sink=on_stored, slice_above_pages=1000
                )
                await service.run(["acme-robotics/docs"], months=12)
        finally:
            fetch_done.set()

    summary, _ = await asyncio.gather(enricher.run(fetch_done), sync())
    assert len(pages) > 2
    assert groq_fake.chat_calls[0].at < pages[-1]
    assert summary.stopped_reason is None and summary.pending == 0
    assert summary.enriched == await db.run(lambda: PullRequest.select().count()) > 0


async def test_daily_quota_stops_enriching_and_keeps_prs_pending(db: DatabaseThread) -> None:
    await store(db, mixed_records(30))
    fake = FakeGroq()
    fake.inject("daily_quota", times=None)
    events: list = []
    summary = await Enricher(client(fake), db, batch_size=10, sink=events.append).run()
    assert summary.stopped_reason is not None and "daily quota" in summary.stopped_reason
    assert (summary.enriched, summary.pending) == (0, 30)
    assert all(row["enrichment_status"] == EnrichmentStatus.PENDING for row in await rows(db))
    assert all(row["is_ai_assisted"] is None and row["llm_summary"] is None for row in await rows(db))
    stopped = [event for event in events if isinstance(event, EnrichmentStopped)]
    assert len(stopped) == 1 and "daily quota" in stopped[0].reason
    notices = [event for event in events if isinstance(event, Notice)]
    assert len(notices) == 1 and notices[0].level == "warning"
    assert "tformance enrich" in notices[0].text and "30 PRs pending" in notices[0].text
    assert "\n" not in notices[0].text
    assert len(fake.chat_calls) == 1


async def test_a_quota_running_out_midway_keeps_what_was_done(db: DatabaseThread) -> None:
    await store(db, mixed_records(60))
    fake = FakeGroq(tokens_per_day=4000)
    summary = await Enricher(client(fake, max_prs_per_request=5), db, batch_size=10).run()
    assert summary.stopped_reason is not None
    assert 0 < summary.enriched < 60 and summary.pending == 60 - summary.enriched
    statuses = {row["enrichment_status"] for row in await rows(db)}
    assert statuses == {EnrichmentStatus.DONE, EnrichmentStatus.PENDING}


async def test_no_key_waits_for_the_fetch_and_says_how_to_finish(db: DatabaseThread) -> None:
    events: list = []
    enricher = Enricher(None, db, sink=events.append)
    fetch_done = asyncio.Event()
    task = asyncio.create_task(enricher.run(fetch_done))
    await store(db, mixed_records(12))
    enricher.notify(REPO)
    await asyncio.sleep(0.05)
    assert not task.done()  # it counts every PR of the sync before saying so
    fetch_done.set()
    summary = await task
    assert summary.stopped_reason is not None and "GROQ_API_KEY" in summary.stopped_reason
    assert (summary.enriched, summary.pending, summary.tokens_used) == (0, 12, 0)
    notice = next(event for event in events if isinstance(event, Notice))
    assert notice.text.startswith("AI summaries skipped: no GROQ_API_KEY")
    assert "12 PRs pending" in notice.text and "tformance enrich" in notice.text


async def test_a_rejected_key_stops_and_never_reaches_the_database(db: DatabaseThread, tmp_path: Path) -> None:
    await store(db, mixed_records(8))
    fake = FakeGroq(api_key="gsk_right")
    settings = Settings(groq_api_key=SECRET, groq_base_url="http://groq.fake")
    import httpx

    events: list = []
    enricher = Enricher.from_settings(
        settings, db, sink=events.append, http_client=httpx.AsyncClient(transport=fake.transport())
    )
    summary = await enricher.run()
    assert summary.stopped_reason is not None and "401" in summary.stopped_reason
    assert summary.pending == 8
    assert all(SECRET not in repr(event) for event in events)
    assert SECRET not in repr(enricher.llm) and SECRET not in repr(summary)
    await db.run(close_database)
    for path in tmp_path.glob("enrich.db*"):
        assert SECRET.encode() not in path.read_bytes()


async def test_groq_down_keeps_prs_pending(db: DatabaseThread) -> None:
    await store(db, mixed_records(6))
    fake = FakeGroq()
    fake.inject("overloaded", times=None, retry_after=None)
    summary = await Enricher(client(fake, max_attempts=2), db).run()
    assert summary.stopped_reason is not None and "503" in summary.stopped_reason
    assert summary.pending == 6


async def test_a_pr_without_a_usable_answer_is_marked_failed_and_retried_later(db: DatabaseThread) -> None:
    await store(db, mixed_records(4))
    target = (await rows(db))[1]["id"]
    fake = FakeGroq()
    fake.inject(GroqFault("invalid_json", times=None, only_ids=frozenset({target})))
    first = await Enricher(client(fake), db).run()
    assert (first.enriched, first.failed, first.pending) == (3, 1, 0)
    assert {row["id"]: row["enrichment_status"] for row in await rows(db)}[target] == EnrichmentStatus.FAILED
    fake.clear_faults()
    again = await Enricher(client(fake), db, retry_failed=True).run()
    assert (again.enriched, again.failed, again.pending) == (1, 0, 0)
    assert all(row["enrichment_status"] == EnrichmentStatus.DONE for row in await rows(db))


async def test_a_groq_client_factory_and_another_model(db: DatabaseThread) -> None:
    await store(db, mixed_records(3))
    fake = FakeGroq()
    summary = await Enricher(fake.client, db, model="llama-3.3-70b-versatile").run()
    assert summary.enriched == 3 and summary.model == "llama-3.3-70b-versatile"
    assert {call.response_format for call in fake.chat_calls} == {"json_object"}


async def test_no_key_in_settings_means_no_client(db: DatabaseThread) -> None:
    enricher = Enricher.from_settings(Settings(llm_batch_size=7), db)
    assert enricher.llm is None and enricher.batch_size == 7


async def test_batch_mode_submits_then_collects_on_a_later_run(db: DatabaseThread) -> None:
    await store(db, mixed_records(25))
    fake = FakeGroq(batch_polls_until_done=2)
    llm = client(fake, max_prs_per_request=10)
    batch = BatchEnrichment(llm, db, batch_size=10)

    submitted = await batch.run()
    assert submitted.status == "submitted" and submitted.prs == 25
    state = await db.run(load_batch_state)
    assert state["batch_id"] == submitted.batch_id and state["prompt_version"] == PROMPT_VERSION
    assert sorted(pr_id for ids in state["requests"].values() for pr_id in ids) == sorted(
        row["id"] for row in await rows(db)
    )
    assert set(state["requests"]) == {batch_custom_id(ids) for ids in state["requests"].values()}
    assert await db.run(count_pending) == 25
    assert fake.chat_calls == []  # nothing went through the live endpoint

    waiting = await batch.run()
    assert waiting.status == "waiting" and "in_progress" in waiting.message

    collected = await BatchEnrichment(llm, db, batch_size=10).run()  # a later run, from the stored state
    assert collected.status == "collected" and collected.prs == 25 and collected.pending == 0
    assert await db.run(load_batch_state) is None
    assert all(row["enrichment_status"] == EnrichmentStatus.DONE and row["llm_summary"] for row in await rows(db))
    assert llm.usage.requests == len(state["requests"]) and llm.usage.total_tokens > 0


async def test_a_batch_groq_forgot_is_dropped_and_prs_stay_pending(db: DatabaseThread) -> None:
    await store(db, mixed_records(3))
    await BatchEnrichment(client(FakeGroq()), db).run()
    outcome = await BatchEnrichment(client(FakeGroq()), db).run()  # another Groq: it never heard of the batch
    assert outcome.status == "expired" and outcome.pending == 3
    assert await db.run(load_batch_state) is None


def test_custom_ids_are_stable_and_short() -> None:
    assert batch_custom_id([3, 1, 2]) == batch_custom_id([1, 2, 3])
    assert batch_custom_id([1, 2]) != batch_custom_id([1, 2, 4])
    assert len(batch_custom_id(list(range(1000)))) < 64


# -- `tformance enrich` ----------------------------------------------------------------------


def _prepare_db(path: Path, count: int) -> None:
    open_database(path)
    repo = pr_store.ensure_repository(REPO)
    pr_store.save_pull_requests(repo.id, mixed_records(count), {})
    close_database()


def _args(path: Path, **options) -> argparse.Namespace:
    values = {"db": str(path), "demo": False, "llm_mode": "live", "dry_run": False, "demo_speed": 1000.0}
    return argparse.Namespace(**{**values, **options})


def _statuses(path: Path) -> list[str]:
    open_database(path)
    try:
        return [row.enrichment_status for row in PullRequest.select()]
    finally:
        close_database()


def test_enrich_without_a_key_exits_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _prepare_db(tmp_path / "t.db", 3)
    assert run_enrich(_args(tmp_path / "t.db")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tformance: no GROQ_API_KEY")


def test_enrich_in_the_demo_finishes_everything(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _prepare_db(tmp_path / "t.db", 12)
    assert run_enrich(_args(tmp_path / "t.db", demo=True)) == 0
    assert set(_statuses(tmp_path / "t.db")) == {EnrichmentStatus.DONE}
    assert "12 PRs enriched" in capsys.readouterr().out


def test_enrich_batch_mode_in_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _prepare_db(tmp_path / "t.db", 5)
    assert run_enrich(_args(tmp_path / "t.db", demo=True, llm_mode="batch")) == 0
    assert set(_statuses(tmp_path / "t.db")) == {EnrichmentStatus.DONE}
    out = capsys.readouterr().out
    assert "submitted 5 PRs" in out and "collected" in out


def test_enrich_dry_run_shows_what_would_leave(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _prepare_db(tmp_path / "t.db", 7)
    assert run_enrich(_args(tmp_path / "t.db", dry_run=True)) == 0
    out = capsys.readouterr().out
    assert "title" in out and "Never sent" in out and "7 PRs pending" in out and "Nothing was sent" in out
    assert set(_statuses(tmp_path / "t.db")) == {EnrichmentStatus.PENDING}


def test_enrich_with_a_rejected_key_over_a_socket(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    _prepare_db(tmp_path / "t.db", 4)
    fake = FakeGroq(api_key="gsk_right")
    url, stop = serve_in_thread(fake)
    monkeypatch.setenv("GROQ_API_KEY", SECRET)
    monkeypatch.setenv("GROQ_BASE_URL", url)
    try:
        assert run_enrich(_args(tmp_path / "t.db")) == 1
    finally:
        stop()
    captured = capsys.readouterr()
    assert "401" in captured.err and SECRET not in captured.err + captured.out
    assert set(_statuses(tmp_path / "t.db")) == {EnrichmentStatus.PENDING}
    assert fake.calls and fake.calls[0].status == 401


async def test_a_pr_refreshed_while_its_llm_call_is_in_flight_is_asked_again(db: DatabaseThread) -> None:
    from tformance.fakes.groq_answers import summarise

    await store(db, [pr_record(1, title="fix: old wording"), pr_record(2)])
    fake = FakeGroq(latency_per_request=0.4)
    run = asyncio.create_task(Enricher(client(fake), db, batch_size=10).run())
    await asyncio.sleep(0.15)  # the first request is on its way
    await store(db, [pr_record(1, title="feat: add the retry queue")])  # the sync refreshes PR 1 meanwhile
    summary = await run

    by_number = {row["number"]: row for row in await rows(db)}
    assert by_number[1]["llm_summary"] == summarise("feat: add the retry queue", ["fix case 1"])
    assert by_number[1]["enrichment_status"] == EnrichmentStatus.DONE and summary.pending == 0
    asked = [pr_id for call in fake.chat_calls for pr_id in call.pr_ids]
    assert asked.count(by_number[1]["id"]) == 2 and asked.count(by_number[2]["id"]) == 1
    assert summary.enriched == 2
