"""Audit questions the log answers exactly: how an entity's state came to be (`history`), which
development set each current value (`blame`), what changed between two points of the two time axes
(`diff`), and who vouches for the story (`sources`).

The work is pure (`history`, `diffing`, `publishers`, over rows and `Entry`s handed in); these reads
fetch only the rows of the entities asked about, through the entity index, never the whole log (except
`sources` and a store-wide `diff`, which are about the whole story). Field paths: `paths`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import orjson

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.errors import InvalidInput, NotFound
from chronicle.domain.keys import KINDS, EntityKey
from chronicle.projections.belief import Believed
from chronicle.projections.diffing import EntityDiff, Point, check_points, diff_entries, diff_story
from chronicle.projections.fold import new_view
from chronicle.projections.history import (
    Blame,
    Change,
    DevelopmentInfo,
    blame_of,
    check_field,
    history_of,
    is_bookkeeping,
    publishers,
)
from chronicle.projections.paths import FieldChange, changed_paths, flatten, flatten_dump, matches, top_field
from chronicle.projections.publishers import SourceReport, Supported, distinct, source_report
from chronicle.projections.queries import believed
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import iso_utc


def _believed_now(store: ViewStore, c: Cursor, key: str) -> dict[str, Believed]:
    """An entity's developments as currently believed, read once (no record-time question asked)."""
    entries = {}
    for r in reads.believed_now(store, c, key):
        d = r["current"]
        entries[d["id"] or ""] = Believed(d, int(r["position"]), r["recorded"], d)
    return entries


def _diff_key(store: ViewStore, c: Cursor, key: str, a: Point, b: Point) -> EntityDiff:
    if a.horizon == b.horizon == (None, None):
        now = _believed_now(store, c, key)
        return diff_entries(key, now, now, a, b)
    entries_a = believed(store, c, key, *a.horizon)
    entries_b = entries_a if b.horizon == a.horizon else believed(store, c, key, *b.horizon)
    return diff_entries(key, entries_a, entries_b, a, b)


# -- queries ---------------------------------------------------------------------------------------


def _entity_key(kind: str, ident: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}: use actor or negotiation")
    return str(EntityKey(kind, ident))


def _not_in_story(
    kind: str, ident: str, as_of: date | None, known_at: datetime | None, recorded_at: datetime | None
) -> NotFound:
    return NotFound(f"{kind} {ident!r} was not yet in the story {Point(as_of, known_at, recorded_at).describe()}")


def history(
    store: ViewStore,
    c: Cursor,
    kind: str,
    ident: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    bookkeeping: bool = True,
) -> list[Change]:
    """`history_of` an entity within a horizon; fields that only count or point at developments
    (`history.is_bookkeeping`) only with `bookkeeping`."""
    key = _entity_key(kind, ident)
    entries = believed(store, c, key, known_at, recorded_at)
    changes, view = history_of(key, entries.values(), as_of, bookkeeping=bookkeeping)
    if not view.registered:
        raise _not_in_story(kind, ident, as_of, known_at, recorded_at)
    return changes


def blame(
    store: ViewStore,
    c: Cursor,
    kind: str,
    ident: str,
    wanted: str | None = None,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    bookkeeping: bool = True,
) -> list[Blame]:
    """`blame_of` an entity within a horizon; bookkeeping fields only with `bookkeeping`, as in `history`."""
    key = _entity_key(kind, ident)
    if wanted is not None:
        check_field(new_view(key), wanted)
    entries = believed(store, c, key, known_at, recorded_at)
    changes, view = history_of(key, entries.values(), as_of, bookkeeping=bookkeeping)
    if not view.registered:
        raise _not_in_story(kind, ident, as_of, known_at, recorded_at)
    lines = blame_of(key, changes, view, wanted)
    return [_credit(line, entries) for line in lines if bookkeeping or not is_bookkeeping(line.field)]


def _credit(line: Blame, entries: dict[str, Believed]) -> Blame:
    """A value a correction changed is credited to the last correction that changed the development's
    facts (its date and sources); an unchanged value stays with the development."""
    c = line.change
    if c is None or not c.corrected_by or c.as_recorded == line.value:
        return line
    for correction_id in reversed(c.corrected_by):
        correction = entries.get(correction_id)
        if correction is None or correction.original["type"] != "correction":
            continue
        if set(correction.original["changes"]) - {"summary", "sources", "confidence"}:
            return Blame(line.entity, line.field, line.value, c, DevelopmentInfo.of(correction))
    return line


def diff(store: ViewStore, c: Cursor, kind: str, ident: str, a: Point, b: Point) -> EntityDiff:
    check_points(a, b)
    return _diff_key(store, c, _entity_key(kind, ident), a, b)


def _end(text: str) -> date:
    return FuzzyDate.parse(text).end


def candidate_entities(store: ViewStore, c: Cursor, a: Point, b: Point) -> set[str]:
    """Entities whose state can differ between `a` and `b` (a superset), from the indexes.

    A development changes what counts between the points if it was recorded between the two
    `known_at`, or is a correction or retraction recorded then (its target's entities), or starts
    counting between the two `as_of` (its interval's end or its figure's `as_of` as stored, or as
    believed at a `known_at`: one corrected or retracted since may have had other dates then).
    """
    keys: set[str] = set()

    def add(rows: Iterable[Any]) -> None:
        for row in rows:
            keys.update(orjson.loads(row["entities"]))

    windows = [
        (between, sorted(iso_utc(t) if t else "9999" for t in pair))
        for between, pair in (
            (reads.reported_between, (a.known_at, b.known_at)),
            (reads.recorded_between, (a.recorded_at, b.recorded_at)),
        )
        if pair[0] != pair[1]
    ]
    for between, bounds in windows:  # known at one point, not at the other
        rows = between(store, c, bounds)
        add(rows)
        add(reads.entities_of(store, c, sorted({r["target"] for r in rows if r["target"]})))
    if a.as_of != b.as_of:
        low, high = sorted(d or date.max for d in (a.as_of, b.as_of))
        add(reads.ended_between(store, c, low.isoformat(), high.isoformat()))
        for revised_after, pair in (
            (reads.revised_reported_after, (a.known_at, b.known_at)),
            (reads.revised_after, (a.recorded_at, b.recorded_at)),
        ):
            known = [t for t in pair if t is not None]
            if known:
                # Revised after the later point (before it, the windows above have them): believed
                # at both points with other dates than the stored ones.
                add(revised_after(store, c, iso_utc(max(known))))
        for row in reads.figures(store, c):
            figure = row["current"]
            if low < _end(figure.get("as_of") or figure["occurred"]) <= high:
                keys.update(orjson.loads(row["entities"]))
    return keys


def diff_all(store: ViewStore, c: Cursor, a: Point, b: Point) -> list[EntityDiff]:
    """Every entity in the story at either point whose state differs, actors first, by id."""
    check_points(a, b)
    keys = candidate_entities(store, c, a, b)
    if a.horizon == b.horizon == (None, None):  # one belief at both points: the story read once, for all
        days = [a.as_of, b.as_of]
        last = None if None in days else max(d for d in days if d is not None).isoformat()
        diffs: dict[str, EntityDiff] | None = diff_story(
            reads.counting_in_story_order(store, c, counting_by=last), keys, a, b
        )
    else:
        diffs = None
    found = []
    for key in sorted(keys, key=lambda k: (KINDS.index(EntityKey.parse(k).kind), k)):
        d = _diff_key(store, c, key, a, b) if diffs is None else diffs.get(key)
        if d is not None and d.changes and any(d.registered):
            found.append(d)
    return found


def sources(store: ViewStore, c: Cursor) -> SourceReport:
    """Over every development currently believed (retracted ones left out), in story order."""
    rows = reads.believed_sources(store, c)

    def supported(row: Any) -> Supported:
        names: list[str] = orjson.loads(row["sources"])
        occurred, summary = row["occurred"], row["summary"]
        if row["corrected"] is not None:
            current = orjson.loads(row["corrected"])
            names = [s["publisher"] for s in current.get("sources", [])]
            occurred, summary = current["occurred"], current["summary"]
        return Supported(row["dev_id"], row["type"], occurred, summary, distinct(names))

    return source_report(supported(r) for r in rows)


__all__ = [
    "Blame",
    "Change",
    "DevelopmentInfo",
    "EntityDiff",
    "FieldChange",
    "Point",
    "SourceReport",
    "Supported",
    "blame",
    "blame_of",
    "candidate_entities",
    "changed_paths",
    "check_field",
    "check_points",
    "diff",
    "diff_all",
    "diff_entries",
    "distinct",
    "flatten",
    "flatten_dump",
    "history",
    "history_of",
    "matches",
    "publishers",
    "source_report",
    "sources",
    "top_field",
]
