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

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import Development
from chronicle.domain.events import DevelopmentCorrected, DevelopmentRecorded, DevelopmentRetracted
from chronicle.domain.rules import apply_changes
from chronicle.projections.fold import Facts, touched, touched_data
from chronicle.projections.plainfold import (
    Data,
    PlainStep,
    StoryKey,
    apply_data,
    new_view_data,
    order_matters_data,
    view_from_data,
)
from chronicle.projections.projector import NO_STEP, Projector, body, iso_utc, parse_development, story_rows
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

    It reads each event as its stored JSON object (`process_data`) and folds views as JSON objects
    (`plainfold`): no model is built for a development that stands as recorded. `c` is set to each page's
    transaction by the caller before it processes the page."""

    def __init__(self, store: ViewStore, revisions: dict[str, list[Revision]]) -> None:
        super().__init__(store, None, ASIDE)  # type: ignore[arg-type]
        self.revisions = revisions
        self.held: dict[str, tuple[Data, Facts, StoryKey]] = {}  # views folded as JSON objects, in memory
        self.entities: set[str] = set()  # every key the entity index holds
        self.folded: set[str] = set()  # views folded in the pass (held, or written back)
        self.written: set[str] = set()  # views written back to make room, read again when next touched
        self.starts: dict[str, str] = {}  # `occurred` -> its interval's start, ISO (a log has few dates)

    def process(self, event: DevelopmentRecorded, position: int) -> None:
        """A decoded event: the same as its JSON object."""
        fields = event.model_dump(mode="json", exclude={"originator_id", "originator_version"})
        self.process_data(fields, position)

    def process_data(self, fields: Data, position: int) -> None:
        """One `DevelopmentRecorded` event's stored JSON object (`mapper.PydanticMapper.fields`)."""
        development: Data = fields["development"]
        stamp: str = fields["timestamp"]
        # pydantic writes UTC times as `...:SS.ffffffZ`: that is `iso_utc` once the Z is spelled out
        recorded = stamp[:-1] + "+00:00" if len(stamp) == 27 and stamp[-1] == "Z" else _recorded(stamp)
        if development["type"] in ("correction", "retraction"):
            self.insert_data(development, position, recorded, [], development["target"])
            return
        keys = now_keys = touched_data(development)
        current = development
        corrected_by: list[str] = []
        retracted_by: str | None = None
        revisions = self.revisions.get(development["id"] or "")
        if revisions:
            # The same steps, in the same order, as catching up takes when each revision arrives.
            typed: Development = parse_development(body(development))
            for by, changes in revisions:
                if changes is not None:
                    typed = apply_changes(typed, changes)
                    corrected_by.append(by)
                    now_keys = touched(typed)
                    keys = list(dict.fromkeys([*keys, *now_keys]))
                else:
                    retracted_by = by
            if corrected_by:
                current = typed.model_dump(mode="json")
        self.insert_data(
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
            self.fold(PlainStep(current, (self.start(current["occurred"]), position)), now_keys)

    def fold(self, step: PlainStep, keys: list[str]) -> None:
        """Apply a development to the views it touches, unless one must now be refolded in story order."""
        kind = step.development["type"]
        for key in keys:
            if key in self.stale:
                continue
            view, facts, last = self.get_data(key)
            if step.key < last and order_matters_data(key, kind):
                self.stale.add(key)  # folded from the timeline at the end, one at a time
                self.held.pop(key, None)
                self.dirty.discard(key)
                continue
            apply_data(view, step, facts)
            self.held.pop(key, None)  # re-inserted last: the order is least recently touched first
            self.held[key] = (view, facts, max(last, step.key))
            self.dirty.add(key)
            self.folded.add(key)

    def index(self, key: str, position: int) -> None:
        """Nothing as the rows come: `finish` builds the entity index from the timeline in one go."""

    def get_data(self, key: str) -> tuple[Data, Facts, StoryKey]:
        found = self.held.get(key)
        if found is not None:
            return found
        row = None
        if key in self.written:
            row = self.store.one(
                self.c,
                f"SELECT state, facts, last_start, last_position FROM {{s}}{self.p}entities WHERE entity=?",
                (key,),
            )
        if row is None:
            found = (new_view_data(key), {}, NO_STEP)
        else:
            found = (
                orjson.loads(row["state"]),
                orjson.loads(row["facts"]),
                (row["last_start"], int(row["last_position"])),
            )
        self.held[key] = found
        return found

    def write_held(self, keys: Iterable[str]) -> None:
        """Write these held views back, each validated into its read model."""
        self.write_view_rows(
            (key, view_from_data(key, view), facts, last)
            for key, (view, facts, last) in ((k, self.held[k]) for k in keys)
        )

    def end_page(self, cursor: Cursor) -> None:
        """Write the page's rows; if too many views are held, write the least recently touched back.

        Popularity is skewed (a few actors are in most developments), so the ones let go are rarely
        needed again; letting go of all of them at once made a 1M rebuild read views back 10 s long."""
        self.c = cursor
        self.write_rows()
        if len(self.held) > CACHED_VIEWS:
            coldest = list(islice(self.held, max(1, int(len(self.held) * EVICTED))))
            self.write_held(sorted(self.dirty.intersection(coldest)))
            self.dirty.difference_update(coldest)
            for key in coldest:
                del self.held[key]
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
            self.held[key] = (new_view_data(key), {}, NO_STEP)
            self.dirty.add(key)
        self.write_held(sorted(self.dirty))
        self.dirty.clear()
        self.held.clear()
        self.fold_each(stale)

    def fold_each(self, keys: list[str]) -> None:
        """Fold each entity from the timeline in story order, as JSON objects; write it before the next."""
        for key in keys:
            view, last = new_view_data(key), NO_STEP
            facts: Facts = {}
            for position, text in story_rows(self.store, self.c, self.p, key):
                development = orjson.loads(text)
                if key in touched_data(development):
                    step = PlainStep(development, (self.start(development["occurred"]), position))
                    apply_data(view, step, facts)
                    last = step.key
            self.write_view_rows([(key, view_from_data(key, view), facts, last)])

    def start(self, occurred: str) -> str:
        """Where an `occurred` interval starts, ISO: a log has few distinct dates, each parsed once."""
        found = self.starts.get(occurred)
        if found is None:
            found = self.starts[occurred] = FuzzyDate.parse(occurred).start.isoformat()
        return found


def _recorded(stamp: str) -> str:
    return iso_utc(datetime.fromisoformat(stamp))
