"""The README's screenshots draw bars as solid cells: no line between rows, in any SVG renderer."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

from rich.console import Console

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_screenshots.py"


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exported(markup: str) -> str:
    console = Console(record=True, width=20, file=io.StringIO(), color_system="truecolor")
    console.print(markup)
    return console.export_svg()


def rects(svg: str, fill: str) -> list[tuple[float, float, float, float]]:
    found = re.finditer(rf'<rect fill="{fill}" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    return [tuple(float(value) for value in match.groups()) for match in found]  # type: ignore[misc]


def test_block_characters_become_cells_that_meet_the_next_row() -> None:
    script = load_script()
    svg = script.solid_blocks(exported("[#0000ff]▄██[/] 12\n[#0000ff]███[/]"))
    texts = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert "█" not in texts and "▄" not in texts
    assert "12" in texts  # the words beside a bar stay text
    drawn = rects(svg, "#0000ff")
    assert len(drawn) == 3
    (half,) = [rect for rect in drawn if rect[3] < script.LINE_HEIGHT]
    top_full, bottom_full = sorted((rect for rect in drawn if rect != half), key=lambda rect: rect[1])
    assert abs(half[3] - script.LINE_HEIGHT / 2) <= 0.25  # ▄ covers the lower half of its cell
    assert abs((half[1] + half[3]) - (top_full[1] + top_full[3])) < 0.01  # ...down to the same bottom as █
    assert bottom_full[1] < top_full[1] + top_full[3]  # the row below starts before the one above ends
    assert top_full[2] > 2 * half[2] - 0.01  # a run of █ is one rectangle, two cells wide


def test_text_without_block_characters_is_left_alone() -> None:
    svg = exported("Merged PRs │ 12")
    assert load_script().solid_blocks(svg).count("<text") == svg.count("<text")
