"""Stage 1 AI detection: deterministic signatures that AI coding tools leave on a PR, offline
and instant; re-judging stored PRs when the rules change; scoring against labelled cases.

``signatures`` and ``prose`` are the rule tables (``rule`` their shape, ``tools`` the tool ids),
``detector`` runs them, after ``masking`` blanks text that must not count and with ``negation``
reading whether prose asserts what it names; ``verdict`` is the one AI verdict (the LLM, else the
signatures); ``rescan`` re-judges stored PRs, ``evaluation`` scores.
"""
