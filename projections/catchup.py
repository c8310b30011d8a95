"""Keep the views caught up with the log, and rebuild them aside from the first event.

The position each view set has reached is eventsourcing's own tracking record, written in the same
transaction as the rows; a page is processed under the store's projection lock, so two processes that
catch up at once never apply an event twice, and a crash leaves the last committed page in place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.events import DevelopmentRecorded
from chronicle.projections.projector import Projector
from chronicle.projections.views import ASIDE, LIVE, Cursor, ViewStore

# Bump when the fold rules or the view tables change: stores rebuild their views on next use.
VIEWS_VERSION = "2"
LIVE_TRACKING = "views"
ASIDE_TRACKING = "views-rebuild"
RECORDED_TOPIC = get_topic(DevelopmentRecorded)
BULK_BACKLOG = 20_000  # catch up by rebuilding when more than this (and more than the log so far) is new

Progress = Callable[[int, int], None]


class EventLog(Protocol):
    """The part of the eventsourcing application the projections read."""

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]: ...

    def max_notification_id(self) -> int | None: ...


Decode = Callable[[Notification], Any]


def _project_page(
    store: ViewStore,
    c: Cursor,
    log: EventLog,
    decode: Decode,
    prefix: str,
    tracking: str,
    page: int,
    *,
    fold: bool = True,
) -> int:
    """Project the next page after the tracked position; return how many events it held."""
    start = store.tracked(c, tracking)
    notifications = log.select_notifications(start, page, topics=[RECORDED_TOPIC], inclusive_of_start=False)
    if not notifications:
        return 0
    projector = Projector(store, c, prefix, fold=fold)
    for notification in notifications:
        projector.process(decode(notification), notification.id)
    projector.flush()
    store.set_tracking(c, tracking, notifications[-1].id)
    return len(notifications)


def catch_up(
    store: ViewStore,
    log: EventLog,
    decode: Decode,
    *,
    page: int = 1000,
    progress: Progress | None = None,
) -> int:
    """Project everything recorded since the live views' tracked position; return the count."""
    with store.read() as c:
        position = store.tracked(c, LIVE_TRACKING)
    backlog = (log.max_notification_id() or 0) - position
    if backlog > max(BULK_BACKLOG, position):
        # A bulk import: page-by-page catch-up refolds entities once per page; a rebuild folds once.
        rebuild(store, log, decode, progress=progress)
        return backlog
    done = 0
    total = 0
    while True:
        with store.write() as c:
            if progress is not None and not total:
                total = max(0, (log.max_notification_id() or 0) - store.tracked(c, LIVE_TRACKING))
            count = _project_page(store, c, log, decode, LIVE, LIVE_TRACKING, page)
        if not count:
            return done
        done += count
        if progress is not None:
            progress(done, max(total, done))


@dataclass(frozen=True)
class RebuildSummary:
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def rebuild(
    store: ViewStore,
    log: EventLog,
    decode: Decode,
    *,
    page: int = 2000,
    progress: Progress | None = None,
) -> RebuildSummary:
    """Build every view aside from the first event, then swap it in with one transaction."""
    started = time.perf_counter()
    with store.write() as c:
        store.drop_views(c, ASIDE)
        store.create_views(c, ASIDE)
        store.clear_tracking(c, ASIDE_TRACKING)
    total = log.max_notification_id() or 0
    done = 0
    # The timeline first, then every entity folded once: linear in the log. Folding page by page
    # refolds an entity whenever a development arrives out of story order (quadratic).
    while count := _timeline_page(store, log, decode, page):
        done += count
        if progress is not None:
            progress(done, max(total, done))
    with store.write() as c:
        Projector(store, c, ASIDE).fold_all()
    while True:
        with store.write() as c:
            count = _project_page(store, c, log, decode, ASIDE, ASIDE_TRACKING, page)
            if count:
                done += count
            else:
                # Caught up: the lock is held, so nothing can slip in between the last page and the swap.
                position = store.tracked(c, ASIDE_TRACKING)
                store.swap_in(c)
                store.set_tracking(c, LIVE_TRACKING, position)
                store.clear_tracking(c, ASIDE_TRACKING)
                store.set_meta(c, "views_version", VIEWS_VERSION)
                break
        if progress is not None:
            progress(done, max(total, done))
    return RebuildSummary(done, time.perf_counter() - started)


def _timeline_page(store: ViewStore, log: EventLog, decode: Decode, page: int) -> int:
    with store.write() as c:
        return _project_page(store, c, log, decode, ASIDE, ASIDE_TRACKING, page, fold=False)


def views_version(store: ViewStore) -> str | None:
    with store.read() as c:
        return store.get_meta(c, "views_version")
