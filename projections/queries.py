"""Questions the views answer: who is this, what is their state (now, as of a date, as known at a time),
and which developments make up the story."""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chronicle.domain.corrections import correction_note
from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import Development
from chronicle.domain.errors import InvalidInput, NotFound
from chronicle.domain.keys import KINDS, EntityKey
from chronicle.domain.places import within
from chronicle.projections.belief import Believed, believe_data
from chronicle.projections.fold import View, touched, touched_data
from chronicle.projections.plainfold import PlainStep, counts_from_data, fold_data
from chronicle.projections.rows import (
    Row,
    counts_from,
    describe_times,
    entries_for,
    require_order,
    row_of,
    steps_for,
)
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import body, iso_utc, view_from_json
from chronicle.projections.who import resolve  # also `queries.resolve`: every reader asks who first

# -- what state ----------------------------------------------------------------------------------


def current_view(store: ViewStore, c: Cursor, kind: str, ident: str) -> View:
    """The entity as it stands; one never registered, or whose registration was retracted, is not in
    the story (its row may exist: developments that named it are indexed under it)."""
    key = str(EntityKey(kind, ident))
    row = reads.registered_state(store, c, key)
    if row is None:
        raise NotFound(f"no {kind} {ident!r}")
    return view_from_json(key, row["state"])


def list_views(store: ViewStore, c: Cursor, kind: str) -> list[View]:
    rows = reads.registered_states(store, c, kind)
    return [view_from_json(r["entity"], r["state"]) for r in rows]


def entity_rows(
    store: ViewStore, c: Cursor, key: str, known_at: datetime | None = None, recorded_at: datetime | None = None
) -> list[Row]:
    """Every development ever indexed for an entity, with the corrections and retractions aimed at them
    (only those reported by `known_at` and recorded by `recorded_at`: `believe` would ignore the others)."""
    return [row_of(r) for r in _entity_records(store, c, key, known_at, recorded_at)]


def _horizon(known_at: datetime | None, recorded_at: datetime | None) -> tuple[str | None, str | None]:
    """A horizon's two times as the timeline stores them."""
    return (None if known_at is None else iso_utc(known_at), None if recorded_at is None else iso_utc(recorded_at))


def _entity_records(
    store: ViewStore, c: Cursor, key: str, known_at: datetime | None, recorded_at: datetime | None = None
) -> list[Any]:
    """`entity_rows` as the store's rows (bodies as JSON objects), in record order."""
    return reads.entity_records(store, c, key, *_horizon(known_at, recorded_at))


def believed(
    store: ViewStore, c: Cursor, key: str, known_at: datetime | None = None, recorded_at: datetime | None = None
) -> dict[str, Believed]:
    """An entity's developments as believed, as their JSON objects, by id: as reported by `known_at`
    among what was recorded by `recorded_at` (corrections known by then applied in record order)."""
    return believe_data(_entity_records(store, c, key, known_at, recorded_at))


def _believed_known_at(
    store: ViewStore, c: Cursor, key: str, known_at: datetime | None, recorded_at: datetime | None, as_of: date | None
) -> View:
    """`believed`, then `steps_for` and `fold`, over the developments' JSON objects, as of `as_of`."""
    steps = [
        e.step()
        for e in believed(store, c, key, known_at, recorded_at).values()
        if e.counts and key in touched_data(e.current) and (as_of is None or counts_from_data(e.current) <= as_of)
    ]
    return fold_data(key, steps)


def _believed_as_of(store: ViewStore, c: Cursor, key: str, as_of: date) -> View:
    """As believed now, so the stored bodies serve, each decoded once and folded as JSON (`plainfold`,
    held to the typed fold by the property tests; a model per development was most of the time); the
    index leaves out what had not ended by `as_of` (figures count from their own `as_of`, so they are kept)."""
    rows = reads.ended_by(store, c, key, as_of.isoformat())
    steps = []
    for row in rows:
        development = row["current"]
        if counts_from_data(development) <= as_of and key in touched_data(development):
            steps.append(PlainStep.at(development, int(row["position"])))
    return fold_data(key, steps)


def view_at(
    store: ViewStore,
    c: Cursor,
    kind: str,
    ident: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
) -> View:
    """The entity as of a date in the world, as reported by a moment, among what this store held at a
    moment (any of the three)."""
    if as_of is None and known_at is None and recorded_at is None:
        return current_view(store, c, kind, ident)
    key = str(EntityKey(kind, ident))
    if known_at is None and recorded_at is None and as_of is not None:
        view = _believed_as_of(store, c, key, as_of)
    else:
        view = _believed_known_at(store, c, key, known_at, recorded_at, as_of)
    if not view.registered:
        raise NotFound(f"{kind} {ident!r} was not yet in the story {describe_times(as_of, known_at, recorded_at)}")
    return view


def views_at(
    store: ViewStore,
    c: Cursor,
    kind: str,
    *,
    as_of: date | None,
    known_at: datetime | None,
    recorded_at: datetime | None = None,
) -> list[View]:
    found = []
    for view in list_views(store, c, kind):
        try:
            found.append(view_at(store, c, kind, view.id, as_of=as_of, known_at=known_at, recorded_at=recorded_at))
        except NotFound:
            continue
    return found


# -- which developments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    actor: str | None = None
    negotiation: str | None = None
    types: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    as_of: date | None = None
    known_at: datetime | None = None
    include_retracted: bool = False
    text: str | None = None
    tags: tuple[str, ...] = ()  # every one of them
    country: str | None = None  # ISO 3166-1 alpha-2 or alpha-3, upper-case
    near: tuple[float, float, float] | None = None  # latitude, longitude, kilometres
    recorded_at: datetime | None = None
    by_analyst: str | None = None  # only developments this analyst recorded
    source: str | None = None  # only developments one of whose sources this publisher is (any case)

    @property
    def keys(self) -> list[str]:
        """The entity keys the index narrows the log to: the actor's and the negotiation's, if asked."""
        asked = (
            self.actor and str(EntityKey.actor(self.actor)),
            self.negotiation and str(EntityKey.negotiation(self.negotiation)),
        )
        return [key for key in asked if key]

    @property
    def then(self) -> bool:
        """Whether the log is asked as it was known at some time, not as believed now."""
        return self.known_at is not None or self.recorded_at is not None

    def __post_init__(self) -> None:
        require_order(self.since, self.until, "--since", "--until")


@dataclass(frozen=True)
class LogEntry:
    """A development as currently believed (or as believed at `known_at`)."""

    position: int
    recorded: str
    development: Development
    corrected_by: list[str]
    retracted_by: str | None
    note: str = ""  # `corrections.correction_note`: for text, never in the JSON
    ongoing: bool = False  # a span that `--as-of` falls inside
    recorded_by: str = "unknown"
    reported: str = ""  # when it became public, as `--known-at` compares (the development's `reported` is as given)

    def as_json(self) -> dict[str, Any]:
        """The development's own fields, plus where and when the log holds it.

        The log's fields are named so they can never clash with a development's (`position_taken` has
        its own `position`, a development its own `reported` as given): `log_position`, `reported_at`,
        `recorded`, `recorded_by`, `corrected_by`, `retracted_by`.
        """
        body = self.development.model_dump(mode="json")
        body.update(
            log_position=self.position,
            reported_at=self.reported or None,
            recorded=self.recorded,
            recorded_by=self.recorded_by,
            corrected_by=self.corrected_by,
            retracted_by=self.retracted_by,
        )
        if self.ongoing:
            body["ongoing"] = True
        return body


def _texts(value: Any) -> Iterable[str]:
    """Every text value in a dumped development (never the field names)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str):
        yield value


def _verbatim_in_json(text: str) -> bool:
    """Whether `text`, found in any string of a development, is also found as is in its JSON (JSON
    escapes only quotes, backslashes and control characters; casefolding goes character by character)."""
    return not any(ch in text for ch in '"\\') and all(ord(ch) >= 0x20 and ch != "\x7f" for ch in text)


def _matches_text(development: Development, needle: str) -> bool:
    wanted = needle.casefold()
    return any(wanted in text.casefold() for text in _texts(development.model_dump(mode="json")))


def log(store: ViewStore, c: Cursor, flt: LogFilter) -> list[LogEntry]:
    """Developments in story order (interval start, then record position) that pass the filter."""
    return list(iter_log(store, c, flt))


def iter_log(store: ViewStore, c: Cursor, flt: LogFilter) -> Iterator[LogEntry]:
    """`log`, streamed: as the story stands now, rows come from the story index a page at a time, so
    `log` of a store of any size holds a page. As known at a time, the believed
    bodies and their order are only known once every revision recorded by then is read: held whole."""
    keys = flt.keys
    horizon = _horizon(flt.known_at, flt.recorded_at)
    query = reads.log_query(
        keys,
        flt.types,
        reported=horizon[0],
        recorded=horizon[1],
        since=flt.since.isoformat() if flt.since else None,
        until=flt.until.isoformat() if flt.until else None,
        include_retracted=flt.include_retracted,
    )
    if not flt.then:
        # The stored interval start is the current body's, so the index order is the story order.
        found = reads.in_story_order(store, c, query)
        rows = (row_of(r) for r in _prefiltered(found, flt))
        believed = (
            LogEntry(
                r.position,
                r.recorded,
                r.current,
                r.corrected_by,
                r.retracted_by,
                _note(r),
                recorded_by=r.recorded_by,
                reported=r.reported,
            )
            for r in rows
        )
        yield from (_ongoing(entry, flt) for entry in believed if _shown(entry, flt, keys))
        return
    # As believed then: corrections and retractions recorded later are not applied yet. A development
    # never revised reads the same at any time, and its stored interval orders it: streamed. Those with
    # a revision (a few percent) are believed from their revisions recorded by then, held, and merged in.
    # A revised body may hold the text in a version stored nowhere (corrected since): those are all parsed.
    held = [row_of(r) for r in reads.ever_revised(store, c, query)]
    targets = {r.id for r in held}
    extra = reads.revisions_by(store, c, *horizon)
    revisions = [row_of(r) for r in extra if r["target"] in targets and r["dev_id"] not in targets]
    entries = entries_for(sorted([*held, *revisions], key=lambda r: r.position), flt.known_at, flt.recorded_at)
    revised_entries = [
        entry
        for r in held
        if (e := entries[r.id])
        and _shown(
            entry := LogEntry(
                r.position,
                r.recorded,
                e.current,
                e.corrected_by,
                e.retracted_by,
                _revised_note(e.original, e.current),
                recorded_by=r.recorded_by,
                reported=r.reported,
            ),
            flt,
            keys,
        )
    ]
    revised_entries.sort(key=_story_order)
    found = map(row_of, _prefiltered(reads.never_revised(store, c, query), flt))
    as_recorded = (
        LogEntry(r.position, r.recorded, r.original, [], None, recorded_by=r.recorded_by, reported=r.reported)
        for r in found
    )
    merged = heapq.merge((e for e in as_recorded if _shown(e, flt, keys)), revised_entries, key=_story_order)
    yield from (_ongoing(entry, flt) for entry in merged)


@dataclass(frozen=True)
class Stretch:
    """One of a density's equal stretches of days, [start, end), and how many developments start in it."""

    start: date
    end: date
    count: int

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "count": self.count}


def density(store: ViewStore, c: Cursor, flt: LogFilter, buckets: int) -> list[Stretch] | None:
    """How many developments `log` holds in each of `buckets` equal stretches of [since, until], from the
    index alone (no body read): what a timeline too full to draw shows instead of its developments. None
    when the filter needs the bodies (a text, tags, a place, an analyst, a source, or a time asked as known then).
    A development a correction moved off the entity asked for is still counted where it was recorded."""
    if flt.since is None or flt.until is None:
        raise InvalidInput("a density needs since and until")
    if flt.then or flt.as_of or flt.text or flt.tags or flt.country or flt.near or flt.by_analyst or flt.source:
        return None
    query = reads.log_query(
        flt.keys,
        flt.types,
        reported=None,
        recorded=None,
        since=flt.since.isoformat(),
        until=flt.until.isoformat(),
        include_retracted=flt.include_retracted,
    )
    first, days = flt.since.toordinal(), flt.until.toordinal() - flt.since.toordinal() + 1
    counts = [0] * buckets
    for start in reads.starts_of(store, c, query):
        offset = date.fromisoformat(start[:10]).toordinal() - first
        counts[min(buckets - 1, max(0, offset * buckets // days))] += 1
    # Day `first + o` falls in stretch `o * buckets // days`, so stretch n starts at ceil(n * days / buckets).
    edges = [date.fromordinal(first - (-n * days // buckets)) for n in range(buckets + 1)]
    return [Stretch(edges[n], edges[n + 1], count) for n, count in enumerate(counts)]


def _ongoing(entry: LogEntry, flt: LogFilter) -> LogEntry:
    """The entry, marked ongoing when `--as-of` falls inside its span."""
    d = entry.development
    if flt.as_of is None or d.until is None or not d.when.start <= flt.as_of <= FuzzyDate.parse(d.until).end:
        return entry
    return dataclasses.replace(entry, ongoing=True)


def _note(row: Row) -> str:
    return _revised_note(row.original, row.current) if row.corrected_by else ""


def _revised_note(original: Development, current: Development) -> str:
    if original is current:
        return ""
    return correction_note(original.model_dump(mode="json"), current.model_dump(mode="json"))


def _prefiltered(rows: Iterator[Any], flt: LogFilter) -> Iterator[Any]:
    """The rows whose stored JSON can hold the filter's text and its source's name (`_holding`)."""
    return _holding(_holding(rows, flt.text), flt.source)


def _holding(rows: Iterator[Any], text: str | None) -> Iterator[Any]:
    """The rows whose stored JSON can hold `text`, as they stand: only those need parsing (parsing every
    development of a large store for `log -S` held them all)."""
    if not text or not _verbatim_in_json(text):
        return rows
    wanted = text.casefold()
    return (r for r in rows if wanted in _text(r["current"] or r["original"]).casefold())


def _text(stored: str | dict[str, Any]) -> str:
    """A body as text, as stored (`t.current`) or decoded from the log (`ORIGINAL_T`)."""
    return stored if isinstance(stored, str) else body(stored)


def _from(development: Development, publisher: str) -> bool:
    """Whether one of the development's sources is this publisher, as `sources` counts them (any case)."""
    wanted = publisher.strip().casefold()
    return any(s.publisher.strip().casefold() == wanted for s in development.sources)


def _story_order(entry: LogEntry) -> tuple[date, int]:
    return entry.development.when.start, entry.position


def _shown(entry: LogEntry, flt: LogFilter, keys: list[str]) -> bool:
    """The filters the SQL could not apply, on the development as believed."""
    d = entry.development
    if entry.retracted_by and not flt.include_retracted:
        return False
    if flt.by_analyst is not None and entry.recorded_by != flt.by_analyst:
        return False
    if any(key not in touched(d) for key in keys):
        return False
    when = d.when
    if flt.since and when.end < flt.since:
        return False
    if flt.until and when.start > flt.until:
        return False
    if flt.as_of and counts_from(d) > flt.as_of:
        return False
    if flt.tags and not set(flt.tags) <= set(d.tags):
        return False
    if flt.source is not None and not _from(d, flt.source):
        return False
    if (flt.country is not None or flt.near is not None) and not within(d.place, flt.country, flt.near):
        return False
    return not (flt.text and not _matches_text(d, flt.text))


__all__ = [
    "KINDS",
    "LogEntry",
    "LogFilter",
    "Row",
    "counts_from",
    "current_view",
    "entity_rows",
    "entries_for",
    "iter_log",
    "list_views",
    "log",
    "require_order",
    "resolve",
    "steps_for",
    "view_at",
    "views_at",
]
