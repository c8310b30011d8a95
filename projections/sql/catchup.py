"""Keep the views caught up with the log, and rebuild them aside from the first event.

The position each view set has reached is eventsourcing's own tracking record, written in the same
transaction as the rows; a page is processed under the store's projection lock, so two processes that
catch up at once never apply an event twice, and a crash leaves the last committed page in place.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.events import DevelopmentRecorded
from chronicle.projections.gcpause import paused_gc
from chronicle.projections.projector import Projector
from chronicle.projections.sql.apart import APART_FROM, can_fold_apart, fold_apart
from chronicle.projections.sql.rebuilding import Rebuilder, read_revisions
from chronicle.projections.sql.views import ASIDE, LIVE, Cursor, ViewStore

# Bump when the fold rules or the view tables change: stores rebuild their views on next use.
VIEWS_VERSION = "7"
LIVE_TRACKING = "views"
ASIDE_TRACKING = "views-rebuild"
RECORDED_TOPIC = get_topic(DevelopmentRecorded)
REBUILD_PAGE = 2000  # events a rebuild reads, writes and commits at a time
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
Fields = Callable[[Notification], dict[str, Any]]  # a stored event's JSON object, no model built
OpenLog = Callable[[], EventLog]  # the log through a connection of its own, opened in a rebuild's second process


def _project_page(
    store: ViewStore,
    c: Cursor,
    log: EventLog,
    decode: Decode,
    prefix: str,
    tracking: str,
    page: int,
) -> int:
    """Project the next page after the tracked position; return how many events it held."""
    start = store.tracked(c, tracking)
    notifications = log.select_notifications(start, page, topics=[RECORDED_TOPIC], inclusive_of_start=False)
    if not notifications:
        return 0
    projector = Projector(store, c, prefix)
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
    fields: Fields,
    open_log: OpenLog | None = None,
    rebuild_in_turn: Callable[[Callable[[], bool]], Any] | None = None,
) -> int:
    """Project everything recorded since the live views' tracked position; return the count.

    `rebuild_in_turn(unless)` rebuilds under the store's rebuild lock, unless `unless()` says another
    process did it meanwhile; without it, the rebuild runs here unlocked."""
    with store.read() as c:
        position = store.tracked(c, LIVE_TRACKING)
    backlog = (log.max_notification_id() or 0) - position
    if backlog > max(BULK_BACKLOG, position):
        # A bulk import: page-by-page catch-up refolds entities once per page; a rebuild folds once.
        if rebuild_in_turn is None:
            rebuild(store, log, decode, progress=progress, fields=fields, open_log=open_log)
        else:
            rebuild_in_turn(lambda: not bulk_backlog(store, log))
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
    page: int | None = None,
    progress: Progress | None = None,
    fields: Fields,
    open_log: OpenLog | None = None,
) -> RebuildSummary:
    """Build every view aside from the first event, then swap it in with one transaction.

    `fields` reads a stored event's JSON object without building its model, which the pass folds as is
    (`decode` only for the revision markers, and for the error of an event the pass cannot read). A
    large log on a machine with a second core is folded in a second process while this one writes the
    timeline (`apart.fold_apart`), which reads the log through `open_log` (a connection of its own)."""
    page = page or REBUILD_PAGE
    started = time.perf_counter()
    with paused_gc():  # the pass builds no reference cycles, so collecting would only cost time
        return _rebuild(store, log, decode, fields, page, progress, started, open_log)


def _rebuild(
    store: ViewStore,
    log: EventLog,
    decode: Decode,
    fields: Fields,
    page: int,
    progress: Progress | None,
    started: float,
    open_log: OpenLog | None,
) -> RebuildSummary:
    with store.write() as c:
        store.drop_views(c, ASIDE)
        store.create_views(c, ASIDE, indexes=False)  # indexed once, by the swap, not row by row
        store.clear_tracking(c, ASIDE_TRACKING)
    stop = log.max_notification_id() or 0
    revisions = read_revisions(log.select_notifications, decode, stop, page)
    pages = functools.partial(_pages, stop=stop, page=page)
    apart = stop >= APART_FROM and can_fold_apart()
    folding = fold_apart(open_log, pages, fields, revisions, store.cipher) if open_log and apart else nullcontext()
    with folding as folder:
        builder = Rebuilder(store, revisions, folder)
        done = 0
        for notifications in pages(log):
            with store.write(durable=False) as c:
                builder.c = c
                for notification in notifications:
                    try:
                        builder.process_data(fields(notification), notification.id)
                    except Exception:
                        decode(notification)  # an event the pass cannot read: the mapper's one-line error
                        raise
                builder.end_page(c)
                store.set_tracking(c, ASIDE_TRACKING, notifications[-1].id)  # how far it got, if it is killed
            done += len(notifications)
            if progress is not None:
                progress(done, max(stop, done))
        with store.write(durable=False) as c:
            builder.index_entities(c)
        with store.write() as c:
            # One last transaction, under the lock: the indexes, the views, whatever was recorded during
            # the pass (caught up like any new event), and the swap. Nothing can slip in between.
            builder.finish(c)
            store.set_tracking(c, ASIDE_TRACKING, stop)
            while count := _project_page(store, c, log, decode, ASIDE, ASIDE_TRACKING, page):
                done += count
                if progress is not None:
                    progress(done, max(stop, done))
            position = store.tracked(c, ASIDE_TRACKING)
            store.swap_in(c)
            store.analyze(c, tables=("entities",))  # the other two were analysed aside (`index_entities`)
            store.set_tracking(c, LIVE_TRACKING, position)
            store.clear_tracking(c, ASIDE_TRACKING)
            store.set_meta(c, "views_version", VIEWS_VERSION)
    return RebuildSummary(done, time.perf_counter() - started)


def _pages(log: EventLog, *, stop: int, page: int) -> Iterator[Sequence[Notification]]:
    """The developments recorded up to `stop`, a page at a time: what a rebuild's pass reads, in the
    writer and in the folder apart alike."""
    position = 0
    while notifications := log.select_notifications(
        position, page, stop=stop, topics=[RECORDED_TOPIC], inclusive_of_start=False
    ):
        yield notifications
        position = notifications[-1].id


def bulk_backlog(store: ViewStore, log: EventLog) -> bool:
    """Whether so much is new that catching up costs more than a rebuild."""
    with store.read() as c:
        position = store.tracked(c, LIVE_TRACKING)
    return (log.max_notification_id() or 0) - position > max(BULK_BACKLOG, position)


def views_version(store: ViewStore) -> str | None:
    with store.read() as c:
        return store.get_meta(c, "views_version")
