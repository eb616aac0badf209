"""The sync: a repository's history planned as date slices, fetched concurrently under the
governor, stored page by page, with one pre-flight estimate of what it will cost.
"""
