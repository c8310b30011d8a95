"""Read commands: log, show, actors, negotiations. Every one catches the views up first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import typer

from chronicle.cli.common import (
    ActorOpt,
    AsOfOpt,
    JsonlOpt,
    JsonOpt,
    KnownAtOpt,
    NegotiationOpt,
    RecordedAtOpt,
    StoreOpt,
    errors,
    one_json_form,
    open_store,
    parse_date,
    parse_instant,
    print_json,
    print_json_array,
    print_jsonl,
    say,
)


class Kind(StrEnum):
    actor = "actor"
    negotiation = "negotiation"


class Shown(StrEnum):
    actor = "actor"
    negotiation = "negotiation"
    development = "development"


def log(
    actor: ActorOpt = None,
    negotiation: NegotiationOpt = None,
    type_: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only this type; repeat for several.", metavar="TYPE")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Developments whose date overlaps [SINCE, UNTIL].", metavar="DATE")
    ] = None,
    until: Annotated[str | None, typer.Option(help="See --since.", metavar="DATE")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-S", help="Only developments mentioning TEXT.", metavar="TEXT")
    ] = None,
    include_retracted: Annotated[
        bool, typer.Option("--include-retracted", help="Show retracted developments too.")
    ] = False,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Only developments tagged TAG; repeat: all of them.", metavar="TAG"),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Only developments placed in this country (ISO code).", metavar="CODE")
    ] = None,
    near: Annotated[
        str | None, typer.Option(help="Only developments placed within --km of LAT,LON.", metavar="LAT,LON")
    ] = None,
    km: Annotated[float | None, typer.Option(help="The distance for --near, in kilometres.", metavar="N")] = None,
    by_analyst: Annotated[
        str | None, typer.Option("--by-analyst", help="Only developments this analyst recorded.", metavar="NAME")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(help="Only developments one of whose sources is this publisher (any case).", metavar="PUBLISHER"),
    ] = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    recorded_at: RecordedAtOpt = None,
    json: JsonOpt = False,
    jsonl: JsonlOpt = False,
    store: StoreOpt = None,
) -> None:
    """List developments in story order (when they happened, then when recorded).

    Examples:

    \b
      chronicle log --actor us --since 2024-01-01
      chronicle log --type strike --type attack --json | jq '.[].summary'
      chronicle log --jsonl | grep troops             # one development per line
      chronicle log --tag maritime --country YE
      chronicle log --near 33.3,44.4 --km 50
      chronicle log --source Reuters               # what one publisher supports
    """
    with errors():
        from chronicle.cli import render
        from chronicle.domain.analysts import check_name
        from chronicle.service import reading

        one_json_form(json, jsonl)
        reading.check_types(type_ or [])
        tags, code, point = reading.check_place_filters(tag or [], country, near, km)
        if source is not None and not source.strip():
            from chronicle.domain.errors import InvalidInput

            raise InvalidInput("--source: is empty: give a publisher's name, as `chronicle sources` lists them")
        with open_store(store) as opened:
            entries = reading.log(
                opened,
                actor=actor,
                negotiation=negotiation,
                types=tuple(type_ or ()),
                since=parse_date(since, "--since"),
                until=parse_date(until, "--until"),
                as_of=parse_date(as_of, "--as-of"),
                known_at=parse_instant(known_at, "--known-at"),
                include_retracted=include_retracted,
                text=search,
                tags=tags,
                country=code,
                near=point,
                recorded_at=parse_instant(recorded_at, "--recorded-at"),
                by_analyst=by_analyst and check_name(by_analyst, "--by-analyst"),
                source=source,
                say=say,
            )
            try:
                if json:
                    print_json_array(e.as_json() for e in entries)
                elif jsonl:
                    print_jsonl(e.as_json() for e in entries)
                else:
                    render.timeline(entries)
            finally:  # while the store is open, so a reader that stopped early leaves nothing behind
                getattr(entries, "close", lambda: None)()


def show(
    kind: Annotated[Shown, typer.Argument(help="actor, negotiation or development")],
    name: Annotated[str, typer.Argument(help="Its id, an alias or its name (any case); a development's id.")],
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    recorded_at: RecordedAtOpt = None,
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Show the projected state of an actor or a negotiation, or one development (as believed and as
    recorded, its three times, sources, corrections and retractions, and what it changed).

    Examples:

    \b
      chronicle show actor us
      chronicle show actor "al-sudani" --as-of 2024-01-10 --json
      chronicle show negotiation coalition-exit --known-at 2024-01-05T18:00
      chronicle show development us-strike-baghdad
    """
    with errors():
        from chronicle.cli import render
        from chronicle.service import reading

        day = parse_date(as_of, "--as-of")
        moment = parse_instant(known_at, "--known-at")
        held = parse_instant(recorded_at, "--recorded-at")
        if kind is Shown.development:
            _show_development(name, day, moment, held, json, store)
            return
        with open_store(store) as opened:
            view = reading.show(opened, kind.value, name, as_of=day, known_at=moment, recorded_at=held, say=say)
        if json:
            shown = view.model_dump(mode="json")
            times = reading.times_json(day, moment, held)
            if times:
                shown["times"] = times
            print_json(shown)
        elif kind is Shown.actor:
            render.actor(view)
        else:
            render.negotiation(view)


def _show_development(
    name: str, day: date | None, moment: datetime | None, held: datetime | None, json: bool, store: str | None
) -> None:
    from chronicle.cli import render
    from chronicle.service import reading

    with open_store(store) as opened:
        shown = reading.show_development(opened, name, as_of=day, known_at=moment, recorded_at=held, say=say)
    if json:
        print_json(shown.as_json())
    else:
        render.development(shown)


def _lister(kind: str) -> Callable[..., None]:
    def lister(
        as_of: AsOfOpt = None,
        known_at: KnownAtOpt = None,
        recorded_at: RecordedAtOpt = None,
        json: JsonOpt = False,
        store: StoreOpt = None,
    ) -> None:
        with errors():
            from chronicle.cli import render
            from chronicle.service import reading

            day = parse_date(as_of, "--as-of")
            moment = parse_instant(known_at, "--known-at")
            held = parse_instant(recorded_at, "--recorded-at")
            with open_store(store) as opened:
                views = reading.list_entities(
                    opened,
                    kind,
                    as_of=day,
                    known_at=moment,
                    recorded_at=held,
                    say=say,
                )
            if json:
                times = reading.times_json(day, moment, held)
                print_json([v.model_dump(mode="json") | ({"times": times} if times else {}) for v in views])
            else:
                render.entity_list(kind, views)

    lister.__doc__ = (
        f"List every {kind} with its projected state.\n\n"
        f"Examples:\n\n\b\n  chronicle {kind}s\n  chronicle {kind}s --as-of 2024-01-05 --json"
    )
    return lister


actors = _lister("actor")
negotiations = _lister("negotiation")


def register(app: typer.Typer) -> None:
    app.command("log")(log)
    app.command("show")(show)
    app.command("actors")(actors)
    app.command("negotiations")(negotiations)
