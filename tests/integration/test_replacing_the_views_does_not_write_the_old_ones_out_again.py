"""Some builds of SQLite (Debian's, which these machines and CI run) scrub every page a statement frees
(`secure_delete` on by default): swapping in a rebuild, which drops the old view tables, wrote them out
once more, zeroed. View tables hold nothing the log does not, so their writes scrub only where it costs
no I/O; the connection keeps its own setting, and redacting a source still scrubs (its own test)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import Cli, StoreRef

from bench import synth
from chronicle.service.settings import parse_store_url
from chronicle.service.store import Store

SCRUBS_BY_DEFAULT = sqlite3.connect(":memory:").execute("PRAGMA secure_delete").fetchone()[0] == 1


def _written() -> int:
    """Bytes this process has written so far (Linux)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/self/io")


@pytest.mark.skipif(not SCRUBS_BY_DEFAULT, reason="this SQLite does not scrub freed pages by default")
@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's /proc/self/io")
def test_a_rebuild_writes_its_new_views_without_rewriting_the_old_ones(tmp_path):
    path = tmp_path / "store.db"
    cli = Cli(StoreRef("sqlite", f"sqlite:///{path}", path=path))
    synth.write_jsonl(tmp_path / "story.jsonl", 3000)
    cli.ok("init")
    cli.ok("append", "--file", str(tmp_path / "story.jsonl"))
    with Store.open(parse_store_url(f"sqlite:///{path}")) as store:
        store.rebuild()
        with sqlite3.connect(path) as db:
            views = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'view_%'").fetchone()[0]
        before = _written()
        store.rebuild()
        written = _written() - before
        with store.views.datastore.get_connection(commit=False) as conn:
            setting = conn._sqlite_conn.execute("PRAGMA secure_delete").fetchone()[0]
    # Measured at 3,000 developments: 2.65 times the views' size; 6.19 times while the old ones were
    # scrubbed as they were dropped.
    assert written < 4 * views
    assert setting == 1  # as the connection had it
