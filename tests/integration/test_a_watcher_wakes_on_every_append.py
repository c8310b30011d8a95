"""The workspace's live updates on PostgreSQL wait on the log's LISTEN/NOTIFY subscription: an append by
another process wakes every waiter at once, and a quiet log lets them sleep out their timeout."""

from __future__ import annotations

import pytest
from helpers import SEED, run_chronicle


def test_an_append_from_another_process_wakes_the_watcher(store) -> None:
    from chronicle.service.developments import log_position
    from chronicle.service.settings import resolve_store
    from chronicle.service.store import Store
    from chronicle.service.watching import watch

    assert run_chronicle("init", store_url=store.url).returncode == 0
    opened = Store.open(resolve_store(store.url, None))
    try:
        watcher = watch(opened, log_position(opened))
        if watcher is None:
            assert not opened.settings.is_postgres  # SQLite's waiters poll instead
            pytest.skip("SQLite has no subscription: the workspace polls its log")
        try:
            seen = watcher.seen
            assert watcher.wait_past(seen, timeout=0.3) == seen  # nothing appended: slept out the timeout
            assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
            assert watcher.wait_past(seen, timeout=10) > seen
        finally:
            watcher.stop()
    finally:
        opened.close()
