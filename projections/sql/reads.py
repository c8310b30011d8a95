"""The reads the read models make of the view tables: named, each one statement of `statements`.

Rows come back as the view store reveals them (decrypted, bodies decoded to JSON objects); the read
models decide what they mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from chronicle.projections.sql import statements as q
from chronicle.projections.sql.views import Cursor, ViewStore

CHUNK = 500  # ids bound in one IN list, well under every backend's limit on parameters


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


# -- the projector's and the rebuild's, on either set of tables ------------------------------------


def held_view(store: ViewStore, c: Cursor, prefix: str, key: str) -> Any:
    """An entity's stored view, facts and story key, or None."""
    return store.one(c, q.on(q.HELD_VIEW, prefix), (key,))


def revision_target(store: ViewStore, c: Cursor, prefix: str, dev_id: str | None) -> Any:
    """The timeline row a correction or retraction is aimed at, or None."""
    return store.one(c, q.on(q.REVISION_TARGET, prefix), (dev_id,))


def indexed_entities(store: ViewStore, c: Cursor, prefix: str) -> set[str]:
    return {row["entity"] for row in store.rows(c, q.on(q.INDEXED_ENTITIES, prefix))}


def story_rows(store: ViewStore, c: Cursor, prefix: str, key: str) -> Iterator[Any]:
    """The rows that currently shape an entity, in story order, streamed (sources stay sealed)."""
    return store.stream(c, q.on(q.STORY_ROWS, prefix), (key,))


# -- who and what state ----------------------------------------------------------------------------


def is_registered(store: ViewStore, c: Cursor, key: str) -> bool:
    return store.one(c, q.REGISTERED, (key,)) is not None


def registered_names(store: ViewStore, c: Cursor, kind: str) -> list[Any]:
    return store.rows(c, q.REGISTERED_NAMES, (kind,))


def registered_state(store: ViewStore, c: Cursor, key: str) -> Any:
    return store.one(c, q.REGISTERED_STATE, (key,))


def registered_states(store: ViewStore, c: Cursor, kind: str) -> list[Any]:
    return store.rows(c, q.REGISTERED_STATES, (kind,))


def horizon(reported: str | None, recorded: str | None) -> tuple[str, tuple[str, ...]]:
    """The conditions appended to a statement over `t` (and their parameters) that keep the rows known
    within a horizon: reported by `reported`, recorded by `recorded` (None: no limit)."""
    sql, params = "", tuple[str, ...]()
    if reported is not None:
        sql, params = q.REPORTED_BY, (reported,)
    if recorded is not None:
        sql, params = sql + q.RECORDED_BY, (*params, recorded)
    return sql, params


def entity_records(store: ViewStore, c: Cursor, key: str, reported: str | None, recorded: str | None) -> list[Any]:
    """Every row indexed for an entity, and the revisions aimed at them (those reported by `reported`
    and recorded by `recorded`, if given), in record order."""
    known, extra = horizon(reported, recorded)
    rows = store.rows(c, q.ENTITY_ROWS + known, (key, *extra))
    # Only rows that have ever been corrected or retracted have revisions to fetch (most never are).
    ids = [r["dev_id"] for r in rows if r["corrected_by"] != "[]" or r["retracted_by"]]
    for chunk in _chunks(ids):
        rows += store.rows(c, q.REVISIONS_OF + q.marks(len(chunk)) + known, (*chunk, *extra))
    return sorted(rows, key=lambda r: int(r["position"]))


def story_bounds(store: ViewStore, c: Cursor) -> Any:
    return store.one(c, q.STORY_BOUNDS)


def development_rows(
    store: ViewStore, c: Cursor, dev_id: str, reported: str | None, recorded: str | None = None
) -> list[Any]:
    """A development's row and the corrections and retractions aimed at it (those known within a
    horizon, `horizon`), in record order."""
    known, extra = horizon(reported, recorded)
    rows = store.rows(c, q.DEVELOPMENT_ROWS + known, (dev_id, dev_id, *extra))
    return sorted(rows, key=lambda r: int(r["position"]))


def development_row(store: ViewStore, c: Cursor, dev_id: str) -> Any:
    """The timeline row of one development, or None."""
    return store.one(c, q.DEVELOPMENT_ROW, (dev_id,))


def revisions_of(store: ViewStore, c: Cursor, dev_id: str) -> list[Any]:
    """The corrections and retractions aimed at one development, in no order."""
    return store.rows(c, q.REVISIONS_OF + q.marks(1), (dev_id,))


def ended_by(store: ViewStore, c: Cursor, key: str, as_of: str) -> list[Any]:
    return store.rows(c, q.ENDED_BY, (key, as_of))


def believed_now(store: ViewStore, c: Cursor, key: str) -> list[Any]:
    return store.rows(c, q.BELIEVED_NOW, (key,))


# -- which developments ----------------------------------------------------------------------------


def log_query(
    keys: Sequence[str],
    types: Sequence[str],
    *,
    reported: str | None,
    recorded: str | None,
    since: str | None,
    until: str | None,
    include_retracted: bool,
) -> tuple[str, list[Any]]:
    """The timeline rows a log filter can narrow down by index: every entity in `keys`, of `types`; known
    within a horizon (`horizon`), or, without one, the stored interval is the believed one, so the dates
    and retractions filter too."""
    where: list[str] = []
    params: list[Any] = []
    statement = q.LOG_ROWS
    for n, key in enumerate(keys):
        statement += q.LOG_JOIN.replace("{n}", str(n))
        params.append(key)
    if types:
        where.append("t.type IN " + q.marks(len(types)))
        params += list(types)
    if reported is not None or recorded is not None:
        known, known_params = horizon(reported, recorded)
        where.append("TRUE" + known)
        params += list(known_params)
    else:
        if since:
            where.append("t.occ_end >= ?")
            params.append(since)
        if until:
            where.append("t.occ_start <= ?")
            params.append(until)
        if not include_retracted:
            where.append("t.retracted_by IS NULL")
    return statement + " WHERE " + " AND ".join(where or ["TRUE"]), params


def starts_of(store: ViewStore, c: Cursor, query: tuple[str, list[Any]]) -> Iterator[str]:
    """The interval start of each of `log_query`'s rows, no body read."""
    statement = query[0].replace(q.LOG_ROWS, q.LOG_STARTS, 1)
    return (str(row["occ_start"]) for row in store.stream(c, statement, query[1]))


def in_story_order(store: ViewStore, c: Cursor, query: tuple[str, list[Any]]) -> Iterator[Any]:
    """`log_query`'s rows in story order (the stored interval start is the current body's), streamed."""
    return store.stream(c, query[0] + q.STORY_ORDER, query[1], sources=True)


def never_revised(store: ViewStore, c: Cursor, query: tuple[str, list[Any]]) -> Iterator[Any]:
    """`log_query`'s rows no correction or retraction was ever aimed at, in story order, streamed."""
    return store.stream(c, query[0] + q.NEVER_REVISED + q.STORY_ORDER, query[1], sources=True)


def ever_revised(store: ViewStore, c: Cursor, query: tuple[str, list[Any]]) -> list[Any]:
    return store.rows(c, query[0] + q.EVER_REVISED, query[1])


def revisions_by(store: ViewStore, c: Cursor, reported: str | None, recorded: str | None) -> list[Any]:
    """Every correction and retraction known within a horizon (`horizon`)."""
    known, params = horizon(reported, recorded)
    return store.rows(c, q.REVISIONS + known, params)


def counting_in_story_order(
    store: ViewStore, c: Cursor, size: int = 1000, *, counting_by: str | None = None
) -> Iterator[Any]:
    """Every development that counts, as believed, in story order, `size` at a time (memory stays bounded).

    With `counting_by` (a day), only those that can count by then: past it, only figures (dated by their
    `as_of`); every other development counts from the end of its interval, never before it starts."""
    after = ("", 0)
    for statement in (q.PLAY_PAGE, q.FIGURES_PAGE):
        while True:
            page = store.rows(c, statement, (*after, size))
            if counting_by is not None and statement is q.PLAY_PAGE:
                kept = [r for r in page if str(r["occ_start"]) <= counting_by]
                if len(kept) < len(page):
                    yield from kept
                    after = (counting_by, 2**62)  # every start up to the day has been read
                    break
            yield from page
            if len(page) < size:
                return
            after = (page[-1]["occ_start"], int(page[-1]["position"]))
        if counting_by is None:
            return


def neighbours(store: ViewStore, c: Cursor, key: str) -> set[str]:
    """`key` and every entity a development of it touches (as recorded or as corrected)."""
    found = {key}
    for row in store.stream(c, q.NEIGHBOURS, (key,)):
        found.update(orjson.loads(row["entities"]))
    return found


def every_row(store: ViewStore, c: Cursor) -> list[Any]:
    """Every timeline row with its record and reported times and its body as recorded, in record order."""
    return store.rows(c, q.EVERY_ROW)


# -- what changed between two points, and who vouches ----------------------------------------------


def recorded_between(store: ViewStore, c: Cursor, bounds: Sequence[str]) -> list[Any]:
    return store.rows(c, q.RECORDED_BETWEEN, bounds)


def reported_between(store: ViewStore, c: Cursor, bounds: Sequence[str]) -> list[Any]:
    return store.rows(c, q.REPORTED_BETWEEN, bounds)


def entities_of(store: ViewStore, c: Cursor, ids: Sequence[str]) -> Iterable[Any]:
    for chunk in _chunks(ids):
        yield from store.rows(c, q.ENTITIES_OF + q.marks(len(chunk)), chunk)


def ended_between(store: ViewStore, c: Cursor, low: str, high: str) -> list[Any]:
    return store.rows(c, q.ENDED_BETWEEN, (low, high))


def revised_after(store: ViewStore, c: Cursor, recorded: str) -> list[Any]:
    """The entities of developments a revision recorded after `recorded` is aimed at."""
    return store.rows(c, q.REVISED_AFTER, (recorded,))


def revised_reported_after(store: ViewStore, c: Cursor, reported: str) -> list[Any]:
    """The entities of developments a revision reported after `reported` is aimed at."""
    return store.rows(c, q.REVISED_REPORTED_AFTER, (reported,))


def figures(store: ViewStore, c: Cursor) -> list[Any]:
    return store.rows(c, q.FIGURES)


def believed_sources(store: ViewStore, c: Cursor) -> list[Any]:
    """Every development not retracted, in story order: its publishers, and its body if corrected."""
    return store.rows(c, q.BELIEVED_SOURCES)


# -- what an export copies -------------------------------------------------------------------------


def originals_of(store: ViewStore, c: Cursor, ids: Sequence[str]) -> Iterable[Any]:
    """The bodies the developments `ids` had when first recorded (`dev_id`, `original`)."""
    for chunk in _chunks(ids):
        yield from store.rows(c, q.ORIGINALS_OF + q.marks(len(chunk)), chunk)


def originals_in_record_order(store: ViewStore, c: Cursor, reported: str | None, recorded: str | None) -> Iterator[Any]:
    """Every development's body as first recorded (those known within a horizon, `horizon`), in record
    order, streamed with confidential sources unsealed."""
    known, params = horizon(reported, recorded)
    return store.stream(c, q.ORIGINALS + known + q.RECORD_ORDER, params, sources=True)


def recorded_around(store: ViewStore, c: Cursor, position: int) -> tuple[str | None, str | None]:
    """The last record time at or before log position `position`, and the first one after it."""
    before = store.one(c, q.RECORDED_UP_TO, (position,))
    after = store.one(c, q.RECORDED_PAST, (position,))
    return (before["recorded"] if before else None), (after["recorded"] if after else None)
