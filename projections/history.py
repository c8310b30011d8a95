"""How an entity's state came to be (`history_of`) and which development set each current value
(`blame_of`), from its developments as believed, handed in. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from chronicle.domain.developments import CorrectionIssued, Development, RetractionIssued
from chronicle.domain.errors import InvalidInput, NotFound
from chronicle.projections.belief import Entry
from chronicle.projections.fold import Facts, Step, View, apply, new_view, touched
from chronicle.projections.paths import changed_paths, flatten, flatten_dump, matches, top_field
from chronicle.projections.publishers import distinct
from chronicle.projections.rows import counts_from
from chronicle.projections.stored import iso_utc

# -- developments as the audit names them --------------------------------------------------------


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
    recorded_by: str = "unknown"

    @classmethod
    def of(cls, entry: Entry, recorded_by: str = "unknown") -> DevelopmentInfo:
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
            recorded_by=recorded_by,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "occurred": self.occurred,
            "recorded": self.recorded,
            "recorded_by": self.recorded_by,
            "position": self.position,
            "summary": self.summary,
            "confidence": self.confidence,
            "sources": self.sources,
        }


# -- history ---------------------------------------------------------------------------------------

BOOKKEEPING = ("developments", "first_development", "last_development", "registered_in", "opened_in", "corroboration")
# A nested fact's own pointer to the development that set it, and its count of sources (a figure's, a
# position's, a committee's).
NESTED_BOOKKEEPING = ("development", "sources")


def is_bookkeeping(path: str) -> bool:
    """A field that counts or points at developments rather than telling the story (shown with --all)."""
    head, _, rest = path.partition(".")
    if head.split("[", 1)[0] in BOOKKEEPING:
        return True
    return bool(rest) and path.rsplit(".", 1)[-1] in NESTED_BOOKKEEPING


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


def history_of(
    key: str, entries: Iterable[Entry], as_of: date | None = None, who: Mapping[int, str] | None = None
) -> tuple[list[Change], View]:
    """Every change to one entity, in story order, and its state at the end; `who` recorded each
    development (by log position), where the rows tell.

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
        info = DevelopmentInfo.of(e, who.get(e.position, "unknown") if who else "unknown")
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
    # The correction that set the value as believed now, when one changed it since it was recorded.
    credited: DevelopmentInfo | None = None

    @property
    def setter(self) -> DevelopmentInfo | None:
        """Who set the value as believed: the correction that changed it, else the development."""
        return self.credited or (self.change.development if self.change else None)

    def as_json(self) -> dict[str, Any]:
        c = self.change
        found = {
            "entity": self.entity,
            "field": self.field,
            "value": self.value,
            "development": self.setter.as_json() if self.setter else None,
            "corrected_by": c.corrected_by if c else [],
            "as_recorded": c.as_recorded if c else self.value,
        }
        if self.credited is not None and c is not None:
            found["corrects"] = c.development.id
        return found


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
