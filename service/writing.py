"""An append's own transaction: the store's write lock first, then the rules' lookups and the inserts.

Taking the lock before the rules read anything means no other writer can change what they read: no
races to retry, and a file can be read, checked and written a page at a time, all in one transaction,
so a million-line import holds one page in memory, not the file, and is still all or nothing.
The lookups are what `domain.rules.Lookup` asks for, read through the same cursor (so a page sees what
the earlier pages wrote). `validate` reads through the same code without the lock; an import's dry run
is this transaction, rolled back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from chronicle.domain.developments import Development
from chronicle.domain.events import DomainEvent, actor_stream, development_stream, negotiation_stream
from chronicle.domain.keys import EntityKey, prefix
from chronicle.domain.revisions import DevelopmentState, fold_development
from chronicle.domain.rules import AppendPlan, plan_append
from chronicle.integrity.extending import ChainCursor, extend, refuse_unchained


def utc_now() -> datetime:
    return datetime.now(UTC)


CHUNK = 500  # ids per lookup query
PG_CHUNK = 500  # rows per insert on PostgreSQL: one huge array parameter stalled psycopg here
Sealer = Callable[[list[DomainEvent], Any], list[DomainEvent]]
Stamp = Callable[[list[DomainEvent], Any], list[DomainEvent]]  # given the session: who recorded, signed


class Session:
    """Lookups (and, when writing, inserts) through one cursor of the application's recorder."""

    def __init__(
        self, recorder: Any, mapper: Any, cursor: Any, sealer: Sealer | None = None, stamp: Stamp | None = None
    ) -> None:
        self.recorder, self.mapper, self.cursor, self.sealer = recorder, mapper, cursor, sealer
        self.stamp = stamp
        self.postgres = hasattr(recorder.datastore, "schema")
        table = recorder.events_table_name
        self.table = f'"{recorder.datastore.schema}"."{table}"' if self.postgres else table

    def _select(self, columns: str, streams: Sequence[str], where: str = "", order: str = "") -> list[Any]:
        rows: list[Any] = []
        for i in range(0, len(streams), CHUNK):
            chunk = list(streams[i : i + CHUNK])
            params: tuple[Any, ...]
            if self.postgres:
                match, params = "originator_id = ANY(%s)", (chunk,)
            else:
                match, params = f"originator_id IN ({','.join('?' * len(chunk))})", tuple(chunk)
            self.cursor.execute(f"SELECT {columns} FROM {self.table} WHERE {match}{where}{order}", params)
            rows += self.cursor.fetchall()
        return rows

    def existing_streams(self, streams: Sequence[str]) -> set[str]:
        """Which of these streams have events: one indexed query per chunk, not one per stream."""
        return {row["originator_id"] for row in self._select("originator_id", streams, " AND originator_version = 1")}

    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]:
        streams = {development_stream(i): i for i in ids}
        events: dict[str, list[Any]] = {}
        order = " ORDER BY originator_id, originator_version"
        rows = self._select("originator_id, originator_version, topic, state", list(streams), order=order)
        for row in rows:
            stored = StoredEvent(row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))
            events.setdefault(row["originator_id"], []).append(self.mapper.to_domain_event(stored))
        found: dict[str, DevelopmentState] = {}
        for stream, stream_events in events.items():
            state = fold_development(stream_events)
            if state is not None:
                found[streams[stream]] = state
        return found

    def claims(self, kind: str) -> dict[str, str]:
        """Every id of this kind (actor, negotiation) ever claimed, with the development that claimed it."""
        where = (
            " WHERE originator_id LIKE %s AND originator_version = 1"
            if self.postgres
            else (" WHERE originator_id LIKE ? AND originator_version = 1")
        )
        self.cursor.execute(
            f"SELECT originator_id, topic, state FROM {self.table}" + where,
            (prefix(kind) + "%",),  # the kinds hold no LIKE wildcard
        )
        found: dict[str, str] = {}
        for row in self.cursor.fetchall():
            stored = StoredEvent(row["originator_id"], 1, row["topic"], bytes(row["state"]))
            found[EntityKey.parse(row["originator_id"]).id] = self.mapper.to_domain_event(stored).development
        return found

    def existing_actors(self, ids: Sequence[str]) -> set[str]:
        return {s.partition(":")[2] for s in self.existing_streams([actor_stream(i) for i in ids])}

    def existing_negotiations(self, ids: Sequence[str]) -> set[str]:
        return {s.partition(":")[2] for s in self.existing_streams([negotiation_stream(i) for i in ids])}

    def existing_milestones(self, streams: Sequence[str]) -> set[str]:
        return self.existing_streams(streams)

    def record(
        self, batch: Sequence[Development], *, auto_register: bool = False, allow_future: bool = False
    ) -> AppendPlan:
        """Check `batch` by the rules against the store as this transaction sees it, then write it; on a
        `BatchError` nothing of the batch is written (the caller may drop the bad item and retry)."""
        plan = plan_append(batch, self, auto_register=auto_register, allow_future=allow_future, now=utc_now)
        if plan.events:
            self.insert(plan.events)
        return plan

    def insert(self, events: list[DomainEvent]) -> None:
        """Store these events in this transaction (confidential sources sealed first)."""
        if self.sealer is not None:
            events = self.sealer(events, self.cursor)
        if self.stamp is not None:  # after sealing: a signature covers the stored form
            events = self.stamp(events, self)
        stored = [self.mapper.to_stored_event(e) for e in events]
        if self.postgres:
            for start in range(0, len(stored), PG_CHUNK):
                # eventsourcing's own insert: the table lock (already held), NOTIFY, then the rows.
                self.recorder._insert_stored_events(self.cursor, stored[start : start + PG_CHUNK])
        else:
            self.recorder._insert_events(self.cursor, stored)


@contextmanager
def _chained(session: Session) -> Iterator[None]:
    """Refuse to write beside an event nobody chained; link what the append wrote, before it commits."""
    schema = getattr(session.recorder.datastore, "schema", "")
    chain = ChainCursor(session.cursor, session.table, session.postgres, schema)
    refuse_unchained(chain)
    yield
    extend(chain)


@contextmanager
def reading(recorder: Any, mapper: Any) -> Iterator[Session]:
    """Lookups only, no lock: what the store holds now."""
    with recorder.datastore.transaction(commit=False) as cursor:
        yield Session(recorder, mapper, cursor)


@contextmanager
def writing(
    recorder: Any, mapper: Any, sealer: Sealer | None, *, rollback: bool = False, stamp: Stamp | None = None
) -> Iterator[Session]:
    """One transaction holding the store's write lock from its first statement; committed if no error
    (rolled back anyway with `rollback`: a dry run that sees its own earlier pages, then leaves no trace)."""
    if hasattr(recorder.datastore, "schema"):
        with recorder.datastore.transaction(commit=not rollback) as cursor:
            recorder._lock_table(cursor)  # EXCLUSIVE on the events table: readers go on, writers wait
            session = Session(recorder, mapper, cursor, sealer, stamp)
            with _chained(session):
                yield session
        return
    with recorder.datastore.get_connection(commit=True) as connection:
        raw: sqlite3.Connection = connection._sqlite_conn
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")  # the write lock now, not at the first insert
        try:
            session = Session(recorder, mapper, cursor, sealer, stamp)
            with _chained(session):
                yield session
        except BaseException:
            raw.rollback()
            raise
        if rollback:
            raw.rollback()
        else:
            raw.commit()
