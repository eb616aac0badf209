"""Write an SVG of each main screen to ``screenshots/``, from the demo organisation, offline.

Run: ``python scripts/make_screenshots.py`` (about 15 s). The scenes are the snapshot tests' own
(``tests/snapshot_apps/scenes.py``), so the README shows what the tests check.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tformance-shots-") as scratch:
        # A clean config and data dir: a token saved on this machine must not change the pictures.
        os.environ["XDG_CONFIG_HOME"] = str(Path(scratch) / "config")
        os.environ["XDG_DATA_HOME"] = str(Path(scratch) / "data")
        for name in ("GITHUB_TOKEN", "GROQ_API_KEY", "TFORMANCE_DB"):
            os.environ.pop(name, None)
        sys.path.insert(0, str(ROOT))
        from textual.widgets import Input

        from tests.snapshot_apps import scenes
        from tests.snapshot_apps.support import fake_github, sync_into

        Input.cursor_blink = False  # a still cursor: the pictures are stable
        folder = Path(scratch)
        synced = folder / "synced.db"
        sync_into(synced, fake_github())
        shots: dict[str, Callable[[Path], scenes.Scene]] = {
            "1-token": scenes.token_screen,
            "2-repositories": lambda f: scenes.repositories(f, scenes.WIDE),
            "3-sync": scenes.sync,
            "4-sync-trouble": lambda f: scenes.sync(f, trouble=True),
            "5-dashboard": lambda f: scenes.dashboard(f, synced),
            "6-dashboard-ai": lambda f: scenes.dashboard(f, synced, scenes.WIDE, "2"),
            "7-pull-request": lambda f: scenes.pull_request(f, synced),
            "8-dashboard-80x24": lambda f: scenes.dashboard(f, synced, scenes.SMALL, enriched_every=None),
        }
        OUT.mkdir(exist_ok=True)
        for name, build in shots.items():
            workdir = folder / name
            workdir.mkdir()
            svg = preserve_spaces(asyncio.run(_take(build(workdir))))
            (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
            print(f"screenshots/{name}.svg")
    return 0


def preserve_spaces(svg: str) -> str:
    """Mark the SVG's spaces as meaningful, so every renderer draws the terminal's spacing.

    Rich writes each styled run as its own ``<text>`` with non-breaking spaces; browsers keep a run's
    leading or trailing space, but librsvg (``rsvg-convert``, many image pipelines) strips it by
    default, which glues words to the bold or coloured run beside them ("a classictoken").
    """
    return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)


async def _take(scene) -> str:  # type: ignore[no-untyped-def]
    async with scene.app.run_test(size=scene.size) as pilot:
        await scene.run_before(pilot)
        await pilot.pause()
        return scene.app.export_screenshot(title="tformance")


if __name__ == "__main__":
    raise SystemExit(main())
