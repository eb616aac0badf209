"""Stage 1 AI detection: deterministic signatures that AI coding tools leave on a PR, offline
and instant; re-judging stored PRs when the rules change; scoring against labelled cases.
"""
