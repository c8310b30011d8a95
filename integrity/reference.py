"""The reference `verify` compares the views with: a fresh fold of the log, in bounded memory.

The pure fold (`belief.believe` then `belief.fold_all`) holds every development at once, so its memory
grows with the store. This is the same fold, by the same rules (`fold.apply` over each entity's
developments as currently believed, in story order), with a throwaway SQLite file as its memory:

- one pass over the log copies each development's stored bytes (still encrypted if the store is) and
  writes one row per entity it touches, keyed by story order; corrections and retractions are kept aside
  (a few percent of the log) and applied to their targets afterwards, as `believe` does;
- then each entity is folded on its own, its developments streamed in story order from that file.

Memory holds the revisions, one entity's view and a page of rows; the file is about the size of the log
and is deleted afterwards. It shares no code with the persistent views' projector or rebuild, on purpose:
it is what they are checked against.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from eventsourcing.persistence import Notification

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import CorrectionIssued, Development, RetractionIssued
from chronicle.domain.revisions import apply_changes
from chronicle.projections.fold import Step, View, apply, new_view, touched, touched_data
from chronicle.projections.scratch import scratch_db

Decode = Callable[[Notification], Any]
Fields = Callable[[Notification], dict[str, Any]]
PAGE = 2000
REVISIONS = ("correction", "retraction")


@dataclass(frozen=True)
class Revision:
    """A correction (with its changes) or a retraction (`changes` None), at its place in the log."""

    position: int
    changes: dict[str, Any] | None


class ReferenceFold:
    """Fed every recorded development in log order (`add`), then yields every entity's view (`views`)."""

    def __init__(self, decode: Decode, db: sqlite3.Connection, fields: Fields | None = None) -> None:
        self.decode = decode
        self.fields = fields  # the stored JSON without a model, if the store can give it
        self.db = db  # `scratch.scratch_db`: no journal, gone however the process ends
        # `execute`, not `executescript`, which would commit the scratch file's one transaction first
        self.db.execute(
            "CREATE TABLE developments (position INTEGER PRIMARY KEY, dev_id TEXT NOT NULL, "
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL, "
            "state BLOB NOT NULL)"
        )
        self.db.execute(
            "CREATE TABLE steps (entity TEXT NOT NULL, start TEXT NOT NULL, position INTEGER NOT NULL, "
            "revised INTEGER NOT NULL)"
        )
        self.revisions: dict[str, list[Revision]] = {}  # by target id, in the order recorded
        self.replaced: set[int] = set()  # positions whose steps as recorded no longer apply
        self.corrections: dict[int, list[dict[str, Any]]] = {}  # changes to re-apply, by position
        self.pending: list[tuple[int, str, str, int, str, bytes]] = []
        self.pending_steps: list[tuple[str, str, int, int]] = []
        # (target, revision id, its position, whether a retraction): what each timeline row must show
        self.marks: list[tuple[str, str, int, bool]] = []

    def add(self, notification: Notification) -> None:
        """One `DevelopmentRecorded` event, in log order."""
        plain = self._plain(notification)
        if plain is not None:
            dev_id, keys, start = plain
        else:
            development: Development = self.decode(notification).development
            dev_id = development.id or ""
            if isinstance(development, CorrectionIssued):
                self._revise(development.target, Revision(notification.id, development.changes))
                self.marks.append((development.target, dev_id, notification.id, False))
            elif isinstance(development, RetractionIssued):
                self._revise(development.target, Revision(notification.id, None))
                self.marks.append((development.target, dev_id, notification.id, True))
            else:
                keys, start = touched(development), development.when.start.isoformat()
        self.pending.append(
            (
                notification.id,
                dev_id,
                str(notification.originator_id),
                notification.originator_version,
                notification.topic,
                bytes(notification.state),
            )
        )
        if plain is not None or not isinstance(development, CorrectionIssued | RetractionIssued):
            self.pending_steps.extend((key, start, notification.id, 0) for key in keys)
        if len(self.pending) >= PAGE:
            self._write()

    def _plain(self, notification: Notification) -> tuple[str, list[str], str] | None:
        """A development's id, the entities it touches and its start, read from its JSON without a model
        (it is built once, when folded); None for a revision, or anything the JSON alone cannot answer,
        which is decoded whole (and refused there if it cannot be read)."""
        if self.fields is None:
            return None
        try:
            data = self.fields(notification)["development"]
            if data["type"] in REVISIONS or not data.get("id"):
                return None
            return str(data["id"]), touched_data(data), FuzzyDate.parse(data["occurred"]).start.isoformat()
        except Exception:
            return None

    def _revise(self, target: str, revision: Revision) -> None:
        self.revisions.setdefault(target, []).append(revision)

    def _steps(self, development: Development, position: int, *, revised: bool) -> None:
        start = development.when.start.isoformat()
        self.pending_steps.extend((key, start, position, int(revised)) for key in touched(development))

    def _write(self) -> None:
        self.db.executemany("INSERT INTO developments VALUES (?, ?, ?, ?, ?, ?)", self.pending)
        self.db.executemany("INSERT INTO steps VALUES (?, ?, ?, ?)", self.pending_steps)
        self.pending, self.pending_steps = [], []

    def _development(self, row: tuple[Any, ...]) -> Development:
        position, originator_id, version, topic, state = row
        notification = Notification(
            id=position, originator_id=originator_id, originator_version=version, topic=topic, state=state
        )
        development: Development = self.decode(notification).development
        return development

    def _believe(self) -> None:
        """Apply each target's revisions, as `belief.believe` does: only those recorded after the target."""
        self._write()
        self.db.execute("CREATE INDEX developments_by_id ON developments (dev_id)")
        for target, revisions in self.revisions.items():
            row = self.db.execute(
                "SELECT position, originator_id, originator_version, topic, state FROM developments WHERE dev_id=?",
                (target,),
            ).fetchone()
            if row is None:
                continue
            later = [r for r in revisions if r.position > row[0]]
            current = original = self._development(row)
            if not later or isinstance(original, CorrectionIssued | RetractionIssued):
                continue  # a revision of a revision changes nothing any view counts
            changes = [r.changes for r in later if r.changes is not None]
            for change in changes:
                current = apply_changes(current, change)
            self.replaced.add(row[0])
            if len(changes) < len(later):
                continue  # retracted: it no longer counts anywhere
            self.corrections[row[0]] = changes
            self._steps(current, row[0], revised=True)
        self.revisions.clear()
        self._write()
        self.db.execute("CREATE INDEX steps_in_story_order ON steps (start, position, revised)")

    def timeline(self) -> Iterator[tuple[int, str, list[str], str | None]]:
        """Every development's timeline marks as the log makes them, in log order: (position, id,
        corrected by, retracted by). Only the revisions are held in memory."""
        self._write()
        marks: dict[str, list[tuple[str, int, bool]]] = {}
        for target, revision, at, retraction in self.marks:
            marks.setdefault(target, []).append((revision, at, retraction))
        rows = self.db.execute("SELECT position, dev_id FROM developments ORDER BY position")
        while batch := rows.fetchmany(PAGE):
            for position, dev_id in batch:
                corrected: list[str] = []
                retracted = None
                for revision, at, retraction in marks.get(dev_id, ()):
                    if at < position:
                        continue  # a revision recorded before its target changes nothing
                    if retraction:
                        retracted = revision
                    else:
                        corrected.append(revision)
                yield int(position), str(dev_id), corrected, retracted

    def index(self) -> Iterator[tuple[int, set[str]]]:
        """For each position in log order, the entities the index must list it under: those the
        development touched as recorded and as corrected."""
        self._write()
        rows = self.db.execute("SELECT DISTINCT position, entity FROM steps ORDER BY position")
        # grouped over the whole stream: a position's rows may straddle two fetched pages
        for position, group in groupby(iter(rows), key=itemgetter(0)):
            yield int(position), {str(entity) for _, entity in group}

    def count(self) -> int:
        """How many (entity, development) steps the views are folded from."""
        return int(self.db.execute("SELECT count(*) FROM steps").fetchone()[0])

    def views(self, progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, View]]:
        """Every entity's view, folded from its developments in story order; entities in key order.

        The log is walked once in story order, each development built once and applied to every entity
        it touches; what is held is one view per entity, as the views themselves are."""
        self._believe()
        folded: dict[str, tuple[View, dict[str, list[Any]]]] = {}
        for entity, step in self._steps_in_story_order(progress):
            if entity not in folded:
                folded[entity] = (new_view(entity), {})
            view, facts = folded[entity]
            apply(view, step, facts)
        for entity in sorted(folded):
            yield entity, folded.pop(entity)[0]

    def _steps_in_story_order(self, progress: Callable[[int], None] | None) -> Iterator[tuple[str, Step]]:
        rows = self.db.execute(
            "SELECT s.entity, s.revised, d.position, d.originator_id, d.originator_version, d.topic, d.state "
            "FROM steps s JOIN developments d ON d.position = s.position ORDER BY s.start, s.position, s.revised"
        )
        done = 0
        last: tuple[int, int] | None = None
        step: Step | None = None
        while batch := rows.fetchmany(PAGE):
            for entity, revised, *stored in batch:
                position = stored[0]
                if position in self.replaced and not revised:
                    continue
                if last != (position, revised):  # a development's steps are adjacent: built once for all
                    last, current = (position, revised), self._development(tuple(stored))
                    for change in self.corrections.get(position, ()):
                        current = apply_changes(current, change)
                    step = Step(current, position)
                assert step is not None
                yield entity, step
            done += len(batch)
            if progress is not None:
                progress(done)

    def close(self) -> None:
        self.db.close()


@contextmanager
def reference_fold(decode: Decode, fields: Fields | None = None) -> Iterator[ReferenceFold]:
    """A `ReferenceFold` over a throwaway file (honours TMPDIR), gone when done or if the process is killed."""
    fold = ReferenceFold(decode, scratch_db("chronicle-verify-"), fields)
    try:
        yield fold
    finally:
        fold.close()
