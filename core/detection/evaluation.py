"""Scoring stage-1 detection against labelled cases: precision, recall and exact-tool accuracy per kind.

A case is one JSON line: ``id``, ``kind``, ``pr`` (the ``tformance detect`` input), the expected
``tools`` and ``is_ai_assisted``. Kinds: ``marker`` (a tool's own footer, trailer, branch or
account), ``disclosure`` (people saying it), ``negation``, ``quoting``, ``decoy``, ``review_bot``,
``automation`` and ``implicit`` (no explicit sign: left to the LLM stage).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tformance.core.detection.detector import Detection

EXPLICIT_KINDS = frozenset({"marker", "disclosure"})


@dataclass(frozen=True)
class Score:
    """Verdict-level figures for a set of cases, and how many got exactly the right tools."""

    cases: int
    true_positives: int
    false_positives: int
    false_negatives: int
    exact_tools: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def tool_accuracy(self) -> float:
        return self.exact_tools / self.cases if self.cases else 1.0


def load_cases(*paths: Path) -> list[dict[str, Any]]:
    """Every case in the JSON-lines files at `paths`, in order."""
    cases: list[dict[str, Any]] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            cases += [json.loads(line) for line in handle if line.strip()]
    return cases


def score(cases: Iterable[dict[str, Any]], detect: Callable[[dict[str, Any]], Detection]) -> Score:
    """Figures for `cases` judged by `detect`; a case counts as exact when its tool set matches."""
    total = tp = fp = fn = exact = 0
    for case in cases:
        detection = detect(case["pr"])
        total += 1
        tp += detection.is_ai_assisted and case["is_ai_assisted"]
        fp += detection.is_ai_assisted and not case["is_ai_assisted"]
        fn += case["is_ai_assisted"] and not detection.is_ai_assisted
        exact += set(detection.tools) == set(case["tools"])
    return Score(total, tp, fp, fn, exact)


def score_by_kind(cases: list[dict[str, Any]], detect: Callable[[dict[str, Any]], Detection]) -> dict[str, Score]:
    """`score` per kind, plus ``explicit`` (markers and disclosures) and ``all``."""
    kinds = sorted({case["kind"] for case in cases})
    scores = {kind: score([c for c in cases if c["kind"] == kind], detect) for kind in kinds}
    scores["explicit"] = score([c for c in cases if c["kind"] in EXPLICIT_KINDS], detect)
    scores["all"] = score(cases, detect)
    return scores
