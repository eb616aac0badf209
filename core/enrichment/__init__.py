"""Stage 2 over the database: pending PRs sent to the LLM in batches, overlapping the fetch;
verdicts and one-line summaries stored.
"""
