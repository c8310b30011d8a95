"""One development, like `git show`: as believed and as recorded, its three times, its sources, each
correction or retraction of it, and what it changed in each actor and negotiation it touched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chronicle.domain.developments import CorrectionIssued, Development, RetractionIssued
from chronicle.domain.errors import NotFound
from chronicle.domain.reported import Horizon, parse_moment, stated_report
from chronicle.domain.revisions import apply_changes
from chronicle.projections.fold import touched
from chronicle.projections.history import history_of
from chronicle.projections.paths import FieldChange
from chronicle.projections.queries import believed
from chronicle.projections.rows import Row, describe_times, row_of, times_json
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import iso_utc


@dataclass(frozen=True)
class Times:
    """When it happened, when it was reported (and what says so), and when this store recorded it."""

    occurred: str
    reported: str
    reported_from: str  # "reported", "published" or "recorded"
    recorded: str
    recorded_by: str = "unknown"

    @classmethod
    def of(cls, row: Row) -> Times:
        data = row.original.model_dump(mode="json")
        stated = stated_report(data)
        source = "recorded" if stated is None else ("reported" if data.get("reported") else "published")
        reported = row.recorded if stated is None else iso_utc(parse_moment(stated))
        return cls(row.original.occurred, reported, source, row.recorded, row.recorded_by)

    @property
    def reported_after_recorded(self) -> bool:
        return self.reported > self.recorded

    def as_json(self) -> dict[str, Any]:
        return {
            "occurred": self.occurred,
            "reported": self.reported,
            "reported_from": self.reported_from,
            "recorded": self.recorded,
            "recorded_by": self.recorded_by,
            "reported_after_recorded": self.reported_after_recorded,
        }


@dataclass(frozen=True)
class Revision:
    """A correction or retraction of the development, and whether it was known at the asked times."""

    development: Development
    times: Times
    known: bool

    def as_json(self) -> dict[str, Any]:
        d = self.development
        return {
            "id": d.id,
            "type": getattr(d, "type", ""),
            "summary": d.summary,
            "reason": getattr(d, "reason", None),
            "changes": d.changes if isinstance(d, CorrectionIssued) else None,
            "sources": [s.model_dump(mode="json") for s in d.sources],
            "times": self.times.as_json(),
            "known": self.known,
        }


@dataclass(frozen=True)
class Shown:
    """`chronicle show development ID`."""

    id: str
    type: str
    believed: Development | None  # None: retracted (as known at the asked times)
    recorded: Development
    times: Times
    revisions: list[Revision]
    retracted_by: str | None
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    asked: dict[str, Any] | None = None

    @property
    def current(self) -> Development:
        return self.believed or self.recorded

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "believed": self.believed.model_dump(mode="json") if self.believed else None,
            "recorded": self.recorded.model_dump(mode="json"),
            "times": self.times.as_json(),
            "sources": [s.model_dump(mode="json") for s in self.current.sources],
            "corrected_by": [r.development.id for r in self.revisions if r.known and _is_correction(r)],
            "retracted_by": self.retracted_by,
            "revisions": [r.as_json() for r in self.revisions],
            "changed": [
                {"entity": key, "changes": [c.as_json() for c in changes]} for key, changes in self.changed.items()
            ],
        }
        if self.asked is not None:
            found["asked"] = self.asked
        return found


def _is_correction(revision: Revision) -> bool:
    return isinstance(revision.development, CorrectionIssued)


def show_development(
    store: ViewStore,
    c: Cursor,
    dev_id: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    changes: bool = True,
) -> Shown:
    """The development `dev_id` as believed within the asked times (now, if none); what it changed in each
    entity only with `changes` (it folds each entity's history)."""
    found = reads.development_row(store, c, dev_id)
    if found is None:
        raise NotFound(f"no development {dev_id!r} (see `chronicle log`)")
    row = row_of(found)
    horizon = Horizon(known_at, recorded_at)
    times = Times.of(row)
    if horizon and not _known(horizon, times):
        raise NotFound(f"development {dev_id!r} was not yet in the story {describe_times(None, known_at, recorded_at)}")
    revisions = []
    for r in map(row_of, reads.revisions_of(store, c, dev_id)):
        revision_times = Times.of(r)
        revisions.append(Revision(r.original, revision_times, not horizon or _known(horizon, revision_times)))
    revisions.sort(key=lambda r: r.times.recorded)

    as_believed: Development | None = row.original
    retracted_by = None
    for revision in revisions:
        if not revision.known or as_believed is None:
            continue
        if isinstance(revision.development, CorrectionIssued):
            as_believed = apply_changes(as_believed, revision.development.changes)
        elif isinstance(revision.development, RetractionIssued):
            retracted_by, as_believed = revision.development.id, None
    asked = times_json(as_of, known_at, recorded_at) if (as_of or horizon) else None
    shown = Shown(dev_id, row.type, as_believed, row.original, times, revisions, retracted_by, asked=asked)
    if row.target is not None or not changes:  # a revision changes its target, not an entity of its own
        return shown
    keys = list(dict.fromkeys([*touched(row.original), *(touched(as_believed) if as_believed else [])]))
    for key in keys:
        entries = believed(store, c, key, known_at, recorded_at)
        entity_changes, _view = history_of(key, entries.values(), as_of, bookkeeping=False)
        mine = [FieldChange(ch.field, ch.before, ch.after) for ch in entity_changes if ch.development.id == dev_id]
        if mine and ch_in_effect(entity_changes, dev_id):
            shown.changed[key] = mine
    return shown


def ch_in_effect(changes: list[Any], dev_id: str) -> bool:
    """Whether the development's changes to an entity are in effect (a retracted one changes nothing)."""
    return any(ch.in_effect for ch in changes if ch.development.id == dev_id)


def _known(horizon: Horizon, times: Times) -> bool:
    return horizon.admits(datetime.fromisoformat(times.reported), datetime.fromisoformat(times.recorded))
