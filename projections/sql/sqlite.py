"""The views in the SQLite file, beside eventsourcing's `stored_events` and `tracking` tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.sqlite import SQLiteTrackingRecorder

from chronicle.projections.sql.views import LIVE, Cursor, ViewStore, _ddl, _meta_ddl

# `PRAGMA secure_delete` as read, and as set. Some builds of SQLite (Debian's) default to ON: every page a
# statement frees is overwritten with zeros and written again, so swapping in a rebuild wrote the old
# tables out once more, a second copy of them in the WAL. View tables hold
# nothing the log does not (confidential sources stay sealed in them), so their writes scrub only where it
# costs no I/O (FAST); a write that must scrub (`sources.destroy`) sets ON itself.
SCRUB = {0: "OFF", 1: "ON", 2: "FAST"}


class SQLiteViews(SQLiteTrackingRecorder, ViewStore):
    """Views in the SQLite file, beside eventsourcing's `stored_events` and `tracking` tables."""

    dialect = "sqlite"
    clustered = " WITHOUT ROWID"  # the entity index is only its key: one b-tree, not a table and an index

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements += [s.replace("{s}", "") for s in (*_meta_ddl(self.big), *_ddl(LIVE, self.big, self.clustered))]
        return statements

    def tracking_table(self) -> str:
        return "tracking"

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Cursor]:
        with self.datastore.get_connection(commit=True) as conn:
            raw: sqlite3.Connection = conn._sqlite_conn
            cursor = raw.cursor()
            if not durable:  # WAL stays consistent; only this commit's fsync is skipped
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA threads=2")  # SQLite may sort on a second core (index builds, ORDER BY)
            scrubbing = cursor.execute("PRAGMA secure_delete").fetchone()[0]
            cursor.execute("PRAGMA secure_delete=FAST")  # see `SCRUB`
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    raw.rollback()
                    raise
                raw.commit()
            finally:
                if not durable:
                    cursor.execute("PRAGMA synchronous=FULL")
                cursor.execute(f"PRAGMA secure_delete={SCRUB[scrubbing]}")
