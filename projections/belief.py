"""What we believe about each development: the record, as corrected, unless retracted. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chronicle.domain.developments import TYPES, CorrectionIssued, Development, RetractionIssued
from chronicle.domain.reported import reported_time
from chronicle.domain.revisions import apply_changes, apply_changes_data
from chronicle.projections.fold import Step, View, fold, touched
from chronicle.projections.plainfold import PlainStep, story_start


@dataclass
class Entry:
    """One development in the log, with what now applies to it."""

    original: Development
    position: int
    recorded: datetime
    current: Development
    corrected_by: list[str] = field(default_factory=list)
    retracted_by: str | None = None

    @property
    def id(self) -> str:
        return self.original.id or ""

    @property
    def counts(self) -> bool:
        """Whether it shapes the state of actors and negotiations."""
        return self.retracted_by is None and not isinstance(self.original, CorrectionIssued | RetractionIssued)

    def step(self) -> Step:
        return Step(self.current, self.position)


def believe(
    recorded: Iterable[tuple[Development, int, datetime]],
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
) -> dict[str, Entry]:
    """Entries by id, from developments in record order; `known_at` ignores what was reported later
    (`reported.reported_time`), `recorded_at` what this store recorded later."""
    entries: dict[str, Entry] = {}
    for development, position, when in recorded:
        if recorded_at is not None and when > recorded_at:
            continue
        if known_at is not None and reported_time(development.__dict__, when) > known_at:
            continue
        entry = Entry(development, position, when, development)
        entries[entry.id] = entry
        if isinstance(development, CorrectionIssued):
            target = entries.get(development.target)
            if target is not None:
                target.current = apply_changes(target.current, development.changes)
                target.corrected_by.append(entry.id)
        elif isinstance(development, RetractionIssued):
            target = entries.get(development.target)
            if target is not None:
                target.retracted_by = entry.id
    return entries


REVISION_TYPES = ("correction", "retraction")


@dataclass
class Believed:
    """`Entry` of a development's JSON object as the log holds it, for what folds JSON (`plainfold`)."""

    original: dict[str, Any]
    position: int
    recorded: str  # as the timeline holds it
    current: dict[str, Any]
    corrected_by: list[str] = field(default_factory=list)
    retracted_by: str | None = None
    recorded_by: str = "unknown"

    @property
    def id(self) -> str:
        return str(self.original["id"] or "")

    @property
    def is_revision(self) -> bool:
        return self.original["type"] in REVISION_TYPES

    @property
    def counts(self) -> bool:
        """Whether it shapes the state of actors and negotiations."""
        return self.retracted_by is None and not self.is_revision

    @property
    def story_key(self) -> tuple[str, int]:
        """Where it stands in story order, as believed: its interval's start, then its log position."""
        return story_start(self.current["occurred"]), self.position

    def step(self) -> PlainStep:
        """As believed, keyed in story order (`plainfold`)."""
        return PlainStep(self.current, self.story_key)


def believe_data(records: Iterable[Any]) -> dict[str, Believed]:
    """`believe` of the store's rows (bodies as JSON objects), in record order, already narrowed to a
    horizon: a model is built only for a development a correction changes."""
    entries: dict[str, Believed] = {}
    for r in records:
        development = r["original"]
        who = r.get("recorded_by", "unknown") if isinstance(r, dict) else "unknown"
        entry = Believed(development, int(r["position"]), r["recorded"], development, recorded_by=who)
        entries[entry.id] = entry
        target = entries.get(development.get("target") or "")
        if target is None:
            continue
        if development["type"] == "correction":
            kind = TYPES[target.current["type"]]
            target.current = apply_changes_data(kind, target.current, development["changes"]).model_dump(mode="json")
            target.corrected_by.append(entry.id)
        elif development["type"] == "retraction":
            target.retracted_by = entry.id
    return entries


def steps_by_entity(entries: Iterable[Entry]) -> dict[str, list[Step]]:
    grouped: dict[str, list[Step]] = {}
    for entry in entries:
        if entry.counts:
            for key in touched(entry.current):
                grouped.setdefault(key, []).append(entry.step())
    return grouped


def fold_all(entries: Iterable[Entry]) -> dict[str, View]:
    """Every entity's view from scratch: the reference the persistent views must equal."""
    return {key: fold(key, steps) for key, steps in steps_by_entity(entries).items()}


def story_order(entries: Iterable[Entry]) -> Iterator[Entry]:
    yield from sorted(entries, key=lambda e: (e.current.when.start, e.position))
