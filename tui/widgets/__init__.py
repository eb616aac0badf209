"""Self-contained widgets: each owns its state and carries its own ``DEFAULT_CSS``."""
