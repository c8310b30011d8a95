"""Open a store: probe the file or the PostgreSQL schema, check the key, and wire the pieces together."""

from __future__ import annotations

import base64
import os
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from chronicle.domain.errors import InvalidInput, StoreError
from chronicle.projections.sql.views import META, ViewStore
from chronicle.service.application import Chronicle
from chronicle.service.failures import pg_message, translate
from chronicle.service.settings import StoreSettings
from chronicle.service.store import Store

STORE_FORMAT = "1"
KEY_CHECK = b"chronicle key check"


def open_store(settings: StoreSettings, *, create: bool = False, encrypt: bool = False) -> Store:
    """Open a store (create it with `create`); an encrypted store needs its key in `settings.key`."""
    if settings.path is not None:
        meta = _check_sqlite_file(settings, create=create)
    else:
        meta = _probe_postgres(settings, create_schema=create)
    encrypted = meta.get("encrypted") == "yes"
    if encrypt and meta.get("format") and not encrypted:
        raise InvalidInput(f"{settings.describe()} already exists unencrypted: encrypt a new store")
    if (encrypted or encrypt) and not settings.key:
        raise StoreError(
            f"store {settings.describe()} is encrypted: set CHRONICLE_KEY or pass --key-file"
            if encrypted
            else "--encrypt needs a key: set CHRONICLE_KEY or pass --key-file (make one with `chronicle key new`)"
        )
    if not (encrypted or encrypt):
        settings = replace(settings, key="")  # a key for a plain store changes nothing
    with translate(settings):
        made = None
        if create and settings.path is not None:
            made = _make_room(settings.path)
            old = os.umask(0o077)  # the store file and its WAL/SHM are the owner's alone
            try:
                app = Chronicle(env=settings.env(create_tables=True))
            finally:
                os.umask(old)
        else:
            app = Chronicle(env=settings.env(create_tables=create))
        store = Store(settings, app, _views(settings, app))
        store.made_directory = made
        if encrypted:
            _check_key(store, meta.get("key_check", ""))
        if create:
            _initialise(store, encrypt=encrypt)
        elif settings.is_postgres and not _pg_initialised(store):
            raise StoreError(f"no Chronicle store at {settings.describe()}: run `chronicle init`")
        _attach_source_keys(store)
        return store


def _views(settings: StoreSettings, app: Chronicle) -> ViewStore:
    factory: Any = app.factory
    views: Any = factory.tracking_recorder(_views_class(settings))
    views.cipher = app.mapper.cipher
    # a timeline row's body as recorded is read from its event (`statements.ORIGINAL_T`)
    views.logged = app.mapper.state_fields
    recorder: Any = app.recorder
    table = recorder.events_table_name
    views.events_table, views.event_id = (f'"{table}"', "notification_id") if settings.is_postgres else (table, "rowid")
    assert isinstance(views, ViewStore)
    return views


def _make_room(path: Path) -> Path | None:
    """Only the default store's folder is created (and named, so the user is told): a typo in a path
    given by hand must not make a new store somewhere unexpected."""
    from chronicle.service.settings import default_store_path

    if path.parent.is_dir():
        return None
    if path != default_store_path():
        raise StoreError(f"directory {path.parent} does not exist: create it first, or check the path")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent


def _initialise(store: Store, *, encrypt: bool) -> None:
    from chronicle.integrity.extending import WRITER_CHAINS
    from chronicle.projections.sql.catchup import VIEWS_VERSION

    views = store.views
    with views.write() as c:
        views.create_meta(c)
        if views.get_meta(c, "format") is None:
            views.set_meta(c, "format", STORE_FORMAT)
            views.set_meta(c, "views_version", VIEWS_VERSION)
            views.set_meta(c, *WRITER_CHAINS)  # a new store: only the writer ever chains
            cipher = store.app.mapper.cipher
            if encrypt and cipher is not None:
                check = cipher.encrypt(KEY_CHECK)
                views.set_meta(c, "encrypted", "yes")
                views.set_meta(c, "key_check", base64.b64encode(check).decode())


def _attach_source_keys(store: Store) -> None:
    from chronicle.service.sources import SourceKeys, confidential_ids, reveal_sources, seal_events

    keys = SourceKeys(store)
    keys.load()
    store.source_keys = keys

    def seal(events: list[Any], cursor: Any) -> list[Any]:
        ids = confidential_ids(events)
        if not ids:
            return events
        keys.ensure(ids, cursor)  # in the append's own transaction: it holds the write lock
        return seal_events(events, keys.keys)

    store.app.sealer = seal
    store.views.reveal_sources = lambda body: reveal_sources(body, keys.keys)


def _check_key(store: Store, key_check: str) -> None:
    cipher = store.app.mapper.cipher
    try:
        assert cipher is not None
        ok = cipher.decrypt(base64.b64decode(key_check)) == KEY_CHECK
    except Exception:
        ok = False
    if not ok:
        store.close()
        raise StoreError(f"the key does not open store {store.settings.describe()} (wrong key)")


def _pg_initialised(store: Store) -> bool:
    recorder: Any = store.app.recorder
    table = recorder.events_table_name
    with store.views.read() as c:
        c.execute("SELECT to_regclass(%s) AS found", (f'"{store.settings.schema or "public"}"."{table}"',))
        row = c.fetchone()
    return row is not None and row["found"] is not None


def _views_class(settings: StoreSettings) -> type[ViewStore]:
    if settings.is_postgres:
        from chronicle.projections.sql.postgres import PostgresViews

        return PostgresViews
    from chronicle.projections.sql.sqlite import SQLiteViews

    return SQLiteViews


def _check_sqlite_file(settings: StoreSettings, *, create: bool) -> dict[str, str]:
    """Check the file is a readable store; return its settings table (`{}` for a new store)."""
    path = settings.path
    assert path is not None
    if not path.exists():
        if create:
            return {}
        raise StoreError(f"no store at {path}: run `chronicle init` (or pass --store)")
    if path.is_dir():
        raise StoreError(f"store path {path} is a directory, not a file")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
            names = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            meta = dict(probe.execute("SELECT key, value FROM chronicle_meta")) if META in names else {}
        probe.close()
    except sqlite3.Error as error:
        raise StoreError(f"store file {path} is unreadable: {error}") from None
    if "stored_events" not in names and not create:
        raise StoreError(f"{path} is not an initialised Chronicle store: run `chronicle init`")
    return meta


def _probe_postgres(settings: StoreSettings, *, create_schema: bool) -> dict[str, str]:
    """Connect once, directly, so a bad host, password or database gets its own precise message fast
    (the connection pool would only say it timed out); create the schema on `init`."""
    try:
        import psycopg
        import psycopg_pool  # noqa: F401  (eventsourcing's PostgreSQL module needs it too)
    except ModuleNotFoundError:
        raise StoreError("PostgreSQL stores need the postgres extra: pip install 'chronicle[postgres]'") from None

    try:
        with psycopg.connect(
            host=settings.host,
            port=settings.port,
            user=settings.user,
            password=settings.password,
            dbname=settings.dbname,
            connect_timeout=5,
            autocommit=True,
        ) as conn:
            if create_schema and settings.schema:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.schema}"')
            table = f'"{settings.schema or "public"}".{META}'
            found = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()
            if found is None or found[0] is None:
                return {}
            return {str(k): str(v) for k, v in conn.execute(f"SELECT key, value FROM {table}").fetchall()}
    except psycopg.Error as error:
        raise StoreError(pg_message(settings, error)) from None
