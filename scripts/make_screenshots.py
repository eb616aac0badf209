"""Write an SVG of each screen to ``screenshots/``, from the demo organisation, offline.

Run: ``python scripts/make_screenshots.py`` (about 30 s). The scenes are the snapshot tests' own
(``tests/snapshot_apps/scenes.py``), so the README shows what the tests check.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"

# Rich's SVG geometry (``Console.export_svg``): a row's text sits on a baseline CHAR_HEIGHT below the
# row's top, and a row's background is drawn from 1.5 below its top, CELL_HEIGHT high (a quarter
# pixel over the next row, so stacked backgrounds never show a seam).
CHAR_HEIGHT, LINE_HEIGHT = 20, 20 * 1.22
CELL_HEIGHT = LINE_HEIGHT + 0.25
# The cell each block character covers, as fractions (left, top, right, bottom) of the cell: the
# eighths of bars and sparklines, the halves and edges of Textual's borders, and the vertical line.
BLOCKS = {
    **{block: (0.0, 1 - eighths / 8, 1.0, 1.0) for eighths, block in enumerate("▁▂▃▄▅▆▇█", start=1)},
    **{block: (0.0, 0.0, eighths / 8, 1.0) for eighths, block in enumerate("▏▎▍▌▋▊▉", start=1)},
    "▐": (0.5, 0.0, 1.0, 1.0),
    "▕": (7 / 8, 0.0, 1.0, 1.0),
    "▀": (0.0, 0.0, 1.0, 0.5),
    "▔": (0.0, 0.0, 1.0, 1 / 8),
    "│": (7 / 16, 0.0, 9 / 16, 1.0),
}
TEXT = re.compile(
    r'<text class="(?P<cls>[^"]+)" x="(?P<x>[-\d.]+)" y="(?P<y>[-\d.]+)" '
    r'textLength="(?P<length>[\d.]+)"(?P<rest>[^>]*)>(?P<body>[^<]*)</text>'
)
FILL = re.compile(r"\.(?P<cls>[\w-]+) \{ fill: (?P<fill>#[0-9a-fA-F]{3,8})")


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
        wide = scenes.WIDE
        shots: dict[str, Callable[[Path], scenes.Scene]] = {
            "01-token": scenes.token_screen,
            "02-token-rejected": scenes.token_rejected,
            "03-repositories": lambda f: scenes.repositories(f, wide),
            "04-sync": scenes.sync,
            "05-sync-trouble": lambda f: scenes.sync(f, trouble=True),
            "06-dashboard": lambda f: scenes.dashboard(f, synced),
            "07-dashboard-ai": lambda f: scenes.dashboard(f, synced, wide, "2"),
            "08-dashboard-repositories": lambda f: scenes.dashboard(f, synced, wide, "3"),
            "09-dashboard-people": lambda f: scenes.dashboard(f, synced, wide, "4"),
            "10-pull-requests": lambda f: scenes.dashboard(f, synced, wide, "5", "tab"),
            "11-pull-requests-filtered": lambda f: scenes.dashboard(f, synced, wide, "5", *"docs"),
            "12-pull-request": lambda f: scenes.pull_request(f, synced),
            "13-last-30-days": lambda f: scenes.dashboard(f, synced, wide, "p"),
            "14-dashboard-80x24": lambda f: scenes.dashboard(f, synced, scenes.SMALL, enriched_every=None),
            "15-dashboard-200x60": lambda f: scenes.dashboard(f, synced, (200, 60)),
        }
        OUT.mkdir(exist_ok=True)
        for stale in OUT.glob("*.svg"):
            stale.unlink()  # a screen renamed or dropped must not linger
        for name, build in shots.items():
            workdir = folder / name
            workdir.mkdir()
            svg = solid_blocks(preserve_spaces(asyncio.run(_take(build(workdir)))))
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


def solid_blocks(svg: str) -> str:
    """Draw block characters (bars, sparklines, borders' edges, ``│``) as the rectangles a terminal draws.

    As glyphs they stop short of the row's height and of the cell's width in most fonts (and the
    SVG's own font is rarely available where the picture is viewed), so a bar several rows high shows
    a line between every two rows. A rectangle is the cell a terminal draws, in every renderer.
    """
    fills = {match["cls"]: match["fill"] for match in FILL.finditer(svg)}

    def redraw(match: re.Match[str]) -> str:
        text = html.unescape(match["body"])
        fill = fills.get(match["cls"])
        if fill is None or not any(char in BLOCKS for char in text):
            return match[0]
        cell = float(match["length"]) / len(text)
        top = float(match["y"]) - CHAR_HEIGHT + 1.5
        rects, offset = [], 0
        for char, run in groupby(text):
            width = len(list(run))
            if char in BLOCKS:
                left, upper, right, lower = BLOCKS[char]
                x = float(match["x"]) + (offset + left) * cell
                y = top + upper * LINE_HEIGHT
                # A cell reaching the row's bottom overlaps the next row as Rich's backgrounds do: no seam.
                height = (lower - upper) * LINE_HEIGHT + (0.25 if lower == 1 else 0)
                if right - left == 1:
                    rects.append(_rect(fill, x, y, width * cell, height))
                else:  # narrow blocks side by side each cover their part of their own cell
                    part = (right - left) * cell
                    rects.extend(_rect(fill, x + index * cell, y, part, height) for index in range(width))
            offset += width
        rest = "".join("\u00a0" if char in BLOCKS else char for char in text)
        if rest.strip("\u00a0 "):
            body = html.escape(rest).replace("\u00a0", "&#160;")
            rects.append(match[0].replace(f">{match['body']}<", f">{body}<"))
        return "".join(rects)

    return TEXT.sub(redraw, svg)


def _rect(fill: str, x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect fill="{fill}" x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}" '
        'shape-rendering="crispEdges"/>'
    )


async def _take(scene) -> str:  # type: ignore[no-untyped-def]
    async with scene.app.run_test(size=scene.size) as pilot:
        await scene.run_before(pilot)
        await pilot.pause()
        return scene.app.export_screenshot(title="tformance")


if __name__ == "__main__":
    raise SystemExit(main())
