"""One development by id, and the log's position: what a page asks to show one item or follow the store."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chronicle.service.failures import translate
from chronicle.service.store import Say, Store, quiet

if TYPE_CHECKING:
    from chronicle.projections.lookup import DevelopmentRecord


def development(
    store: Store,
    dev_id: str,
    *,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    say: Say = quiet,
) -> DevelopmentRecord:
    """A development as believed (now, as reported by `known_at`, among what the store held at
    `recorded_at`), as recorded, and the revisions aimed at it."""
    from chronicle.projections import lookup

    def run(views: Any, c: Any) -> DevelopmentRecord:
        return lookup.development(views, c, dev_id, known_at, recorded_at)

    return store.query(run, say=say)


def bounds(store: Store, *, say: Say = quiet) -> dict[str, Any]:
    """Where the story starts and ends, in valid and in record time: what a timeline opens on."""
    from chronicle.projections import lookup

    return store.query(lookup.bounds, say=say)


def log_position(store: Store) -> int:
    """The position of the last event in the log (0 when empty): cheap, read straight from the log."""
    with translate(store.settings):
        return store.app.recorder.max_notification_id() or 0
