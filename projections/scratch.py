"""Throwaway SQLite files: a process's memory on disk, gone however the process ends."""

from __future__ import annotations

import os
import sqlite3
import tempfile


def scratch_db(prefix: str) -> sqlite3.Connection:
    """A new SQLite file under TMPDIR, unlinked as soon as it is open: nothing is left behind, even if the
    process is killed. No journal and no syncing: it is never reopened and never outlives the process."""
    directory = tempfile.mkdtemp(prefix=prefix)
    path = os.path.join(directory, "scratch.db")
    try:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=OFF")  # opens the file (before it is unlinked)
        db.execute("PRAGMA synchronous=OFF")
        return db
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(directory)
