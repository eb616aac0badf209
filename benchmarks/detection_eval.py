"""Stage-1 AI detection on the labelled evaluation sets: precision, recall and exact-tool accuracy per kind.

Run: ``python benchmarks/detection_eval.py [--misses] [--file NAME]``. Reads the three sets in ``tests/data``
(``ai_eval_cases``, ``ai_eval_realworld``, ``ai_eval_heldout``), or one with ``--file``; ``--misses`` also
lists each case judged wrongly. Targets:
precision >= 0.97 and recall >= 0.95 on explicit markers and disclosures, and no review-bot summary
counted as AI. Also times the scan of a 1 MB body.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tformance.core.ai_detector import PullRequestText, detect_ai
from tformance.core.detection_eval import load_cases, score_by_kind
from tformance.detect_command import pr_from_json

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
FILES = (DATA / "ai_eval_cases.jsonl", DATA / "ai_eval_realworld.jsonl", DATA / "ai_eval_heldout.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the cases judged wrongly")
    parser.add_argument("--file", choices=[path.stem for path in FILES], help="only this set")
    args = parser.parse_args()
    cases = load_cases(*(path for path in FILES if args.file in (None, path.stem)))

    def detect(record: dict) -> object:
        return detect_ai(pr_from_json(record))

    print(f"{len(cases)} cases")
    print(f"{'kind':<12} {'cases':>5} {'precision':>9} {'recall':>7} {'exact tools':>11}")
    for kind, result in score_by_kind(cases, detect).items():
        print(
            f"{kind:<12} {result.cases:>5} {result.precision:>9.3f} {result.recall:>7.3f} {result.tool_accuracy:>11.3f}"
        )
    if args.misses:
        for case in cases:
            found = detect(case["pr"])
            if set(found.tools) != set(case["tools"]):
                print(f"  miss {case['kind']:<10} {case['id']}: expected {case['tools']}, found {list(found.tools)}")
    body = ("written with care, not by Copilot. " * 30_000)[:1_000_000]
    started = time.perf_counter()
    detect_ai(PullRequestText(title="x", body=body))
    print(f"1 MB body scanned in {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
