"""The sync: ``service`` (the run and each repo's state on its row), ``preflight`` (exact counts),
``fetching`` (pages fetched and stored with their resume points), ``progress`` (the events),
``slices`` (a backfill as created-date slices) and ``estimate`` (what a sync will cost).
"""
