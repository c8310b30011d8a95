"""The JSON API: the CLI's `--json` answers, field for field, from the same service functions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from chronicle.domain.errors import InvalidInput
from chronicle.service import auditing, comparing, developments, reading, verifying
from chronicle.web.state import Served

DateQ = Annotated[str | None, Query(description="YYYY-MM-DD")]
InstantQ = Annotated[str | None, Query(description="ISO 8601; UTC if no offset; a date = end of day")]
KINDS = {"actors": "actor", "negotiations": "negotiation"}


def day(text: str | None, name: str) -> date | None:
    from chronicle.domain.dates import parse_day

    if text is None or text == "":
        return None
    try:
        return parse_day(text)
    except ValueError as error:
        raise InvalidInput(f"{name}: {error}") from None


def instant(text: str | None, name: str) -> datetime | None:
    from chronicle.domain.dates import parse_instant

    if text is None or text == "":
        return None
    try:
        return parse_instant(text)
    except ValueError as error:
        raise InvalidInput(f"{name}: {error}") from None


def log_filters(
    actor: str | None = None,
    negotiation: str | None = None,
    type: Annotated[list[str] | None, Query()] = None,
    search: str | None = None,
    tag: Annotated[list[str] | None, Query()] = None,
    country: str | None = None,
    near: str | None = None,
    km: float | None = None,
    include_retracted: bool = False,
    as_of: DateQ = None,
    known_at: InstantQ = None,
    recorded_at: InstantQ = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The `log` filters a request asks for, checked as the CLI checks them, as `reading.log` takes them:
    one set of parameters for the log and its density."""
    reading.check_types(type or [])
    tags, code, point = reading.check_place_filters(tag or [], country or None, near or None, km, spell=str)
    return {
        "actor": actor or None,
        "negotiation": negotiation or None,
        "types": tuple(type or ()),
        "as_of": day(as_of, "as_of"),
        "known_at": instant(known_at, "known_at"),
        "recorded_at": instant(recorded_at, "recorded_at"),
        "include_retracted": include_retracted,
        "text": search or None,
        "tags": tags,
        "country": code,
        "near": point,
        "source": source or None,
    }


LogFilters = Annotated[dict[str, Any], Depends(log_filters)]


def router(served: Served) -> APIRouter:
    api = APIRouter(prefix="/api")

    def _diff(kind: str | None, name: str | None, request: Request) -> Response:
        p = request.query_params
        a, b = comparing.points(
            day(p.get("from"), "from"),
            day(p.get("to"), "to"),
            instant(p.get("known_from"), "known_from"),
            instant(p.get("known_to"), "known_to"),
            day(p.get("as_of"), "as_of"),
            instant(p.get("known_at"), "known_at"),
            recorded_from=instant(p.get("recorded_from"), "recorded_from"),
            recorded_to=instant(p.get("recorded_to"), "recorded_to"),
            recorded_at=instant(p.get("recorded_at"), "recorded_at"),
        )
        every = p.get("all", "").lower() in ("1", "true", "yes")

        def run(store: Any) -> dict[str, Any]:
            found = auditing.diff(store, kind, name, a, b, bookkeeping=every)
            body: dict[str, Any] = {"from": a.as_json(), "to": b.as_json()}
            if kind is None:
                body["entities"] = [d.as_json() for d in found]
            else:
                body.update(found[0].as_json())
            return body

        return _json_bytes(served.remembered(asked(request), run))

    diff_params = (
        "Query: from/to (valid time), known_from/known_to (reported time) or recorded_from/recorded_to (record "
        "time); as_of, known_at and recorded_at pin the others."
    )

    @api.get("/diff", summary="Every entity that changed, as `chronicle diff --json`", description=diff_params)
    def diff_all(request: Request) -> Response:
        return _diff(None, None, request)

    @api.get("/log", summary="As `chronicle log --json` (a JSON array of its lines)")
    def log(
        filters: LogFilters,
        since: DateQ = None,
        until: DateQ = None,
        limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
    ) -> Response:
        s_, u_ = day(since, "since"), day(until, "until")

        def run(store: Any) -> list[dict[str, Any]]:
            out = []
            for entry in reading.log(store, since=s_, until=u_, **filters):
                out.append(entry.as_json())
                if len(out) >= limit:
                    break
            return out

        return _json(served.use(run))

    @api.get(
        "/log/density",
        summary="How many developments the log holds in each stretch of a window, from the index alone",
        description="For a window too full to draw: `buckets` equal stretches of [since, until], each with its "
        "count, and `total`. With a search, tags, a place, a source or a time, only the developments can answer: "
        "`buckets` is null.",
    )
    def log_density(
        request: Request,
        filters: LogFilters,
        since: str,
        until: str,
        buckets: Annotated[int, Query(ge=1, le=500)] = 60,
    ) -> Response:
        low, high = day(since, "since"), day(until, "until")
        if low is None or high is None:
            raise InvalidInput("since and until: both are needed")

        def run(store: Any) -> dict[str, Any]:
            stretches = reading.log_density(store, buckets=buckets, since=low, until=high, **filters)
            return {
                "since": since,
                "until": until,
                "buckets": None if stretches is None else [s.as_json() for s in stretches],
                "total": None if stretches is None else sum(s.count for s in stretches),
            }

        return _json_bytes(served.remembered(asked(request), run))

    @api.get("/developments/{dev_id}", summary="One development: as believed, as recorded, its revisions")
    def development(dev_id: str, known_at: InstantQ = None, recorded_at: InstantQ = None) -> dict[str, Any]:
        k, r = instant(known_at, "known_at"), instant(recorded_at, "recorded_at")

        def run(store: Any) -> dict[str, Any]:
            body = developments.development(store, dev_id, known_at=k, recorded_at=r).as_json()
            from chronicle.domain.corrections import correction_note

            shown = reading.show_development(store, dev_id, known_at=k, recorded_at=r, changes=False)
            body["times"] = shown.as_json()["times"]  # the three times, as `show development --json` gives them
            # What the page prints after the summary when a correction changed a figure but not the words.
            body["summary_note"] = correction_note(
                shown.recorded.model_dump(mode="json"), shown.current.model_dump(mode="json")
            ).strip()
            return body

        return served.use(run)

    @api.get(
        "/bounds", summary="The story's span: first and last day, of day-dated developments, reported and record times"
    )
    def bounds() -> dict[str, Any]:
        return served.use(developments.bounds)

    @api.get("/sources", summary="As `chronicle sources --json`; `limit` cuts its two lists, not their counts")
    def sources(request: Request, limit: Annotated[int | None, Query(ge=1)] = None) -> Response:
        return _json_bytes(served.remembered(asked(request), lambda s: auditing.sources(s).as_json(limit)))

    @api.get("/head", summary="As `chronicle verify --root --json`")
    def head() -> dict[str, Any]:
        position, digest = served.use(verifying.root)
        return {"position": position, "hash": digest}

    @api.post("/verify", summary="As `chronicle verify --json`: the whole log and every view")
    def verify() -> dict[str, Any]:
        report = served.use(verifying.verify)
        return {
            "ok": report.ok,
            "events": report.events,
            "head": {"position": report.head_position, "hash": report.head_hash},
            "problems": report.problems,
        }

    for kinds, kind in KINDS.items():
        _entity_routes(api, served, kinds, kind, _diff)
    return api


def _entity_routes(api: APIRouter, served: Served, kinds: str, kind: str, diff: Any) -> None:
    """The reads of one kind of entity, at /api/actors... or /api/negotiations..."""

    @api.get(f"/{kinds}", summary=f"Every {kind}, as `chronicle {kinds} --json`", operation_id=f"list_{kinds}")
    def listing(
        request: Request, as_of: DateQ = None, known_at: InstantQ = None, recorded_at: InstantQ = None
    ) -> Response:
        a, k, r = day(as_of, "as_of"), instant(known_at, "known_at"), instant(recorded_at, "recorded_at")
        times = reading.times_json(a, k, r)  # named as the CLI's --json names them

        def run(store: Any) -> list[dict[str, Any]]:
            views = reading.list_entities(store, kind, as_of=a, known_at=k, recorded_at=r)
            return [v.model_dump(mode="json") | ({"times": times} if times else {}) for v in views]

        return _json_bytes(served.remembered(asked(request), run))

    @api.get(f"/{kinds}/{{name}}", summary=f"As `chronicle show {kind} NAME --json`", operation_id=f"show_{kind}")
    def one(name: str, as_of: DateQ = None, known_at: InstantQ = None, recorded_at: InstantQ = None) -> dict[str, Any]:
        a, k, r = day(as_of, "as_of"), instant(known_at, "known_at"), instant(recorded_at, "recorded_at")
        view = served.use(lambda s: reading.show(s, kind, name, as_of=a, known_at=k, recorded_at=r))
        dumped: dict[str, Any] = view.model_dump(mode="json")
        times = reading.times_json(a, k, r)
        if times:
            dumped["times"] = times
        return dumped

    @api.get(
        f"/{kinds}/{{name}}/history",
        summary=f"As `chronicle history {kind} NAME --json`",
        operation_id=f"history_{kind}",
    )
    def history(
        request: Request,
        name: str,
        as_of: DateQ = None,
        known_at: InstantQ = None,
        recorded_at: InstantQ = None,
        all: bool = False,
    ) -> Response:
        a, k, r = day(as_of, "as_of"), instant(known_at, "known_at"), instant(recorded_at, "recorded_at")

        def run(store: Any) -> list[dict[str, Any]]:
            changes = auditing.history(store, kind, name, as_of=a, known_at=k, recorded_at=r, bookkeeping=all)
            return [c.as_json() for c in changes]

        return _json_bytes(served.remembered(asked(request), run))

    @api.get(
        f"/{kinds}/{{name}}/blame", summary=f"As `chronicle blame {kind} NAME --json`", operation_id=f"blame_{kind}"
    )
    def blame(
        request: Request,
        name: str,
        field: str | None = None,
        as_of: DateQ = None,
        known_at: InstantQ = None,
        recorded_at: InstantQ = None,
        all: bool = False,
    ) -> Response:
        a, k, r = day(as_of, "as_of"), instant(known_at, "known_at"), instant(recorded_at, "recorded_at")
        every = all or bool(field)  # a field asked for by name is shown, bookkeeping or not, as in the CLI

        def run(store: Any) -> list[dict[str, Any]]:
            lines = auditing.blame(
                store, kind, name, field or None, as_of=a, known_at=k, recorded_at=r, bookkeeping=every
            )
            return [line.as_json() for line in lines]

        return _json_bytes(served.remembered(asked(request), run))

    @api.get(f"/{kinds}/{{name}}/diff", summary=f"As `chronicle diff {kind} NAME --json`", operation_id=f"diff_{kind}")
    def diff_one(name: str, request: Request) -> Response:
        result: Response = diff(kind, name, request)
        return result


def asked(request: Request) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What a request asks, whatever the order of its query parameters: the key of a kept answer."""
    return request.url.path, tuple(sorted(request.query_params.multi_items()))


def _json_bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def _json(value: Any) -> Response:
    import orjson

    return Response(orjson.dumps(value), media_type="application/json")


__all__ = ["JSONResponse", "day", "instant", "router"]
