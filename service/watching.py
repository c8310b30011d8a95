"""Wake whoever waits for the log to grow: on PostgreSQL through eventsourcing's LISTEN/NOTIFY
subscription, so an append anywhere is seen at once; SQLite's recorder cannot be subscribed to, so its
waiters poll."""

from __future__ import annotations

import threading
from typing import Any

from chronicle.service.store import Store


class LogWatcher:
    """Counts the notifications the store's subscription delivers; `wait_past` blocks until the count
    moves past the one a waiter last saw (or the timeout passes), so any number of waiters share it."""

    def __init__(self, store: Store, after: int) -> None:
        self._store = store
        self._after = after
        self._seen = 0
        self._changed = threading.Condition()
        self._subscription: Any = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chronicle-watch", daemon=True)

    @property
    def seen(self) -> int:
        with self._changed:
            return self._seen

    def start(self) -> LogWatcher:
        self._thread.start()
        return self

    def _run(self) -> None:
        with self._store.app.recorder.subscribe(gt=self._after) as subscription:
            self._subscription = subscription
            if self._stopping.is_set():
                return
            for _ in subscription:
                with self._changed:
                    self._seen += 1
                    self._changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        """The count once it has moved past `seen`, or as it stands after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._seen != seen, timeout=timeout)
            return self._seen

    def stop(self) -> None:
        self._stopping.set()
        if self._subscription is not None:
            self._subscription.stop()
        self._thread.join(timeout=5)


def watch(store: Store, after: int) -> LogWatcher | None:
    """A started watcher on PostgreSQL; None on SQLite, whose waiters poll the log's position."""
    if not store.settings.is_postgres:
        return None
    return LogWatcher(store, after).start()
