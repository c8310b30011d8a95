"""Persistent views in the store's own database, written with their tracking record in one transaction.

Each backend's view recorder subclasses eventsourcing's tracking recorder for that backend, so the rows a
page of events produces and the position it reached commit together: exactly once, never skipped.
Tables come in two sets, `live` (what readers see) and `aside` (a rebuild in progress), swapped in one
transaction when a rebuild completes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import orjson
from eventsourcing.persistence import Tracking

from chronicle.domain.analysts import UNKNOWN
from chronicle.domain.errors import StoreError

LIVE = "view_"
ASIDE = "rebuild_"
TABLES = ("timeline", "entity_index", "entities")
INDEXES = (
    "timeline_dev",
    "timeline_story",
    "timeline_end",
    "timeline_recorded",
    "timeline_reported",
    "timeline_target",
)
META = "chronicle_meta"
CHAIN = "chronicle_chain"
SOURCE_KEYS = "chronicle_source_keys"


class Cursor(Protocol):
    def execute(self, statement: Any, params: Any = ...) -> Any: ...

    def fetchall(self) -> Any: ...

    def fetchone(self) -> Any: ...


def _ddl(
    prefix: str, big: str, clustered: str = "", index_prefix: str | None = None, *, entity_key: bool = True
) -> list[str]:
    """`clustered`: what makes a table its primary key's b-tree (SQLite's WITHOUT ROWID); `index_prefix`:
    the indexes' names, if not the tables' prefix; `entity_key`: the entity index with its primary key
    (without it, for rows copied in before it is added)."""
    p = prefix
    i = prefix if index_prefix is None else index_prefix
    entity_pk = ", PRIMARY KEY (entity, position)" if entity_key else ""
    return [
        f"CREATE TABLE IF NOT EXISTS {{s}}{p}timeline ("
        f"position {big} PRIMARY KEY, dev_id TEXT NOT NULL, type TEXT NOT NULL, "
        "occurred TEXT NOT NULL, occ_start TEXT NOT NULL, occ_end TEXT NOT NULL, "
        "recorded TEXT NOT NULL, summary TEXT NOT NULL, "
        "current TEXT, corrected_by TEXT NOT NULL, retracted_by TEXT, "
        "target TEXT, entities TEXT NOT NULL, sources TEXT NOT NULL, reported TEXT NOT NULL)",
        f"CREATE UNIQUE INDEX IF NOT EXISTS {i}timeline_dev ON {{s}}{p}timeline (dev_id)",
        f"CREATE INDEX IF NOT EXISTS {i}timeline_story ON {{s}}{p}timeline (occ_start, position)",
        f"CREATE INDEX IF NOT EXISTS {i}timeline_end ON {{s}}{p}timeline (occ_end)",
        f"CREATE INDEX IF NOT EXISTS {i}timeline_recorded ON {{s}}{p}timeline (recorded)",
        f"CREATE INDEX IF NOT EXISTS {i}timeline_reported ON {{s}}{p}timeline (reported)",
        # Only revisions have a target: the index holds those few rows, not a NULL for every development.
        f"CREATE INDEX IF NOT EXISTS {i}timeline_target ON {{s}}{p}timeline (target) WHERE target IS NOT NULL",
        f"CREATE TABLE IF NOT EXISTS {{s}}{p}entity_index ("
        f"entity TEXT NOT NULL, position {big} NOT NULL{entity_pk}){clustered}",
        f"CREATE TABLE IF NOT EXISTS {{s}}{p}entities ("
        "entity TEXT PRIMARY KEY, kind TEXT NOT NULL, registered INTEGER NOT NULL, "
        f"names TEXT NOT NULL, state TEXT NOT NULL, facts TEXT NOT NULL, last_start TEXT NOT NULL, "
        f"last_position {big} NOT NULL)",
    ]


def _meta_ddl(big: str) -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {{s}}{META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {{s}}{CHAIN} (position {big} PRIMARY KEY, hash TEXT NOT NULL)",
        # Kept apart from the log: deleting a row destroys that source for good (crypto-shredding).
        f"CREATE TABLE IF NOT EXISTS {{s}}{SOURCE_KEYS} (source_id TEXT PRIMARY KEY, key TEXT NOT NULL)",
    ]


class TextCipher(Protocol):
    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


SEALED = "enc1:"


def protect(cipher: TextCipher | None, text: str) -> str:
    """A view column's text as stored: sealed with the store's cipher, if it has one."""
    if cipher is None:
        return text
    return SEALED + base64.b64encode(cipher.encrypt(text.encode())).decode()


class ViewStore:
    """SQL for the views, in either dialect; `{s}` stands for the schema prefix, `?` for a parameter.

    In an encrypted store every text that is not needed for indexing (summaries, development bodies,
    sources, entity states, names) is written encrypted (`protect`) and read back decrypted transparently;
    ids, types, dates and positions stay in clear so the indexes work.
    """

    dialect = "sqlite"
    big = "INTEGER"
    clustered = ""
    cipher: TextCipher | None = None
    # Turns a development body (its JSON object) into what the reader may see: confidential sources
    # opened with their keys, or shown as [redacted]. Set by the service layer.
    reveal_sources: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # The log's table and its notification id, where a timeline row's body as recorded is read: the
    # timeline holds only a corrected body, so the recorded one is stored once, in its event.
    events_table = "stored_events"
    event_id = "rowid"
    # A stored event's state (as the recorder holds it, sealed, maybe encrypted) to its development's
    # JSON object: the store's mapper, set by the service layer.
    logged: Callable[[bytes], dict[str, Any]] | None = None

    def protect(self, text: str) -> str:
        return protect(self.cipher, text)

    def log_data(self, state: bytes | memoryview | None) -> dict[str, Any]:
        """The JSON object of a development as recorded, from its event's stored state."""
        return self.log_event(state)["development"]  # type: ignore[no-any-return]

    def log_event(self, state: bytes | memoryview | None) -> dict[str, Any]:
        """A development's whole stored event (its body, who recorded it, its signature)."""
        if state is None or self.logged is None:
            raise StoreError("the log has no event where the timeline has a development: `chronicle verify` says more")
        return self.logged(bytes(state))

    def _bodies(self, row: Any) -> Any:
        """A row's bodies as JSON objects, each decoded once: `ORIGINAL_T` from its event, `CURRENT_T` from
        the stored corrected body or else its event. A plain `t.current` column stays as stored."""
        if row is None:
            return row
        names = row.keys()
        if "original" not in names and "logged" not in names:
            return row
        found = dict(row) if not isinstance(row, dict) else row
        if "original" in found:
            event = self.log_event(found["original"])
            found["original"] = event["development"]
            found["recorded_by"] = event.get("recorded_by") or UNKNOWN
        if "logged" in found:
            logged, current = found.pop("logged"), found["current"]
            if current is not None:  # corrected (decrypted by now, in an encrypted store)
                found["current"] = orjson.loads(current)
            else:  # as recorded, as most developments stand
                found["current"] = found["original"] if "original" in found else self.log_data(logged)
        return found

    def _reveal(self, row: Any) -> Any:
        """A row decrypted, its bodies decoded (`_bodies`), and their confidential sources opened."""
        if row is None:
            return row
        if self.cipher is not None:
            row = {name: self._decrypted(value) for name, value in dict(row).items()}
        row = self._bodies(row)
        if self.reveal_sources is None:
            return row
        revealed = dict(row) if not isinstance(row, dict) else row
        for name in ("original", "current"):
            if revealed.get(name) is not None:
                revealed[name] = self._open_sources(revealed[name], self.reveal_sources)
        return revealed

    def _decrypted(self, value: Any) -> Any:
        assert self.cipher is not None
        if isinstance(value, str) and value.startswith(SEALED):
            return self.cipher.decrypt(base64.b64decode(value[len(SEALED) :])).decode()
        return value

    @staticmethod
    def _open_sources(body: Any, reveal: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
        """A body (text or JSON object) with its confidential sources opened, if it has any."""
        if isinstance(body, str):
            return orjson.dumps(reveal(orjson.loads(body))).decode() if '"sealed":"' in body else body
        if isinstance(body, dict) and _any_sealed(body):
            return reveal(body)
        return body

    def schema_prefix(self) -> str:
        return ""

    def sql(self, statement: str) -> str:
        prefix = self.schema_prefix()
        statement = statement.replace("{log}", f"{prefix}{self.events_table}").replace("{log_id}", self.event_id)
        statement = statement.replace("{s}", prefix)
        return statement.replace("?", "%s") if self.dialect == "postgres" else statement

    def run(self, c: Cursor, statement: str, params: Sequence[Any] = ()) -> None:
        c.execute(self.sql(statement), tuple(params))

    def insert_many(self, c: Cursor, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Plain inserts of many rows into `{s}`-prefixed `table` (no conflict handling)."""
        names, marks = ", ".join(columns), ", ".join("?" * len(columns))
        c.executemany(self.sql(f"INSERT INTO {table} ({names}) VALUES ({marks})"), rows)  # type: ignore[attr-defined]

    def rows(self, c: Cursor, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        c.execute(self.sql(statement), tuple(params))
        return [self._reveal(r) for r in c.fetchall()]

    def one(self, c: Cursor, statement: str, params: Sequence[Any] = ()) -> Any:
        c.execute(self.sql(statement), tuple(params))
        return self._reveal(c.fetchone())

    def stream(
        self, c: Cursor, statement: str, params: Sequence[Any] = (), size: int = 2000, *, sources: bool = False
    ) -> Iterator[Any]:
        """Rows a batch at a time (fetchmany), for scans too big to hold in memory. Decrypted; confidential
        sources are unsealed only with `sources` (as `rows` does), since folds count them by id."""
        with self._scrolling(c) as raw:
            raw.execute(self.sql(statement), tuple(params))
            reveal = self.cipher is not None or (sources and self.reveal_sources is not None)
            while batch := raw.fetchmany(size):
                yield from (self._reveal(r) for r in batch) if reveal else map(self._bodies, batch)

    @contextmanager
    def _scrolling(self, c: Cursor) -> Iterator[Any]:
        """A cursor on `c`'s transaction that fetches as it is read (sqlite3's does)."""
        yield getattr(c, "sqlite_cursor", c)  # eventsourcing's read cursor wraps sqlite3's: no fetchmany

    # -- schema -------------------------------------------------------------------------------

    # Whether a rebuild copies the entity index's rows as the pass goes, keyed afterwards (PostgreSQL), or
    # fills it from the timeline after the pass (`fill_entity_index`).
    copies_entity_index = False

    def create_views(self, c: Cursor, prefix: str, *, indexes: bool = True) -> None:
        """The view tables; a rebuild adds the secondary indexes after its bulk load (`indexes=False`)."""
        for statement in _ddl(prefix, self.big, self.clustered):
            if indexes or " INDEX " not in statement:
                self.run(c, statement)

    def index_aside(self, c: Cursor) -> None:
        """Build the aside tables' indexes, in the transaction that will swap them in (a rebuild's last).

        Index names are global in SQLite and cannot be renamed, so the live tables are dropped first and
        the indexes get their live names now: readers still see the committed live tables until the swap
        commits, and the indexes are built before the rebuild's last steps, not after them."""
        self.drop_views(c, LIVE)
        for statement in _ddl(ASIDE, self.big, self.clustered, index_prefix=LIVE):
            if " INDEX " in statement:
                self.run(c, statement)

    def fill_entity_index(self, c: Cursor, prefix: str) -> None:
        """The entity index from the timeline's `entities` column, in key order: one sequential build
        instead of scattered inserts as the rows come (a rebuild)."""
        self.run(
            c,
            f"INSERT INTO {{s}}{prefix}entity_index (entity, position) "
            f"SELECT j.value, t.position FROM {{s}}{prefix}timeline t, {self.json_each('t.entities')} "
            "ORDER BY 1, 2",
        )

    def json_each(self, column: str) -> str:
        """A JSON array column's items as rows `j(value)`, in this dialect."""
        return f"json_each({column}) j"

    def drop_views(self, c: Cursor, prefix: str) -> None:
        for table in TABLES:
            self.run(c, f"DROP TABLE IF EXISTS {{s}}{prefix}{table}")

    def swap_in(self, c: Cursor) -> None:
        """Replace the live tables with the aside ones, indexed by `index_aside` (in the same transaction)."""
        self.drop_views(c, LIVE)
        for table in TABLES:
            self.run(c, f"ALTER TABLE {{s}}{ASIDE}{table} RENAME TO {LIVE}{table}")
        self.create_views(c, LIVE)  # nothing left to create, unless the indexes were not built aside

    def analyze(self, c: Cursor, prefix: str = LIVE, tables: Sequence[str] = TABLES) -> None:
        """Planner statistics for freshly built tables (PostgreSQL plans blind without them)."""

    def create_meta(self, c: Cursor) -> None:
        """Tables that are not views: settings, and the hash chain (never rebuilt from the log)."""
        for statement in _meta_ddl(self.big):
            self.run(c, statement)

    def get_meta(self, c: Cursor, key: str) -> str | None:
        row = self.one(c, f"SELECT value FROM {{s}}{META} WHERE key=?", (key,))
        return None if row is None else str(row[0] if not isinstance(row, dict) else row["value"])

    def set_meta(self, c: Cursor, key: str, value: str) -> None:
        self.run(
            c,
            f"INSERT INTO {{s}}{META} (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def set_tracking(self, c: Cursor, name: str, position: int) -> None:
        self.run(c, f"DELETE FROM {self.tracking_table()} WHERE application_name=?", (name,))
        self.insert_tracking_in(c, Tracking(name, position))

    def clear_tracking(self, c: Cursor, name: str) -> None:
        self.run(c, f"DELETE FROM {self.tracking_table()} WHERE application_name=?", (name,))

    def tracking_table(self) -> str:
        raise NotImplementedError

    def table_names(self, c: Cursor) -> set[str]:
        """The tables the store holds now (a read heals those of them that are derived)."""
        if self.dialect == "postgres":
            schema = self.datastore.schema or "public"  # type: ignore[attr-defined]
            found = self.rows(
                c, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?", (schema,)
            )
        else:
            found = self.rows(c, "SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(r["name"]) for r in found}

    def create_missing(self) -> None:
        """Create every table that is not there (the recorder's own statements all say IF NOT EXISTS)."""
        self.create_table()  # type: ignore[attr-defined]

    def derived_tables(self) -> list[str]:
        """The tables rebuilt from the log: the views and their tracking record."""
        tracking = str(getattr(self, "tracking_table_name", "tracking"))
        return [*(f"{LIVE}{t}" for t in TABLES), tracking]

    # Both backends' eventsourcing tracking recorders take the caller's cursor in these private
    # methods: that is what lets the view rows and the tracking record share one transaction.
    def insert_tracking_in(self, c: Cursor, tracking: Tracking) -> None:
        self._insert_tracking(c, tracking)  # type: ignore[attr-defined]

    def may_write(self) -> bool:
        """Whether this connection's role may write the views (PostgreSQL roles may be granted read only)."""
        return True

    def tracked(self, c: Cursor, name: str) -> int:
        return self._max_tracking_id(name, c) or 0  # type: ignore[attr-defined]

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Cursor]:
        """A transaction holding the store's projection lock, so one worker projects at a time.

        `durable=False` is for tables nobody reads yet (a rebuild's aside tables): the commit may skip
        waiting for the disk, since a crash only costs a rebuild that starts over anyway."""
        raise NotImplementedError
        yield  # pragma: no cover

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
            yield c


def _any_sealed(body: dict[str, Any]) -> bool:
    changes = body.get("changes")
    lists = (body.get("sources"), changes.get("sources") if isinstance(changes, dict) else None)
    return any(isinstance(s, dict) and s.get("sealed") for found in lists if isinstance(found, list) for s in found)
