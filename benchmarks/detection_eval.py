"""Stage-1 AI detection on the labelled evaluation sets: precision, recall and exact-tool accuracy per kind.

Run: ``python benchmarks/detection_eval.py [--misses] [--file NAME]``. Reads the four sets in ``tests/data``
(``ai_eval_cases``, ``ai_eval_realworld``, ``ai_eval_heldout``, ``ai_eval_independent``), or one with
``--file``; ``--misses`` also lists each case judged wrongly. Targets:
precision >= 0.97 and recall >= 0.95 on explicit markers and disclosures, and no review-bot summary
counted as AI. Also times the scan of a 1 MB body, and with ``--rescan-prs N`` the rescan of N stored
PRs (``tformance detect --rescan`` after an upgrade) in a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from llm_throughput import build_records  # this folder is on sys.path when a benchmark runs

from tformance.core.detection.detector import PullRequestText, detect_ai
from tformance.core.detection.evaluation import load_cases, score_by_kind
from tformance.core.detection.rescan import rescan_signatures
from tformance.core.store.database import close_database, open_database
from tformance.core.store.models import PullRequest
from tformance.core.store.pr_store import ensure_repository, save_pull_requests
from tformance.detect_command import pr_from_json

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
FILES = (
    DATA / "ai_eval_cases.jsonl",
    DATA / "ai_eval_realworld.jsonl",
    DATA / "ai_eval_heldout.jsonl",
    DATA / "ai_eval_independent.jsonl",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the cases judged wrongly")
    parser.add_argument("--file", choices=[path.stem for path in FILES], help="only this set")
    parser.add_argument("--rescan-prs", type=int, default=0, metavar="N", help="also time rescanning N stored PRs")
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
    if args.rescan_prs:
        time_rescan(args.rescan_prs)


def time_rescan(count: int) -> None:
    """Store `count` PRs (the LLM benchmark's realistic ones), mark them judged by older rules, rescan."""
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "rescan.db")
        try:
            repo = ensure_repository("acme/api")
            records = build_records(count)
            for start in range(0, count, 500):
                save_pull_requests(repo.id, records[start : start + 500], {})
            PullRequest.update(signature_rules_version="older").execute()
            started = time.perf_counter()
            result = rescan_signatures()
            elapsed = time.perf_counter() - started
        finally:
            close_database()
    print(
        f"rescan of {result.rescanned:,} stored PRs: {elapsed:.1f} s ({elapsed / result.rescanned * 1000:.2f} ms a PR)"
    )


if __name__ == "__main__":
    main()
