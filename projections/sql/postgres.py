"""The views on PostgreSQL, apart from views.py so that SQLite commands never import psycopg."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder

from chronicle.projections.sql.views import ASIDE, INDEXES, LIVE, TABLES, Cursor, ViewStore, _ddl, _meta_ddl

_STREAMS = count()


class PostgresViews(PostgresTrackingRecorder, ViewStore):
    """Views in the PostgreSQL schema, beside eventsourcing's events and tracking tables."""

    dialect = "postgres"
    big = "BIGINT"
    LOCK_KEY = 0x43_68_72_6F  # "Chro": one projection worker per schema at a time

    def schema_prefix(self) -> str:
        return f'"{self.datastore.schema}".'

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from psycopg.sql import SQL

        prefix = self.schema_prefix()
        statements = [s.replace("{s}", prefix) for s in (*_meta_ddl(self.big), *_ddl(LIVE, self.big))]
        self.sql_create_statements += [SQL(s).format() for s in statements]

    # A rebuild copies the entity index's rows as the pass goes and keys them after it: filling it from
    # the timeline's JSON column would cast every row to jsonb (docs/performance.md has the figures).
    copies_entity_index = True

    def create_views(self, c: Cursor, prefix: str, *, indexes: bool = True) -> None:
        for statement in _ddl(prefix, self.big, entity_key=indexes):  # a rebuild's: keyed by `fill_entity_index`
            if indexes or " INDEX " not in statement:
                self.run(c, statement)

    def fill_entity_index(self, c: Cursor, prefix: str) -> None:
        self.run(c, f"ALTER TABLE {{s}}{prefix}entity_index ADD PRIMARY KEY (entity, position)")

    def json_each(self, column: str) -> str:
        return f"jsonb_array_elements_text({column}::jsonb) AS j(value)"

    def index_aside(self, c: Cursor) -> None:
        # PostgreSQL renames indexes: they are built under aside names, and the live tables stay until the
        # swap (dropping them takes a lock that readers would wait on).
        for statement in _ddl(ASIDE, self.big):
            if " INDEX " in statement:
                self.run(c, statement)

    def swap_in(self, c: Cursor) -> None:
        self.drop_views(c, LIVE)
        for table in TABLES:
            self.run(c, f"ALTER TABLE {{s}}{ASIDE}{table} RENAME TO {LIVE}{table}")
        for name in INDEXES:
            self.run(c, f"ALTER INDEX IF EXISTS {{s}}{ASIDE}{name} RENAME TO {LIVE}{name}")
        self.create_views(c, LIVE)

    def insert_many(self, c: Cursor, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        # COPY, not a pipelined INSERT per row: a rebuild writes a timeline row per event, and the
        # server's parse-bind-execute per row was most of its CPU.
        names = ", ".join(columns)
        with c.copy(self.sql(f"COPY {table} ({names}) FROM STDIN")) as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)

    def analyze(self, c: Cursor, prefix: str = LIVE, tables: Sequence[str] = TABLES) -> None:
        # Without statistics the planner scans the whole timeline for `show --as-of` of one actor, and a
        # rebuild's refold of the stale negotiations reads the aside tables the same way.
        names = ", ".join(f"{{s}}{prefix}{table}" for table in tables)
        self.run(c, f"ANALYZE {names}")

    @contextmanager
    def _scrolling(self, c: Cursor) -> Iterator[Any]:
        # psycopg's ordinary cursor receives the whole result at `execute`: a server-side cursor sends it
        # as it is fetched, so a stream over a million rows holds a page, not the million.
        name = f"chronicle_stream_{next(_STREAMS)}"  # unique: streams may be open side by side
        with c.connection.cursor(name=name) as scrolling:  # type: ignore[attr-defined]
            yield scrolling

    def may_write(self) -> bool:
        timeline, tracking = f"{self.schema_prefix()}{LIVE}timeline", self.tracking_table()
        with self.read() as c:
            # A table that is gone (to be healed) is no sign of a reader: only a table present can refuse.
            c.execute(
                "SELECT (to_regclass(%s) IS NULL OR has_table_privilege(%s, 'INSERT'))"
                " AND (to_regclass(%s) IS NULL OR has_table_privilege(%s, 'INSERT')) AS ok",
                (timeline, timeline, tracking, tracking),
            )
            row = c.fetchone()
        return bool(row and (row["ok"] if isinstance(row, dict) else row[0]))

    def tracking_table(self) -> str:
        return f'{self.schema_prefix()}"{self.tracking_table_name}"'

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=True) as c:
            if not durable:  # a rebuild's aside tables: a crash only costs a rebuild that starts over
                c.execute("SET LOCAL synchronous_commit = off")
            c.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (self.LOCK_KEY, self.datastore.schema))
            yield c
