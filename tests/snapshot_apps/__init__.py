"""Builders for the TUI's pilot and snapshot tests, and the screenshot script."""
