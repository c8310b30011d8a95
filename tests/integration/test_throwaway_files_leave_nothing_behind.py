"""A rebuild's folder and `verify`'s fresh fold keep their working data in throwaway SQLite files. Those
are unlinked as soon as they are open, so a process killed midway leaves nothing in TMPDIR."""

from __future__ import annotations

import tempfile

from chronicle.integrity.reference import reference_fold
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


def test_the_folds_write_their_throwaway_files_in_one_transaction(tmp_path, monkeypatch):
    """Each row of an `executemany` in autocommit mode is a transaction of its own (3.3x slower): the
    files stay in the one transaction they are opened in, whoever creates tables in them."""
    from chronicle.projections.sql.apart import TempSpill

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spill = TempSpill(scratch_db("chronicle-test-"))
    spill.write([("actor:us", [{"id": "us"}, {}, ("", 0)])])
    assert spill.db.in_transaction
    with reference_fold(lambda notification: notification) as fold:
        assert fold.db.in_transaction
