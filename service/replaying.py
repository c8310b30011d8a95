"""Replay the story: rebuild every view from the first event, or play it back step by step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from chronicle.domain.errors import InvalidInput
from chronicle.domain.keys import EntityKey
from chronicle.service.store import Say, Store, quiet

if TYPE_CHECKING:
    from chronicle.projections.sql import catchup


def rebuild(store: Store, *, progress: catchup.Progress | None = None) -> catchup.RebuildSummary:
    """Rebuild every view aside and swap it in with one transaction."""
    return store.rebuild(progress=progress)


def project(store: Store, *, say: Say = quiet) -> int:
    """Catch the views up with the log; return how many events were projected."""
    return store.refresh(say=say)


def play(
    store: Store,
    *,
    actor: str | None = None,
    negotiation: str | None = None,
    since: date | None = None,
    until: date | None = None,
    as_reported: bool = False,
    say: Say = quiet,
) -> Iterator[Any]:
    """The story's steps in order, each with the changes it made, for one actor or negotiation or all:
    in story order with hindsight, or `as_reported`, in the order the world learned it."""
    if actor and negotiation:
        raise InvalidInput("name an actor or a negotiation, not both")
    store.refresh(say=say)
    return _played(store, actor, negotiation, since, until, as_reported)


def _played(
    store: Store,
    actor: str | None,
    negotiation: str | None,
    since: date | None,
    until: date | None,
    as_reported: bool,
) -> Iterator[Any]:
    from chronicle.projections import queries
    from chronicle.projections.as_reported import play_as_reported
    from chronicle.projections.playback import play

    steps = play_as_reported if as_reported else play

    with store.reading() as c:
        focus = None
        if actor:
            focus = str(EntityKey.actor(queries.resolve(store.views, c, "actor", actor)))
        elif negotiation:
            focus = str(EntityKey.negotiation(queries.resolve(store.views, c, "negotiation", negotiation)))
        yield from steps(store.views, c, focus=focus, since=since, until=until)
