"""While a long `append --file` holds the store's write lock, readers answer at once, from what is
committed (on SQLite one lock covers the whole file: a read that took it would wait for the import)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from helpers import PG_URL, SEED, run_chronicle


@contextmanager
def _writer_holding_the_lock(store) -> Iterator[None]:
    """What an append in progress holds: SQLite's write lock, or PostgreSQL's lock on the events table."""
    if store.path is not None:
        conn = sqlite3.connect(store.path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
        return
    import psycopg

    with psycopg.connect(PG_URL) as conn:
        conn.execute(f'LOCK TABLE "{store.schema}".chronicle_events IN EXCLUSIVE MODE')
        yield
        conn.rollback()


def test_reads_answer_while_an_append_holds_the_write_lock(store):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
    expected = run_chronicle("actors", "--json", store_url=store.url)  # projects and chains what is there
    assert expected.returncode == 0
    with _writer_holding_the_lock(store):
        for args in (["actors", "--json"], ["show", "actor", "us", "--json"], ["log", "--json"], ["verify"]):
            done = run_chronicle(*args, store_url=store.url, timeout=20)  # the lock waits 60 s, then fails
            assert done.returncode == 0, (args, done.stderr.decode())
        assert json.loads(run_chronicle("actors", "--json", store_url=store.url).stdout) == json.loads(expected.stdout)
