"""What `verify` checks: every event's digest and its place in the chain, and every view against a fresh fold.

Both checks read a page at a time, so memory does not grow with the store; the fresh fold they compare
the views with is `integrity.reference`, which shares no code with the projector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from eventsourcing.persistence import Notification

from chronicle.integrity.chain import GENESIS, head, link, page_lists
from chronicle.projections.fold import View
from chronicle.projections.sql.catchup import RECORDED_TOPIC, EventLog
from chronicle.projections.sql.views import CHAIN, LIVE, ViewStore


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
    store: ViewStore,
    log: EventLog,
    sealed: Callable[[Notification], bool],
    report: Report,
    recorded: Callable[[Notification], None],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Check every event's own digest and its place in the chain; hand each development to `recorded`.

    The log and the chain are read side by side, a page at a time: memory does not grow with the store."""
    with store.read() as c:
        report.head_position, report.head_hash = head(store, c)
    previous = GENESIS
    reached = 0  # the chain is checked up to here
    missing: int | None = None  # the first position chained but no longer in the log
    for page in page_lists(log):
        upto = page[-1].id
        with store.read() as c:
            chained = {
                int(r["position"]): str(r["hash"])
                for r in store.rows(
                    c, f"SELECT position, hash FROM {{s}}{CHAIN} WHERE position > ? AND position <= ?", (reached, upto)
                )
            }
        for notification in page:
            report.events += 1
            if not sealed(notification):
                report.problems.append(
                    f"position {notification.id}: event {notification.originator_id} "
                    f"v{notification.originator_version} does not match its SHA-256 (edited)"
                )
            expected = chained.pop(notification.id, None)
            previous = link(previous, notification)
            if expected is None and notification.id <= report.head_position:
                report.problems.append(f"position {notification.id}: event is not in the chain (inserted)")
            elif expected is not None and expected != previous:
                report.problems.append(
                    f"position {notification.id}: history differs from the chain (altered or reordered)"
                )
                previous = expected  # resynchronise, so each altered position is reported once
            if notification.topic == RECORDED_TOPIC:
                recorded(notification)
        if chained and missing is None:
            missing = min(chained)
        reached = upto
        if progress is not None:
            progress(report.events)
        if len(report.problems) > 20:
            break
    else:
        with store.read() as c:
            row = store.one(
                c,
                f"SELECT min(position) AS first FROM {{s}}{CHAIN} WHERE position > ? AND position <= ?",
                (reached, report.head_position),
            )
        if missing is None and row is not None and row["first"] is not None:
            missing = int(row["first"])
    if missing is not None:
        report.problems.append(f"position {missing}: event is missing from the log (deleted)")
    report.problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))


def verify_views(store: ViewStore, fresh: Iterator[tuple[str, View]], report: Report, batch: int = 500) -> None:
    """Every stored view must equal a fresh fold of the same log (`fresh`: entities in key order)."""
    with store.read() as c:
        unmatched = {str(r["entity"]) for r in store.rows(c, f"SELECT entity FROM {{s}}{LIVE}entities")}
    problems: list[tuple[str, str]] = []

    def compare(views: list[tuple[str, View]]) -> None:
        keys = [key for key, _ in views if key in unmatched]
        stored = _states(store, keys)
        for key, view in views:
            if key not in stored:
                problems.append((key, f"view {key}: missing from the projection"))
            elif _normal(stored[key]) != _normal(view.model_dump_json()):
                problems.append((key, f"view {key}: differs from a fresh fold of the log"))
            unmatched.discard(key)

    while views := list(islice(fresh, batch)):
        compare(views)
    for keys in _chunks(sorted(unmatched), batch):
        for key, state in _states(store, keys).items():
            if '"developments":0' not in state:
                problems.append((key, f"view {key}: in the projection but not in the log"))
    report.problems.extend(problem for _, problem in sorted(problems))


def _states(store: ViewStore, keys: list[str]) -> dict[str, str]:
    if not keys:
        return {}
    marks = ", ".join("?" * len(keys))
    with store.read() as c:
        rows = store.rows(c, f"SELECT entity, state FROM {{s}}{LIVE}entities WHERE entity IN ({marks})", keys)
    return {str(r["entity"]): str(r["state"]) for r in rows}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _normal(text: str) -> Any:
    import orjson

    return orjson.loads(text)
