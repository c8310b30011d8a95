"""`chronicle replay` (rebuild the views, or play the story back) and `chronicle project` (the worker)."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.common import JsonOpt, StoreOpt, errors, open_store, parse_date, print_json, progress_bar, say


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
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Rebuild every view from the first event, or play the story back with --play.

    A rebuild is built aside and swapped in with one transaction: readers never see a half-built
    view, and an interrupted rebuild leaves the old views in place.

    Examples:

    \b
      chronicle replay                                  # rebuild, with a summary
      chronicle replay --play --negotiation coalition-exit
      chronicle replay --play --since 2024-01-05 --json | jq '.changes'
    """
    with errors(), open_store(store) as opened:
        from chronicle.domain.errors import InvalidInput

        if not play:
            if actor or negotiation or since or until:
                raise InvalidInput("--actor, --negotiation, --since and --until go with --play")
            with progress_bar("rebuilding views") as progress:
                summary = opened.rebuild(progress=progress)
            if json:
                print_json(
                    {
                        "events": summary.events,
                        "seconds": round(summary.seconds, 3),
                        "events_per_second": round(summary.rate),
                    }
                )
            else:
                print(
                    f"rebuilt every view from {summary.events} events in {summary.seconds:.2f} s "
                    f"({summary.rate:,.0f} events/s)"
                )
            return
        _play(opened, actor, negotiation, parse_date(since, "--since"), parse_date(until, "--until"), json)


def _play(opened, actor, negotiation, since, until, json):  # type: ignore[no-untyped-def]
    from chronicle.cli.render import CONTROL
    from chronicle.domain.errors import InvalidInput
    from chronicle.projections import queries
    from chronicle.projections.playback import play

    if actor and negotiation:
        raise InvalidInput("use --actor or --negotiation, not both")
    queries.require_order(since, until, "--since", "--until")
    opened.refresh(say=say)
    with opened.reading() as c:
        focus = None
        if actor:
            focus = f"actor:{queries.resolve(opened.views, c, 'actor', actor)}"
        elif negotiation:
            focus = f"negotiation:{queries.resolve(opened.views, c, 'negotiation', negotiation)}"
        for step in play(opened.views, c, focus=focus, since=since, until=until):
            if json:
                import orjson

                print(orjson.dumps(step.as_json()).decode())
                continue
            d = step.development
            lines = [f"{d.occurred}  {d.type}  {d.summary}  ({d.id})"]
            for key, changes in step.changes.items():
                lines += [f"    {key}  {c.field}: {_show(c.before)} -> {_show(c.after)}" for c in changes]
            print("\n".join(lines).translate(CONTROL))


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


def project(
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep running, projecting new events as they arrive.")
    ] = False,
    interval: Annotated[
        float,
        typer.Option(
            help="With --follow on SQLite: seconds between polls (PostgreSQL wakes on each new event).",
            min=0.05,
            metavar="SECONDS",
        ),
    ] = 0.5,
    store: StoreOpt = None,
) -> None:
    """Catch the views up with the log (every read command also does this first).

    With --follow it runs as the store's projection worker, for deployments where many writers append;
    it resumes where it stopped, and exactly once: the position is tracked with the rows.

    Examples:

    \b
      chronicle project
      chronicle project --follow --interval 0.2
    """
    with errors(), open_store(store) as opened:
        if not follow:
            print(f"projected {opened.refresh(say=say)} new events")
            return
        say("following the log; Ctrl-C stops")
        try:
            from chronicle.service.following import follow as follow_log

            follow_log(opened, say=say, interval=interval)
        except KeyboardInterrupt:
            say("stopped")


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
    app.command("project")(project)
