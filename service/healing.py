"""Keep the derived tables whole: re-create what was lost, check the chain, and rebuild one process at a time.

The views and their tracking record are derived from the log, so a read that finds any of them missing
rebuilds them and says so. The chain and the source keys are not derived: losing either is an integrity
failure, never silently recreated (an empty chain would vouch for any log).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from chronicle.domain.errors import IntegrityFailure
from chronicle.service.failures import translate
from chronicle.service.settings import StoreSettings
from chronicle.service.store import Say, Store, quiet

if TYPE_CHECKING:
    from chronicle.projections.sql import catchup

REBUILD_LOCK = 0x52_65_62_75  # "Rebu": one rebuild per schema at a time

# One descriptor of each store file per process, for the rebuild lock, never closed: closing any
# descriptor of a file drops every POSIX lock the process holds on it, SQLite's own included, and
# another process could then take this one's connections for gone and remove the WAL under them.
_LOCK_DESCRIPTORS: dict[str, int] = {}


def heal_missing(store: Store, *, say: Say = quiet, progress: catchup.Progress | None = None) -> bool:
    """Rebuild the views if any derived table is missing; whether it did."""
    views = store.views
    with views.read() as c:
        tables = views.table_names(c)
    check_kept_tables(store, tables)
    missing = [table for table in views.derived_tables() if table not in tables]
    if not missing:
        return False
    say(f"views are missing ({', '.join(missing)}): rebuilding them")
    views.create_missing()  # every table that is not there; the chain is, checked above
    chain_check(store)
    store.rebuild(progress=progress)
    return True


def check_kept_tables(store: Store, tables: set[str]) -> None:
    """The chain and the source keys must be there; a store from before confidential sources gets an
    empty keys table."""
    from chronicle.integrity.extending import WRITER_CHAINS
    from chronicle.projections.sql.views import CHAIN, SOURCE_KEYS

    views = store.views
    if SOURCE_KEYS not in tables and CHAIN in tables:
        with views.read() as c:
            legacy = views.get_meta(c, WRITER_CHAINS[0]) != WRITER_CHAINS[1]
        if legacy:
            with views.write() as c:
                views.create_meta(c)
            return
    for table, what in ((CHAIN, "chain"), (SOURCE_KEYS, "source keys")):
        if table not in tables:
            raise IntegrityFailure(
                f"the {what} table ({table}) is missing: it is not derived from the log and cannot be "
                "rebuilt; restore the store from a backup"
            )


def chain_check(store: Store) -> None:
    """Every event must be chained by its writer; a store made before the writer chained is linked
    once, by this read, and from then on only by its writers."""
    from chronicle.integrity import chain
    from chronicle.integrity.extending import WRITER_CHAINS

    views, recorder = store.views, store.app.recorder
    last = recorder.max_notification_id() or 0  # read before the chain: it commits with the log
    with views.read() as c:
        chained, _ = chain.head(views, c)
        by_writer = views.get_meta(c, WRITER_CHAINS[0]) == WRITER_CHAINS[1]
    if not by_writer:  # once per store made before the writer chained: link its backlog, then claim
        chain.chain_up(views, recorder)
        with views.write() as c:
            views.set_meta(c, *WRITER_CHAINS)
        return
    if last <= chained:
        return
    first = recorder.select_notifications(chained, 1, inclusive_of_start=False)
    position = first[0].id if first else last
    raise IntegrityFailure(f"position {position}: event is not in the chain (inserted); `chronicle verify` says more")


def rebuild(
    store: Store, *, progress: catchup.Progress | None = None, unless: Callable[[], bool] | None = None
) -> catchup.RebuildSummary | None:
    """Rebuild every view aside and swap it in, one process at a time: others that wanted to rebuild
    at once wait, then skip it (None) when `unless` says it was done meanwhile."""
    from chronicle.projections.sql import catchup

    views = store.views
    with translate(store.settings), rebuild_lock(store.settings):
        if unless is not None and unless():
            return None
        with views.read() as c:
            tables = views.table_names(c)
        check_kept_tables(store, tables)
        if any(table not in tables for table in views.derived_tables()):
            views.create_missing()
        return catchup.rebuild(
            views,
            store.app.recorder,
            store.decode,
            progress=progress,
            fields=store.app.mapper.fields,
            open_log=store.open_log,
        )


@contextmanager
def rebuild_lock(settings: StoreSettings) -> Iterator[None]:
    """Held for a whole rebuild, apart from the write lock (a rebuild is many transactions, and writers
    go on meanwhile): an advisory lock on PostgreSQL, a file lock on SQLite's file. Either is released
    by the operating system or the server if the process dies."""
    if settings.path is not None:
        import fcntl

        fd = _lock_descriptor(str(settings.path))
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        return
    import psycopg

    s = settings
    with psycopg.connect(
        host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname, autocommit=True
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (REBUILD_LOCK, s.schema or "public"))
        yield


def _lock_descriptor(path: str) -> int:
    """This process's descriptor of the file now at `path` (a store made again there is a new file)."""
    fd = _LOCK_DESCRIPTORS.get(path)
    if fd is None or not os.path.samestat(os.fstat(fd), os.stat(path)):
        fd = _LOCK_DESCRIPTORS[path] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    return fd
