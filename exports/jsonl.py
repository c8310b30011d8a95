"""JSON Lines: the interchange format, originals in record order."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

from chronicle.domain.developments import (
    ActorRegistered,
    CorrectionIssued,
    Development,
    NegotiationOpened,
    RetractionIssued,
)
from chronicle.domain.errors import InvalidInput
from chronicle.domain.keys import EntityKey
from chronicle.domain.revisions import apply_changes


def _refs(development: Development) -> list[str]:
    keys = [EntityKey.actor(a) for a in development.actor_refs()]
    keys += [EntityKey.negotiation(n) for n in development.negotiation_refs()]
    for either in development.either_refs():
        keys += [EntityKey.actor(either), EntityKey.negotiation(either)]
    return [str(key) for key in keys]


def interchange_selection(records: Sequence[Development], selected: Iterable[str]) -> list[Development]:
    """`records` (originals, record order) cut down to `selected` plus what they need to import cleanly:
    the registrations of the actors and negotiations they name, and every correction and retraction of
    anything kept."""
    by_id = {d.id: d for d in records}
    registrations: dict[str, str] = {}
    revisions: dict[str, list[str]] = {}  # by target, found once (not by rescanning records per id kept)
    for d in records:
        if isinstance(d, ActorRegistered) and d.id:
            registrations.setdefault(str(EntityKey.actor(d.actor)), d.id)
        elif isinstance(d, NegotiationOpened) and d.id:
            registrations.setdefault(str(EntityKey.negotiation(d.negotiation)), d.id)
        elif isinstance(d, CorrectionIssued | RetractionIssued) and d.id:
            revisions.setdefault(d.target, []).append(d.id)
    keep: set[str] = set()
    pending = [i for i in selected if i in by_id]
    while pending:
        ident = pending.pop()
        if ident in keep:
            continue
        keep.add(ident)
        development = by_id[ident]
        needs = [registrations.get(key) for key in _refs(development)]
        if isinstance(development, CorrectionIssued | RetractionIssued):
            needs.append(development.target)
            target = by_id.get(development.target)
            if isinstance(development, CorrectionIssued) and target is not None:
                with contextlib.suppress(InvalidInput):
                    corrected = apply_changes(target, development.changes)
                    needs += [registrations.get(key) for key in _refs(corrected)]
        pending += [n for n in needs if n and n not in keep and n in by_id]
        # Revisions of what is kept travel with it.
        pending += [r for r in revisions.get(ident, ()) if r not in keep]
    return [d for d in records if d.id in keep]
