"""`tformance detect`: stage 1 AI detection over PRs given as JSON lines."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from tformance.core.workspace import CommitText, PullRequestText, Workspace


def run(stdin: TextIO, stdout: TextIO, stderr: TextIO | None = None) -> int:
    """Read one PR per JSON line from `stdin`, write one verdict line each.

    Blank lines are skipped. A line that is not a JSON object yields an
    `{"error": "line N: ..."}` line instead, and reading goes on; the first such line is
    also named on `stderr` and the return value is then 1 (0 when every line was a PR).
    """
    errors: list[str] = []
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:  # json.JSONDecodeError and bad surrogates alike
            record = problem = f"line {number}: not valid JSON"
        else:
            problem = f"line {number}: not a JSON object"
        if not isinstance(record, dict):
            errors.append(problem)
            _write(stdout, {"error": problem})
            continue
        _write(stdout, Workspace.detect(pr_from_json(record)))
    stdout.flush()
    if not errors:
        return 0
    more = f" (and {len(errors) - 1} more bad lines)" if len(errors) > 1 else ""
    print(f"tformance: {errors[0]}{more}", file=stderr or sys.stderr)
    return 1


def pr_from_json(record: dict[str, Any]) -> PullRequestText:
    """The PR described by one input object; missing, null or mistyped fields are empty.

    Commits come from `commits` (objects with message, author_name, author_email,
    author_login) when given, otherwise from `commit_messages` (strings).
    """
    commits_in = record.get("commits")
    if isinstance(commits_in, list):
        commits = [
            CommitText(
                message=_text(c.get("message")) or "",
                author_name=_text(c.get("author_name")),
                author_email=_text(c.get("author_email")),
                author_login=_text(c.get("author_login")),
            )
            for c in commits_in
            if isinstance(c, dict)
        ]
    else:
        commits = [CommitText(message=message) for message in _texts(record.get("commit_messages"))]
    return PullRequestText(
        title=_text(record.get("title")),
        body=_text(record.get("body")),
        author_login=_text(record.get("author_login")),
        branch=_text(record.get("branch")),
        labels=tuple(_texts(record.get("labels"))),
        commits=tuple(commits),
    )


def _text(value: object) -> str | None:
    """`value` if it is a string, else None: a number or list is not text to scan."""
    return value if isinstance(value, str) else None


def _texts(value: object) -> list[str]:
    """The strings in a JSON list; label objects from the GitHub API give their name."""
    if not isinstance(value, list):
        return []
    items = (item.get("name") if isinstance(item, dict) else item for item in value)
    return [item for item in items if isinstance(item, str)]


def _write(stdout: TextIO, payload: dict[str, Any]) -> None:
    stdout.write(json.dumps(payload) + "\n")
