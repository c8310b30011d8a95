"""Audit the story: an entity's history, who set each value, what changed between two points, the sources."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chronicle.service.store import Say, Store, quiet

if TYPE_CHECKING:
    from chronicle.projections import audit


def history(
    store: Store,
    kind: str,
    name: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    bookkeeping: bool = False,
    say: Say = quiet,
) -> list[audit.Change]:
    """Every change to an entity's state in story order, with the development that caused it; fields
    that only count or point at developments (`history.is_bookkeeping`) only with `bookkeeping`."""
    from chronicle.projections import audit, queries

    def run(views: Any, c: Any) -> list[audit.Change]:
        ident = queries.resolve(views, c, kind, name)
        return audit.history(
            views, c, kind, ident, as_of=as_of, known_at=known_at, recorded_at=recorded_at, bookkeeping=bookkeeping
        )

    return store.query(run, say=say)


def blame(
    store: Store,
    kind: str,
    name: str,
    field: str | None = None,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    bookkeeping: bool = False,
    say: Say = quiet,
) -> list[audit.Blame]:
    """For each current value of an entity (or of `field`), the development that set it (a correction
    that changed it since is credited); bookkeeping fields only with `bookkeeping`, as in `history`."""
    from chronicle.projections import audit, queries

    def run(views: Any, c: Any) -> list[audit.Blame]:
        ident = queries.resolve(views, c, kind, name)
        return audit.blame(
            views,
            c,
            kind,
            ident,
            field,
            as_of=as_of,
            known_at=known_at,
            recorded_at=recorded_at,
            bookkeeping=bookkeeping,
        )

    return store.query(run, say=say)


def diff(
    store: Store,
    kind: str | None,
    name: str | None,
    a: audit.Point,
    b: audit.Point,
    *,
    bookkeeping: bool = False,
    say: Say = quiet,
) -> list[audit.EntityDiff]:
    """What changed between two points: for one entity, or for every entity if `kind` is None; bookkeeping
    fields only with `bookkeeping`, as in `history`."""
    from dataclasses import replace

    from chronicle.projections import audit, queries
    from chronicle.projections.history import is_bookkeeping

    def run(views: Any, c: Any) -> list[audit.EntityDiff]:
        if kind is None or name is None:
            return audit.diff_all(views, c, a, b)
        ident = queries.resolve(views, c, kind, name)
        return [audit.diff(views, c, kind, ident, a, b)]

    found = store.query(run, say=say)
    if bookkeeping:
        return found
    return [replace(d, changes=[ch for ch in d.changes if not is_bookkeeping(ch.field)]) for d in found]


def sources(store: Store, *, say: Say = quiet) -> audit.SourceReport:
    """Publishers with how many developments each supports, and developments on one source or none."""
    from chronicle.projections import audit

    return store.query(audit.sources, say=say)
