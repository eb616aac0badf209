"""The local database: Peewee models, opening and upgrading it, writing synced PRs, and the
one-sync-per-database lock. SQLite by default, PostgreSQL for a team.
"""
