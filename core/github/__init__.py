"""Talking to GitHub: ``transport`` (polite GraphQL requests: limits, retries, errors),
``pull_requests`` (counts, pages, searches), ``client`` (token check, repo listing: the one class
callers use), ``queries``, the ``governor`` that keeps GitHub's secondary limits from our side,
where a token comes from, and PR nodes parsed into plain ``records``.
"""
