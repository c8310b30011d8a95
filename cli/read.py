"""Read commands: log, show, actors, negotiations. Every one catches the views up first."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from chronicle.cli.common import (
    ActorOpt,
    AsOfOpt,
    JsonOpt,
    KnownAtOpt,
    NegotiationOpt,
    StoreOpt,
    errors,
    open_store,
    parse_date,
    parse_instant,
    print_json,
    print_jsonl,
    say,
)


class Kind(StrEnum):
    actor = "actor"
    negotiation = "negotiation"


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
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """List developments in story order (when they happened, then when recorded).

    Examples:

    \b
      chronicle log --actor us --since 2024-01-01
      chronicle log --type strike --type attack --json | jq .summary
    """
    with errors():
        from chronicle.cli import render
        from chronicle.domain.developments import TYPES
        from chronicle.domain.errors import InvalidInput
        from chronicle.projections import queries

        for t in type_ or []:
            if t not in TYPES:
                raise InvalidInput(f"unknown type {t!r}: one of {', '.join(TYPES)}")
        with open_store(store) as opened:

            def chosen(views, c):  # type: ignore[no-untyped-def]
                return queries.LogFilter(
                    actor=actor and queries.resolve(views, c, "actor", actor),
                    negotiation=negotiation and queries.resolve(views, c, "negotiation", negotiation),
                    types=tuple(type_ or ()),
                    since=parse_date(since, "--since"),
                    until=parse_date(until, "--until"),
                    as_of=parse_date(as_of, "--as-of"),
                    known_at=parse_instant(known_at, "--known-at"),
                    include_retracted=include_retracted,
                    text=search,
                )

            flt = opened.query(chosen, say=say)  # caught up (healed if damaged), names resolved
            with opened.reading() as c:  # then streamed: a page of the store in memory, not the store
                entries = queries.iter_log(opened.views, c, flt)
                if json:
                    print_jsonl(e.as_json() for e in entries)
                else:
                    render.timeline(entries)


def show(
    kind: Annotated[Kind, typer.Argument(help="actor or negotiation")],
    name: Annotated[str, typer.Argument(help="Its id, an alias or its name (any case).")],
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Show the projected state of an actor or a negotiation.

    Examples:

    \b
      chronicle show actor us
      chronicle show actor "al-sudani" --as-of 2024-01-10 --json
      chronicle show negotiation coalition-exit --known-at 2024-01-05T18:00
    """
    with errors():
        from chronicle.cli import render
        from chronicle.projections import queries

        with open_store(store) as opened:

            def run(views, c):  # type: ignore[no-untyped-def]
                ident = queries.resolve(views, c, kind.value, name)
                return queries.view_at(
                    views,
                    c,
                    kind.value,
                    ident,
                    as_of=parse_date(as_of, "--as-of"),
                    known_at=parse_instant(known_at, "--known-at"),
                )

            view = opened.query(run, say=say)
        if json:
            print_json(view.model_dump(mode="json"))
        elif kind is Kind.actor:
            render.actor(view)
        else:
            render.negotiation(view)


def _lister(kind: str):  # type: ignore[no-untyped-def]
    def lister(
        as_of: AsOfOpt = None,
        known_at: KnownAtOpt = None,
        json: JsonOpt = False,
        store: StoreOpt = None,
    ) -> None:
        with errors():
            from chronicle.cli import render
            from chronicle.projections import queries

            with open_store(store) as opened:
                views = opened.query(
                    lambda v, c: (
                        queries.views_at(
                            v,
                            c,
                            kind,
                            as_of=parse_date(as_of, "--as-of"),
                            known_at=parse_instant(known_at, "--known-at"),
                        )
                        if as_of or known_at
                        else queries.list_views(v, c, kind)
                    ),
                    say=say,
                )
            if json:
                print_json([v.model_dump(mode="json") for v in views])
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
