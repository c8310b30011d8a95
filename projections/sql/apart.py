"""Fold a rebuild's views in a second process while this one writes the timeline.

That process reads the log itself, through a connection of its own (handing it each page's events
through a pipe would spend the writer's CPU, which is what a rebuild waits for), folds with a
`folder.PlainFolder` that spills to a throwaway file, and hands back what it found stale and its views.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from eventsourcing.persistence import Notification

from chronicle.domain.errors import StoreError
from chronicle.projections.folder import Held, PlainFolder, Revision, final_form, fold_final, is_revision
from chronicle.projections.plainfold import Data, view_from_data
from chronicle.projections.projector import EntityRow, entity_row
from chronicle.projections.scratch import scratch_db
from chronicle.projections.sql.views import TextCipher

# A rebuild of this many events or more folds in a second process, where the machine has a second core.
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
