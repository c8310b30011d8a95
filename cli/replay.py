"""`chronicle replay`: rebuild the views, or play the story back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.common import (
    JsonlOpt,
    JsonOpt,
    StoreOpt,
    errors,
    one_json_form,
    open_store,
    parse_date,
    print_json,
    print_json_array,
    print_jsonl,
    progress_bar,
    say,
)

if TYPE_CHECKING:
    from chronicle.service.store import Store


def replay(
    play: Annotated[
        bool, typer.Option("--play", help="Play the story back step by step instead of rebuilding.")
    ] = False,
    actor: Annotated[
        str | None, typer.Option(help="With --play: only steps touching this actor.", metavar="ACTOR")
    ] = None,
    negotiation: Annotated[
        str | None, typer.Option(help="With --play: only steps of this negotiation.", metavar="NEGOTIATION")
    ] = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="With --play: start at this date.")] = None,
    until: Annotated[str | None, typer.Option(metavar="DATE", help="With --play: stop after this date.")] = None,
    as_reported: Annotated[
        bool,
        typer.Option(
            "--as-reported",
            help="With --play: in the order the story was reported, corrections and retractions as steps of "
            "their own, each showing what was then believed (the default plays with hindsight, in story order).",
        ),
    ] = False,
    json: JsonOpt = False,
    jsonl: JsonlOpt = False,
    store: StoreOpt = None,
) -> None:
    """Rebuild every view from the first event, or play the story back with --play.

    A rebuild is built aside and swapped in with one transaction: readers never see a half-built
    view, and an interrupted rebuild leaves the old views in place.

    Examples:

    \b
      chronicle replay                                  # rebuild, with a summary
      chronicle replay --play --negotiation coalition-exit
      chronicle replay --play --since 2024-01-05 --json | jq '.[].changes'
      chronicle replay --play --jsonl                   # one step per line, as it plays
    """
    with errors(), open_store(store) as opened:
        one_json_form(json, jsonl)
        from chronicle.domain.errors import InvalidInput
        from chronicle.service import replaying

        if not play:
            if actor or negotiation or since or until or as_reported or jsonl:
                raise InvalidInput("--actor, --negotiation, --since, --until, --as-reported and --jsonl go with --play")
            with progress_bar("rebuilding views") as progress:
                summary = replaying.rebuild(opened, progress=progress)
            if json:
                print_json(
                    {
                        "events": summary.events,
                        "developments": summary.events,  # a rebuild reads the developments' events only
                        "seconds": round(summary.seconds, 3),
                        "events_per_second": round(summary.rate),
                    }
                )
            else:
                print(
                    f"rebuilt every view from {summary.events} developments in {summary.seconds:.2f} s "
                    f"({summary.rate:,.0f} developments/s)"
                )
            return
        _play(
            opened,
            actor,
            negotiation,
            parse_date(since, "--since"),
            parse_date(until, "--until"),
            json,
            as_reported,
            jsonl,
        )


def _play(
    opened: Store,
    actor: str | None,
    negotiation: str | None,
    since: date | None,
    until: date | None,
    json: bool,
    as_reported: bool = False,
    jsonl: bool = False,
) -> None:
    from chronicle.cli.render import when
    from chronicle.domain.errors import InvalidInput
    from chronicle.domain.printable import printable
    from chronicle.projections import queries
    from chronicle.service import replaying

    if actor and negotiation:
        raise InvalidInput("use --actor or --negotiation, not both")
    queries.require_order(since, until, "--since", "--until")
    steps = replaying.play(
        opened, actor=actor, negotiation=negotiation, since=since, until=until, as_reported=as_reported, say=say
    )
    if json:
        print_json_array(step.as_json() for step in steps)
        return
    if jsonl:
        print_jsonl(step.as_json() for step in steps)
        return
    for step in steps:
        d = step.development
        lines = [f"{d.occurred}  {d.type}  {d.summary}  ({d.id})"]
        if as_reported:
            target = getattr(d, "target", None)
            about = f"  {d.type} of {target}{step.note}" if target else ""
            lines = [f"reported {when(step.reported)}  {d.occurred}  {d.type}  {d.summary}  ({d.id})" + about]
        for key, changes in step.changes.items():
            lines += [f"    {key}  {c.field}: {_show(c.before)} -> {_show(c.after)}" for c in changes]
        print("\n".join(printable(line) for line in lines))


def _show(value: object) -> str:
    """Plain words for a person: text unquoted, nothing as ∅, anything else as JSON (true, not True)."""
    if value is None:
        return "∅"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    import orjson

    return orjson.dumps(value).decode()


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
