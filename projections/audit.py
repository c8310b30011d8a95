"""Audit questions the log answers exactly: how an entity's state came to be (`history`), which
development set each current value (`blame`), what changed between two points of the two time axes
(`diff`), and who vouches for the story (`sources`).

The work is pure (functions of timeline rows and `Entry`s); the query wrappers read only the rows
of the entities asked about, through the entity index, never the whole log (except `sources` and a
store-wide `diff`, which are about the whole story).

Field paths name one value of a view's JSON (as `show --json` prints it):
  - a plain field is its name: `name`, `status`, `strikes_carried_out`, `aliases` (a list of
    plain values is one value);
  - a field of a nested object is `object.field`: `committee.members`, `corroboration.name`;
    `first_development` and `last_development` are single values (`{"id", "occurred"}`);
  - an item of a keyed collection is `collection[key].field`, keyed by what identifies it:
    `figures[metric/scope]` (`figures[troops]` when there is no scope), `positions[negotiation]`
    (an actor's) or `positions[actor]` (a negotiation's), `talks[development id]`,
    `deadlines[milestone]`; the identifying fields themselves are not repeated.
A path that is absent is null: a `before` of null means the value did not exist yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson

from chronicle.domain.dates import FuzzyDate
from chronicle.domain.developments import (
    CorrectionIssued,
    Development,
    RetractionIssued,
)
from chronicle.domain.errors import InvalidInput, NotFound
from chronicle.projections.belief import Entry
from chronicle.projections.fold import Facts, Step, View, apply, fold, new_view, touched
from chronicle.projections.projector import iso_utc, parse_development
from chronicle.projections.queries import (
    KINDS,
    Row,
    counts_from,
    entity_rows,
    entries_for,
    require_order,
    steps_for,
)
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore

# -- field paths -----------------------------------------------------------------------------------


def _figure_key(item: dict[str, Any]) -> str:
    return f"{item['metric']}/{item['scope']}" if item.get("scope") else str(item["metric"])


# Lists of objects, each item named by a key; the fields making the key are not repeated.
_KEYED_LISTS: dict[str, tuple[Callable[[dict[str, Any]], str], tuple[str, ...]]] = {
    "figures": (_figure_key, ("metric", "scope")),
    "talks": (lambda item: str(item["development"]), ("development",)),
    "deadlines": (lambda item: str(item["milestone"]), ("milestone",)),
}
_KEYED_DICTS = ("positions",)
_SINGLE_VALUES = ("first_development", "last_development")


def flatten(view: View) -> dict[str, Any]:
    """Every value of a view by its field path, in the order `show --json` prints them."""
    return flatten_dump(view.model_dump(mode="json"))


def flatten_dump(dump: dict[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """`flatten` of a view's JSON, or of only the fields `names`."""
    out: dict[str, Any] = {}
    for name in dump if names is None else names:
        value = dump[name]
        if name in _KEYED_LISTS and isinstance(value, list):
            key_of, identity = _KEYED_LISTS[name]
            for item in value:
                prefix = f"{name}[{key_of(item)}]"
                out.update({f"{prefix}.{k}": v for k, v in item.items() if k not in identity})
        elif name in _KEYED_DICTS and isinstance(value, dict):
            for key, item in value.items():
                out.update({f"{name}[{key}].{k}": v for k, v in item.items()})
        elif isinstance(value, dict) and name not in _SINGLE_VALUES:
            out.update({f"{name}.{k}": v for k, v in value.items()})
        else:
            out[name] = value
    return out


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Paths whose value differs, in the order of `after` then those only in `before`."""
    paths = [p for p, v in after.items() if p not in before or before[p] != v]
    paths += [p for p, v in before.items() if p not in after and v is not None]
    return [p for p in paths if before.get(p) != after.get(p)]


def top_field(path: str) -> str:
    cut = min((i for i in (path.find("."), path.find("[")) if i >= 0), default=len(path))
    return path[:cut]


def matches(path: str, wanted: str) -> bool:
    return path == wanted or path.startswith((f"{wanted}.", f"{wanted}["))


# -- developments as the audit names them --------------------------------------------------------


def distinct(names: Iterable[str]) -> list[str]:
    """Distinct publishers (case and spacing ignored: independent sources), alphabetically."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.strip().casefold(), name.strip())
    return [seen[k] for k in sorted(seen)]


def publishers(development: Development) -> list[str]:
    return distinct(s.publisher for s in development.sources)


@dataclass(frozen=True)
class DevelopmentInfo:
    """A development as currently believed (or as believed at `--known-at`), and when recorded."""

    id: str
    type: str
    occurred: str
    recorded: str
    position: int
    summary: str
    confidence: str
    sources: list[str]

    @classmethod
    def of(cls, entry: Entry) -> DevelopmentInfo:
        d = entry.current
        return cls(
            id=entry.id,
            type=str(getattr(d, "type", "")),
            occurred=d.occurred,
            recorded=iso_utc(entry.recorded),
            position=entry.position,
            summary=d.summary,
            confidence=d.confidence.value,
            sources=publishers(d),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "occurred": self.occurred,
            "recorded": self.recorded,
            "position": self.position,
            "summary": self.summary,
            "confidence": self.confidence,
            "sources": self.sources,
        }


# -- history ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field of an entity changed by one development.

    `after` is the value as the development is believed now (corrections applied); `as_recorded` the
    value it set as first recorded (equal to `after` unless a correction changed it). A retracted
    development is still listed, with `in_effect` false: `after` is what it would set, and the next
    change's `before` ignores it.
    """

    entity: str
    field: str
    before: Any
    after: Any
    as_recorded: Any
    in_effect: bool
    development: DevelopmentInfo
    corrected_by: list[str]
    retracted_by: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "as_recorded": self.as_recorded,
            "in_effect": self.in_effect,
            "development": self.development.as_json(),
            "corrected_by": self.corrected_by,
            "retracted_by": self.retracted_by,
        }


def _is_revision(entry: Entry) -> bool:
    return isinstance(entry.original, CorrectionIssued | RetractionIssued)


def _view_from(key: str, dump: dict[str, Any]) -> View:
    return type(new_view(key)).model_validate(dump)


def _applied(key: str, dump: dict[str, Any], facts: Facts, development: Development, position: int) -> dict[str, Any]:
    """The JSON of a view (given by its JSON) after one more development."""
    trial = _view_from(key, dump)
    apply(trial, Step(development, position), orjson.loads(orjson.dumps(facts)))  # a copy: JSON values
    return trial.model_dump(mode="json")


def history_of(key: str, entries: Iterable[Entry], as_of: date | None = None) -> tuple[list[Change], View]:
    """Every change to one entity, in story order, and its state at the end.

    Walks the developments that touch the entity (as believed, or as first recorded: a correction
    may have moved one away, a retraction removed it) in story order and folds those in effect,
    exactly as `fold` does, recording each field a step changes.
    """
    relevant = [
        e
        for e in entries
        if not _is_revision(e)
        and (key in touched(e.current) or key in touched(e.original))
        and (as_of is None or counts_from(e.current) <= as_of)
    ]
    relevant.sort(key=lambda e: Step(e.current, e.position).key)
    view = new_view(key)
    facts: Facts = {}  # which development set each order-sensitive fact, as `fold` keeps them
    state = view.model_dump(mode="json")
    changes: list[Change] = []
    for e in relevant:
        in_effect = e.counts and key in touched(e.current)
        recorded: dict[str, Any] | None = None
        if e.corrected_by:
            # What the development set as first recorded: a correction has changed it since.
            touched_then = key in touched(e.original)
            recorded = _applied(key, state, facts, e.original, e.position) if touched_then else state
        if in_effect:
            apply(view, e.step(), facts)
            after = view.model_dump(mode="json")
        elif key in touched(e.current):
            after = _applied(key, state, facts, e.current, e.position)
        else:
            after = state
        if recorded is None:
            recorded = after
        names = [n for n in state if after[n] != state[n] or recorded[n] != state[n]]
        flat_before = flatten_dump(state, names)
        flat_after, flat_recorded = flatten_dump(after, names), flatten_dump(recorded, names)
        paths = dict.fromkeys([*changed_paths(flat_before, flat_after), *changed_paths(flat_before, flat_recorded)])
        info = DevelopmentInfo.of(e)
        changes += [
            Change(
                entity=key,
                field=path,
                before=flat_before.get(path),
                after=flat_after.get(path),
                as_recorded=flat_recorded.get(path),
                in_effect=in_effect,
                development=info,
                corrected_by=list(e.corrected_by),
                retracted_by=e.retracted_by,
            )
            for path in paths
        ]
        if in_effect:
            state = after
    return changes, view


# -- blame -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blame:
    """A current value and the change that set it (None: the default, no development set it)."""

    entity: str
    field: str
    value: Any
    change: Change | None

    def as_json(self) -> dict[str, Any]:
        c = self.change
        return {
            "entity": self.entity,
            "field": self.field,
            "value": self.value,
            "development": c.development.as_json() if c else None,
            "corrected_by": c.corrected_by if c else [],
            "as_recorded": c.as_recorded if c else self.value,
        }


def check_field(view: View, wanted: str) -> None:
    if top_field(wanted) not in type(view).model_fields:
        names = ", ".join(type(view).model_fields)
        raise InvalidInput(f"unknown field {wanted!r}: one of {names}")


def blame_of(key: str, changes: Sequence[Change], view: View, wanted: str | None = None) -> list[Blame]:
    """For each current value (or those under `wanted`), the last development in effect that set it."""
    last: dict[str, Change] = {}
    for change in changes:
        if change.in_effect:
            last[change.field] = change
    values = flatten(view)
    if wanted is not None:
        check_field(view, wanted)
        values = {p: v for p, v in values.items() if matches(p, wanted)}
        if not values and wanted != top_field(wanted):
            raise NotFound(f"{key} has no value at {wanted!r}")
    return [Blame(key, path, value, last.get(path)) for path, value in values.items()]


# -- diff ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A point on both time axes: the world as of `as_of`, as known at `known_at` (None: no limit)."""

    as_of: date | None = None
    known_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "known_at": iso_utc(self.known_at) if self.known_at else None,
        }

    def describe(self) -> str:
        parts = [
            f"as of {self.as_of}" if self.as_of else "",
            f"known at {iso_utc(self.known_at)}" if self.known_at else "",
        ]
        return " and ".join(p for p in parts if p) or "now"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class EntityDiff:
    """What changed for one entity between two points, and the developments that account for it."""

    entity: str
    registered: tuple[bool, bool]
    changes: list[FieldChange]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.entity.partition(":")[0]

    @property
    def id(self) -> str:
        return self.entity.partition(":")[2]

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "kind": self.kind,
            "id": self.id,
            "in_story": {"from": self.registered[0], "to": self.registered[1]},
            "changes": [c.as_json() for c in self.changes],
            "developments": {"added": self.added, "removed": self.removed, "revised": self.revised},
        }


def _state_at(key: str, entries: dict[str, Entry], as_of: date | None) -> tuple[View, dict[str, Entry]]:
    steps = steps_for(key, entries.values(), as_of)
    return fold(key, steps), {s.development.id or "": entries[s.development.id or ""] for s in steps}


def diff_entries(key: str, entries_a: dict[str, Entry], entries_b: dict[str, Entry], a: Point, b: Point) -> EntityDiff:
    """One entity at `a` and at `b` (its developments as believed at each point), field by field."""
    view_a, counted_a = _state_at(key, entries_a, a.as_of)
    view_b, counted_b = _state_at(key, entries_b, b.as_of)
    flat_a, flat_b = flatten(view_a), flatten(view_b)
    changes = [FieldChange(p, flat_a.get(p), flat_b.get(p)) for p in changed_paths(flat_a, flat_b)]

    def story(ids: Iterable[str], entries: dict[str, Entry]) -> list[str]:
        return sorted(ids, key=lambda i: Step(entries[i].current, entries[i].position).key)

    def differs(x: Development, y: Development) -> bool:
        return x is not y and x.model_dump(mode="json") != y.model_dump(mode="json")

    revised = [i for i in counted_b if i in counted_a and differs(counted_a[i].current, counted_b[i].current)]
    return EntityDiff(
        entity=key,
        registered=(view_a.registered, view_b.registered),
        changes=changes,
        added=story((i for i in counted_b if i not in counted_a), counted_b),
        removed=story((i for i in counted_a if i not in counted_b), counted_a),
        revised=story(revised, counted_b),
    )


def diff_rows(key: str, rows: Sequence[Row], a: Point, b: Point) -> EntityDiff:
    """One entity at `a` and at `b`, from its timeline rows (`entity_rows`), field by field."""
    entries_a = entries_for(rows, a.known_at)
    entries_b = entries_a if b.known_at == a.known_at else entries_for(rows, b.known_at)
    return diff_entries(key, entries_a, entries_b, a, b)


def _believed_now(store: ViewStore, c: Cursor, key: str) -> dict[str, Entry]:
    """An entity's developments as currently believed, read once (no record-time question asked)."""
    entries = {}
    for r in reads.believed_now(store, c, key):
        d = parse_development(r["current"])
        entries[d.id or ""] = Entry(d, int(r["position"]), datetime.fromisoformat(r["recorded"]), d)
    return entries


def _diff_key(store: ViewStore, c: Cursor, key: str, a: Point, b: Point) -> EntityDiff:
    if a.known_at is None and b.known_at is None:
        now = _believed_now(store, c, key)
        return diff_entries(key, now, now, a, b)
    return diff_rows(key, entity_rows(store, c, key), a, b)


def check_points(a: Point, b: Point) -> None:
    require_order(a.as_of, b.as_of, "--from", "--to")
    require_order(a.known_at, b.known_at, "--known-from", "--known-to", iso_utc)


# -- sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supported:
    """A development and the publishers behind it."""

    id: str
    type: str
    occurred: str
    summary: str
    sources: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "occurred": self.occurred,
            "summary": self.summary,
            "sources": self.sources,
        }


@dataclass(frozen=True)
class SourceReport:
    developments: int
    publishers: list[tuple[str, int]]
    single_source: list[Supported]
    no_source: list[Supported]

    def as_json(self) -> dict[str, Any]:
        return {
            "developments": self.developments,
            "publishers": [{"publisher": p, "developments": n} for p, n in self.publishers],
            "single_source": [s.as_json() for s in self.single_source],
            "no_source": [s.as_json() for s in self.no_source],
        }


def source_report(developments: Iterable[Supported]) -> SourceReport:
    """Publishers by how many developments each supports; developments on one source or none."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    single: list[Supported] = []
    none: list[Supported] = []
    total = 0
    for d in developments:
        total += 1
        for publisher in d.sources:
            folded = publisher.strip().casefold()
            names.setdefault(folded, publisher.strip())
            counts[folded] = counts.get(folded, 0) + 1
        if len(d.sources) == 1:
            single.append(d)
        elif not d.sources:
            none.append(d)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].casefold()))
    return SourceReport(total, [(names[k], n) for k, n in ranked], single, none)


# -- queries ---------------------------------------------------------------------------------------


def _entity_key(kind: str, ident: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}: use actor or negotiation")
    return f"{kind}:{ident}"


def _not_in_story(kind: str, ident: str, as_of: date | None, known_at: datetime | None) -> NotFound:
    return NotFound(f"{kind} {ident!r} was not yet in the story {Point(as_of, known_at).describe()}")


def history(
    store: ViewStore,
    c: Cursor,
    kind: str,
    ident: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> list[Change]:
    key = _entity_key(kind, ident)
    entries = entries_for(entity_rows(store, c, key), known_at)
    changes, view = history_of(key, entries.values(), as_of)
    if not view.registered:
        raise _not_in_story(kind, ident, as_of, known_at)
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
) -> list[Blame]:
    key = _entity_key(kind, ident)
    if wanted is not None:
        check_field(new_view(key), wanted)
    entries = entries_for(entity_rows(store, c, key), known_at)
    changes, view = history_of(key, entries.values(), as_of)
    if not view.registered:
        raise _not_in_story(kind, ident, as_of, known_at)
    return blame_of(key, changes, view, wanted)


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

    if a.known_at != b.known_at:
        bounds = sorted(iso_utc(t) if t else "9999" for t in (a.known_at, b.known_at))
        rows = reads.recorded_between(store, c, bounds)
        add(rows)
        add(reads.entities_of(store, c, sorted({r["target"] for r in rows if r["target"]})))
    if a.as_of != b.as_of:
        low, high = sorted(d or date.max for d in (a.as_of, b.as_of))
        add(reads.ended_between(store, c, low.isoformat(), high.isoformat()))
        known = [t for t in (a.known_at, b.known_at) if t is not None]
        if known:
            # Revised after the later point (before it, the record window above has them): believed
            # at both points with other dates than the stored ones.
            add(reads.revised_after(store, c, iso_utc(max(known))))
        for row in reads.figures(store, c):
            figure = row["current"]
            if low < _end(figure.get("as_of") or figure["occurred"]) <= high:
                keys.update(orjson.loads(row["entities"]))
    return keys


def diff_all(store: ViewStore, c: Cursor, a: Point, b: Point) -> list[EntityDiff]:
    """Every entity in the story at either point whose state differs, actors first, by id."""
    check_points(a, b)
    found = []
    for key in sorted(candidate_entities(store, c, a, b), key=lambda k: (KINDS.index(k.partition(":")[0]), k)):
        d = _diff_key(store, c, key, a, b)
        if d.changes and any(d.registered):
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
    "diff",
    "diff_all",
    "diff_rows",
    "flatten",
    "history",
    "history_of",
    "source_report",
    "sources",
]
