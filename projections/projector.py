"""Fold newly recorded developments into the persistent views, one page per transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from chronicle.domain.developments import (
    DEVELOPMENT_ADAPTER,
    CorrectionIssued,
    Development,
    RetractionIssued,
)
from chronicle.domain.events import DevelopmentRecorded
from chronicle.domain.keys import EntityKey
from chronicle.domain.revisions import apply_changes
from chronicle.projections.fold import NO_STEP, Facts, Step, View, apply, new_view, order_matters, touched
from chronicle.projections.sql import reads
from chronicle.projections.sql import statements as q
from chronicle.projections.sql.views import Cursor, TextCipher, ViewStore, protect
from chronicle.projections.stored import (
    body,
    interval,
    iso_utc,
    lookup_names,
    parse_development,
    reported_iso,
    view_from_json,
)


class Projector:
    """Applies developments to one set of view tables inside the caller's transaction."""

    index_rows = True  # queue entity-index rows with each timeline row (a rebuild builds them in one go)
    copy_index = False  # write them as plain inserts (a rebuild's, on PostgreSQL), not skipping those there

    def __init__(self, store: ViewStore, cursor: Cursor, prefix: str) -> None:
        self.store, self.c, self.p = store, cursor, prefix
        self.new_rows: list[tuple[object, ...]] = []  # timeline rows, written with one executemany
        self.new_index: list[tuple[str, int]] = []
        self.cache: dict[str, tuple[View, Facts, tuple[str, int]]] = {}
        self.dirty: set[str] = set()
        self.stale: set[str] = set()  # refolded once, at the end of the page

    def process(self, event: DevelopmentRecorded, position: int) -> None:
        development = event.development
        recorded = iso_utc(event.timestamp)
        if isinstance(development, CorrectionIssued | RetractionIssued):
            self.insert(development, position, recorded, [], development.target)
            self.revise(development)
            return
        keys = touched(development)
        self.insert(development, position, recorded, keys, None)
        step = Step(development, position)
        for key in keys:
            if key in self.stale:
                continue
            view, facts, last = self.get(key)
            if last <= step.key or not order_matters(view, development):
                apply(view, step, facts)
                self.cache[key] = (view, facts, max(last, step.key))
                self.dirty.add(key)
            else:
                self.stale.add(key)

    def insert(
        self,
        development: Development,
        position: int,
        recorded: str,
        keys: list[str],
        target: str | None,
        *,
        current: Development | None = None,
        corrected_by: list[str] | None = None,
        retracted_by: str | None = None,
    ) -> None:
        """Queue a timeline row; `current` and the rest are given when a rebuild knows its revisions."""
        self.insert_data(
            development.model_dump(mode="json"),
            position,
            recorded,
            keys,
            target,
            current=None if current is None else current.model_dump(mode="json"),
            corrected_by=corrected_by,
            retracted_by=retracted_by,
        )

    def insert_data(
        self,
        development: dict[str, Any],
        position: int,
        recorded: str,
        keys: list[str],
        target: str | None,
        *,
        current: dict[str, Any] | None = None,
        corrected_by: list[str] | None = None,
        retracted_by: str | None = None,
    ) -> None:
        """`insert` of a development's JSON object (as stored, or `model_dump(mode="json")` of its model).

        The bodies are that object's orjson bytes, whichever path wrote the row: a rebuild's rows are the
        same bytes as the catch-up's."""
        start, end = interval((development if current is None else current)["occurred"])
        sources = development["sources"]
        # A rebuild writes a row per event, so the common case is kept cheap: one source, no cipher.
        publishers = [sources[0]["publisher"]] if len(sources) == 1 else sorted({s["publisher"] for s in sources})
        summary, listed = development["summary"], orjson.dumps(publishers).decode()
        revised = None if current is None else body(current)  # NULL: as recorded (the log holds that body)
        if self.store.cipher is not None:
            protect = self.store.protect
            summary, listed = protect(summary), protect(listed)
            revised = None if revised is None else protect(revised)
        self.new_rows.append(
            (
                position,
                development["id"],
                development.get("type", ""),
                development["occurred"],
                start,
                end,
                recorded,
                summary,
                revised,
                orjson.dumps(corrected_by).decode() if corrected_by else "[]",
                retracted_by,
                target,
                orjson.dumps(keys).decode(),
                listed,
                reported_iso(development, recorded),
            ),
        )
        if self.index_rows:
            self.new_index += [(key, position) for key in keys]

    def index(self, key: str, position: int) -> None:
        self.new_index.append((key, position))

    def write_rows(self) -> None:
        """Write the pending timeline and index rows (before anything reads them back)."""
        if self.new_rows:
            self.store.insert_many(self.c, q.on(q.TIMELINE, self.p), q.TIMELINE_COLUMNS, self.new_rows)
            self.new_rows = []
        if self.new_index and self.copy_index:
            self.store.insert_many(self.c, q.on(q.ENTITY_INDEX, self.p), q.INDEX_COLUMNS, self.new_index)
            self.new_index = []
        if self.new_index:
            self.c.executemany(self.store.sql(q.on(q.INSERT_INDEX, self.p)), self.new_index)  # type: ignore[attr-defined]
            self.new_index = []

    def revise(self, development: CorrectionIssued | RetractionIssued) -> None:
        """Apply a correction or retraction to its target's row, then refold what it touched."""
        self.write_rows()
        row = reads.revision_target(self.store, self.c, self.p, development.target)
        if row is None:
            return
        position, current_json, corrected_json, entities_json = (
            row["position"],
            row["current"],
            row["corrected_by"],
            row["entities"],
        )
        current = parse_development(current_json)
        corrected_by: list[str] = orjson.loads(corrected_json)
        retracted_by = None
        if isinstance(development, CorrectionIssued):
            current = apply_changes(current, development.changes)
            corrected_by.append(development.id or "")
        else:
            retracted_by = development.id
        old_keys: list[str] = orjson.loads(entities_json)
        keys = list(dict.fromkeys([*old_keys, *touched(current)]))
        when = current.when
        params: list[object] = [
            when.start.isoformat(),
            when.end.isoformat(),
            orjson.dumps(corrected_by).decode(),
            orjson.dumps(keys).decode(),
        ]
        if retracted_by:
            statement = q.RETRACT_ROW
            params.append(retracted_by)
        else:  # only a correction changes the body; a retraction leaves it as it stood
            statement = q.CORRECT_ROW
            params.append(self.store.protect(body(current.model_dump(mode="json"))))
        self.store.run(self.c, q.on(statement, self.p), (*params, position))
        for key in keys:
            if key not in old_keys:
                self.index(key, position)
            self.stale.add(key)

    def get(self, key: str) -> tuple[View, Facts, tuple[str, int]]:
        if key in self.cache:
            return self.cache[key]
        row = reads.held_view(self.store, self.c, self.p, key)
        if row is None:
            found: tuple[View, Facts, tuple[str, int]] = (new_view(key), {}, NO_STEP)
        else:
            found = (
                view_from_json(key, row["state"]),
                orjson.loads(row["facts"]),
                (row["last_start"], int(row["last_position"])),
            )
        self.cache[key] = found
        return found

    def refold(self, key: str) -> None:
        """Fold an entity again from its developments as the timeline holds them, in story order."""
        self.write_rows()
        view, last = new_view(key), NO_STEP
        facts: Facts = {}
        for step in story_steps(self.store, self.c, self.p, key):
            apply(view, step, facts)
            last = step.key
        self.cache[key] = (view, facts, last)
        self.dirty.add(key)

    def fold_each(self, keys: list[str]) -> None:
        """Refold each entity and write its row before the next, so memory holds one view at a time."""
        for key in keys:
            self.refold(key)
            self.flush()
            del self.cache[key]

    def flush(self) -> None:
        self.write_rows()
        for key in sorted(self.stale):
            self.refold(key)
        self.stale.clear()
        self.write_views(sorted(self.dirty))
        self.dirty.clear()

    def write_views(self, keys: list[str]) -> None:
        """Write these entities' cached views, with the facts and story position they were folded to."""
        self.write_view_rows((key, *self.cache[key]) for key in keys)

    def write_view_rows(self, views: Iterable[tuple[str, View, Facts, tuple[str, int]]]) -> None:
        cipher = self.store.cipher
        self.write_entity_rows([entity_row(cipher, key, view, facts, last) for key, view, facts, last in views])

    def write_entity_rows(self, rows: list[EntityRow]) -> None:
        """Write views as `entity_row` made them (a rebuild's folder apart makes its own)."""
        if rows:
            self.c.executemany(self.store.sql(q.on(q.UPSERT_ENTITY, self.p)), rows)  # type: ignore[attr-defined]


# An entity's row in the views table: entity, kind, registered, names, state, facts, last start and position.
EntityRow = tuple[str, str, int, str, str, str, str, int]


def entity_row(cipher: TextCipher | None, key: str, view: View, facts: Facts, last: tuple[str, int]) -> EntityRow:
    """A view's row as stored: its names and state as JSON, sealed with the store's cipher if it has one."""
    return (
        key,
        EntityKey.parse(key).kind,
        int(view.registered),
        protect(cipher, orjson.dumps(lookup_names(view)).decode()),
        protect(cipher, view.model_dump_json()),
        protect(cipher, orjson.dumps(facts).decode()),
        last[0],
        last[1],
    )


def story_steps(store: ViewStore, c: Cursor, prefix: str, key: str) -> Iterator[Step]:
    """The developments that currently shape an entity, in story order, streamed.

    Bodies are decrypted but confidential sources stay sealed: a fold counts sources by id, not by name."""
    for position, data, revised in story_rows(store, c, prefix, key):
        development = DEVELOPMENT_ADAPTER.validate_python(data)
        if not revised or key in touched(development):  # the index keeps what a correction moved away
            yield Step(development, position)


def story_rows(store: ViewStore, c: Cursor, prefix: str, key: str) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """`story_steps` as (position, JSON object as it now stands, whether a correction changed it): a
    corrected body may no longer touch `key`. Decoded once, from the log or the corrected body."""
    for row in reads.story_rows(store, c, prefix, key):
        yield int(row["position"]), row["current"], bool(row["revised"])
