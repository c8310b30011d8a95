"""The demo: the seed report, a later correction and retraction, and what the store then shows."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.common import errors, open_store, say

if TYPE_CHECKING:
    from chronicle.domain.developments import Development


def demo(
    store: Annotated[
        str | None,
        typer.Option("--store", "-s", help="Where to build the demo store.", show_default=True, metavar="URL"),
    ] = "chronicle-demo.db",
) -> None:
    """Build a demo store from the seed report (Reuters, 5 Jan 2024) and print what it shows.

    Records the report's developments, then a later correction and a retraction, and prints the
    timeline, the actors, the negotiation, and what was believed before the correction.

    Example:

      chronicle demo && chronicle log --store chronicle-demo.db
    """
    with errors():
        run(store)


def _load(name: str) -> list[Development]:
    from chronicle.service.interchange import read_jsonl

    with files("chronicle.service").joinpath("stories", name).open("rb") as stream:
        developments, _ = read_jsonl(stream)
    return developments


def run(store: str | None) -> None:
    from chronicle.cli import render
    from chronicle.projections import queries
    from chronicle.service.signing import ENV_ANALYST, Writer, resolve_writer

    console = render.safe_console()  # never wraps a line (a pipe gets whole lines), never obeys recorded text
    with open_store(store, create=True) as opened:
        opened.app.writer = resolve_writer() if os.environ.get(ENV_ANALYST) else Writer("demo")
        first = opened.append(_load("seed.jsonl"))
        later = opened.append(_load("later.jsonl"))
        say(
            f"recorded {len(first.recorded) + len(later.recorded)} developments "
            f"({len(first.unchanged) + len(later.unchanged)} already there) in {opened.settings.describe()}"
        )
        entries = opened.query(lambda v, c: queries.log(v, c, queries.LogFilter(include_retracted=True)))
        correction = next(e for e in entries if e.development.id == "strike-toll-revised")
        before = datetime.fromisoformat(correction.recorded) - timedelta(microseconds=1)
        actors = opened.query(lambda v, c: queries.list_views(v, c, "actor"))
        us = opened.query(lambda v, c: queries.current_view(v, c, "actor", "us"))
        talks = opened.query(lambda v, c: queries.current_view(v, c, "negotiation", "coalition-exit"))
        strike_then = opened.query(
            lambda v, c: queries.log(v, c, queries.LogFilter(types=("strike",), recorded_at=before))
        )
        strike_now = [e for e in entries if e.development.id == "us-strike-baghdad"]
    console.rule("Timeline (story order)")
    render.timeline(entries)
    console.rule("Actors")
    render.entity_list("actor", actors)
    console.rule("Actor: us")
    render.actor(us)
    console.rule("Negotiation: coalition-exit")
    render.negotiation(talks)
    console.rule("The Baghdad strike: what we believed before the correction, and now")
    for label, found in (("before", strike_then), ("now", strike_now)):
        deaths = getattr(found[0].development, "deaths", None) if found else None
        console.print(f"  {label:<7} deaths = {deaths}", markup=False)
    console.print()
    console.print(
        f"Explore it: chronicle log --store {opened.settings.describe()} "
        "(or show, actors, negotiations, replay --play)",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
