"""Build the aside views from the first event in one pass over the log.

Catching up must handle a correction when it arrives: rewrite its target's row and refold every entity the
target touched, from that entity's whole history. A rebuild can do better, because the log is already
complete: it reads the revision markers first (every correction and retraction also leaves a small event on
its target's stream), so each development is written once in its final form and folded once.

- Views fold in log order, in memory, as the pass goes, wherever order cannot matter: an actor's fold is
  order-independent (max-registers), and so is what a statement does to a negotiation. Views are written
  back when too many are held, so memory follows a cap, not the length of the log (`folder.PlainFolder`).
- A negotiation whose state machine sees a development out of story order is refolded at the end, one
  at a time, in story order, from the timeline.
- No model is built for a development that stands as recorded: events are read as their stored JSON,
  and views fold as JSON (`plainfold`), validated into their read models when written.
- A large log is folded in a second process (`apart.fold_apart`) while this one writes the timeline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.events import DevelopmentCorrected, DevelopmentRetracted
from chronicle.domain.keys import EntityKey
from chronicle.projections.fold import NO_STEP, Facts, touched_data
from chronicle.projections.folder import Held, PlainFolder, Revision, final_form, fold_final, is_revision
from chronicle.projections.plainfold import Data, PlainStep, apply_data, new_view_data, story_start, view_from_data
from chronicle.projections.projector import Projector, story_rows
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import ASIDE, Cursor, ViewStore
from chronicle.projections.stored import iso_utc

if TYPE_CHECKING:
    from chronicle.projections.sql.apart import Apart

REVISION_TOPICS = [get_topic(DevelopmentCorrected), get_topic(DevelopmentRetracted)]


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
            found.setdefault(EntityKey.parse(marker.originator_id).id, []).append(kept)
        start = batch[-1].id
    return found


class Rebuilder(Projector):
    """Writes each development's row in its final form, and folds views as the pass goes (`folder`).

    It reads each event as its stored JSON object (`process_data`): no model is built for a development
    that stands as recorded. With a folder apart (`apart`), which reads the log itself, it writes rows
    only, and `finish` takes the views folded there. `c` is set to each page's transaction by the caller."""

    def __init__(self, store: ViewStore, revisions: dict[str, list[Revision]], apart: Apart | None = None) -> None:
        super().__init__(store, None, ASIDE)  # type: ignore[arg-type]
        # The entity index: copied as the pass goes where the store does that best, else built from the
        # timeline in one go (`index_entities`).
        self.index_rows = self.copy_index = store.copies_entity_index
        self.revisions = revisions
        self.apart = apart  # a folder in a second process, reading and folding the same pages
        self.folder = PlainFolder(self) if apart is None else None

    def process_data(self, fields: Data, position: int) -> None:
        """One `DevelopmentRecorded` event's stored JSON object (`mapper.PydanticMapper.fields`)."""
        development: Data = fields["development"]
        recorded = recorded_at(fields["timestamp"])
        if is_revision(development):
            self.insert_data(development, position, recorded, [], development["target"])
            return
        final = final_form(development, self.revisions)
        self.insert_data(
            development,
            position,
            recorded,
            final.keys,
            None,
            current=final.current if final.corrected_by else None,
            corrected_by=final.corrected_by,
            retracted_by=final.retracted_by,
        )
        if self.folder is not None:
            fold_final(self.folder, final, position)

    # -- the folder's spill: the aside entities table itself -------------------------------------

    def write(self, views: list[tuple[str, Held]]) -> None:
        self.write_view_rows((key, view_from_data(key, view), facts, last) for key, (view, facts, last) in views)

    def read(self, key: str) -> Held | None:
        row = reads.held_view(self.store, self.c, self.p, key)
        if row is None:
            return None
        return [orjson.loads(row["state"]), orjson.loads(row["facts"]), (row["last_start"], int(row["last_position"]))]

    def end_page(self, cursor: Cursor) -> None:
        """Write the page's rows, and make room among the views held (or hear what the folder apart found)."""
        self.c = cursor
        self.write_rows()
        if self.folder is not None:
            self.folder.make_room()
        if self.apart is not None:
            self.apart.poll()

    def index_entities(self, cursor: Cursor) -> None:
        """The entity index completed (built from the timeline, or keyed where its rows were copied as the
        pass went), in a transaction of its own before the last: committed, it can be read from a second
        connection while the last transaction builds the other indexes."""
        self.c = cursor
        self.write_rows()
        self.store.fill_entity_index(cursor, self.p)
        # the refolds read these two: PostgreSQL plans blind without statistics (kept through the swap's renames)
        self.store.analyze(cursor, self.p, ("timeline", "entity_index"))

    def finish(self, cursor: Cursor) -> None:
        """Index the timeline, write every view, and refold in story order those that need it."""
        self.c = cursor
        self.write_rows()
        if self.apart is None:
            assert self.folder is not None
            self.store.index_aside(cursor)
            folder = self.folder
            self.write([(key, folder.held[key]) for key in sorted(folder.dirty)])
            folded, stale = folder.folded, folder.stale
            self.fold_each(sorted(stale))
        else:
            folded, stale = self.finish_apart(self.apart)
        # indexed, but only by retracted developments or references a correction removed
        indexed = reads.indexed_entities(self.store, cursor, self.p)
        self.write([(key, [new_view_data(key), {}, NO_STEP]) for key in sorted(indexed - folded - stale)])

    def finish_apart(self, apart: Apart) -> tuple[set[str], set[str]]:
        """While the folder apart finishes: the indexes, and meanwhile the refolds of what it already found
        stale (from the whole timeline, so they hold whatever it finds later); then its views, and the rest."""
        apart.poll()
        refolded = set(apart.stale)
        with self.store.read() as reader:
            self.refold_while_indexing(reader, sorted(refolded))
        for rows in apart.views():
            self.write_entity_rows(rows)
        self.fold_each(sorted(apart.stale - refolded))
        return apart.folded, apart.stale

    def refold_while_indexing(self, reader: Cursor, keys: list[str]) -> None:
        """Refold `keys` through `reader` (a connection of its own) while a thread builds the indexes on
        this transaction's; each view is written once they are built. One folded meanwhile waits as its
        JSON bytes, far smaller than the busiest negotiations' folded models."""
        waiting: list[tuple[str, bytes, Facts, Any]] = []
        with _indexing(self.store, self.c) as built:
            for key in keys:
                view, facts, last = self.from_timeline(reader, key)
                if built():
                    self.write_waiting(waiting)
                    self.write([(key, [view, facts, last])])
                else:
                    waiting.append((key, orjson.dumps(view), facts, last))
        self.write_waiting(waiting)

    def write_waiting(self, waiting: list[tuple[str, bytes, Facts, Any]]) -> None:
        while waiting:
            key, view, facts, last = waiting.pop(0)
            self.write([(key, [orjson.loads(view), facts, last])])

    def fold_each(self, keys: list[str]) -> None:
        """Fold each entity from the timeline in story order, as JSON objects; write it before the next."""
        for key in keys:
            self.write([(key, self.from_timeline(self.c, key))])

    def from_timeline(self, c: Cursor, key: str) -> Held:
        """An entity folded from the timeline in story order, as JSON objects."""
        view, last = new_view_data(key), NO_STEP
        facts: Facts = {}
        for position, development, revised in story_rows(self.store, c, self.p, key):
            if not revised or key in touched_data(development):  # a correction may have moved it
                step = PlainStep(development, (story_start(development["occurred"]), position))
                apply_data(view, step, facts)
                last = step.key
        return [view, facts, last]


@contextmanager
def _indexing(store: ViewStore, cursor: Cursor) -> Iterator[Callable[[], bool]]:
    """The aside indexes built in a thread, on `cursor`, while the caller folds: sqlite3 and psycopg let go
    of the GIL while the database works. The caller asks `built()` before it uses `cursor` itself; the
    block ends once they are built, and raises what building them raised."""
    failed: list[BaseException] = []

    def build() -> None:
        try:
            store.index_aside(cursor)
        except BaseException as error:  # re-raised in the rebuild's own thread
            failed.append(error)

    thread = threading.Thread(target=build, name="chronicle-index", daemon=True)

    def built() -> bool:
        if thread.is_alive():
            return False
        if failed:
            raise failed[0]
        return True

    thread.start()
    try:
        yield built
    finally:
        thread.join()  # the cursor is not used by two threads at once, even on the way out of an error
    built()


def recorded_at(stamp: str) -> str:
    """`iso_utc` of a stored timestamp. pydantic writes UTC as `...:SS.ffffffZ`: the Z, spelled out."""
    if len(stamp) == 27 and stamp[-1] == "Z":
        return stamp[:-1] + "+00:00"
    return iso_utc(datetime.fromisoformat(stamp))
