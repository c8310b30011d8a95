"""What `verify` checks: every event's digest and its place in the chain, and every view against a fresh fold.

Both checks read a page at a time, so memory does not grow with the store; the fresh fold they compare
the views with is `integrity.reference`, which shares no code with the projector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, islice
from typing import Any

from eventsourcing.persistence import Notification

from chronicle.integrity.chain import GENESIS, head, link, page_lists
from chronicle.projections.fold import View
from chronicle.projections.sql.catchup import RECORDED_TOPIC, EventLog
from chronicle.projections.sql.views import CHAIN, LIVE, ViewStore


@dataclass
class Report:
    """What `verify` found: `problems` is empty when the log and every view check out."""

    events: int = 0  # stored events: developments, their revisions' marks and the id claims
    developments: int = 0  # what users recorded (corrections and retractions included)
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
    *,
    every_event_chained: bool = False,
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
            if expected is None and (every_event_chained or notification.id <= report.head_position):
                report.problems.append(f"position {notification.id}: event is not in the chain (inserted)")
            elif expected is not None and expected != previous:
                report.problems.append(
                    f"position {notification.id}: history differs from the chain (altered or reordered)"
                )
                previous = expected  # resynchronise, so each altered position is reported once
            if notification.topic == RECORDED_TOPIC:
                report.developments += 1
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


def _merged(expected: Iterator[tuple[int, Any]], stored: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any, Any]]:
    """Two streams in position order, side by side: (position, expected or None, stored or None)."""
    want, have = next(expected, None), next(stored, None)
    while want is not None or have is not None:
        if have is None or (want is not None and want[0] < have[0]):
            assert want is not None
            yield want[0], want[1], None
            want = next(expected, None)
        elif want is None or have[0] < want[0]:
            yield have[0], None, have[1]
            have = next(stored, None)
        else:
            yield want[0], want[1], have[1]
            want, have = next(expected, None), next(stored, None)


def _grouped(rows: Iterator[Any]) -> Iterator[tuple[int, set[str]]]:
    for position, group in groupby(rows, key=lambda r: int(r["position"])):
        yield position, {str(r["entity"]) for r in group}


def verify_timeline(
    store: ViewStore, expected: Iterator[tuple[int, str, list[str], str | None]], report: Report, limit: int = 20
) -> None:
    """The timeline must hold every development once, with the corrections and retraction the log made."""
    import orjson

    found: list[str] = []
    with store.read() as c:
        rows = store.stream(
            c, f"SELECT position, dev_id, corrected_by, retracted_by FROM {{s}}{LIVE}timeline ORDER BY position"
        )
        stored = (
            (int(r["position"]), (str(r["dev_id"]), list(orjson.loads(r["corrected_by"])), r["retracted_by"]))
            for r in rows
        )
        wanted = ((p, (d, corrected, retracted)) for p, d, corrected, retracted in expected)
        for position, want, have in _merged(wanted, stored):
            if want is None:
                found.append(f"timeline row at position {position} ({have[0]}): not in the log")
            elif have is None:
                found.append(f"timeline row at position {position} ({want[0]}): missing from the projection")
            elif have != want:
                found.append(f"timeline row at position {position} ({want[0]}): differs from the log")
            if len(found) >= limit:
                break
    report.problems.extend(found)


def verify_index(store: ViewStore, expected: Iterator[tuple[int, set[str]]], report: Report, limit: int = 20) -> None:
    """The entity index must hold exactly the (entity, position) pairs of a fresh fold."""
    found: list[str] = []
    with store.read() as c:
        rows = store.stream(c, f"SELECT position, entity FROM {{s}}{LIVE}entity_index ORDER BY position")
        for position, want, have in _merged(expected, _grouped(rows)):
            for entity in sorted((want or set()) - (have or set())):
                found.append(f"entity index {entity} at position {position}: missing from the projection")
            for entity in sorted((have or set()) - (want or set())):
                found.append(f"entity index {entity} at position {position}: not in the log")
            if len(found) >= limit:
                break
    report.problems.extend(found[:limit])
