"""A large log is folded in a second process that reads the log itself, so it may be done before the
writer has written its last row. Its views then wait in the pipe, and the rebuild still takes them all."""

from __future__ import annotations

import multiprocessing
import time

import pytest


def _folder_done() -> None:
    """Until the folding process has exited (it has sent everything), or five seconds have passed."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not any(p.name == "chronicle-fold" for p in multiprocessing.active_children()):
            return
        time.sleep(0.02)


@pytest.mark.parametrize("pages", [1, 3], ids=["one-page", "pages"])
def test_a_folder_done_first_still_hands_over_every_view(story, monkeypatch, pages):
    from chronicle.projections.sql import catchup, rebuilding

    assert "rebuilt every view" in story.ok("replay").stdout  # folded here: the reference
    actors, negotiations = story.json("actors"), story.json("negotiations")
    shown = story.json("show", "negotiation", "coalition-exit"), story.json("show", "actor", "us")

    monkeypatch.setattr(catchup, "APART_FROM", 0)
    monkeypatch.setattr(catchup, "REBUILD_PAGE", 1000 if pages == 1 else 3)
    real_end_page = rebuilding.Rebuilder.end_page
    waited: list[bool] = []

    def slow_end_page(self, cursor):
        real_end_page(self, cursor)
        if not waited:  # the writer, after its first page: the folder has read everything by now
            _folder_done()
            waited.append(True)

    monkeypatch.setattr(rebuilding.Rebuilder, "end_page", slow_end_page)
    assert "rebuilt every view" in story.ok("replay").stdout
    assert waited
    assert (story.json("actors"), story.json("negotiations")) == (actors, negotiations)
    assert (story.json("show", "negotiation", "coalition-exit"), story.json("show", "actor", "us")) == shown
