"""Build the aside views from the first event in one pass over the log.

Catching up must handle a correction when it arrives: rewrite its target's row and refold every entity the
target touched, from that entity's whole history. A rebuild can do better, because the log is already
complete: it reads the revision markers first (every correction and retraction also leaves a small event on
its target's stream), so each development is written once in its final form and folded once.

- Views fold in log order, in memory, as the pass goes, wherever order cannot matter: an actor's fold is
  order-independent (max-registers), and so is what a statement does to a negotiation. Views are written
  back when too many are held, so memory follows a cap, not the length of the log.
- A negotiation whose state machine sees a development out of story order is refolded at the end, one
  at a time, in story order, from the timeline. (Holding its developments in memory for that fold
  instead was measured: no faster at 100k developments, and 175 MB more.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.developments import CorrectionIssued, Development, RetractionIssued
from chronicle.domain.events import DevelopmentCorrected, DevelopmentRecorded, DevelopmentRetracted
from chronicle.domain.rules import apply_changes
from chronicle.projections.fold import Facts, Step, View, apply, new_view, order_matters, touched
from chronicle.projections.projector import NO_STEP, Projector, iso_utc
from chronicle.projections.views import ASIDE, Cursor, ViewStore

REVISION_TOPICS = [get_topic(DevelopmentCorrected), get_topic(DevelopmentRetracted)]

# What a rebuild keeps of a revision marker: the correction's id and its changes, or the retraction's id
# and None. Tuples, not the decoded events: a 1M log has 40k of them (71 MB as events).
Revision = tuple[str, dict[str, Any] | None]
CACHED_VIEWS = 5_000  # views held in memory; past it, the least recently touched are written back
EVICTED = 0.2  # the share of them written back at a time


def read_revisions(
    select: Callable[..., Sequence[Notification]],
    decode: Callable[[Notification], Any],
    stop: int,
    page: int,
) -> dict[str, list[Revision]]:
    """Every correction and retraction up to `stop`, by target id, in the order they were recorded.

    `select` and `decode` are the recorder's `select_notifications` and the store's event decoder."""
    found: dict[str, list[Revision]] = {}
    start = 0
    while batch := select(start, page, stop=stop, topics=REVISION_TOPICS, inclusive_of_start=False):
        for notification in batch:
            marker = decode(notification)
            kept: Revision = (
                (marker.correction, marker.changes)
                if isinstance(marker, DevelopmentCorrected)
                else (marker.retraction, None)
            )
            found.setdefault(marker.originator_id.partition(":")[2], []).append(kept)
        start = batch[-1].id
    return found


class Rebuilder(Projector):
    """Writes each development's row in its final form and folds views as the pass goes.

    `c` is set to each page's transaction by the caller before it processes the page."""

    def __init__(self, store: ViewStore, revisions: dict[str, list[Revision]]) -> None:
        super().__init__(store, None, ASIDE)  # type: ignore[arg-type]
        self.revisions = revisions
        self.entities: set[str] = set()  # every key the entity index holds
        self.folded: set[str] = set()  # views folded in the pass (held, or written back)
        self.written: set[str] = set()  # views written back to make room, read again when next touched

    def process(self, event: DevelopmentRecorded, position: int) -> None:
        development = event.development
        recorded = iso_utc(event.timestamp)
        if isinstance(development, CorrectionIssued | RetractionIssued):
            self.insert(development, position, recorded, [], development.target)
            return
        current: Development = development
        keys = now_keys = touched(development)
        corrected_by: list[str] = []
        retracted_by: str | None = None
        # The same steps, in the same order, as catching up takes when each revision arrives.
        for by, changes in self.revisions.get(development.id or "", ()):
            if changes is not None:
                current = apply_changes(current, changes)
                corrected_by.append(by)
                now_keys = touched(current)
                keys = list(dict.fromkeys([*keys, *now_keys]))
            else:
                retracted_by = by
        self.insert(
            development,
            position,
            recorded,
            keys,
            None,
            current=current if corrected_by else None,
            corrected_by=corrected_by,
            retracted_by=retracted_by,
        )
        self.entities.update(keys)
        if retracted_by is None:
            self.fold(Step(current, position), now_keys)

    def fold(self, step: Step, keys: list[str]) -> None:
        """Apply a development to the views it touches, unless one must now be refolded in story order."""
        for key in keys:
            if key in self.stale:
                continue
            view, facts, last = self.get(key)
            if step.key < last and order_matters(view, step.development):
                self.stale.add(key)  # folded from the timeline at the end, one at a time
                self.cache.pop(key, None)
                self.dirty.discard(key)
                continue
            apply(view, step, facts)
            self.cache.pop(key, None)  # re-inserted last: the cache's order is least recently touched first
            self.cache[key] = (view, facts, max(last, step.key))
            self.dirty.add(key)
            self.folded.add(key)

    def index(self, key: str, position: int) -> None:
        """Nothing as the rows come: `finish` builds the entity index from the timeline in one go."""

    def get(self, key: str) -> tuple[View, Facts, tuple[str, int]]:
        found = self.cache.get(key)
        if found is None:
            if key in self.written:
                return super().get(key)
            found = self.cache[key] = (new_view(key), {}, NO_STEP)
        return found

    def end_page(self, cursor: Cursor) -> None:
        """Write the page's rows; if too many views are held, write the least recently touched back.

        Popularity is skewed (a few actors are in most developments), so the ones let go are rarely
        needed again; letting go of all of them at once made a 1M rebuild read views back 10 s long."""
        self.c = cursor
        self.write_rows()
        if len(self.cache) > CACHED_VIEWS:
            coldest = list(islice(self.cache, max(1, int(len(self.cache) * EVICTED))))
            self.write_views(sorted(self.dirty.intersection(coldest)))
            self.dirty.difference_update(coldest)
            for key in coldest:
                del self.cache[key]
            self.written.update(coldest)

    def finish(self, cursor: Cursor) -> None:
        """Index the timeline, write every view held, then refold in story order those that need it."""
        self.c = cursor
        self.write_rows()
        self.store.fill_entity_index(cursor, self.p)
        self.store.index_ids(cursor, self.p)
        stale = sorted(self.stale)
        self.stale.clear()
        for key in self.entities - self.folded - set(stale):
            # indexed, but only by retracted developments or references a correction removed
            self.cache[key] = (new_view(key), {}, NO_STEP)
            self.dirty.add(key)
        self.flush()
        self.cache.clear()
        self.fold_each(stale)
