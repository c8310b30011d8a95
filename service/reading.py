"""Read the story: the log, one actor, negotiation or development, and every one of a kind, now or then."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
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
    tags: tuple[str, ...] = (),
    country: str | None = None,
    near: tuple[float, float, float] | None = None,
    recorded_at: datetime | None = None,
    by_analyst: str | None = None,
    source: str | None = None,
    say: Say = quiet,
) -> Iterator[Any]:
    """The developments in story order, streamed: a page of the store in memory, not the store."""

    def chosen(views: Any, c: Any) -> Any:
        return _log_filter(
            views,
            c,
            actor,
            negotiation,
            types=types,
            since=since,
            until=until,
            as_of=as_of,
            known_at=known_at,
            include_retracted=include_retracted,
            text=text,
            tags=tags,
            country=country,
            near=near,
            recorded_at=recorded_at,
            by_analyst=by_analyst,
            source=source,
        )

    flt = store.query(chosen, say=say)  # caught up (healed if damaged), names resolved
    return _streamed(store, flt)


def log_density(
    store: Store,
    *,
    buckets: int,
    actor: str | None = None,
    negotiation: str | None = None,
    say: Say = quiet,
    **filters: Any,
) -> list[Any] | None:
    """How many developments `log` holds in each of `buckets` equal stretches of [since, until], read
    from the index alone; `filters` are `log`'s (`since` and `until` needed). None when a filter needs the
    developments themselves (a text, tags, a place, a source, a time)."""
    from chronicle.projections import queries

    def run(views: Any, c: Any) -> list[queries.Stretch] | None:
        return queries.density(views, c, _log_filter(views, c, actor, negotiation, **filters), buckets)

    return store.query(run, say=say)


def _log_filter(views: Any, c: Any, actor: str | None, negotiation: str | None, **asked: Any) -> Any:
    """A log filter with the actor and negotiation named by id, alias or name resolved to their ids."""
    from chronicle.projections import queries

    return queries.LogFilter(
        actor=actor and queries.resolve(views, c, "actor", actor),
        negotiation=negotiation and queries.resolve(views, c, "negotiation", negotiation),
        **asked,
    )


def _streamed(store: Store, flt: Any) -> Iterator[Any]:
    from chronicle.projections import queries

    with store.reading() as c:
        yield from queries.iter_log(store.views, c, flt)


def check_place_filters(
    tags: list[str],
    country: str | None,
    near: str | None,
    km: float | None,
    spell: Callable[[str], str] = lambda name: f"--{name}",
) -> Any:
    """`--tag`, `--country`, `--near LAT,LON` and `--km N` checked as a development's fields are: the
    country code, the latitude and longitude in range; returns (tags, country, (lat, lon, km) or None).
    `spell` names a parameter as the caller's user wrote it (a flag, or a query parameter)."""
    from pydantic import TypeAdapter, ValidationError

    from chronicle.domain.fields import Slug
    from chronicle.domain.places import CountryCode, Latitude, Longitude

    def checked(adapter: Any, value: Any, flag: str) -> Any:
        try:
            return TypeAdapter(adapter).validate_python(value)
        except ValidationError as error:
            problem = error.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
            raise InvalidInput(f"{flag} {value!r}: {problem}") from None

    tags_ok = tuple(checked(Slug, t, spell("tag")) for t in tags)
    code = None if country is None else checked(CountryCode, country, spell("country"))
    if (near is None) != (km is None):
        raise InvalidInput(f"{spell('near')} LAT,LON and {spell('km')} N go together")
    point = None
    if near is not None and km is not None:
        lat_s, sep, lon_s = near.partition(",")
        try:
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise InvalidInput(f"{spell('near')} {near!r}: expected LAT,LON in degrees, e.g. 33.3,44.4") from None
        if not sep or km < 0:
            raise InvalidInput(
                f"{spell('near')} {near!r} {spell('km')} {km}: expected LAT,LON and a distance of 0 km or more"
            )
        point = (
            checked(Latitude, lat, f"{spell('near')} latitude"),
            checked(Longitude, lon, f"{spell('near')} longitude"),
            km,
        )
    return tags_ok, code, point


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

    return _dated(store.query(run, say=say), as_of)


def _dated(view: Any, as_of: date | None) -> Any:
    """Deadlines' states as of the day asked about (today when none is)."""
    from chronicle.projections.deadlines import dated

    return dated(view, as_of or datetime.now(UTC).date())


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

    return [_dated(view, as_of) for view in store.query(run, say=say)]


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
