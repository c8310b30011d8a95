"""Workloads that run inside a fresh child process: `python -m bench.child TASK JSON_ARGS`.

Each prints one JSON object on stdout. The parent measures the process itself (wall, peak RSS, CPU);
the timings in here cover only the part named (e.g. the saves, not the imports or the loading).
"""

from __future__ import annotations

import gc
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

Args = dict[str, Any]


def _open(url: str, *, create: bool = False) -> Any:
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    return Store.open(parse_store_url(url), create=create)


def _sqlite_path(url: str) -> str | None:
    if not url.startswith("sqlite:"):
        return None
    rest = url[len("sqlite:") :]
    return rest[3:] if rest.startswith("///") else rest.removeprefix("//")


def _recorded_topic() -> str:
    from chronicle.projections.sql.catchup import RECORDED_TOPIC

    return RECORDED_TOPIC


def _all_notifications(store: Any, page: int = 5000) -> list[Any]:
    out: list[Any] = []
    start = 0
    while True:
        batch = store.app.recorder.select_notifications(start, page, inclusive_of_start=False)
        if not batch:
            return out
        out.extend(batch)
        start = batch[-1].id


def _create_pg_schema(url: str) -> None:
    """CREATE SCHEMA for a baseline store (plain psycopg: no dependency on Chronicle's internals)."""
    import psycopg

    from chronicle.service.settings import parse_store_url

    settings = parse_store_url(url)
    with psycopg.connect(
        host=settings.host,
        port=settings.port,
        user=settings.user,
        password=settings.password,
        dbname=settings.dbname,
        autocommit=True,
    ) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.schema}"')


# -- bulk baselines --------------------------------------------------------------------------------


def _save_timed(args: Args, items: list[Any], save: Callable[[Any, list[Any]], None]) -> dict[str, Any]:
    """Write `items` in batches into each fresh destination store (`args["dst"]`); time each run."""
    from chronicle.service.application import Chronicle
    from chronicle.service.settings import parse_store_url

    batch = int(args["batch"])
    runs = []
    for dst in args["dst"]:
        settings = parse_store_url(dst)
        if settings.is_postgres:
            _create_pg_schema(dst)
        app = Chronicle(env=settings.env(create_tables=True))
        gc.collect()
        gc.freeze()  # the loaded events are not part of the work: keep the GC off them
        started = time.perf_counter()
        for i in range(0, len(items), batch):
            save(app, items[i : i + batch])
        runs.append(time.perf_counter() - started)
        app.close()
    return {"events": len(items), "batch": batch, "seconds": runs}


def es_bulk(args: Args) -> dict[str, Any]:
    """eventsourcing saving the same events Chronicle stored, in batches (one transaction each).

    The events are read back from Chronicle's store and decoded first (not timed); each run saves them
    into a fresh store with `Application.save(*batch)`, through the same mapper and transcoder."""
    source = _open(args["src"])
    events = [source.app.mapper.to_domain_event(n) for n in _all_notifications(source)]
    source.close()
    return _save_timed(args, events, lambda app, chunk: app.save(*chunk))


def es_insert(args: Args) -> dict[str, Any]:
    """eventsourcing's raw recorder: insert the same stored events (already encoded) in batches."""
    from eventsourcing.persistence import StoredEvent

    source = _open(args["src"])
    stored = [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in _all_notifications(source)]
    source.close()
    return _save_timed(args, stored, lambda app, chunk: app.recorder.insert_events(chunk))


def sqlite_bulk(args: Args) -> dict[str, Any]:
    """The physical limit: plain sqlite3 executemany of the same stored JSON payloads, one transaction."""
    src = sqlite3.connect(args["src"])
    rows = src.execute(
        "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
    ).fetchall()
    src.close()
    runs = []
    for dst in args["dst"]:
        Path(dst).unlink(missing_ok=True)
        conn = sqlite3.connect(dst, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
            "state BLOB, PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID"
            if args.get("without_rowid")
            else "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
            "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )
        gc.collect()
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        runs.append(time.perf_counter() - started)
        conn.close()
    return {"events": len(rows), "seconds": runs}


# -- replay ---------------------------------------------------------------------------------------


def rebuild(args: Args) -> dict[str, Any]:
    """Chronicle's full rebuild of every view, in-process (what `chronicle replay` does)."""
    store = _open(args["url"])
    progress_path = args.get("progress")
    started = time.perf_counter()
    log = Path(progress_path).open("a", buffering=1) if progress_path else None  # noqa: SIM115
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter() - started
        if log is not None and now - last[0] >= 0.5:
            last[0] = now
            log.write(f"{done} {total} {now:.3f}\n")

    summary = store.rebuild(progress=progress)
    store.close()
    if log is not None:
        log.close()
    return {"events": summary.events, "seconds": summary.seconds}


def raw_read(args: Args) -> dict[str, Any]:
    """The raw baseline of replay: read (and decode) the same stored events through eventsourcing's
    recorder and Chronicle's mapper, in pages, without projecting; plus select-only, and for SQLite the
    physical limit (plain sqlite3 scan + orjson.loads)."""
    store = _open(args["url"])
    recorder, mapper = store.app.recorder, store.app.mapper
    topics = [_recorded_topic()]
    page = int(args.get("page", 2000))
    reps = int(args.get("reps", 3))

    def read(decode: bool) -> tuple[int, float]:
        gc.collect()
        count, start = 0, 0
        started = time.perf_counter()
        while True:
            batch = recorder.select_notifications(start, page, topics=topics, inclusive_of_start=False)
            if not batch:
                break
            if decode:
                for notification in batch:
                    mapper.to_domain_event(notification)
            count += len(batch)
            start = batch[-1].id
        return count, time.perf_counter() - started

    result: dict[str, Any] = {"page": page}
    kinds = args.get("kinds", ["decode", "select", "sqlite_scan"])
    for name, decode in (("decode", True), ("select", False)):
        if name in kinds:
            runs = [read(decode) for _ in range(reps)]
            result[name] = {"events": runs[0][0], "seconds": [s for _, s in runs]}
    path = _sqlite_path(args["url"])
    if path and "sqlite_scan" in kinds:

        def scan() -> tuple[int, float]:
            gc.collect()
            conn = sqlite3.connect(path)
            started = time.perf_counter()
            count = 0
            for (state,) in conn.execute("SELECT state FROM stored_events WHERE topic=? ORDER BY rowid", topics):
                orjson.loads(state)
                count += 1
            elapsed = time.perf_counter() - started
            conn.close()
            return count, elapsed

        runs = [scan() for _ in range(reps)]
        result["sqlite_scan"] = {"events": runs[0][0], "seconds": [s for _, s in runs]}
    store.close()
    return result


# -- show -----------------------------------------------------------------------------------------


def inspect(args: Args) -> dict[str, Any]:
    """Counts, and the entities the show workloads ask about (from the live views)."""
    store = _open(args["url"])
    topic = _recorded_topic()
    with store.reading() as c:
        views = store.views

        def one(sql: str, params: tuple[Any, ...] = ()) -> Any:
            row = views.one(c, sql, params)
            return None if row is None else (row[0] if not isinstance(row, dict) else next(iter(row.values())))

        def ranked(kind: str) -> list[tuple[str, int]]:
            rows = views.rows(
                c,
                "SELECT i.entity AS entity, COUNT(*) AS n FROM {s}view_entity_index i "
                "JOIN {s}view_entities e ON e.entity = i.entity "
                "WHERE e.kind = ? AND e.registered = 1 GROUP BY i.entity ORDER BY n DESC, i.entity",
                (kind,),
            )
            return [(r["entity"].partition(":")[2], int(r["n"])) for r in rows]

        actors, negotiations = ranked("actor"), ranked("negotiation")
        positions = views.rows(c, "SELECT recorded FROM {s}view_timeline ORDER BY position")
        middle = positions[len(positions) // 2]["recorded"] if positions else None
        timeline = one("SELECT COUNT(*) FROM {s}view_timeline")
    total = store.app.recorder.max_notification_id() or 0
    recorded = 0
    start = 0
    while True:
        batch = store.app.recorder.select_notifications(start, 20000, topics=[topic], inclusive_of_start=False)
        if not batch:
            break
        recorded += len(batch)
        start = batch[-1].id
    store.close()
    return {
        "max_notification_id": total,
        "recorded_events": recorded,
        "timeline_rows": timeline,
        "busiest_actor": actors[0] if actors else None,
        "median_actor": actors[len(actors) // 2] if actors else None,
        "busiest_negotiation": negotiations[0] if negotiations else None,
        "actors": len(actors),
        "negotiations": len(negotiations),
        "known_at_middle": middle,
    }


def show(args: Args) -> dict[str, Any]:
    """`show` warm, in-process: each timed call catches the views up (as every read command does), then
    resolves the entity and answers (current, --as-of, --known-at, both)."""
    from chronicle.domain.dates import parse_day, parse_instant
    from chronicle.projections import queries

    store = _open(args["url"])
    store.refresh()
    reps = int(args.get("reps", 10))
    budget = float(args.get("budget", 20.0))
    results: dict[str, Any] = {}
    for target in args["targets"]:
        kind, ident, label = target["kind"], target["id"], target["label"]
        for variant in args["variants"]:
            as_of = parse_day(variant["as_of"]) if variant.get("as_of") else None
            known_at = parse_instant(variant["known_at"]) if variant.get("known_at") else None

            def answer(
                views: Any, c: Any, kind: str = kind, ident: str = ident, as_of: Any = as_of, known_at: Any = known_at
            ) -> Any:
                return queries.view_at(
                    views, c, kind, queries.resolve(views, c, kind, ident), as_of=as_of, known_at=known_at
                )

            def once() -> float:
                started = time.perf_counter()
                store.refresh()
                store.query(answer)
                return time.perf_counter() - started

            once()  # warm: caches, pages in the OS cache
            runs: list[float] = []
            spent = 0.0
            while len(runs) < reps and (spent < budget or len(runs) < 3):
                runs.append(once())
                spent += runs[-1]
            results[f"{label}/{variant['name']}"] = {"seconds": runs, "median": statistics.median(runs)}
    store.close()
    return results


TASKS: dict[str, Callable[[Args], dict[str, Any]]] = {
    "es_bulk": es_bulk,
    "es_insert": es_insert,
    "sqlite_bulk": sqlite_bulk,
    "rebuild": rebuild,
    "raw_read": raw_read,
    "inspect": inspect,
    "show": show,
}


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    result = TASKS[task](orjson.loads(raw))
    sys.stdout.buffer.write(orjson.dumps(result) + b"\n")


if __name__ == "__main__":
    main()
