"""Tamper evidence: a hash chain over the log in store order, extended by the writer (`integrity.extending`).

The writer links its events in the append's own transaction, under the write lock, strictly in
notification order: concurrent writers never race on it. It is never rebuilt from the log (that would
launder an edit): a head published earlier (`verify --root`) proves the history up to it with
`verify --against`. `chain_up` links only the backlog of a store made before the writer chained.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from eventsourcing.persistence import Notification

from chronicle.projections.sql.views import CHAIN, Cursor, ViewStore

if TYPE_CHECKING:  # an append links its events through this module, and never loads the catch-up
    from chronicle.projections.sql.catchup import EventLog

GENESIS = "0" * 64
PAGE = 2000


def link(previous: str, notification: Notification) -> str:
    """The chain hash after `notification`: covers its position, identity, topic and stored bytes."""
    h = hashlib.sha256()
    h.update(previous.encode())
    h.update(
        f"\x00{notification.id}\x00{notification.originator_id}\x00"
        f"{notification.originator_version}\x00{notification.topic}\x00".encode()
    )
    state = notification.state
    h.update(state.encode() if isinstance(state, str) else bytes(state))
    return h.hexdigest()


def head(store: ViewStore, c: Cursor) -> tuple[int, str]:
    row = store.one(c, f"SELECT position, hash FROM {{s}}{CHAIN} ORDER BY position DESC LIMIT 1")
    return (0, GENESIS) if row is None else (int(row["position"]), str(row["hash"]))


def head_at(store: ViewStore, c: Cursor, position: int) -> tuple[int, str]:
    """The chain's head as it stood at log position `position` (its last link at or before it)."""
    row = store.one(
        c, f"SELECT position, hash FROM {{s}}{CHAIN} WHERE position <= ? ORDER BY position DESC LIMIT 1", (position,)
    )
    return (0, GENESIS) if row is None else (int(row["position"]), str(row["hash"]))


def chain_up(store: ViewStore, log: EventLog) -> int:
    """Extend the chain over everything recorded since its head; return how many events it linked."""
    linked = 0
    while True:
        with store.write() as c:
            position, previous = head(store, c)
            page = log.select_notifications(position, PAGE, inclusive_of_start=False)
            for notification in page:
                previous = link(previous, notification)
                store.run(c, f"INSERT INTO {{s}}{CHAIN} (position, hash) VALUES (?, ?)", (notification.id, previous))
        linked += len(page)
        if len(page) < PAGE:
            return linked


def page_lists(log: EventLog, stop: int | None = None) -> Iterator[Sequence[Notification]]:
    """The whole log (up to position `stop` if given), a page at a time, in store order."""
    start = 0
    while True:
        page = log.select_notifications(start, PAGE, stop=stop, inclusive_of_start=False)
        if page:
            yield page
        if len(page) < PAGE:
            return
        start = page[-1].id


def _pages(log: EventLog, stop: int | None = None) -> Iterator[Notification]:
    for page in page_lists(log, stop):
        yield from page


def history_hash(log: EventLog, position: int) -> tuple[str, int]:
    """Recompute the chain from the raw log up to `position`: (hash, number of events)."""
    previous, count = GENESIS, 0
    for notification in _pages(log, stop=position):
        previous = link(previous, notification)
        count += 1
    return previous, count
