"""How an entity's state came to be (`history_of`) and which development set each current value
(`blame_of`), from its developments as believed, handed in. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from chronicle.domain.developments import Development
from chronicle.domain.errors import InvalidInput, NotFound
from chronicle.domain.keys import ACTOR_PREFIX
from chronicle.projections.belief import Believed
from chronicle.projections.fold import Facts, View, touched_data
from chronicle.projections.paths import (
    changed_items,
    changed_paths,
    differs,
    fields_of,
    flatten,
    flatten_dump,
    matches,
    top_field,
    values_of,
)
from chronicle.projections.plainfold import (
    Data,
    PlainStep,
    actor_writes,
    apply_data,
    counts_from_data,
    new_view_data,
    view_from_data,
)
from chronicle.projections.publishers import distinct

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
    def of(cls, entry: Believed) -> DevelopmentInfo:
        d = entry.current
        return cls(
            id=entry.id,
            type=str(d["type"]),
            occurred=d["occurred"],
            recorded=entry.recorded,  # the timeline holds it as `iso_utc` gives it
            position=entry.position,
            summary=d["summary"],
            confidence=d["confidence"],
            sources=distinct(s["publisher"] for s in d["sources"]),
            recorded_by=entry.recorded_by,
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


def _trial(
    key: str, view: Data, facts: Facts, development: Data, position: int, skip: frozenset[str]
) -> dict[str, Any]:
    """The fields of a view after one more development, the view itself left as it was."""
    copy, copied_facts = orjson.loads(orjson.dumps(view)), orjson.loads(orjson.dumps(facts))
    apply_data(copy, PlainStep.at(development, position), copied_facts)
    return fields_of(key, copy, skip)


def history_of(
    key: str, entries: Iterable[Believed], as_of: date | None = None, *, bookkeeping: bool = True
) -> tuple[list[Change], View]:
    """Every change to one entity, in story order (bookkeeping fields only with `bookkeeping`), and its
    state at the end.

    Walks the developments that touch the entity (as believed, or as first recorded: a correction
    may have moved one away, a retraction removed it) in story order and folds those in effect,
    exactly as `fold` does (over their JSON objects: `plainfold`), recording each field a step changes.
    """
    # Each development with whether it touches the entity as believed (else only as first recorded).
    relevant = [
        (e, touches)
        for e in entries
        if not e.is_revision
        and ((touches := key in touched_data(e.current)) or key in touched_data(e.original))
        and (as_of is None or counts_from_data(e.current) <= as_of)
    ]
    relevant.sort(key=lambda found: found[0].story_key)
    view = new_view_data(key)
    facts: Facts = {}  # which development set each order-sensitive fact, as `fold` keeps them
    skip = frozenset() if bookkeeping else frozenset(BOOKKEEPING)  # most steps change only those
    state = fields_of(key, view, skip)
    actor = key.startswith(ACTOR_PREFIX)
    changes: list[Change] = []
    for e, touches in relevant:
        in_effect = e.counts and touches
        recorded: dict[str, Any] | None = None
        compared: Iterable[str] = state  # the fields that may have changed
        if e.corrected_by:
            # What the development set as first recorded: a correction has changed it since.
            touched_then = key in touched_data(e.original)
            recorded = _trial(key, view, facts, e.original, e.position, skip) if touched_then else state
        if in_effect:
            apply_data(view, e.step(), facts)
            if actor and recorded is None:  # only the fields its type may change are compared
                fresh = fields_of(key, view, skip, actor_writes(e.current["type"]))
                after, compared = state | fresh, fresh
            else:
                after = fields_of(key, view, skip)
        elif touches:
            after = _trial(key, view, facts, e.current, e.position, skip)
        else:
            after = state
        if recorded is None:
            recorded = after
        names = [n for n in compared if differs(after[n], state[n]) or differs(recorded[n], state[n])]
        if recorded is after:
            cut_before, cut_after = changed_items(values_of(state, names), values_of(after, names))
            flat_before, flat_after = flatten_dump(cut_before), flatten_dump(cut_after)
            flat_recorded = flat_after
        else:
            flat_before = flatten_dump(values_of(state, names))
            flat_after = flatten_dump(values_of(after, names))
            flat_recorded = flatten_dump(values_of(recorded, names))
        paths = dict.fromkeys([*changed_paths(flat_before, flat_after), *changed_paths(flat_before, flat_recorded)])
        if not bookkeeping:
            paths = {path: None for path in paths if not is_bookkeeping(path)}
        if paths:
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
    return changes, view_from_data(key, view)


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
