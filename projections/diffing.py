"""What changed for an entity between two points of the time axes (as of a date in the world, as reported
by a moment, among what this store held at a moment), from its developments handed in. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chronicle.domain.keys import EntityKey
from chronicle.projections.belief import Believed
from chronicle.projections.fold import Facts, View, touched_data
from chronicle.projections.paths import FieldChange, changed_paths, flatten
from chronicle.projections.plainfold import (
    Data,
    PlainStep,
    apply_data,
    counts_from_data,
    fold_data,
    new_view_data,
    view_from_data,
)
from chronicle.projections.rows import describe_times, require_order
from chronicle.projections.stored import iso_utc, parse_development

# -- diff ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A point on the time axes: the world as of `as_of`, as reported by `known_at`, among what this store
    held at `recorded_at` (None: no limit)."""

    as_of: date | None = None
    known_at: datetime | None = None
    recorded_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "known_at": iso_utc(self.known_at) if self.known_at else None,
        }
        if self.recorded_at is not None:
            found["recorded_at"] = iso_utc(self.recorded_at)
        return found

    @property
    def horizon(self) -> tuple[datetime | None, datetime | None]:
        return self.known_at, self.recorded_at

    def describe(self) -> str:
        return describe_times(self.as_of, self.known_at, self.recorded_at) or "now"


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
        return EntityKey.parse(self.entity).kind

    @property
    def id(self) -> str:
        return EntityKey.parse(self.entity).id

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "kind": self.kind,
            "id": self.id,
            "in_story": {"from": self.registered[0], "to": self.registered[1]},
            "changes": [c.as_json() for c in self.changes],
            "developments": {"added": self.added, "removed": self.removed, "revised": self.revised},
        }


def _touching(key: str, entries: dict[str, Believed]) -> dict[str, Believed]:
    """The developments that count and touch the entity, as believed."""
    return {i: e for i, e in entries.items() if e.counts and key in touched_data(e.current)}


def _state_at(key: str, touching: dict[str, Believed], as_of: date | None) -> tuple[View, dict[str, Believed]]:
    """The entity as of `as_of`, folded over its developments' JSON objects (`plainfold`), and those counted."""
    counted = {i: e for i, e in touching.items() if as_of is None or counts_from_data(e.current) <= as_of}
    return fold_data(key, [e.step() for e in counted.values()]), counted


def _differs(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """Whether a development is believed otherwise at the two points (as its model prints it: a body as
    stored and one a correction made may spell the same development apart)."""
    if x is y or x == y:
        return False
    return parse_development(x).model_dump(mode="json") != parse_development(y).model_dump(mode="json")


def diff_entries(
    key: str, entries_a: dict[str, Believed], entries_b: dict[str, Believed], a: Point, b: Point
) -> EntityDiff:
    """One entity at `a` and at `b` (its developments as believed at each point), field by field."""
    touching_a = _touching(key, entries_a)
    touching_b = touching_a if entries_b is entries_a else _touching(key, entries_b)
    view_a, counted_a = _state_at(key, touching_a, a.as_of)
    view_b, counted_b = _state_at(key, touching_b, b.as_of)
    flat_a, flat_b = flatten(view_a), flatten(view_b)
    changes = [FieldChange(p, flat_a.get(p), flat_b.get(p)) for p in changed_paths(flat_a, flat_b)]

    def story(ids: Iterable[str], entries: dict[str, Believed]) -> list[str]:
        return sorted(ids, key=lambda i: entries[i].story_key)

    revised = [i for i in counted_b if i in counted_a and _differs(counted_a[i].current, counted_b[i].current)]
    return EntityDiff(
        entity=key,
        registered=(view_a.registered, view_b.registered),
        changes=changes,
        added=story((i for i in counted_b if i not in counted_a), counted_b),
        removed=story((i for i in counted_a if i not in counted_b), counted_a),
        revised=story(revised, counted_b),
    )


def _counts(d: Data, as_of: date | None) -> bool:
    return as_of is None or counts_from_data(d) <= as_of


def diff_story(rows: Iterable[Any], keys: set[str], a: Point, b: Point) -> dict[str, EntityDiff]:
    """`diff_entries` of every entity in `keys` at once, when both points hold one belief (nothing known
    or recorded between them: only `as_of` differs), from every development that counts, in story order.

    Each development is read and stepped once for every entity it touches, not once per entity. An
    entity's two folds are one while every step so far counts at both points; at the first that counts
    at only one they part (a copy), and from then on each step goes to the folds it counts in, in story
    order, as `diff_entries` would fold them. An entity that never parts has not changed."""
    together: dict[str, tuple[Data, Facts]] = {}
    apart: dict[str, tuple[Data, Facts]] = {}  # the fold at `a`, once it has parted from the one at `b`
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for row in rows:
        d = row["current"]
        touching = [k for k in touched_data(d) if k in keys]
        if not touching:
            continue
        at_a, at_b = _counts(d, a.as_of), _counts(d, b.as_of)
        if not (at_a or at_b):
            continue
        step = PlainStep.at(d, int(row["position"]))
        for key in touching:
            if key not in together:
                together[key] = (new_view_data(key), {})
            if at_a != at_b and key not in apart:
                apart[key] = deepcopy(together[key])
            if at_b:
                apply_data(together[key][0], step, together[key][1])
            if at_a and key in apart:
                apply_data(apart[key][0], step, apart[key][1])
            if at_a != at_b:
                (added if at_b else removed).setdefault(key, []).append(d["id"] or "")
    found = {}
    for key, (view_a, _) in apart.items():
        state_a, state_b = view_from_data(key, view_a), view_from_data(key, together[key][0])
        flat_a, flat_b = flatten(state_a), flatten(state_b)
        found[key] = EntityDiff(
            entity=key,
            registered=(state_a.registered, state_b.registered),
            changes=[FieldChange(p, flat_a.get(p), flat_b.get(p)) for p in changed_paths(flat_a, flat_b)],
            added=added.get(key, []),
            removed=removed.get(key, []),
        )
    return found


def check_points(a: Point, b: Point) -> None:
    require_order(a.as_of, b.as_of, "--from", "--to")
    require_order(a.known_at, b.known_at, "--known-from", "--known-to", iso_utc)
    require_order(a.recorded_at, b.recorded_at, "--recorded-from", "--recorded-to", iso_utc)
