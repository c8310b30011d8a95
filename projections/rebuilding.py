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
- No model is built for a development that stands as recorded: events are read as their stored JSON,
  and views fold as JSON (`plainfold`), validated into their read models when written.
- A large log is folded in a second process (`fold_apart`) while this one writes the timeline.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from typing import Any, NamedTuple, Protocol

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.developments import TYPES
from chronicle.domain.errors import StoreError
from chronicle.domain.events import DevelopmentCorrected, DevelopmentRetracted
from chronicle.domain.rules import apply_changes_data
from chronicle.projections.fold import Facts, touched, touched_data
from chronicle.projections.plainfold import (
    Data,
    PlainStep,
    apply_data,
    new_view_data,
    order_matters_data,
    story_start,
    view_from_data,
)
from chronicle.projections.projector import NO_STEP, EntityRow, Projector, entity_row, iso_utc, story_rows
from chronicle.projections.scratch import scratch_db
from chronicle.projections.views import ASIDE, Cursor, TextCipher, ViewStore

REVISION_TOPICS = [get_topic(DevelopmentCorrected), get_topic(DevelopmentRetracted)]

# What a rebuild keeps of a revision marker: the correction's id and its changes, or the retraction's id
# and None. Tuples, not the decoded events: a 1M log has 40k of them (71 MB as events).
Revision = tuple[str, dict[str, Any] | None]
# A view held in memory as the pass goes: its JSON object, its facts, and the story key it was folded to.
Held = list[Any]
# Views held in memory; past it, the least recently touched are written back. At 1M developments (21.8k
# views) 5,000 spent half the folder's time spilling and reading back, and the writer waited for it
# (two pairs of runs): 94.9 and 107.9 s, 234 MB at peak; 8,000: 78.3 and 91.8 s, 251 MB; 10,000: 74.8-79.2 s,
# 263 MB (the target is < 300 MB). 100k (2.6k views) never spills either way.
CACHED_VIEWS = 8_000
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


class Final(NamedTuple):
    """A development in its final form, once every revision the log holds for it is applied."""

    keys: list[str]  # every entity it is indexed under (as recorded, and as corrected)
    now_keys: list[str]  # the entities it touches now
    current: Data  # its JSON object now
    corrected_by: list[str]
    retracted_by: str | None


def final_form(development: Data, revisions: dict[str, list[Revision]]) -> Final:
    keys = now_keys = touched_data(development)
    current = development
    corrected_by: list[str] = []
    retracted_by: str | None = None
    found = revisions.get(development["id"] or "")
    if found:
        # The same steps, in the same order, as catching up takes when each revision arrives; on the JSON
        # objects, which the log holds already (parsing each target first was 2.3% of a 100k rebuild).
        kind = TYPES[development["type"]]
        for by, changes in found:
            if changes is not None:
                typed = apply_changes_data(kind, current, changes)
                current = typed.model_dump(mode="json")
                corrected_by.append(by)
                now_keys = touched(typed)
                keys = list(dict.fromkeys([*keys, *now_keys]))
            else:
                retracted_by = by
    return Final(keys, now_keys, current, corrected_by, retracted_by)


def is_revision(development: Data) -> bool:
    return development["type"] in ("correction", "retraction")


def fold_final(folder: PlainFolder, final: Final, position: int) -> None:
    """Fold a development as it now stands into the views it touches now; a retracted one, into none."""
    if final.retracted_by is None:
        current = final.current
        folder.fold(PlainStep(current, (story_start(current["occurred"]), position)), final.now_keys)


class Spill(Protocol):
    """Where a folder writes the views it lets go of, and reads them back when they are touched again."""

    def write(self, views: list[tuple[str, Held]]) -> None: ...

    def read(self, key: str) -> Held | None: ...


class PlainFolder:
    """Folds developments, in their final form, into the views they touch, as JSON objects, in log order.

    At most `CACHED_VIEWS` views are held; past it the least recently touched are spilled. A negotiation
    whose state machine sees a development out of story order turns `stale`: refolded at the end."""

    def __init__(self, spill: Spill) -> None:
        self.spill = spill
        self.held: dict[str, Held] = {}  # least recently touched first
        self.dirty: set[str] = set()  # held views changed since they were last spilled
        self.stale: set[str] = set()
        self.folded: set[str] = set()  # every view folded (held, or spilled)
        self.spilled: set[str] = set()

    def fold(self, step: PlainStep, keys: list[str]) -> None:
        """Apply a development to the views it touches, unless one must now be refolded in story order."""
        ordered = order_matters_data("negotiation:", step.development["type"])
        held, stale, dirty = self.held, self.stale, self.dirty
        for key in keys:
            if key in stale:
                continue
            entry = held.pop(key, None) or self.load(key)  # re-inserted last: least recently touched first
            if ordered and step.key < entry[2] and key.startswith("negotiation:"):
                stale.add(key)  # folded from the timeline at the end, one at a time
                dirty.discard(key)
                continue
            apply_data(entry[0], step, entry[1])
            if entry[2] < step.key:
                entry[2] = step.key
            held[key] = entry
            dirty.add(key)
        self.folded.update(keys)

    def load(self, key: str) -> Held:
        """A view not held: as it was spilled, or new."""
        found = self.spill.read(key) if key in self.spilled else None
        return [new_view_data(key), {}, NO_STEP] if found is None else found

    def make_room(self) -> None:
        """If too many views are held, spill the least recently touched.

        Popularity is skewed (a few actors are in most developments), so the ones let go are rarely
        needed again; letting go of all of them at once made a 1M rebuild read views back 10 s long."""
        if len(self.held) <= CACHED_VIEWS:
            return
        coldest = list(islice(self.held, max(1, int(len(self.held) * EVICTED))))
        self.spill.write([(key, self.held[key]) for key in sorted(self.dirty.intersection(coldest))])
        self.dirty.difference_update(coldest)
        for key in coldest:
            del self.held[key]
        self.spilled.update(coldest)


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
        row = self.store.one(
            self.c,
            f"SELECT state, facts, last_start, last_position FROM {{s}}{self.p}entities WHERE entity=?",
            (key,),
        )
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
        rows = self.store.rows(cursor, f"SELECT DISTINCT entity FROM {{s}}{self.p}entity_index")
        indexed = {row["entity"] for row in rows}
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
        JSON bytes: at 1M the busiest negotiations' views are about 700 KB of JSON each."""
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


# -- folding in a second process -----------------------------------------------------------------

# A rebuild of this many events or more folds in a second process while this one writes the timeline,
# where the machine has a second core. That process reads the log itself, through a connection of its
# own: handing it each page's events through a pipe cost the writer 0.3-0.5 s of CPU per 100k, and the
# writer's CPU is what a rebuild waits for.
APART_FROM = 20_000


def can_fold_apart() -> bool:
    """A second core, and processes that start as copies of this one (the folder shares the mapper and its
    cipher, and the revisions read, with this process: they are not sent)."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


VIEWS_PER_MESSAGE = 500


class TempSpill:
    """A folder's spill in a throwaway SQLite file of its own (a second process cannot write the store).

    In an encrypted store the views are written encrypted with the store's cipher, as its tables are."""

    def __init__(self, db: sqlite3.Connection, cipher: TextCipher | None = None) -> None:
        self.cipher = cipher
        self.db = db  # `scratch.scratch_db` (a file gone however the process ends)
        self.db.execute("CREATE TABLE views (entity TEXT PRIMARY KEY, held BLOB NOT NULL)")

    def write(self, views: list[tuple[str, Held]]) -> None:
        self.db.executemany(
            "INSERT INTO views VALUES (?, ?) ON CONFLICT (entity) DO UPDATE SET held=excluded.held",
            [(key, self._seal(orjson.dumps(held))) for key, held in views],
        )

    def read(self, key: str) -> Held | None:
        row = self.db.execute("SELECT held FROM views WHERE entity=?", (key,)).fetchone()
        return None if row is None else self._held(row[0])

    def everything(self) -> Iterator[tuple[str, Held]]:
        for key, held in self.db.execute("SELECT entity, held FROM views ORDER BY entity"):
            yield key, self._held(held)

    def _seal(self, data: bytes) -> bytes:
        return data if self.cipher is None else self.cipher.encrypt(data)

    def _held(self, data: bytes) -> Held:
        view, facts, last = orjson.loads(data if self.cipher is None else self.cipher.decrypt(data))
        return [view, facts, tuple(last)]


class Apart:
    """The writer's end of a folder running in a second process: hear what it finds stale, take its views."""

    def __init__(self, results: Any) -> None:
        self.results = results
        self.stale: set[str] = set()  # keys the folder found stale so far
        self.folded: set[str] = set()  # every key it folded, once it is done
        self.failed: str | None = None  # what stopped it, told once the writer's own pass is over
        self.held: tuple[Any, ...] | None = None  # its first message after the stale keys, taken early

    def poll(self) -> None:
        """Whatever the folder found stale meanwhile, so that its pipe never fills. It may be done before
        the writer: its views wait in the pipe (the folder waits for room), all but the first message."""
        try:
            while self.held is None and self.failed is None and self.results.poll():
                message = self.results.recv()
                if message[0] == "stale":
                    self.stale.update(message[1])
                elif message[0] == "error":
                    self.failed = message[1]
                else:
                    self.held = message
        except (OSError, EOFError):
            raise _stopped() from None

    def views(self) -> Iterator[list[EntityRow]]:
        """The folder's views as rows to write, a message at a time, until it is done (none of them stale)."""
        while True:
            if self.failed is not None:
                # The folder reads the pages the writer reads, maybe ahead of it: an event it cannot read
                # stops the writer's own pass too, with the mapper's error. Anything else is told here.
                raise StoreError(f"folding the views in a second process failed: {self.failed}")
            message, self.held = self.held, None
            if message is None:
                try:
                    message = self.results.recv()
                except (OSError, EOFError):
                    raise _stopped() from None
            kind, body = message
            if kind == "stale":
                self.stale.update(body)
            elif kind == "views":
                yield body
            elif kind == "done":
                self.folded = body
                return
            else:
                self.failed = body


def _stopped() -> StoreError:
    return StoreError("the process folding the views stopped: run `chronicle replay` again")


# The pages of the log a rebuild reads, up to the position it stops at: the writer's and the folder's.
Pages = Callable[[Any], Iterator[Sequence[Notification]]]


@contextmanager
def fold_apart(
    open_log: Callable[[], Any],
    pages: Pages,
    fields: Callable[[Any], Data],
    revisions: dict[str, list[Revision]],
    cipher: TextCipher | None = None,
) -> Iterator[Apart]:
    """A folder in a second process, reading and folding the log's pages while this one writes rows.

    It writes no table of the store: it reads the log through `open_log` (a connection must not cross a
    fork), decodes each event with `fields` (the store's own mapper, cipher included, as this process has
    it), and the views it spills go to a throwaway file, encrypted with `cipher` if the store is. Stopped
    however the block ends."""
    context = multiprocessing.get_context("fork")  # the folder shares this process's code and mapper
    # A pipe, not a queue: a queue's feeder thread waits for the GIL while the folder works.
    results, sending = context.Pipe(duplex=False)
    worker = context.Process(
        target=_fold_worker,
        args=(open_log, pages, fields, revisions, cipher, sending),
        daemon=True,
        name="chronicle-fold",
    )
    worker.start()
    sending.close()
    try:
        yield Apart(results)
    finally:
        results.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _fold_worker(
    open_log: Callable[[], Any],
    pages: Pages,
    fields: Callable[[Any], Data],
    revisions: dict[str, list[Revision]],
    cipher: TextCipher | None,
    sending: Any,
) -> None:
    _die_with_parent()
    try:
        spill = TempSpill(scratch_db("chronicle-fold-"), cipher)
        folder = PlainFolder(spill)
        told: set[str] = set()
        for page in pages(open_log()):
            for notification in page:
                development = fields(notification)["development"]
                if not is_revision(development):
                    fold_final(folder, final_form(development, revisions), notification.id)
            folder.make_room()
            if len(folder.stale) > len(told):
                sending.send(("stale", folder.stale - told))
                told |= folder.stale
        views: list[EntityRow] = []  # validated and written out here: the writer has more to do meanwhile
        for key, (view, facts, last) in _final(folder, spill):
            views.append(entity_row(cipher, key, view_from_data(key, view), facts, last))
            if len(views) == VIEWS_PER_MESSAGE:
                sending.send(("views", views))
                views = []
        if views:
            sending.send(("views", views))
        sending.send(("done", folder.folded))
    except Exception as error:  # handed to the writer, which stops the rebuild with it
        sending.send(("error", f"{type(error).__name__}: {error}"))


def _final(folder: PlainFolder, spill: TempSpill) -> Iterator[tuple[str, Held]]:
    """Every view the folder holds or spilled, in its last state; none that turned stale."""
    for key, held in folder.held.items():
        if key not in folder.stale:
            yield key, held
    for key, held in spill.everything():
        if key not in folder.held and key not in folder.stale:
            yield key, held


def _die_with_parent() -> None:
    """Linux: end this process if the rebuild's process is killed (else it would fold on, for no one)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
