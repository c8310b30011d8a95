"""The property tests of `test_incremental_views_equal_a_full_rebuild`, on stories whose developments carry
random `reported` and sources' `published` times, out of record order: the views still equal a full
rebuild and a pure fold, and `--known-at` (as reported by then) with `--recorded-at` (as the store held
then) answers what a pure fold of what was known then answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental_views_equal_a_full_rebuild import (
    ACTORS,
    DATES,
    NEGOTIATIONS,
    _pure_fold,
    _recorded,
    _reference_fold,
    _views,
    stories,
)

REPORTED = ["2024-01-05", "2024-01-05T14:30Z", "2024-01-06T09:00+01:00", "2024-01-07", "2023-12"]


@st.composite
def reported_stories(draw: Any) -> list[list[dict[str, Any]]]:
    """`stories`, each development given a `reported`, a source `published`, both, or neither."""
    batches = draw(stories())
    for batch in batches:
        for row in batch:
            how = draw(st.sampled_from(["neither", "reported", "published", "both"]))
            if how in ("reported", "both"):
                row["reported"] = draw(st.sampled_from(REPORTED))
            if how in ("published", "both"):
                row["sources"] = [
                    {"publisher": p, "published": draw(st.sampled_from(REPORTED))}
                    for p in draw(st.lists(st.sampled_from(["AP", "Reuters"]), min_size=1, unique=True))
                ]
    return batches


def _moments() -> list[datetime]:
    from chronicle.domain.reported import parse_moment

    found = sorted({parse_moment(t) for t in REPORTED})
    return [*found, *(m - timedelta(microseconds=1) for m in found)]


def _known(store: Any, known_at: datetime | None, recorded_at: datetime | None) -> list[Any]:
    """The log's developments known within the horizon, in record order: the pure reference filter."""
    from chronicle.domain.reported import reported_time
    from chronicle.projections.sql.catchup import RECORDED_TOPIC

    notes = store.app.recorder.select_notifications(None, 10_000, topics=[RECORDED_TOPIC])
    records = []
    for n in notes:
        event = store.decode(n)
        reported = reported_time(event.development.model_dump(mode="json"), event.timestamp)
        if (known_at is None or reported <= known_at) and (recorded_at is None or event.timestamp <= recorded_at):
            records.append((event.development, n.id, event.timestamp))
    return records


def _believed_then(store: Any, key: str, as_of: Any, known_at: Any, recorded_at: Any) -> dict[str, Any] | None:
    from chronicle.domain.developments import FigureReported
    from chronicle.projections.belief import believe
    from chronicle.projections.fold import fold, touched

    def ended(d: Any) -> Any:
        return (d.effective_as_of if isinstance(d, FigureReported) else d.when).end

    steps = [
        entry.step()
        for entry in believe(_known(store, known_at, recorded_at)).values()
        if entry.counts and key in touched(entry.current) and (as_of is None or ended(entry.current) <= as_of)
    ]
    view = fold(key, steps)
    return view.model_dump(mode="json") if view.registered else None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(batches=reported_stories())
def test_views_with_reported_times_equal_a_rebuild_and_a_pure_fold(store, batches):
    import orjson

    from chronicle.service.interchange import parse_development
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    with Store.open(parse_store_url(store.sibling().url), create=True) as opened:
        for batch in batches:
            opened.append([parse_development(row) for row in batch])
            opened.refresh()
        incremental = _views(opened)
        opened.rebuild()
        assert _views(opened) == incremental
        assert {k: orjson.loads(v) for k, v in incremental["entities"].items()} == _pure_fold(opened)
        assert _reference_fold(opened) == _pure_fold(opened, every=True)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(batches=reported_stories(), data=st.data())
def test_known_at_and_recorded_at_equal_a_fold_of_what_was_known_then(store, batches, data):
    from chronicle.domain.dates import parse_day
    from chronicle.projections import queries

    with _recorded(store, batches) as (opened, recorded):
        keys = [f"actor:{a}" for a in ACTORS] + [f"negotiation:{n}" for n in NEGOTIATIONS]
        reported = [None, *_moments(), datetime.now(UTC)]
        for _ in range(6):
            key = data.draw(st.sampled_from(keys))
            as_of = data.draw(st.sampled_from([None, *DATES]))
            known_at = data.draw(st.sampled_from(reported))
            recorded_at = data.draw(st.sampled_from(recorded))
            day = None if as_of is None else parse_day(as_of)
            expected = _believed_then(opened, key, day, known_at, recorded_at)
            kind, _, ident = key.partition(":")
            with opened.reading() as c:
                try:
                    got = queries.view_at(
                        opened.views, c, kind, ident, as_of=day, known_at=known_at, recorded_at=recorded_at
                    )
                except queries.NotFound:
                    assert expected is None, (key, as_of, known_at, recorded_at)
                    continue
            assert got.model_dump(mode="json") == expected, (key, as_of, known_at, recorded_at)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(batches=reported_stories(), data=st.data())
def test_log_equals_what_was_known_then_in_story_order(store, batches, data):
    from chronicle.projections import queries
    from chronicle.projections.belief import believe
    from chronicle.projections.fold import touched

    with _recorded(store, batches) as (opened, recorded):
        keys = [None, *(f"actor:{a}" for a in ACTORS), *(f"negotiation:{n}" for n in NEGOTIATIONS)]
        reported = [None, *_moments()]
        for _ in range(6):
            key = data.draw(st.sampled_from(keys))
            known_at = data.draw(st.sampled_from(reported))
            recorded_at = data.draw(st.sampled_from(recorded))
            retracted = data.draw(st.booleans())
            kind, _, ident = (key or "").partition(":")
            flt = queries.LogFilter(
                actor=ident if kind == "actor" else None,
                negotiation=ident if kind == "negotiation" else None,
                known_at=known_at,
                recorded_at=recorded_at,
                include_retracted=retracted,
            )
            with opened.reading() as c:
                got = [(e.position, e.development.model_dump_json()) for e in queries.iter_log(opened.views, c, flt)]
            shown = [
                e
                for e in believe(_known(opened, known_at, recorded_at)).values()
                if (retracted or e.retracted_by is None) and (key is None or key in touched(e.current))
            ]
            shown.sort(key=lambda e: (e.current.when.start, e.position))
            assert got == [(e.position, e.current.model_dump_json()) for e in shown], (key, known_at, recorded_at)
