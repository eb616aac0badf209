"""The figures: which PRs a filter selects and every number about them, computed in SQL,
into frozen report types the dashboard, the report command and the exports all read.
"""
