"""Talking to GitHub: the GraphQL client, its queries, the governor that keeps GitHub's secondary
limits from our side, where a token comes from, and PR nodes parsed into plain records.
"""
