"""Text that must not count as a marker, blanked before the rules read it, keeping every offset.

Code (fenced, inline, indented) documents footers rather than uses them; HTML comments hold
templates' questions; double-quoted phrases are talked about; review bots' summaries describe the
PR in their own words. Each is replaced by spaces (newlines kept), so lines and spans stay put.
"""

from __future__ import annotations

import re

from tformance.core.detection.signatures import REVIEW_SUMMARIES

_QUOTED = re.compile(r'"[^"\n]{1,160}"|\u201c[^\u201d\n]{1,160}\u201d')
# Quoted phrases in prose, but not HTML attribute values (href="https://cursor.com/agents/...").
QUOTED_PHRASE = re.compile(r'(?<![=\w])"[^"\n]{1,160}"|\u201c[^\u201d\n]{1,160}\u201d')
# An indented code block: indented lines after a blank line that does not follow a list item
# (whose continuation lines are indented too).
_INDENTED_BLOCK = re.compile(
    r"((?:\A|\n)(?![ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t])[^\n]{0,2000}\n[ \t]{0,8}\n|\A)"
    r"((?:(?: {4}|\t)[^\n]{0,2000}(?:\n|\Z))+)"
)
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]{1,200}`")


def mask_code(text: str, *, markdown: bool = False) -> str:
    """`text` with fenced and inline code blanked (and, in Markdown, indented code blocks),
    keeping offsets.

    Examples of footers and trailers in code blocks document them; they are not marks.
    Commit messages are not Markdown: a squash merge indents its trailers.
    """
    if markdown and ("\n    " in text or "\n\t" in text):
        text = _INDENTED_BLOCK.sub(lambda m: m.group(1) + _blank(m.group(2)), text)
    if "`" not in text and "~~~" not in text:
        return text
    pieces: list[str] = []
    position = 0
    fences = _FENCE.finditer(text)
    for opening in fences:
        closing = next(fences, None)
        # An unclosed fence runs to the end of the text, as in CommonMark.
        stop = closing.end() if closing else len(text)
        pieces.append(text[position : opening.start()])
        pieces.append(_blank(text[opening.start() : stop]))
        position = stop
    pieces.append(text[position:])
    return _INLINE_CODE.sub(lambda m: _blank(m.group()), "".join(pieces))


def mask_html_comments(text: str) -> str:
    """`text` with HTML comments blanked: templates put questions about AI there."""
    start = text.find("<!--")
    if start < 0:
        return text
    pieces: list[str] = []
    position = 0
    while start >= 0:
        stop = text.find("-->", start + 4)
        stop = len(text) if stop < 0 else stop + 3
        pieces.append(text[position:start])
        pieces.append(_blank(text[start:stop]))
        position = stop
        start = text.find("<!--", position)
    pieces.append(text[position:])
    return "".join(pieces)


def _blank(text: str) -> str:
    """Spaces in place of `text`, keeping its newlines so lines and offsets stay put."""
    return re.sub(r"[^\n]", " ", text)


def mask_quotes(text: str, quoted: re.Pattern[str] = _QUOTED) -> str:
    """`text` with double-quoted phrases blanked: a quoted marker is talked about, not used."""
    if '"' not in text and "\u201c" not in text:
        return text
    return quoted.sub(lambda m: _blank(m.group()), text)


def mask_review_summaries(text: str, lowered: str, reviewers: set[str]) -> str:
    """`text` with review bots' summaries blanked; the bots found are added to `reviewers`.

    A summary runs from its start marker to its end marker, or to the end of the text.
    """
    spans: list[tuple[int, int]] = []
    for block in REVIEW_SUMMARIES:
        if not any(needle in lowered for needle in block.needles):
            continue
        opening = block.start.search(text)
        if opening is None:
            continue
        reviewers.add(block.tool)
        closing = block.end.search(text, opening.end()) if block.end is not None else None
        spans.append((opening.start(), closing.end() if closing else len(text)))
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, stop in sorted(spans):
        if stop <= position:
            continue
        start = max(start, position)
        pieces.append(text[position:start])
        pieces.append(_blank(text[start:stop]))
        position = stop
    pieces.append(text[position:])
    return "".join(pieces)
