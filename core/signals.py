"""Signals in the spirit of Django's: other code subscribes to sync milestones without coupling.

A receiver that raises is logged and skipped; it never breaks the sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Receiver = Callable[..., Any]


class Signal:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> Receiver:
        """Subscribe ``receiver(sender, **kwargs)``; usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def send(self, sender: Any, **kwargs: Any) -> list[tuple[Receiver, Any]]:
        """Call every receiver; return ``(receiver, result or exception)`` pairs."""
        responses: list[tuple[Receiver, Any]] = []
        for receiver in list(self._receivers):
            try:
                responses.append((receiver, receiver(sender, **kwargs)))
            except Exception as error:
                log.exception("receiver %r of signal %s failed", receiver, self.name)
                responses.append((receiver, error))
        return responses


# kwargs: repo (OWNER/NAME), prs_completed, prs_total
historical_sync_progress = Signal("historical_sync_progress")
# kwargs: repo, success, error
historical_sync_repo_complete = Signal("historical_sync_repo_complete")
# kwargs: repos (list of OWNER/NAME), success
historical_sync_complete = Signal("historical_sync_complete")
