"""How fast the app feels: launch to first painted screen, and the sync screen under a flood of events.

Run: ``python benchmarks/tui_speed.py [--repos 20] [--prs-per-repo 100]``. A benchmark, not a test.

1. Launch: a fresh Python process imports the app and runs it headless; the time is from before the
   first import to the first screen's first refresh (the target is under 1 s; add the interpreter's
   own start-up, about 50 ms).
2. Sync: 20 repos and 2,000 PRs from the fake GitHub with no latency, the worst case for the UI: every
   page lands at once. It reports how often the sync screen redrew (target: 20 a second or more), the
   event loop's worst delay while syncing (what a key press would wait) and how many events were
   coalesced.
3. Capacity: the sync screen alone, fed through its ``EventBuffer`` (as the real sync's sink feeds it)
   by a background thread sending a steady synthetic flood of the real core events: ``SyncStarted``
   for 20 repos of 100 PRs, then a ``RepoProgress`` and an ``OverallProgress`` for every PR fetched.
   It reports the screen updates actually drained and painted a second (target: 20 or more), the
   event loop's delay (a 10 ms timer's lateness) and how long a key press waits for its action,
   and checks that the screen ends showing every PR.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAUNCH = """
import time
started = time.perf_counter()
import tempfile
from pathlib import Path
from tformance.core.settings import Settings
from tformance.wiring import build_services
from tformance.tui.app import make_app
from tformance.tui.screens.start import StartScreen

settings = Settings(database=str(Path(tempfile.mkdtemp()) / "t.db"), demo=DEMO)
app = make_app(build_services(settings))

def painted(screen):
    # The first screen's first refresh: what the person sees first.
    def done():
        print(f"{time.perf_counter() - started:.3f}")
        app.set_timer(0.5, app.exit)  # let start-up finish, so nothing is torn down half-mounted
    screen.call_after_refresh(done)

StartScreen.on_mount = painted
app.run(headless=True, size=(100, 30))
"""


def launch_time(runs: int, demo: bool) -> list[float]:
    times = []
    for _ in range(runs):
        code = LAUNCH.replace("DEMO", repr(demo))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


async def sync_flood(repos: int, prs_per_repo: int, latency: float, latency_per_pr: float) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from tests.snapshot_apps.support import TODAY, app_for, fake_github, services_for
    from tformance.tui.screens.dashboard import DashboardScreen
    from tformance.tui.screens.repo_picker import RepoPickerScreen
    from tformance.tui.screens.sync import SyncScreen

    # The fake GitHub runs in its own process, as GitHub would: its work is not the UI's.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tformance.fakes.github_server",
            "--dataset=large",
            f"--repos={repos}",
            f"--prs-per-repo={prs_per_repo}",
            f"--today={TODAY:%Y-%m-%d}",
            f"--latency={latency}",
            f"--latency-per-pr={latency_per_pr}",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    services = services_for(Path(tempfile.mkdtemp()) / "t.db", fake_github())
    services.transport = None
    services.settings = services.settings.with_(github_url=url)
    app = app_for(services)
    lags: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, RepoPickerScreen) and app.screen._loaded and not app.screen.table.counting):
            await pilot.pause(0.05)
        await pilot.press("ctrl+a", "enter")
        while not isinstance(app.screen, SyncScreen):
            await pilot.pause(0.01)
        screen = app.screen
        started = time.perf_counter()
        tick = 0.01
        expected = time.perf_counter() + tick
        while not isinstance(app.screen, DashboardScreen):
            await asyncio.sleep(tick)
            now = time.perf_counter()
            lags.append(max(0.0, now - expected))
            expected = now + tick
        elapsed = time.perf_counter() - started
        while app.screen.report is None:  # leave once the dashboard is up, not half-mounted
            await pilot.pause(0.05)
        buffer = screen.buffer
        received, delivered, drains = buffer.received, buffer.delivered, buffer.drains
    server.kill()
    return {
        "seconds": elapsed,
        "redraws_per_second": drains / elapsed,
        "events_received": received,
        "events_shown": delivered,
        "worst_loop_delay_ms": max(lags) * 1000,
        "p95_loop_delay_ms": statistics.quantiles(lags, n=20)[-1] * 1000,
    }


def _flood(repos: int, prs_per_repo: int) -> list[object]:
    """The events of a sync of ``repos`` x ``prs_per_repo`` PRs, the repos fetched side by side."""
    from tformance.core.events import OverallProgress, RepoPlan, RepoProgress, Stage, SyncStarted

    names = [f"acme-robotics/service-{index:02d}" for index in range(repos)]
    total = repos * prs_per_repo
    plans = tuple(RepoPlan(name, prs_per_repo, prs_per_repo, prs_per_repo) for name in names)
    events: list[object] = [SyncStarted(plans, total, total // 50, 120.0, 5_000)]
    fetched = done = 0
    for pr in range(1, prs_per_repo + 1):
        for name in names:
            fetched += 1
            stage = Stage.DONE if pr == prs_per_repo else Stage.FETCHING
            done += stage is Stage.DONE
            events.append(RepoProgress(name, stage, pr, pr, prs_per_repo, ai_found=pr // 4))
            eta = (total - fetched) / 400
            events.append(OverallProgress(fetched, total, fetched / total, eta, 5_000 - fetched // 50, done, 0, repos))
    return events


async def sync_capacity(repos: int, prs_per_repo: int, rate: float) -> dict[str, float]:
    """The real sync screen under a steady synthetic flood of ``rate`` events a second, from a thread."""
    sys.path.insert(0, str(ROOT))
    from textual import events as textual_events

    from tests.snapshot_apps.support import app_for, fake_github, services_for
    from tformance.tui.screens.repo_picker import RepoPickerScreen
    from tformance.tui.screens.sync import MAIN, SyncScreen
    from tformance.tui.widgets.overall_progress import OverallProgress as OverallProgressWidget

    flood = _flood(repos, prs_per_repo)
    names = [event.repo for event in flood[0].plans]  # type: ignore[attr-defined]
    app = app_for(services_for(Path(tempfile.mkdtemp()) / "t.db", fake_github()))
    paints = 0
    display = app._display

    def counting_display(screen: object, renderable: object) -> None:
        nonlocal paints
        if renderable is not None and not app._batch_count:
            paints += 1
        display(screen, renderable)

    app._display = counting_display  # type: ignore[method-assign]
    pressed: list[float] = []  # when each key press posted
    handled: list[float] = []  # when its action ran
    focus_next = app.action_focus_next

    def timed_focus_next() -> None:
        handled.append(time.perf_counter())
        focus_next()

    app.action_focus_next = timed_focus_next  # type: ignore[method-assign]

    lags: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, RepoPickerScreen) and app.screen._loaded):
            await pilot.pause(0.05)
        app.navigate(SyncScreen(names, months=12, autostart=False))
        while not isinstance(app.screen, SyncScreen):
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        screen = app.screen
        screen.running.add(MAIN)  # as ``start_run`` would, without starting the real sync
        sink = screen.buffer.sink(MAIN)
        stop = threading.Event()

        def feed() -> None:  # the sync's sink, called at a steady rate from another thread
            began = time.perf_counter()
            for index, event in enumerate(flood):
                wait = began + index / rate - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                if stop.is_set():
                    return
                sink(event)  # type: ignore[arg-type]

        paints_before, drains_before = paints, screen.buffer.drains
        feeder = threading.Thread(target=feed, daemon=True)
        started = time.perf_counter()
        feeder.start()
        tick = 0.01
        expected = time.perf_counter() + tick
        next_key = started + 0.25
        while feeder.is_alive():
            await asyncio.sleep(tick)
            now = time.perf_counter()
            lags.append(max(0.0, now - expected))
            expected = now + tick
            if now >= next_key and len(pressed) == len(handled):  # one key in flight at a time
                pressed.append(now)
                app.post_message(textual_events.Key("down", None))
                next_key = now + 0.25
        elapsed = time.perf_counter() - started
        await pilot.pause(0.3)  # the last batch drains and paints
        stop.set()
        rows = screen.rows.values()
        overall = screen.query_one(OverallProgressWidget)
        shown = {
            "fetched": sum(row.fetched for row in rows),
            "repos_done": sum(row.stage.value == "done" for row in rows),
            "overall_fetched": overall.fetched,
            "overall_total": overall.total,
        }
        buffer = screen.buffer
        drains, painted = buffer.drains - drains_before, paints - paints_before
        received, delivered = buffer.received, buffer.delivered
    key_waits = [done - sent for sent, done in zip(pressed, handled, strict=False)]
    return {
        "seconds": elapsed,
        "events_per_second": received / elapsed,
        "events_received": received,
        "events_shown": delivered,
        "drains_per_second": drains / elapsed,
        "paints_per_second": painted / elapsed,
        "p95_loop_delay_ms": statistics.quantiles(lags, n=20)[-1] * 1000,
        "worst_loop_delay_ms": max(lags) * 1000,
        "keys": len(key_waits),
        "p95_key_wait_ms": statistics.quantiles(key_waits, n=20)[-1] * 1000 if len(key_waits) > 1 else float("nan"),
        "worst_key_wait_ms": max(key_waits, default=float("nan")) * 1000,
        **shown,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--prs-per-repo", type=int, default=100)
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0, help="the fake's seconds per request (0: a flood)")
    parser.add_argument("--latency-per-pr", type=float, default=0.0)
    parser.add_argument("--flood-rate", type=float, default=800.0, help="capacity case: events a second")
    args = parser.parse_args()

    for demo in (False, True):
        times = launch_time(args.launches, demo)
        label = "tformance --demo" if demo else "tformance"
        print(f"{label}: launch to first painted screen, median {statistics.median(times):.2f} s (target < 1 s)")
    result = asyncio.run(sync_flood(args.repos, args.prs_per_repo, args.latency, args.latency_per_pr))
    print(f"sync of {args.repos} repos, {args.repos * args.prs_per_repo:,} PRs: {result['seconds']:.1f} s")
    print(f"  sync screen redraws: {result['redraws_per_second']:.0f} a second (target >= 20)")
    print(f"  events: {result['events_received']:,.0f} received, {result['events_shown']:,.0f} shown after coalescing")
    print(
        f"  event loop delay (a key press waits this long): p95 {result['p95_loop_delay_ms']:.0f} ms, "
        f"worst {result['worst_loop_delay_ms']:.0f} ms"
    )
    capacity = asyncio.run(sync_capacity(args.repos, args.prs_per_repo, args.flood_rate))
    expected = args.repos * args.prs_per_repo
    print(
        f"sync screen capacity, {args.repos} repos, {expected:,} PRs, synthetic flood: {capacity['seconds']:.1f} s "
        f"at {capacity['events_per_second']:.0f} events a second"
    )
    print(
        f"  screen updates: {capacity['drains_per_second']:.0f} drains, {capacity['paints_per_second']:.0f} paints "
        "a second (target >= 20)"
    )
    print(
        f"  events: {capacity['events_received']:,.0f} received, {capacity['events_shown']:,.0f} shown after coalescing"
    )
    print(
        f"  event loop delay: p95 {capacity['p95_loop_delay_ms']:.0f} ms, "
        f"worst {capacity['worst_loop_delay_ms']:.0f} ms;"
        f" key press to action ({capacity['keys']} keys): p95 {capacity['p95_key_wait_ms']:.0f} ms,"
        f" worst {capacity['worst_key_wait_ms']:.0f} ms"
    )
    complete = (
        capacity["fetched"] == expected
        and capacity["overall_fetched"] == expected
        and capacity["overall_total"] == expected
        and capacity["repos_done"] == args.repos
    )
    print(
        f"  final state: {capacity['fetched']:,.0f} PRs in the rows, overall {capacity['overall_fetched']:,.0f} / "
        f"{capacity['overall_total']:,.0f}, {capacity['repos_done']:.0f} of {args.repos} repos done: "
        + ("all shown" if complete else "INCOMPLETE")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
