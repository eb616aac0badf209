"""A sync event sink that coalesces floods before they reach the screen.

The sync may emit hundreds of progress events a second; the screen only needs the latest state
of each repo. Events wait here and the screen drains them when it next gets to it: a repo's
``RepoProgress`` and a run's ``OverallProgress`` replace their predecessors, while every other
event (``SyncStarted``, ``RepoFinished``, ``Notice``, ``SyncFinished``) is kept, in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from tformance.core.events import OverallProgress, RepoProgress, SyncEvent

Tagged = tuple[str, SyncEvent]  # (run id, event)


class EventBuffer:
    """Collect events from one or more runs; call ``wake`` once per batch so the UI drains it."""

    def __init__(self, wake: Callable[[], object]) -> None:
        self._wake = wake
        self._lock = threading.Lock()
        self._events: list[Tagged] = []
        self._slots: dict[Hashable, int] = {}
        self.received = 0
        self.delivered = 0
        self.drains = 0  # how often the screen took a batch: its redraws

    def sink(self, run: str) -> Callable[[SyncEvent], None]:
        """An ``EventSink`` for the run called ``run``."""
        return lambda event: self.put(run, event)

    def put(self, run: str, event: SyncEvent) -> None:
        key: Hashable | None = None
        if isinstance(event, RepoProgress):
            key = ("repo", event.repo)
        elif isinstance(event, OverallProgress):
            key = ("overall", run)
        with self._lock:
            self.received += 1
            wake = not self._events
            if key is None:
                # A barrier: later progress must come after it, so nothing before it is replaced.
                self._slots.clear()
                self._events.append((run, event))
            elif key in self._slots:
                self._events[self._slots[key]] = (run, event)
            else:
                self._slots[key] = len(self._events)
                self._events.append((run, event))
        if wake:
            self._wake()

    def drain(self) -> list[Tagged]:
        """Everything buffered since the last drain, oldest first."""
        with self._lock:
            events, self._events = self._events, []
            self._slots.clear()
        self.drains += 1
        self.delivered += len(events)
        return events
