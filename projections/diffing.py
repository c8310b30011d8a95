"""What changed for an entity between two points of the time axes (as of a date in the world, as reported
by a moment, among what this store held at a moment), from its developments handed in. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chronicle.domain.keys import EntityKey
from chronicle.projections.belief import Believed
from chronicle.projections.fold import View, touched_data
from chronicle.projections.paths import FieldChange, changed_paths, flatten
from chronicle.projections.plainfold import counts_from_data, fold_data
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


def check_points(a: Point, b: Point) -> None:
    require_order(a.as_of, b.as_of, "--from", "--to")
    require_order(a.known_at, b.known_at, "--known-from", "--known-to", iso_utc)
    require_order(a.recorded_at, b.recorded_at, "--recorded-from", "--recorded-to", iso_utc)
