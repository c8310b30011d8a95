"""For any valid story, appended in any batches: incremental views == a full rebuild == a pure fold, and
`--as-of`/`--known-at` answers == a pure fold of what was believed then."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storygen import ACTORS, DATES, NEGOTIATIONS, stories


def _views(store: Any) -> dict[str, Any]:
    import orjson

    with store.reading() as c:
        # Raw text: a rebuild must be byte-for-byte the incrementally maintained view.
        rows = store.views.rows(c, "SELECT entity, state, facts, last_start, last_position FROM {s}view_entities")
        entities = {r["entity"]: r["state"] for r in rows}
        # Which development set each fact (a dict: its key order follows arrival, so compared as data).
        facts = {r["entity"]: (orjson.loads(r["facts"]), r["last_start"], r["last_position"]) for r in rows}
        timeline = {
            r["dev_id"]: (
                r["current"],
                r["retracted_by"],
                r["corrected_by"],
                r["entities"],
                r["occ_start"],
                r["occ_end"],
            )
            for r in store.views.rows(
                c,
                "SELECT dev_id, current, retracted_by, corrected_by, entities, occ_start, occ_end "
                "FROM {s}view_timeline",
            )
        }
        index = sorted(tuple(r) for r in store.views.rows(c, "SELECT entity, position FROM {s}view_entity_index"))
    live = {k for k, v in entities.items() if orjson.loads(v)["developments"]}
    return {
        "entities": {k: v for k, v in entities.items() if k in live},
        "facts": {k: v for k, v in facts.items() if k in live},
        "timeline": timeline,
        "index": index,
    }


@contextmanager
def _tight_memory_caps() -> Iterator[None]:
    """A rebuild over its memory cap, in pages of 3 events: views written back and read again."""
    from chronicle.projections import folder
    from chronicle.projections.sql import catchup

    saved = folder.CACHED_VIEWS, catchup.REBUILD_PAGE
    folder.CACHED_VIEWS, catchup.REBUILD_PAGE = 1, 3
    try:
        yield
    finally:
        folder.CACHED_VIEWS, catchup.REBUILD_PAGE = saved


@contextmanager
def _folded_in_a_second_process() -> Iterator[None]:
    """The rebuild of a large log: the views folded by a second process while this one writes rows."""
    from chronicle.projections import folder
    from chronicle.projections.sql import catchup

    saved = catchup.APART_FROM, folder.CACHED_VIEWS, catchup.REBUILD_PAGE
    catchup.APART_FROM, folder.CACHED_VIEWS, catchup.REBUILD_PAGE = 0, 1, 3
    try:
        yield
    finally:
        catchup.APART_FROM, folder.CACHED_VIEWS, catchup.REBUILD_PAGE = saved


def _pure_fold(store: Any, *, every: bool = False) -> dict[str, Any]:
    from chronicle.projections.belief import believe, fold_all
    from chronicle.projections.sql.catchup import RECORDED_TOPIC

    notes = store.app.recorder.select_notifications(None, 10_000, topics=[RECORDED_TOPIC])
    records = []
    for n in notes:
        event = store.decode(n)
        records.append((event.development, n.id, event.timestamp))
    views = fold_all(believe(records).values()).items()
    return {k: v.model_dump(mode="json") for k, v in views if every or v.developments}


def _reference_fold(store: Any) -> dict[str, Any]:
    """What `verify` folds, on disk, in pages of 3: must be the pure fold, every view of it."""
    from chronicle.integrity import reference
    from chronicle.projections.sql.catchup import RECORDED_TOPIC

    saved, reference.PAGE = reference.PAGE, 3
    try:
        with reference.reference_fold(store.decode) as fold:
            for n in store.app.recorder.select_notifications(None, 10_000, topics=[RECORDED_TOPIC]):
                fold.add(n)
            views = list(fold.views())
    finally:
        reference.PAGE = saved
    assert [k for k, _ in views] == sorted(k for k, _ in views)  # verify merges by entity order
    return {k: v.model_dump(mode="json") for k, v in views}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(batches=stories())
def test_incremental_views_equal_rebuild_and_pure_fold(store, batches):
    from chronicle.service.interchange import parse_development
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store
    from chronicle.service.verifying import verify

    ref = store.sibling()
    with Store.open(parse_store_url(ref.url), create=True) as opened:
        for batch in batches:
            opened.append([parse_development(row) for row in batch])
            opened.refresh()  # incremental, batch by batch
        incremental = _views(opened)
        opened.rebuild()
        rebuilt = _views(opened)
        assert incremental == rebuilt
        with _tight_memory_caps():
            opened.rebuild()
        assert _views(opened) == incremental
        with _folded_in_a_second_process():
            opened.rebuild()
        assert _views(opened) == incremental
        assert {k: orjson.loads(v) for k, v in incremental["entities"].items()} == _pure_fold(opened)
        assert verify(opened).ok
        assert _reference_fold(opened) == _pure_fold(opened, every=True)


@contextmanager
def _recorded(store: Any, batches: list[list[dict[str, Any]]]) -> Iterator[tuple[Any, list[Any]]]:
    """A fresh store holding the batches, caught up; and the moments worth asking about: none, each
    batch's record time, and just before it (a batch is recorded at one instant)."""
    from datetime import timedelta

    from chronicle.projections.sql.catchup import RECORDED_TOPIC
    from chronicle.service.interchange import parse_development
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    with Store.open(parse_store_url(store.sibling().url), create=True) as opened:
        for batch in batches:
            opened.append([parse_development(row) for row in batch])
        opened.refresh()
        notes = opened.app.recorder.select_notifications(None, 10_000, topics=[RECORDED_TOPIC])
        moments = sorted({opened.decode(n).timestamp for n in notes})
        yield opened, [None, *moments, *(m - timedelta(microseconds=1) for m in moments)]


def _believed_then(store: Any, key: str, as_of: Any, known_at: Any) -> dict[str, Any] | None:
    """The reference for time travel, from the log alone: what was recorded by `known_at`, as believed
    then (its corrections applied, its retractions honoured), that had ended by `as_of`, folded in story
    order. None if the entity was not yet registered."""
    from chronicle.domain.developments import FigureReported
    from chronicle.projections.belief import believe
    from chronicle.projections.fold import fold, touched
    from chronicle.projections.sql.catchup import RECORDED_TOPIC

    def ended(d: Any) -> Any:
        return (d.effective_as_of if isinstance(d, FigureReported) else d.when).end

    notes = store.app.recorder.select_notifications(None, 10_000, topics=[RECORDED_TOPIC])
    records = [(e.development, n.id, e.timestamp) for n in notes for e in [store.decode(n)]]
    steps = [
        entry.step()
        for entry in believe(records, known_at).values()
        if entry.counts and key in touched(entry.current) and (as_of is None or ended(entry.current) <= as_of)
    ]
    view = fold(key, steps)
    return view.model_dump(mode="json") if view.registered else None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(batches=stories(), data=st.data())
def test_as_of_and_known_at_equal_a_fold_of_what_was_believed_then(store, batches, data):
    from chronicle.domain.dates import parse_day
    from chronicle.projections import queries

    with _recorded(store, batches) as (opened, known):
        keys = [f"actor:{a}" for a in ACTORS] + [f"negotiation:{n}" for n in NEGOTIATIONS]
        for _ in range(6):
            key = data.draw(st.sampled_from(keys))
            as_of = data.draw(st.sampled_from([None, *DATES]))
            known_at = data.draw(st.sampled_from(known))
            day = None if as_of is None else parse_day(as_of)
            expected = _believed_then(opened, key, day, known_at)
            kind, _, ident = key.partition(":")
            with opened.reading() as c:
                try:
                    got = queries.view_at(opened.views, c, kind, ident, as_of=day, known_at=known_at)
                except queries.NotFound:
                    assert expected is None, (key, as_of, known_at)
                    continue
            assert got.model_dump(mode="json") == expected, (key, as_of, known_at)


def _log_then(
    store: Any, known_at: Any, key: str | None, as_of: Any, retracted: bool, text: str | None
) -> list[tuple[int, str]]:
    """The reference for `log`, from the log alone: every development recorded by `known_at` (revisions
    included), as believed then, that touches `key`, had ended by `as_of` and holds `text`, in story order."""
    from chronicle.projections.belief import believe
    from chronicle.projections.fold import touched
    from chronicle.projections.queries import counts_from
    from chronicle.projections.sql.catchup import RECORDED_TOPIC

    notes = store.app.recorder.select_notifications(None, 10_000, topics=[RECORDED_TOPIC])
    records = [(e.development, n.id, e.timestamp) for n in notes for e in [store.decode(n)]]
    shown = [
        entry
        for entry in believe(records, known_at).values()
        if (retracted or entry.retracted_by is None)
        and (key is None or key in touched(entry.current))
        and (as_of is None or counts_from(entry.current) <= as_of)
        and (text is None or text.casefold() in entry.current.model_dump_json().casefold())
    ]
    shown.sort(key=lambda e: (e.current.when.start, e.position))
    return [(e.position, e.current.model_dump_json()) for e in shown]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(batches=stories(), data=st.data())
def test_log_equals_what_was_believed_then_in_story_order(store, batches, data):
    from chronicle.domain.dates import parse_day
    from chronicle.projections import queries

    with _recorded(store, batches) as (opened, known):
        keys = [None, *(f"actor:{a}" for a in ACTORS), *(f"negotiation:{n}" for n in NEGOTIATIONS)]
        for _ in range(6):
            key = data.draw(st.sampled_from(keys))
            as_of = data.draw(st.sampled_from([None, *DATES]))
            known_at = data.draw(st.sampled_from(known))
            retracted = data.draw(st.booleans())
            text = data.draw(st.sampled_from([None, "development 1", "SAID", "Iraq", "nowhere"]))
            day = None if as_of is None else parse_day(as_of)
            kind, _, ident = (key or "").partition(":")
            flt = queries.LogFilter(
                actor=ident if kind == "actor" else None,
                negotiation=ident if kind == "negotiation" else None,
                as_of=day,
                known_at=known_at,
                include_retracted=retracted,
                text=text,
            )
            with opened.reading() as c:
                got = [(e.position, e.development.model_dump_json()) for e in queries.iter_log(opened.views, c, flt)]
            expected = _log_then(opened, known_at, key, day, retracted, text)
            assert got == expected, (key, as_of, known_at, retracted, text)
