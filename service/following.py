"""Run as a store's projection worker: catch the views up whenever an event is recorded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from chronicle.service.failures import translate
from chronicle.service.store import Say, Store, quiet


def follow(store: Store, *, say: Say = quiet, interval: float = 0.5) -> None:
    """Run as the store's projection worker until interrupted, saying what each catch-up projected.

    On PostgreSQL, eventsourcing's own subscription (LISTEN/NOTIFY) wakes the worker as soon as an
    event is recorded; SQLite's recorder cannot be subscribed to, so it polls every `interval` seconds.
    Either way the views are written by `refresh`, page by page with their tracking record: exactly
    once, whichever worker or reader gets there first."""
    from chronicle.projections.sql import catchup

    def caught_up() -> int:
        count = store.refresh(say=say)
        if count:
            say(f"projected {count} new events")
        with store.reading() as c:
            return store.views.tracked(c, catchup.LIVE_TRACKING)

    done = caught_up()
    if not store.settings.is_postgres:
        while True:
            time.sleep(interval)
            caught_up()

    def subscribed(holder: list[Any], stopping: threading.Event) -> None:
        nonlocal done
        with store.app.recorder.subscribe(gt=done, topics=[catchup.RECORDED_TOPIC]) as subscription:
            holder.append(subscription)
            if stopping.is_set():
                return
            for notification in subscription:
                if notification.id > done:  # else projected already, by this worker or a reader
                    done = caught_up()

    with translate(store.settings):
        _in_a_thread(subscribed)


def _in_a_thread(follow: Callable[[list[Any], threading.Event], None]) -> None:
    """Run `follow` (a subscription's loop) in a thread of its own until it ends, or until Ctrl-C.

    Python runs signal handlers in the main thread only, between its bytecodes. eventsourcing's
    PostgreSQL subscription starts threads in its constructor, and the connection pool has threads of
    its own that can take the signal: a Ctrl-C raised in the main thread between the subscription's
    constructor and its `with` left those threads running (the worker never exited), and one taken by
    another thread while the main thread waited in the subscription's queue was never acted on. So the
    subscription is made, entered and iterated in a thread of its own, where no interrupt is ever
    raised, and the main thread only waits, waking often enough to act on one. `follow` puts the
    subscription in the list it is given once entered, and returns at once if asked to stop by then."""
    holder: list[Any] = []
    stopping = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            follow(holder, stopping)
        except BaseException as error:  # raised again in the main thread
            failed.append(error)

    worker = threading.Thread(target=run, name="chronicle-follow", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    finally:
        stopping.set()
        for subscription in holder:
            subscription.stop()
        worker.join()
    if failed:
        raise failed[0]
