"""tformance: engineering metrics from your team's GitHub history, in the terminal."""

__version__ = "0.1.0"
