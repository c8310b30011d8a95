"""One open store: record developments, and keep the views current before every read."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from eventsourcing.persistence import PersistenceError

from chronicle.domain.developments import Development
from chronicle.domain.errors import ChronicleError, StoreError
from chronicle.domain.rules import AppendPlan
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.service.application import Chronicle
from chronicle.service.failures import first_line, missing_table, translate
from chronicle.service.settings import StoreSettings

if TYPE_CHECKING:
    from chronicle.projections.sql import catchup
    from chronicle.service.sources import SourceKeys

T = TypeVar("T")
Say = Callable[[str], None]


def quiet(_: str) -> None:
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
        self.stale = False  # read by a role that may not catch the views up, and they were behind
        self.source_keys: SourceKeys | None = None
        self.made_directory: Path | None = None  # the default store's folder, if opening made it

    @classmethod
    def open(cls, settings: StoreSettings, *, create: bool = False, encrypt: bool = False) -> Store:
        """Open a store (create it with `create`); an encrypted store needs its key in `settings.key`."""
        from chronicle.service.opening import open_store

        return open_store(settings, create=create, encrypt=encrypt)

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def append(
        self, batch: Sequence[Development], *, auto_register: bool = False, allow_future: bool = False
    ) -> AppendPlan:
        return self.append_pages([batch], auto_register=auto_register, allow_future=allow_future)

    def append_pages(
        self, pages: Iterable[Sequence[Development]], *, auto_register: bool = False, allow_future: bool = False
    ) -> AppendPlan:
        """Record every page in one transaction, all or nothing, reading the next page only when the last
        is written (a file of any length costs one page of memory)."""
        with translate(self.settings):
            return self.app.record_pages(pages, auto_register=auto_register, allow_future=allow_future)

    @contextmanager
    def writing(self, *, rollback: bool = False) -> Iterator[Any]:
        """The append's own transaction, for imports that plan page by page (`writing.Session`)."""
        with translate(self.settings), self.app.writing(rollback=rollback) as session:
            yield session

    # -- projecting ------------------------------------------------------------------------

    def decode(self, notification: Any) -> Any:
        return self.app.mapper.to_domain_event(notification)

    def refresh(self, *, say: Say = quiet, progress: catchup.Progress | None = None) -> int:
        """Bring the views up to date; rebuild them first if lost, damaged or built by other rules."""
        # Imported here, not at the top: an append never projects, and it starts a process each time.
        from chronicle.projections.sql import catchup
        from chronicle.service import healing

        with translate(self.settings):
            if not self.views.may_write():
                return self._refresh_read_only(say)
            if healing.heal_missing(self, say=say, progress=progress):
                return 0
            try:
                version = catchup.views_version(self.views)
            except (PersistenceError, sqlite3.Error):
                version = None
            healing.chain_check(self)
            if version != catchup.VIEWS_VERSION:
                say(
                    "views were built by other rules (version "
                    f"{version or 'none'}, now {catchup.VIEWS_VERSION}): rebuilding them"
                )
                current = catchup.VIEWS_VERSION
                healing.rebuild(self, progress=progress, unless=lambda: catchup.views_version(self.views) == current)
                return 0
            if self._caught_up():
                self.refreshed = True
                return 0
            try:
                count = catchup.catch_up(
                    self.views,
                    self.app.recorder,
                    self.decode,
                    progress=progress,
                    fields=self.app.mapper.fields,
                    open_log=self.open_log,
                    rebuild_in_turn=lambda unless: healing.rebuild(self, progress=progress, unless=unless),
                )
            except (PersistenceError, sqlite3.Error, ValueError) as damage:
                say(f"views are damaged ({first_line(damage)}): rebuilding them")
                self.rebuild(progress=progress)
                count = 0
            self.refreshed = True
            return count

    def _refresh_read_only(self, say: Say) -> int:
        """For a role granted read only: the views as the last writer or worker left them, said when they
        are behind the log (catching up would write them), refused when they need rebuilding."""
        from chronicle.projections.sql import catchup
        from chronicle.service import healing

        with self.views.read() as c:
            tables = self.views.table_names(c)
        missing = [table for table in self.views.derived_tables() if table not in tables]
        if missing or catchup.views_version(self.views) != catchup.VIEWS_VERSION:
            raise ChronicleError(
                f"the views need rebuilding and role {self.settings.user} may only read this store: "
                "run `chronicle replay` as the store's owner"
            )
        healing.chain_check(self)
        if not self._caught_up():
            self.stale = True
            say(
                f"views are behind the log and role {self.settings.user} may only read them: showing the "
                "story as last projected (`chronicle project` as a writer role catches them up)"
            )
        self.refreshed = True
        return 0

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

    def rebuild(self, *, progress: catchup.Progress | None = None) -> catchup.RebuildSummary:
        """Rebuild every view aside and swap it in (after any other process's rebuild: `healing.rebuild`)."""
        from chronicle.service import healing

        summary = healing.rebuild(self, progress=progress)
        assert summary is not None  # only a rebuild asked to skip itself (`unless`) is skipped
        return summary

    def open_log(self) -> LogApart:
        """The log through a connection of its own: what a rebuild's second process reads (a database
        connection must not cross a fork)."""
        return LogApart(self.settings)

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        with translate(self.settings), self.views.read() as c:
            yield c

    def query(self, fn: Callable[[ViewStore, Cursor], T], *, say: Say = quiet) -> T:
        """Run a read after a refresh; damaged views are rebuilt once and the read retried.

        A read holds what it folds (`--as-of` on a busy actor: thousands of developments), so the cyclic
        GC is paused while it runs."""
        from chronicle.projections.gcpause import paused_gc

        if not self.refreshed:
            self.refresh(say=say)
        try:
            with self.reading() as c, paused_gc():
                return fn(self.views, c)
        except (StoreError, ValueError) as damage:
            if isinstance(damage, StoreError) and not missing_table(str(damage)):
                raise
            say(f"views are damaged ({first_line(damage)}): rebuilding them")
            self.rebuild()
            with self.reading() as c, paused_gc():
                return fn(self.views, c)
