"""Play a story back in the order the world learned it: each development, correction and retraction at
its reported time, with what was then believed of each entity it touched and what it changed.

Each step refolds the entities it touches from what was known by then (a development reported late may
lie early in the story), so a play costs a fold of each touched entity per step."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from chronicle.domain.corrections import correction_note
from chronicle.domain.developments import CorrectionIssued, Development, RetractionIssued
from chronicle.domain.revisions import apply_changes
from chronicle.projections.fold import Step, fold, touched
from chronicle.projections.history import is_bookkeeping
from chronicle.projections.paths import FieldChange, changed_paths, flatten_dump
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import parse_development


@dataclass(frozen=True)
class ReportedStep:
    position: int
    recorded: str
    reported: str
    development: Development  # as reported (a correction or retraction is its own step)
    note: str  # for a correction: what it changed in its target
    changes: dict[str, list[FieldChange]]

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "recorded": self.recorded,
            "reported": self.reported,
            "development": self.development.model_dump(mode="json"),
            "changes": [
                {"entity": key, **change.as_json()} for key, changes in self.changes.items() for change in changes
            ],
        }


class _Known:
    """What was believed at a point of the play: developments by id, as corrected by then."""

    def __init__(self) -> None:
        self.recorded: dict[str, Development] = {}
        self.current: dict[str, Development] = {}
        self.positions: dict[str, int] = {}
        self.retracted: set[str] = set()
        self.pending: dict[str, list[CorrectionIssued | RetractionIssued]] = {}  # told before their target

    def add(self, development: Development, position: int) -> list[str]:
        """Learn one development; the ids whose belief it changed."""
        if isinstance(development, CorrectionIssued | RetractionIssued):
            if development.target not in self.current:
                self.pending.setdefault(development.target, []).append(development)
                return []
            self._revise(development)
            return [development.target]
        ident = development.id or ""
        self.recorded[ident] = self.current[ident] = development
        self.positions[ident] = position
        for revision in self.pending.pop(ident, []):
            self._revise(revision)
        return [ident]

    def _revise(self, revision: CorrectionIssued | RetractionIssued) -> None:
        if isinstance(revision, CorrectionIssued):
            self.current[revision.target] = apply_changes(self.current[revision.target], revision.changes)
        else:
            self.retracted.add(revision.target)

    def view(self, key: str, without: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
        steps = [
            Step(d, self.positions[i])
            for i, d in self.current.items()
            if i not in self.retracted and i not in without and key in touched(d)
        ]
        return fold(key, steps).model_dump(mode="json")


def play_as_reported(
    store: ViewStore,
    c: Cursor,
    *,
    focus: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[ReportedStep]:
    """Every development, correction and retraction in reported order (then record order)."""
    rows = reads.every_row(store, c)
    rows.sort(key=lambda r: (r["reported"], int(r["position"])))
    known = _Known()
    for row in rows:
        development = parse_development(row["original"])
        target = getattr(development, "target", None)
        prior = known.current.get(target) if isinstance(target, str) else None
        keys = list(touched(prior) if prior is not None else [] if isinstance(target, str) else touched(development))
        befores = {key: known.view(key) for key in keys}
        changed = known.add(development, int(row["position"]))
        for ident in changed:  # a correction may move a development to other entities
            for key in touched(known.current[ident]):
                if key not in keys:
                    keys.append(key)
                    befores[key] = known.view(key, without=set(changed))
        note = ""
        if prior is not None and isinstance(target, str):
            note = correction_note(prior.model_dump(mode="json"), known.current[target].model_dump(mode="json"))
        when = development.when
        shown = (focus is None or focus in keys) and (since is None or when.end >= since)
        if until is not None and when.start > until:
            shown = False
        if not shown:
            continue
        changes: dict[str, list[FieldChange]] = {}
        for key in keys:
            after = known.view(key)
            before = befores[key]
            names = [n for n in after if not is_bookkeeping(n) and after[n] != before[n]]
            flat_before, flat_after = flatten_dump(before, names), flatten_dump(after, names)
            found = [
                FieldChange(p, flat_before.get(p), flat_after.get(p)) for p in changed_paths(flat_before, flat_after)
            ]
            if found and after.get("registered"):
                changes[key] = found
        yield ReportedStep(int(row["position"]), row["recorded"], row["reported"], development, note, changes)
