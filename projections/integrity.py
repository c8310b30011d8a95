"""Tamper evidence: a hash chain over the log in store order, and a full verification of log and views.

The chain is extended under the projection lock, strictly in notification order, after the events
committed: concurrent writers never race on it. It is never rebuilt from the log (that would launder an
edit): a head published earlier (`verify --root`) proves the history up to it with `verify --against`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification

from chronicle.domain.events import DevelopmentRecorded
from chronicle.projections.belief import believe, fold_all
from chronicle.projections.catchup import RECORDED_TOPIC, Decode, EventLog
from chronicle.projections.views import CHAIN, LIVE, Cursor, ViewStore

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


def _pages(log: EventLog, stop: int | None = None) -> Iterator[Notification]:
    start = 0
    while True:
        page = log.select_notifications(start, PAGE, stop=stop, inclusive_of_start=False)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id


def history_hash(log: EventLog, position: int) -> tuple[str, int]:
    """Recompute the chain from the raw log up to `position`: (hash, number of events)."""
    previous, count = GENESIS, 0
    for notification in _pages(log, stop=position):
        previous = link(previous, notification)
        count += 1
    return previous, count


@dataclass
class Report:
    """What `verify` found: `problems` is empty when the log and every view check out."""

    events: int = 0
    head_position: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(
    store: ViewStore, log: EventLog, sealed: Callable[[Notification], bool], report: Report
) -> list[tuple[Any, int, datetime]]:
    """Check every event's own digest and its place in the chain; return developments for the fold check."""
    with store.read() as c:
        chained = {
            int(r["position"]): str(r["hash"]) for r in store.rows(c, f"SELECT position, hash FROM {{s}}{CHAIN}")
        }
        chain_head = max(chained, default=0)
    previous = GENESIS
    seen: set[int] = set()
    records: list[Any] = []
    for notification in _pages(log):
        report.events += 1
        seen.add(notification.id)
        if not sealed(notification):
            report.problems.append(
                f"position {notification.id}: event {notification.originator_id} "
                f"v{notification.originator_version} does not match its SHA-256 (edited)"
            )
        expected = chained.get(notification.id)
        previous = link(previous, notification)
        if expected is None and notification.id <= chain_head:
            report.problems.append(f"position {notification.id}: event is not in the chain (inserted)")
        elif expected is not None and expected != previous:
            report.problems.append(f"position {notification.id}: history differs from the chain (altered or reordered)")
            previous = expected  # resynchronise, so each altered position is reported once
        if notification.topic == RECORDED_TOPIC:
            records.append(notification)
        if len(report.problems) > 20:
            break
    missing = sorted(set(chained) - seen)
    if missing:
        report.problems.append(f"position {missing[0]}: event is missing from the log (deleted)")
    report.problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))
    report.head_position, report.head_hash = (chain_head, chained[chain_head]) if chained else (0, GENESIS)
    return records


def verify_views(store: ViewStore, records: list[Notification], decode: Decode, report: Report) -> None:
    """Every stored view must equal a fresh in-memory fold of the same log."""
    developments = []
    for notification in records:
        event: DevelopmentRecorded = decode(notification)
        developments.append((event.development, notification.id, event.timestamp))
    fresh = {key: view.model_dump_json() for key, view in fold_all(believe(developments).values()).items()}
    with store.read() as c:
        stored = {
            str(r["entity"]): str(r["state"]) for r in store.rows(c, f"SELECT entity, state FROM {{s}}{LIVE}entities")
        }
    for key in sorted(set(fresh) | set(stored)):
        if key not in stored:
            report.problems.append(f"view {key}: missing from the projection")
        elif key not in fresh:
            if '"developments":0' not in stored[key]:
                report.problems.append(f"view {key}: in the projection but not in the log")
        elif _normal(stored[key]) != _normal(fresh[key]):
            report.problems.append(f"view {key}: differs from a fresh fold of the log")


def _normal(text: str) -> Any:
    import orjson

    return orjson.loads(text)
