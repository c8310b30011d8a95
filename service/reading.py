"""Read the story: the log, one actor, negotiation or development, and every one of a kind, now or then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from chronicle.domain.errors import InvalidInput
from chronicle.service.store import Say, Store, quiet


def check_types(types: list[str]) -> None:
    """Every name in `types` is a development type."""
    from chronicle.domain.developments import TYPES

    for t in types:
        if t not in TYPES:
            raise InvalidInput(f"unknown type {t!r}: one of {', '.join(TYPES)}")


def log(
    store: Store,
    *,
    actor: str | None = None,
    negotiation: str | None = None,
    types: tuple[str, ...] = (),
    since: date | None = None,
    until: date | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
    include_retracted: bool = False,
    text: str | None = None,
    recorded_at: datetime | None = None,
    say: Say = quiet,
) -> Iterator[Any]:
    """The developments in story order, streamed: a page of the store in memory, not the store."""
    from chronicle.projections import queries

    def chosen(views: Any, c: Any) -> queries.LogFilter:
        return queries.LogFilter(
            actor=actor and queries.resolve(views, c, "actor", actor),
            negotiation=negotiation and queries.resolve(views, c, "negotiation", negotiation),
            types=types,
            since=since,
            until=until,
            as_of=as_of,
            known_at=known_at,
            include_retracted=include_retracted,
            text=text,
            recorded_at=recorded_at,
        )

    flt = store.query(chosen, say=say)  # caught up (healed if damaged), names resolved
    return _streamed(store, flt)


def _streamed(store: Store, flt: Any) -> Iterator[Any]:
    from chronicle.projections import queries

    with store.reading() as c:
        yield from queries.iter_log(store.views, c, flt)


def show(
    store: Store,
    kind: str,
    name: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    say: Say = quiet,
) -> Any:
    """The projected state of one actor or negotiation, found by id, alias or name."""
    from chronicle.projections import queries

    def run(views: Any, c: Any) -> Any:
        ident = queries.resolve(views, c, kind, name)
        return queries.view_at(views, c, kind, ident, as_of=as_of, known_at=known_at, recorded_at=recorded_at)

    return store.query(run, say=say)


def list_entities(
    store: Store,
    kind: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    say: Say = quiet,
) -> list[Any]:
    """Every actor (or negotiation) with its projected state."""
    from chronicle.projections import queries

    def run(views: Any, c: Any) -> list[Any]:
        if as_of or known_at or recorded_at:
            return queries.views_at(views, c, kind, as_of=as_of, known_at=known_at, recorded_at=recorded_at)
        return queries.list_views(views, c, kind)

    return store.query(run, say=say)


def show_development(
    store: Store,
    dev_id: str,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    recorded_at: datetime | None = None,
    changes: bool = True,
    say: Say = quiet,
) -> Any:
    """One development as believed within the asked times, as recorded, its times and revisions (and, with
    `changes`, what it changed in each entity it touches)."""
    from chronicle.projections.development import show_development as shown

    return store.query(
        lambda views, c: shown(
            views, c, dev_id, as_of=as_of, known_at=known_at, recorded_at=recorded_at, changes=changes
        ),
        say=say,
    )


def times_json(as_of: date | None, known_at: datetime | None, recorded_at: datetime | None) -> dict[str, Any] | None:
    """Which times an answer was given at, for `--json` (None when asked about now)."""
    from chronicle.projections.rows import times_json as times

    return times(as_of, known_at, recorded_at) if (as_of or known_at or recorded_at) else None
