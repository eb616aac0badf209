"""Stage 2 over the database: pending PRs sent to the LLM in batches, overlapping the fetch;
verdicts and one-line summaries stored.

``pending`` is the database side (claiming PRs, storing answers), ``live`` the loop beside the fetch
(``Enricher``), ``batch`` the ``--llm-mode batch`` path (``BatchEnrichment``).
"""
