"""Open a store (SQLite file or PostgreSQL schema) and keep its views current before every read."""

from __future__ import annotations

import base64
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

from chronicle.domain.developments import Development
from chronicle.domain.errors import InvalidInput, StoreError
from chronicle.domain.rules import AppendPlan
from chronicle.projections.sql.views import META, Cursor, ViewStore
from chronicle.service.application import Chronicle
from chronicle.service.settings import StoreSettings

if TYPE_CHECKING:
    from chronicle.integrity import checks
    from chronicle.projections.sql import catchup

T = TypeVar("T")
Say = Callable[[str], None]

STORE_FORMAT = "1"
KEY_CHECK = b"chronicle key check"


def _quiet(_: str) -> None:
    pass


class LogApart:
    """The log as another process reads it, through an application of its own (`catchup.EventLog`): held
    here, since the application closes its connections when it goes."""

    def __init__(self, settings: StoreSettings) -> None:
        self.app = Chronicle(env=settings.env(create_tables=False))
        self.select_notifications = self.app.recorder.select_notifications
        self.max_notification_id = self.app.recorder.max_notification_id


class Store:
    """One open store: the application that records, and the views that answer."""

    def __init__(self, settings: StoreSettings, app: Chronicle, views: ViewStore) -> None:
        self.settings, self.app, self.views = settings, app, views
        self.refreshed = False

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: StoreSettings, *, create: bool = False, encrypt: bool = False) -> Store:
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
        with _translate(settings):
            if create and settings.path is not None:
                settings.path.parent.mkdir(parents=True, exist_ok=True)
                old = os.umask(0o077)  # the store file and its WAL/SHM are the owner's alone
                try:
                    app = Chronicle(env=settings.env(create_tables=True))
                finally:
                    os.umask(old)
            else:
                app = Chronicle(env=settings.env(create_tables=create))
            views = app.factory.tracking_recorder(_views_class(settings))  # type: ignore[type-var]
            views.cipher = app.mapper.cipher
            # a timeline row's body as recorded is read from its event (`statements.ORIGINAL_T`)
            views.logged = app.mapper.state_fields  # type: ignore[attr-defined]
            table = app.recorder.events_table_name  # type: ignore[attr-defined]
            views.events_table, views.event_id = (
                (f'"{table}"', "notification_id") if settings.is_postgres else (table, "rowid")
            )
            store = cls(settings, app, views)
            if encrypted:
                store._check_key(meta.get("key_check", ""))
            if create:
                from chronicle.projections.sql.catchup import VIEWS_VERSION

                with views.write() as c:
                    views.create_meta(c)
                    if views.get_meta(c, "format") is None:
                        views.set_meta(c, "format", STORE_FORMAT)
                        views.set_meta(c, "views_version", VIEWS_VERSION)
                        if encrypt:
                            check = app.mapper.cipher.encrypt(KEY_CHECK)  # type: ignore[union-attr]
                            views.set_meta(c, "encrypted", "yes")
                            views.set_meta(c, "key_check", base64.b64encode(check).decode())
            elif settings.is_postgres and not store._pg_initialised():
                raise StoreError(f"no Chronicle store at {settings.describe()}: run `chronicle init`")
            store._attach_source_keys()
            return store

    def _attach_source_keys(self) -> None:
        from chronicle.service.sources import SourceKeys, confidential_ids, reveal_sources, seal_events

        keys = SourceKeys(self)
        keys.load()
        self.source_keys = keys

        def seal(events: list[Any], cursor: Any) -> list[Any]:
            ids = confidential_ids(events)
            if not ids:
                return events
            keys.ensure(ids, cursor)  # in the append's own transaction: it holds the write lock
            return seal_events(events, keys.keys)

        self.app.sealer = seal
        self.views.reveal_sources = lambda body: reveal_sources(body, keys.keys)

    def redact_source(self, source_id: str, reason: str, occurred: str) -> str:
        """Destroy a confidential source's key and record why; return the redaction's id."""
        from chronicle.domain.developments import SourceRedacted
        from chronicle.domain.errors import NotFound

        self.source_keys.load()
        if source_id not in self.source_keys.keys:
            raise NotFound(f"no confidential source {source_id!r} with a key in this store")
        redaction = SourceRedacted(
            type="source_redacted",
            occurred=occurred,
            summary=f"Confidential source {source_id} redacted",
            source=source_id,
            reason=reason,
        )
        plan = self.append([redaction])
        with _translate(self.settings):
            self.source_keys.destroy(source_id)
        return (plan.recorded or plan.unchanged)[0]

    def _check_key(self, key_check: str) -> None:
        cipher = self.app.mapper.cipher
        try:
            assert cipher is not None
            ok = cipher.decrypt(base64.b64decode(key_check)) == KEY_CHECK
        except Exception:
            ok = False
        if not ok:
            self.close()
            raise StoreError(f"the key does not open store {self.settings.describe()} (wrong key)")

    def _pg_initialised(self) -> bool:
        table = self.app.recorder.events_table_name  # type: ignore[attr-defined]
        with self.views.read() as c:
            c.execute("SELECT to_regclass(%s) AS found", (f'"{self.settings.schema or "public"}"."{table}"',))
            row = c.fetchone()
        return row is not None and row["found"] is not None

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def append(self, batch: Sequence[Development], *, auto_register: bool = False) -> AppendPlan:
        return self.append_pages([batch], auto_register=auto_register)

    def append_pages(self, pages: Iterable[Sequence[Development]], *, auto_register: bool = False) -> AppendPlan:
        """Record every page in one transaction, all or nothing, reading the next page only when the last
        is written (a file of any length costs one page of memory)."""
        with _translate(self.settings):
            return self.app.record_pages(pages, auto_register=auto_register)

    @contextmanager
    def writing(self, *, rollback: bool = False) -> Iterator[Any]:
        """The append's own transaction, for imports that plan page by page (`writing.Session`)."""
        with _translate(self.settings), self.app.writing(rollback=rollback) as session:
            yield session

    # -- projecting ------------------------------------------------------------------------

    def decode(self, notification: Any) -> Any:
        return self.app.mapper.to_domain_event(notification)

    def refresh(self, *, say: Say = _quiet, progress: catchup.Progress | None = None) -> int:
        """Bring the views up to date; rebuild them first if their rules changed or they are damaged."""
        # Imported here, not at the top: an append never projects, and it starts a process each time.
        from chronicle.integrity import chain
        from chronicle.projections.sql import catchup

        with _translate(self.settings):
            try:
                version = catchup.views_version(self.views)
            except (PersistenceError, sqlite3.Error):
                version = None
            if version != catchup.VIEWS_VERSION:
                say(
                    "views were built by other rules (version "
                    f"{version or 'none'}, now {catchup.VIEWS_VERSION}): rebuilding them"
                )
                self.rebuild(progress=progress)
                chain.chain_up(self.views, self.app.recorder)  # else a head published now misses events
                return 0
            if self._caught_up():
                self.refreshed = True
                return 0
            chain.chain_up(self.views, self.app.recorder)
            try:
                count = catchup.catch_up(
                    self.views,
                    self.app.recorder,
                    self.decode,
                    progress=progress,
                    fields=self.app.mapper.fields,
                    open_log=self.open_log,
                )
            except (PersistenceError, sqlite3.Error, ValueError) as damage:
                say(f"views are damaged ({_first_line(damage)}): rebuilding them")
                self.rebuild(progress=progress)
                count = 0
            self.refreshed = True
            return count

    def _caught_up(self) -> bool:
        """Whether every committed event is chained and projected, found by reading only.

        Then a read takes no write lock, so it never waits for a writer (on SQLite one lock covers the
        file, and `append --file` holds it for the whole file) and skips two write transactions."""
        from chronicle.integrity import chain
        from chronicle.projections.sql import catchup

        with self.views.read() as c:
            chained, _ = chain.head(self.views, c)
            tracked = self.views.tracked(c, catchup.LIVE_TRACKING)
        recorder = self.app.recorder
        if chained < (recorder.max_notification_id() or 0):
            return False
        return not recorder.select_notifications(tracked, 1, topics=[catchup.RECORDED_TOPIC], inclusive_of_start=False)

    def follow(self, *, say: Say = _quiet, interval: float = 0.5) -> None:
        """Run as the store's projection worker until interrupted, saying what each catch-up projected.

        On PostgreSQL, eventsourcing's own subscription (LISTEN/NOTIFY) wakes the worker as soon as an
        event is recorded; SQLite's recorder cannot be subscribed to, so it polls every `interval` seconds.
        Either way the views are written by `refresh`, page by page with their tracking record: exactly
        once, whichever worker or reader gets there first."""
        from chronicle.projections.sql import catchup

        def caught_up() -> int:
            count = self.refresh(say=say)
            if count:
                say(f"projected {count} new events")
            with self.reading() as c:
                return self.views.tracked(c, catchup.LIVE_TRACKING)

        done = caught_up()
        if not self.settings.is_postgres:
            while True:
                time.sleep(interval)
                caught_up()

        def subscribed(holder: list[Any], stopping: threading.Event) -> None:
            nonlocal done
            with self.app.recorder.subscribe(gt=done, topics=[catchup.RECORDED_TOPIC]) as subscription:
                holder.append(subscription)
                if stopping.is_set():
                    return
                for notification in subscription:
                    if notification.id > done:  # else projected already, by this worker or a reader
                        done = caught_up()

        with _translate(self.settings):
            _in_a_thread(subscribed)

    def rebuild(self, *, progress: catchup.Progress | None = None) -> catchup.RebuildSummary:
        from chronicle.projections.sql import catchup

        with _translate(self.settings):
            with self.views.write() as c:
                self.views.create_meta(c)
            return catchup.rebuild(
                self.views,
                self.app.recorder,
                self.decode,
                progress=progress,
                fields=self.app.mapper.fields,
                open_log=self.open_log,
            )

    def open_log(self) -> LogApart:
        """The log through a connection of its own: what a rebuild's second process reads (a database
        connection must not cross a fork)."""
        return LogApart(self.settings)

    def sealed(self, notification: Any) -> bool:
        """Whether a stored event still matches the SHA-256 it was recorded with."""
        from chronicle.service.mapper import check_seal

        state = notification.state
        cipher = self.app.mapper.cipher
        try:
            if cipher is not None:
                state = cipher.decrypt(state)
        except Exception:
            return False
        return check_seal(notification.originator_id, notification.originator_version, notification.topic, state)

    def verify(self, *, say: Say = _quiet, progress: catchup.Progress | None = None) -> checks.Report:
        """Re-read the whole log: every event's digest, the chain, and every view against a fresh fold.

        Two passes, neither holding the store in memory: the log (digests, chain, and each development
        copied aside for the fold), then the reference fold, entity by entity (`integrity.reference`)."""
        from chronicle.integrity import checks
        from chronicle.integrity.reference import reference_fold

        self.refresh(say=say)
        report = checks.Report()
        unreadable: list[str] = []
        with _translate(self.settings), reference_fold(self.decode) as fresh:
            total = self.app.recorder.max_notification_id() or 0

            def recorded(notification: Any) -> None:
                if not unreadable:
                    try:
                        fresh.add(notification)
                    except ValueError as error:
                        unreadable.append(f"an event cannot be read: {_first_line(error)}")

            def reading(done: int) -> None:
                if progress is not None:
                    progress(done, 2 * max(total, done))

            checks.verify_log(self.views, self.app.recorder, self.sealed, report, recorded, reading)
            report.problems.extend(unreadable if report.ok else ())
            if report.ok:
                steps = fresh.count()

                def folding(done: int) -> None:
                    if progress is not None:
                        progress(total + total * done // max(steps, 1), 2 * total)

                try:
                    checks.verify_views(self.views, fresh.views(folding), report)
                except ValueError as error:
                    report.problems.append(f"an event cannot be read: {_first_line(error)}")
        return report

    def root(self, *, say: Say = _quiet) -> tuple[int, str]:
        """The current head of the chain: (position, hash)."""
        from chronicle.integrity import chain

        self.refresh(say=say)
        with self.reading() as c:
            return chain.head(self.views, c)

    def history_hash(self, position: int) -> tuple[str, int]:
        from chronicle.integrity import chain

        with _translate(self.settings):
            return chain.history_hash(self.app.recorder, position)

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        with _translate(self.settings), self.views.read() as c:
            yield c

    def query(self, fn: Callable[[ViewStore, Cursor], T], *, say: Say = _quiet) -> T:
        """Run a read after a refresh; damaged views are rebuilt once and the read retried.

        A read holds what it folds (`--as-of` on a busy actor: thousands of developments), so the cyclic
        GC is paused while it runs (busiest actor of a 100k store: as-of 265 -> 205 ms, known-at 400 -> 305)."""
        from chronicle.projections.gcpause import paused_gc

        if not self.refreshed:
            self.refresh(say=say)
        try:
            with self.reading() as c, paused_gc():
                return fn(self.views, c)
        except (StoreError, ValueError) as damage:
            if isinstance(damage, StoreError) and not _missing_table(str(damage)):
                raise
            say(f"views are damaged ({_first_line(damage)}): rebuilding them")
            self.rebuild()
            with self.reading() as c, paused_gc():
                return fn(self.views, c)


def _views_class(settings: StoreSettings) -> type[ViewStore]:
    if settings.is_postgres:
        from chronicle.projections.sql.postgres import PostgresViews

        return PostgresViews
    from chronicle.projections.sql.sqlite import SQLiteViews

    return SQLiteViews


def _missing_table(message: str) -> bool:
    return "no such table" in message or "does not exist" in message


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


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
    import psycopg

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
        raise StoreError(_pg_message(settings, error)) from None


def _pg_message(settings: StoreSettings, error: BaseException) -> str:
    detail = _first_line(error).removeprefix("connection failed: ")
    if settings.password:
        detail = detail.replace(settings.password, "***")
    return f"cannot use PostgreSQL store {settings.describe()}: {detail}"


def _in_a_thread(follow: Callable[[list[Any], threading.Event], None]) -> None:
    """Run `follow` (a subscription's loop) in a thread of its own until it ends, or until Ctrl-C.

    Python runs signal handlers in the main thread only, between its bytecodes. eventsourcing's
    PostgreSQL subscription starts threads in its constructor, and the connection pool has threads of
    its own that can take the signal: a Ctrl-C raised in the main thread between the subscription's
    constructor and its `with` left those threads running (the worker never exited), and one taken by
    another thread while the main thread waited in the subscription's queue was never acted on. So the
    subscription is made, entered and iterated in a thread of its own, where no interrupt is ever
    raised, and the main thread only waits, waking often enough to act on one. `follow` puts the
    subscription in the list it is given once entered, and returns at once if asked to stop by then."""
    holder: list[Any] = []
    stopping = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            follow(holder, stopping)
        except BaseException as error:  # raised again in the main thread
            failed.append(error)

    worker = threading.Thread(target=run, name="chronicle-follow", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    finally:
        stopping.set()
        for subscription in holder:
            subscription.stop()
        worker.join()
    if failed:
        raise failed[0]


@contextmanager
def _translate(settings: StoreSettings) -> Iterator[None]:
    """Library and driver errors become one-line StoreErrors that never show a password."""
    try:
        yield
    except BrokenPipeError:
        raise
    except MapperDeserialisationError as error:  # a damaged event: not a bug of ours, say which one
        raise StoreError(f"store {settings.describe()}: {_first_line(error)} (`chronicle verify` says more)") from None
    except (PersistenceError, sqlite3.Error, OSError) as error:
        if settings.is_postgres:
            raise StoreError(_pg_message(settings, error)) from None
        raise StoreError(f"store {settings.describe()}: {_first_line(error)}") from None
