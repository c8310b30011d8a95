"""A rebuild builds the timeline's indexes in a thread while it refolds negotiations told out of order.
If building them fails, the rebuild stops with one line, the old views keep serving, and the next replay
completes."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("apart_from", [0, 10**9], ids=["folded-apart", "folded-here"])
def test_an_index_that_cannot_be_built_stops_the_rebuild(story, monkeypatch, apart_from):
    import sqlite3

    from chronicle.projections.sql import views

    monkeypatch.setattr("chronicle.projections.sql.catchup.APART_FROM", apart_from)
    before = story.json("show", "negotiation", "coalition-exit"), story.json("actors")
    log_before = story.ok("log", "--json").stdout

    def fails(self, c):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(views.ViewStore, "index_aside", fails)
    monkeypatch.setattr("chronicle.projections.sql.postgres.PostgresViews.index_aside", fails, raising=False)
    result = story("replay")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "disk I/O error" in result.stderr
    assert "Traceback" not in result.stderr
    monkeypatch.undo()
    monkeypatch.setattr("chronicle.projections.sql.catchup.APART_FROM", apart_from)
    assert (story.json("show", "negotiation", "coalition-exit"), story.json("actors")) == before
    assert story.ok("log", "--json").stdout == log_before
    assert "rebuilt every view" in story.ok("replay").stdout
    assert (story.json("show", "negotiation", "coalition-exit"), story.json("actors")) == before
