"""How fast the app feels: launch to first painted screen, and the sync screen under a flood of events.

Run: ``python benchmarks/tui_speed.py [--repos 20] [--prs-per-repo 100]``. A benchmark, not a test.

1. Launch: a fresh Python process imports the app and runs it headless; the time is from before the
   first import to the first screen's first refresh (the target is under 1 s; add the interpreter's
   own start-up, about 50 ms).
2. Sync: 20 repos and 2,000 PRs from the fake GitHub with no latency, the worst case for the UI: every
   page lands at once. It reports how often the sync screen redrew (target: 20 a second or more), the
   event loop's worst delay while syncing (what a key press would wait) and how many events were
   coalesced.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAUNCH = """
import time
started = time.perf_counter()
import tempfile
from pathlib import Path
from tformance.core.settings import Settings
from tformance.core.services import build_services
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
            "tformance.core.fakes.github_server",
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--prs-per-repo", type=int, default=100)
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0, help="the fake's seconds per request (0: a flood)")
    parser.add_argument("--latency-per-pr", type=float, default=0.0)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
