"""Headless core of tformance: settings, storage, the GitHub client, sync, detection and metrics.

Nothing in this package imports Textual, so every part runs in scripts, the CLI and tests.
"""
