"""A rebuild's folder and `verify`'s fresh fold keep their working data in throwaway SQLite files. Those
are unlinked as soon as they are open, so a process killed midway leaves nothing in TMPDIR."""

from __future__ import annotations

import tempfile

from chronicle.projections.reference import reference_fold
from chronicle.projections.scratch import scratch_db


def test_a_scratch_file_works_and_is_already_gone_from_tmpdir(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    db = scratch_db("chronicle-test-")
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("a" * 5000,)] * 200)  # more than a page cache's worth
    assert db.execute("SELECT count(*), max(length(x)) FROM t").fetchone() == (200, 5000)
    assert list(tmp_path.iterdir()) == []
    db.close()


def test_verify_keeps_its_fresh_fold_in_a_file_no_one_sees(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with reference_fold(lambda notification: notification):
        assert list(tmp_path.iterdir()) == []
    assert list(tmp_path.iterdir()) == []
