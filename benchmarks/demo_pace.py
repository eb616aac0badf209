"""How long the demo's sync takes in the app, at each ``--demo-speed``: the sales pitch's pace.

Run: ``python benchmarks/demo_pace.py [--speeds 1 2 4]``. A benchmark, not a test.

Each run is a fresh ``tformance --demo`` (the same services and settings as ``tui_command``) driven
headless: Enter on the repository list (every repository selected), then the time until the
dashboard has loaded its report, which is when the person watching sees the result, and until the
LLM stage (the fake Groq at the demo's pace) has summarised every PR.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from tformance.core.settings import Settings, demo_settings
from tformance.tui.app import make_app
from tformance.tui.messages import StartSync
from tformance.tui.screens.dashboard import DashboardScreen
from tformance.tui.screens.repo_picker import RepoPickerScreen
from tformance.wiring import build_services


async def one_run(speed: float) -> tuple[float, float]:
    settings = demo_settings(Settings(database=str(Path(tempfile.mkdtemp()) / "demo.db")))
    app = make_app(build_services(settings, demo_speed=speed))
    app.set_demo_speed(speed)
    started: list[float] = []

    def hook(message: object) -> None:
        if isinstance(message, StartSync) and not started:
            started.append(time.perf_counter())

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        while not (isinstance(app.screen, RepoPickerScreen) and app.screen.table.repo_count):
            await pilot.pause(0.05)
        while app.screen.table.counting:
            await pilot.pause(0.05)
        app.screen.action_continue()
        while not (isinstance(app.screen, DashboardScreen) and app.screen.report is not None):
            await asyncio.sleep(0.02)
        seconds = time.perf_counter() - started[0]
        # The AI summaries go on after the dashboard opens: until the LLM stage has finished.
        while app.enrichment is None or app.enrichment.running:
            await asyncio.sleep(0.05)
        summaries = time.perf_counter() - started[0]
        await pilot.pause(0.5)  # let the dashboard finish mounting before the app is torn down
        return seconds, summaries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeds", type=float, nargs="+", default=[1.0, 2.0, 4.0])
    args = parser.parse_args()
    for speed in args.speeds:
        seconds, summaries = asyncio.run(one_run(speed))
        print(f"--demo-speed {speed:g}: sync to dashboard {seconds:.1f} s, every AI summary in {summaries:.1f} s")


if __name__ == "__main__":
    main()
