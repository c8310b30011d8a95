"""Plan and record an ACLED import: reconcile mapped rows with what the store already holds.

A new event is recorded; a changed one is corrected; one whose development type changed is retracted
and recorded again under its new type (see `chronicle.service.acled` for the mapping of a row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from chronicle.domain.developments import ActorRegistered, Development, Source
from chronicle.domain.errors import InvalidInput
from chronicle.domain.fields import Confidence
from chronicle.domain.revisions import DevelopmentState
from chronicle.domain.rules import BatchError
from chronicle.service.acled import ActorRef, Row, short
from chronicle.service.interchange import at_line, parse_development


class Lookup(Protocol):
    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]: ...

    def existing_actors(self, ids: Sequence[str]) -> set[str]: ...


@dataclass
class ImportPlan:
    """What an import would append, with the CSV line of each development (for error messages)."""

    batch: list[Development] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, development: Development, line: int, action: str) -> None:
        self.batch.append(development)
        self.lines.append(line)
        self.actions.append(action)

    def drop_line(self, line: int) -> None:
        keep = [i for i, n in enumerate(self.lines) if n != line]
        self.batch = [self.batch[i] for i in keep]
        self.lines = [self.lines[i] for i in keep]
        self.actions = [self.actions[i] for i in keep]


def _changes(stored: Development, new: Development) -> dict[str, Any]:
    before = stored.model_dump(mode="json")
    after = new.model_dump(mode="json")
    return {k: v for k, v in after.items() if k not in ("id", "type") and before.get(k) != v}


def _describe(changes: dict[str, Any], stored: Development) -> str:
    before = stored.model_dump(mode="json")
    parts = []
    for key in sorted(changes):
        old, new = before.get(key), changes[key]
        if isinstance(old, int | float | None) and isinstance(new, int | float | None):
            parts.append(f"{key} {old} -> {new}")
        else:
            parts.append(f"{key} changed")
    return ", ".join(parts)


def _correction(row: Row, target: str, state: DevelopmentState, changes: dict[str, Any]) -> Development:
    what = _describe(changes, state.current)
    return parse_development(
        {
            "type": "correction",
            "id": f"{target}-acled-rev{state.version}",
            "occurred": row.updated or row.development.occurred,
            "summary": short(f"ACLED updated event {row.event}: {what}"),
            "target": target,
            "changes": changes,
            "reason": f"A later ACLED export changed event {row.event}: {what}",
            "sources": [{"publisher": "ACLED", "title": f"ACLED event {row.event}"}],
            "confidence": "reported",
        }
    )


def _retraction(row: Row, target: str, old_type: str, new_type: str) -> Development:
    return parse_development(
        {
            "type": "retraction",
            "id": f"{target}-acled-reclassified",
            "occurred": row.updated or row.development.occurred,
            "summary": short(f"ACLED reclassified event {row.event}: no longer a {old_type}"),
            "target": target,
            "reason": f"A later ACLED export records event {row.event} as a {new_type}, not a {old_type}",
            "sources": [{"publisher": "ACLED", "title": f"ACLED event {row.event}"}],
            "confidence": "reported",
        }
    )


def _register(actor: ActorRef, row: Row) -> Development:
    """The registration of an actor, dated by the earliest event that names it."""
    return ActorRegistered(
        type="actor_registered",
        id=f"acled-actor-{actor.id}",
        occurred=row.development.occurred,
        summary=short(f"{actor.name} (ACLED actor, first named in event {row.event})"),
        actor=actor.id,
        name=actor.name,
        kind=actor.kind,
        sources=[Source(publisher="ACLED", title=f"ACLED event {row.event}")],
        confidence=Confidence.reported,
    )


def _kind(development: Development) -> str:
    return str(getattr(development, "type", ""))


def plan_import(rows: Sequence[Row], lookup: Lookup, first: dict[str, Row], *, skip_bad: bool = False) -> ImportPlan:
    """The developments that bring the store in line with `rows` (a page of the export): new ones,
    corrections, nothing for unchanged rows. A row that cannot be applied raises (or, with `skip_bad`,
    is listed and skipped). `first`: the earliest row naming each actor in the whole export (`Scan`)."""
    plan = ImportPlan()
    base_ids = [r.development.id or "" for r in rows]
    alt_ids = [f"{i}-{_kind(r.development).replace('_', '-')}" for i, r in zip(base_ids, rows, strict=True)]
    states = lookup.developments(sorted({*base_ids, *alt_ids}))
    actor_ids = sorted({a.id for r in rows for a in r.actors})
    known_actors = set(lookup.existing_actors(actor_ids))
    for row, base, alt in zip(rows, base_ids, alt_ids, strict=True):
        try:
            pending = _plan_row(row, base, alt, states)
        except InvalidInput as error:
            if not skip_bad:
                raise
            plan.skipped.append(str(error))
            continue
        if pending is None:
            plan.unchanged.append(base)
            continue
        for actor in row.actors:
            if actor.id not in known_actors:
                known_actors.add(actor.id)
                plan.add(_register(actor, first[actor.id]), row.line, "register")
        for development, action in pending:
            plan.add(development, row.line, action)
    return plan


def _plan_row(
    row: Row, base: str, alt: str, states: dict[str, DevelopmentState]
) -> list[tuple[Development, str]] | None:
    new = row.development
    kind = _kind(new)
    stored = states.get(base)
    if stored is None:
        return [(new, "record")]
    planned: list[tuple[Development, str]] = []
    target, state = base, stored
    if _kind(stored.original) != kind:
        if stored.retracted_by is None:
            planned.append((_retraction(row, base, _kind(stored.original), kind), "retract"))
        target, state = alt, states.get(alt)  # type: ignore[assignment]
        if state is None:
            planned.append((new.model_copy(update={"id": alt}), "record"))
            return planned
    changes = _changes(state.current, new.model_copy(update={"id": target}))
    if not changes:
        return planned or None
    if state.retracted_by is not None:
        raise InvalidInput(
            f"line {row.line}: event {row.event} changed, but development {target!r} was retracted "
            f"by {state.retracted_by!r}: it cannot be corrected"
        )
    planned.append((_correction(row, target, state, changes), "correct"))
    return planned


@dataclass
class Imported:
    """What an import recorded (or, dry, would record): counts by action, ids, and the rows skipped."""

    counts: Counter[str] = field(default_factory=Counter)
    recorded: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    planned: list[tuple[Development, str]] = field(default_factory=list)  # kept for a dry run's listing


def import_pages(
    session: Any, pages: Iterable[Sequence[Row]], first: dict[str, Row], *, skip_bad: bool, keep: bool
) -> Imported:
    """Plan and record each page in the caller's transaction (`Chronicle.writing`): later pages see what
    earlier ones wrote. A row the rules refuse raises with its line, or with `skip_bad` is dropped (with
    what it alone needed) and its page retried. `keep`: also return every planned development."""
    done = Imported()
    for page in pages:
        plan = plan_import(page, session, first, skip_bad=skip_bad)
        done.skipped += plan.skipped
        done.unchanged += len(plan.unchanged)
        while plan.batch:
            try:
                result = session.record(plan.batch)
            except BatchError as error:
                if not skip_bad:
                    raise at_line(error, plan.lines) from None
                line = plan.lines[error.index]
                done.skipped.append(f"line {line}: {error.cause}")
                plan.drop_line(line)
                continue
            done.recorded += result.recorded
            break
        done.counts.update(plan.actions)
        if keep:
            done.planned += zip(plan.batch, plan.actions, strict=True)
    return done
