"""`chronicle project`: catch the views up, or run as the store's projection worker."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.common import StoreOpt, errors, open_store, say


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
            from chronicle.service.replaying import project as catch_up

            print(f"projected {catch_up(opened, say=say)} new events")
            return
        say("following the log; Ctrl-C stops")
        try:
            from chronicle.service.following import follow as follow_log

            follow_log(opened, say=say, interval=interval)
        except KeyboardInterrupt:
            say("stopped")


def register(app: typer.Typer) -> None:
    app.command("project")(project)
