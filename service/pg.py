"""PostgreSQL recorder tuned for Chronicle: large appends go in chunks, still in one transaction.

eventsourcing 9.5.6 sends a whole batch as one array parameter in psycopg's pipeline mode; with tens of
thousands of events that stalled here (client and server both waiting). Chunks of a few hundred in one
transaction, after the same table lock, keep the all-or-nothing append and the commit order = id order
guarantee that readers tracking positions rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

from chronicle.service.writing import PG_CHUNK as CHUNK


class ChunkedPostgresRecorder(PostgresApplicationRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if len(stored_events) <= CHUNK:
            return super().insert_events(stored_events, **kwargs)
        ids: list[int] = []
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            for start in range(0, len(stored_events), CHUNK):
                chunk = stored_events[start : start + CHUNK]
                rows = [
                    self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                    for e in chunk
                ]
                curs.execute(self.insert_events_statement, (rows,))
                ids += [row["notification_id"] for row in curs.fetchall()]
        return ids
