"""A large log is folded in a second process. If that process dies, the rebuild stops with one line on
stderr, the old views keep serving, and the next replay completes."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def folded_apart(monkeypatch):
    """Every rebuild folds in a second process, however small its log."""
    from chronicle.projections.sql import catchup

    monkeypatch.setattr(catchup, "APART_FROM", 0)


def _dies(*_args: object) -> None:
    os._exit(3)


def test_a_dead_folder_stops_the_rebuild_and_the_old_views_serve(story, folded_apart, monkeypatch):
    from chronicle.projections.sql import apart

    before = story.json("show", "actor", "us")
    actors = story.json("actors")
    monkeypatch.setattr(apart, "_fold_worker", _dies)
    result = story("replay")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "folding the views stopped" in result.stderr
    assert "Traceback" not in result.stderr
    assert story.json("show", "actor", "us") == before
    monkeypatch.undo()
    monkeypatch.setattr("chronicle.projections.sql.catchup.APART_FROM", 0)
    assert "rebuilt every view" in story.ok("replay").stdout
    assert story.json("show", "actor", "us") == before
    assert story.json("actors") == actors


@pytest.mark.parametrize("apart_from", [0, 10**9], ids=["folded-apart", "folded-here"])
def test_an_event_no_one_can_read_stops_the_rebuild_with_its_own_error(story, monkeypatch, apart_from):
    """Whether a second process folds or not, the rebuild stops at that event with the mapper's one-line
    error (a store error, not an internal one), and the old views keep serving."""
    monkeypatch.setattr("chronicle.projections.sql.catchup.APART_FROM", apart_from)
    before = story.json("show", "actor", "us")
    rows = story.store.sql(
        "SELECT {id} FROM {events} WHERE originator_id = ? AND originator_version = 1",
        ("development:us-strike-baghdad",),
    )
    story.store.sql("UPDATE {events} SET state = ? WHERE {id} = ?", (b"not json at all", int(rows[0][0])))
    result = story("replay")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "development:us-strike-baghdad v1 cannot be read" in result.stderr
    assert "Traceback" not in result.stderr
    assert story.json("show", "actor", "us") == before
