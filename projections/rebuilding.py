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

import contextlib
import functools
import itertools
import multiprocessing
import os
import pickle
import signal
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from typing import Any, NamedTuple, Protocol

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import Development
from chronicle.domain.errors import StoreError
from chronicle.domain.events import DevelopmentCorrected, DevelopmentRetracted
from chronicle.domain.rules import apply_changes
from chronicle.projections.fold import Facts, touched, touched_data
from chronicle.projections.plainfold import (
    Data,
    PlainStep,
    apply_data,
    new_view_data,
    order_matters_data,
    view_from_data,
)
from chronicle.projections.projector import NO_STEP, Projector, body, iso_utc, parse_development, story_rows
from chronicle.projections.views import ASIDE, Cursor, TextCipher, ViewStore

REVISION_TOPICS = [get_topic(DevelopmentCorrected), get_topic(DevelopmentRetracted)]

# What a rebuild keeps of a revision marker: the correction's id and its changes, or the retraction's id
# and None. Tuples, not the decoded events: a 1M log has 40k of them (71 MB as events).
Revision = tuple[str, dict[str, Any] | None]
# A view held in memory as the pass goes: its JSON object, its facts, and the story key it was folded to.
Held = list[Any]
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
        # The same steps, in the same order, as catching up takes when each revision arrives.
        typed: Development = parse_development(body(development))
        for by, changes in found:
            if changes is not None:
                typed = apply_changes(typed, changes)
                corrected_by.append(by)
                now_keys = touched(typed)
                keys = list(dict.fromkeys([*keys, *now_keys]))
            else:
                retracted_by = by
        if corrected_by:
            current = typed.model_dump(mode="json")
    return Final(keys, now_keys, current, corrected_by, retracted_by)


def is_revision(development: Data) -> bool:
    return development["type"] in ("correction", "retraction")


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
                stale.add(key)  # refolded at the end in story order, one at a time
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
    that stands as recorded. With a folder apart (`apart`), which reads the same pages itself, it takes
    each development's final form from there, writes rows only, and `finish` takes the views folded
    there. `c` is set to each page's transaction by the caller."""

    index_rows = False  # `finish` builds the entity index from the timeline in one go (unless folding apart)

    def __init__(
        self,
        store: ViewStore,
        revisions: dict[str, list[Revision]],
        apart: Apart | None = None,
        fields: Callable[[Any], Data] | None = None,
    ) -> None:
        super().__init__(store, None, ASIDE)  # type: ignore[arg-type]
        self.revisions = revisions
        self.fields = fields  # how the writer decodes a page it works out itself, for the folder apart
        self.waited = 0.0  # how long the writer waited for the folder's last page
        self.ahead: dict[int, tuple[list[Data], list[Found]]] = {}  # pages the writer worked out, by first id
        self.apart = apart  # a folder in a second process, reading and folding the same pages
        self.folder = PlainFolder(self) if apart is None else None
        # Folding apart, the writer waits for the folder's pages anyway: it indexes its rows meanwhile.
        self.index_rows = apart is not None

    def feed(self, notifications: Sequence[Notification]) -> None:
        """Hand the folder apart the next page as soon as it is read (an empty page: the end).

        If the writer had to wait for the folder on the last page, it works this page out itself and hands
        that over too: the two processes share the work by how it goes on this machine, not by a guess."""
        if self.apart is None:
            return
        if not notifications:
            self.apart.end()
            return
        found: list[Found] | None = None
        if self.waited > WAITED and self.fields is not None:
            try:
                decoded = [self.fields(n) for n in notifications]
                found = [found_of(f["development"], self.revisions) for f in decoded]
            except Exception:  # the folder meets it too, and the page is read here to the mapper's error
                found = None
            else:
                self.ahead[notifications[0].id] = (decoded, found)
        self.apart.feed(notifications, found)

    def found(self, notifications: Sequence[Notification]) -> tuple[list[Found] | None, list[Data] | None]:
        """What the page's developments come down to, and their decoded events if the writer decoded them
        ahead (None: work it out here, as it goes)."""
        decoded, mine = self.ahead.pop(notifications[0].id, (None, None))
        if self.apart is None:
            return mine, decoded
        started = time.perf_counter()
        try:
            theirs = self.apart.page([n.id for n in notifications])
        except FolderFailed as failed:
            self.failed = str(failed)  # the page is read here, to the event's own error
            self.apart = None
            return None, None
        self.waited = time.perf_counter() - started
        return (mine if theirs is None else theirs), decoded

    failed: str | None = None

    def process_data(self, fields: Data, position: int, found: Found = None) -> None:
        """One `DevelopmentRecorded` event's stored JSON object (`mapper.PydanticMapper.fields`), and what
        the folder apart found of it, if it folds apart."""
        development: Data = fields["development"]
        recorded = recorded_at(fields["timestamp"])
        if is_revision(development):
            self.insert_data(development, position, recorded, [], development["target"])
            return
        if type(found) is list:  # it stands as recorded
            self.insert_data(development, position, recorded, found, None)
            return
        final = final_form(development, self.revisions) if found is None else found
        assert isinstance(final, Final)
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
        if final.retracted_by is None and self.folder is not None:
            step = PlainStep(final.current, (story_start(final.current["occurred"]), position))
            self.folder.fold(step, final.now_keys)

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
        """Write the page's rows, and make room among the views held."""
        self.c = cursor
        self.write_rows()
        if self.folder is not None:
            self.folder.make_room()
        if self.failed is not None:
            raise StoreError(f"folding the views in a second process failed: {self.failed}")

    def finish(self, cursor: Cursor) -> None:
        """Index the timeline, write every view, and refold in story order those that need it."""
        self.c = cursor
        self.write_rows()
        if not self.index_rows:
            self.store.fill_entity_index(cursor, self.p)
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
        """The indexes, while the folder apart refolds what turned stale from the steps it kept; then its
        views, every one of them final."""
        self.write_rows()
        self.store.index_aside(self.c)
        for views in apart.views():
            self.write(views)
        return apart.folded, set()

    def fold_each(self, keys: list[str]) -> None:
        """Fold each entity from the timeline in story order, as JSON objects; write it before the next."""
        for key in keys:
            view, last = new_view_data(key), NO_STEP
            facts: Facts = {}
            for position, text, revised in story_rows(self.store, self.c, self.p, key):
                development = orjson.loads(text)
                if not revised or key in touched_data(development):  # a correction may have moved it
                    step = PlainStep(development, (story_start(development["occurred"]), position))
                    apply_data(view, step, facts)
                    last = step.key
            self.write([(key, [view, facts, last])])


@functools.lru_cache(maxsize=8192)  # a log has few distinct dates
def story_start(occurred: str) -> str:
    """Where an `occurred` interval starts, ISO: the first half of a step's story key."""
    return FuzzyDate.parse(occurred).start.isoformat()


def recorded_at(stamp: str) -> str:
    """`iso_utc` of a stored timestamp. pydantic writes UTC as `...:SS.ffffffZ`: the Z, spelled out."""
    if len(stamp) == 27 and stamp[-1] == "Z":
        return stamp[:-1] + "+00:00"
    return iso_utc(datetime.fromisoformat(stamp))


# -- folding in a second process -----------------------------------------------------------------

# A rebuild of this many events or more folds in a second process while this one writes the timeline,
# where the machine has a second core: the folder reads the same pages, a few pages ahead of the writer.
APART_FROM = 20_000
WAITED = 0.005  # seconds the writer waits for a page before it works the next one out itself


def can_fold_apart() -> bool:
    """A second core, and processes that start as copies of this one (the folder shares the mapper, its
    cipher and the revisions with this process: they are not sent)."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


VIEWS_PER_MESSAGE = 500


class TempSpill:
    """A folder's spill in a throwaway SQLite file of its own (a second process cannot write the store):
    the views it lets go of, and each negotiation's steps, kept to refold it in story order if it turns
    stale (the writer would otherwise refold it from the timeline, with the folder idle).

    In an encrypted store both are written encrypted with the store's cipher, as its tables are."""

    def __init__(self, directory: str, cipher: TextCipher | None = None) -> None:
        self.cipher = cipher
        self.db = sqlite3.connect(os.path.join(directory, "views.db"), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE views (entity TEXT PRIMARY KEY, held BLOB NOT NULL)")
        self.db.execute(
            "CREATE TABLE steps (entity TEXT, start TEXT, position INTEGER, development BLOB NOT NULL, "
            "PRIMARY KEY (entity, start, position)) WITHOUT ROWID"
        )

    @classmethod
    def throwaway(cls, cipher: TextCipher | None = None) -> TempSpill:
        """A spill whose file is unlinked as soon as it is open: nothing is left if the process is killed."""
        directory = tempfile.mkdtemp(prefix="chronicle-fold-")
        try:
            return cls(directory, cipher)
        finally:
            os.unlink(os.path.join(directory, "views.db"))  # SQLite keeps it open (no journal to reopen)
            os.rmdir(directory)

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

    def keep_steps(self, steps: list[tuple[str, str, int, bytes]]) -> None:
        """Negotiations' steps: (key, story start, position, the development's JSON now)."""
        self.db.executemany(
            "INSERT INTO steps VALUES (?, ?, ?, ?)", [(key, start, at, self._seal(d)) for key, start, at, d in steps]
        )

    def refold(self, key: str) -> Held:
        """A negotiation folded from its kept steps in story order: what `Rebuilder.fold_each` folds."""
        view, last = new_view_data(key), NO_STEP
        facts: Facts = {}
        rows = self.db.execute(
            "SELECT start, position, development FROM steps WHERE entity=? ORDER BY start, position", (key,)
        )
        for start, at, data in rows:
            step = PlainStep(orjson.loads(self._open(data)), (start, at))
            apply_data(view, step, facts)
            last = step.key
        return [view, facts, last]

    def _open(self, data: bytes) -> bytes:
        return data if self.cipher is None else self.cipher.decrypt(data)

    def _seal(self, data: bytes) -> bytes:
        return data if self.cipher is None else self.cipher.encrypt(data)

    def _held(self, data: bytes) -> Held:
        view, facts, last = orjson.loads(data if self.cipher is None else self.cipher.decrypt(data))
        return [view, facts, tuple(last)]


# What the folder apart says of each development of a page, in the page's order, before it folds them:
# its keys if it stands as recorded (most do), its `Final` if a revision changed it, None for a revision.
Found = list[str] | Final | None


def found_of(development: Data, revisions: dict[str, list[Revision]]) -> Found:
    """What a page's development comes down to for the writer (and for the folder, with the development)."""
    if is_revision(development):
        return None
    final = final_form(development, revisions)
    return final if final.corrected_by or final.retracted_by is not None else final.keys


def final_of(found: Found, development: Data) -> Final | None:
    """The `Final` a found entry stands for (a list of keys: the development stands as recorded)."""
    if type(found) is list:
        return Final(found, found, development, [], None)
    assert found is None or isinstance(found, Final)
    return found


class FolderFailed(Exception):
    """The folder apart could not read a page (the writer reads it itself, and meets the same error)."""


class Apart:
    """The writer's end of a folder running in a second process: hand it each page's stored events as soon
    as they are read (`feed`), take what it found of them (`page`), and at the end its views.

    A page's events cross in one of two files, not the pipe: the writer never waits for the folder to read
    them, so it never blocks while the folder is sending; the pipe carries only which file and how long.
    A file is written again only once the folder has answered for the page it held before."""

    def __init__(self, pages: Any, results: Any, slots: list[int]) -> None:
        self.pages, self.results, self.slots = pages, results, slots
        self.fed = 0
        self.folded: set[str] = set()  # every key it folded, once it is done

    def feed(self, notifications: Sequence[Notification], found: list[Found] | None = None) -> None:
        """The next page's events (their positions and stored bytes, as recorded), and what they come down
        to if the writer has worked it out itself (it does when it had to wait for the folder)."""
        events = [(n.id, n.state) for n in notifications]
        data = pickle.dumps((events, found), protocol=pickle.HIGHEST_PROTOCOL)
        slot = self.fed % len(self.slots)
        os.pwrite(self.slots[slot], data, 0)
        self.fed += 1
        self._send((slot, len(data)))

    def end(self) -> None:
        """No more pages: the folder now refolds what turned stale and sends its views."""
        self._send(None)

    def _send(self, message: tuple[int, int] | None) -> None:
        # If the folder has stopped, what it said before it did (or that it did) is what the writer reads next.
        with contextlib.suppress(OSError):
            self.pages.send(message)

    def page(self, positions: list[int]) -> list[Found] | None:
        """What the folder found of the page at these positions (None if the writer had worked it out)."""
        while True:
            message = self._recv()
            if message[0] == "page":
                if message[1] != positions:
                    raise StoreError("the process folding the views answered for other events: run `chronicle replay`")
                found: list[Found] | None = message[2]  # None: the writer worked the page out itself
                return found
            if message[0] == "unreadable":
                raise FolderFailed(message[1])
            self.take(message)

    def take(self, message: tuple[Any, ...]) -> list[tuple[str, Held]] | None:
        kind = message[0]
        if kind == "views":
            return [(key, [orjson.loads(view), facts, tuple(last)]) for key, view, facts, last in message[1]]
        elif kind == "done":
            self.folded = message[1]
        else:
            raise StoreError(f"folding the views in a second process failed: {message[1]}")
        return None

    def views(self) -> Iterator[list[tuple[str, Held]]]:
        """The folder's views, a message at a time, until it is done (those that turned stale, refolded)."""
        while True:
            message = self._recv()
            views = self.take(message)
            if views is not None:
                yield views
            elif message[0] == "done":
                return

    def _recv(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self.results.recv()
        except (OSError, EOFError):
            raise _stopped() from None
        return message


def _stopped() -> StoreError:
    return StoreError("the process folding the views stopped: run `chronicle replay` again")


@contextmanager
def fold_apart(
    fields: Callable[[Any], Data], revisions: dict[str, list[Revision]], cipher: TextCipher | None = None
) -> Iterator[Apart]:
    """A folder in a second process, fed each page of stored events as the writer reads it.

    For each page it first sends what the writer needs to write the page's rows (each development's final
    form: its keys, and its revisions' effect), then folds it, so that the writer does neither. It decodes
    with `fields`: the store's own mapper, cipher included, as this process has it. It touches no
    database: views it spills, and negotiations' steps, go to a throwaway file, encrypted with `cipher` if
    the store is. Stopped however the block ends."""
    context = multiprocessing.get_context("fork")  # the folder shares this process's code, mapper, revisions
    # Pipes, not a queue: a queue's feeder thread waits for the GIL while the process works.
    receiving, pages = context.Pipe(duplex=False)
    results, sending = context.Pipe(duplex=False)
    _widen(sending)
    slots = _page_files()
    worker = context.Process(
        target=_fold_worker,
        args=(fields, revisions, cipher, receiving, sending, slots),
        daemon=True,
        name="chronicle-fold",
    )
    worker.start()
    receiving.close()
    sending.close()
    try:
        yield Apart(pages, results, slots)
    finally:
        pages.close()
        results.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
        for fd in slots:
            os.close(fd)


def _page_files() -> list[int]:
    """Two files for pages of events, unlinked at once (nothing is left if the rebuild is killed), in
    memory where the machine has a memory file system."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    directory = tempfile.mkdtemp(prefix="chronicle-pages-", dir=shm)
    try:
        files = [os.path.join(directory, f"page{i}") for i in range(2)]
        slots = [os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600) for path in files]
        for path in files:
            os.unlink(path)
        return slots
    finally:
        os.rmdir(directory)


def _widen(connection: Any) -> None:
    """Linux: a pipe that holds a few pages of what the folder found, so that it reads on ahead."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (OSError, AttributeError, ImportError):
        pass


def _fold_worker(
    fields: Callable[[Any], Data],
    revisions: dict[str, list[Revision]],
    cipher: TextCipher | None,
    pages: Any,
    sending: Any,
    slots: list[int],
) -> None:
    _die_with_parent()
    try:
        spill = TempSpill.throwaway(cipher)
        folder = PlainFolder(spill)
        while (page := pages.recv()) is not None:
            slot, length = page
            events, given = pickle.loads(os.pread(slots[slot], length, 0))
            positions = [at for at, _ in events]
            try:
                developments = [fields(_Stored(at, state))["development"] for at, state in events]
                found = given or [found_of(d, revisions) for d in developments]
            except Exception as error:  # the writer reads the page itself, and stops with the mapper's error
                sending.send(("unreadable", f"{type(error).__name__}: {error}"))
                return
            sending.send(("page", positions, None if given else found))  # also: the page's file is free
            finals = [final_of(f, d) for f, d in zip(found, developments, strict=True)]
            kept: list[tuple[str, str, int, bytes]] = []
            for at, final in zip(positions, finals, strict=True):
                if final is not None and final.retracted_by is None:
                    step = PlainStep(final.current, (story_start(final.current["occurred"]), at))
                    if any(k.startswith("negotiation:") for k in final.now_keys):  # before the fold: views
                        data = orjson.dumps(final.current)  # may share its lists, and change them later
                        kept += [(k, step.key[0], at, data) for k in final.now_keys if k.startswith("negotiation:")]
                    folder.fold(step, final.now_keys)
            spill.keep_steps(kept)
            folder.make_room()
        # The stale ones first: refolded while the writer builds its indexes (it reads no views then).
        refolded = [(key, spill.refold(key)) for key in sorted(folder.stale)]
        views: list[Any] = []
        for key, (view, facts, last) in itertools.chain(_final(folder, spill), refolded):
            views.append((key, orjson.dumps(view), facts, last))
            if len(views) == VIEWS_PER_MESSAGE:
                sending.send(("views", views))
                views = []
        if views:
            sending.send(("views", views))
        sending.send(("done", folder.folded))
    except Exception as error:  # handed to the writer, which stops the rebuild with it
        sending.send(("error", f"{type(error).__name__}: {error}"))


class _Stored:
    """A stored event as the folder is handed it: its position, and the bytes `fields` decodes."""

    __slots__ = ("id", "state")

    def __init__(self, position: int, state: Any) -> None:
        self.id, self.state = position, state


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
