"""`chronicle import acled`: record the events of an ACLED export as developments."""

from __future__ import annotations

import io
from typing import Annotated, Any

import typer

from chronicle.cli.common import (
    AsOpt,
    SigningKeyOpt,
    StoreOpt,
    bring_views_up_to_date,
    errors,
    open_writing,
    progress_bar,
    say,
)
from chronicle.cli.streams import stdin_bytes


def import_acled(
    file: Annotated[str, typer.Argument(metavar="FILE.csv", help="An ACLED export (CSV); '-' reads stdin.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be recorded; write nothing.")
    ] = False,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Skip bad rows (each listed on stderr) instead of refusing the file."),
    ] = False,
    actor_map: Annotated[
        str | None,
        typer.Option(
            "--actor-map",
            metavar="FILE.json",
            help="A JSON object of ACLED actor names to the ids of actors you already have.",
        ),
    ] = None,
    as_: AsOpt = None,
    signing_key: SigningKeyOpt = None,
    store: StoreOpt = None,
) -> None:
    """Record the events of an ACLED export as developments (all or nothing).

    Each row becomes a strike, attack or statement whose id is the row's event_id_cnty (lower-cased):
    re-importing an updated export records a correction for every row whose content changed and does
    nothing for unchanged rows. An ACLED actor named in --actor-map, or whose name is an existing
    actor's name or alias, is that actor; others are registered with ids derived from their names and
    a kind from their inter code (1 state forces and 8 external forces: military; 2-4 rebels and
    militias: armed_group; 5-7 rioters, protesters, civilians: organization). Battles and explosions
    are strikes when actor1 is state forces, else attacks; violence against civilians and riots are
    attacks; protests and strategic developments are statements. time_precision 1/2/3 gives a
    day/month/year date; notes become the summary, source the sources, fatalities the deaths;
    latitude, longitude, iso/country, admin1 and geo_precision the place. See docs/acled.md.

    A bad row is reported with its line number and the whole file is refused; with --skip-bad it is
    skipped and listed on stderr.

    Examples:

    \b
      chronicle import acled acled-iraq-2024.csv --dry-run
      chronicle import acled acled-iraq-2024.csv --skip-bad
      chronicle import acled acled-iraq-2024.csv --actor-map acled-names.json
    """
    with errors():
        from chronicle.service import importing

        names = importing.read_actor_map(actor_map) if actor_map else None

        done, skipped = importing.import_acled(
            lambda: open_writing(store),
            file,
            stdin_bytes() if file == "-" else io.BytesIO(),  # stdin is read only for "-": it may be closed
            skip_bad=skip_bad,
            dry_run=dry_run,
            checking=lambda: progress_bar("checking ACLED rows"),
            say=say,
            actor_map=names,
        )
        if done.recorded and not dry_run:
            bring_views_up_to_date(store)
        _report(file, done, skipped, dry_run=dry_run)


def _report(file: str, done: Any, skipped: list[str], *, dry_run: bool) -> None:
    counts = done.counts
    parts = [
        f"{counts['record']} new event{'s' if counts['record'] != 1 else ''}",
        f"{counts['correct']} correction{'s' if counts['correct'] != 1 else ''}",
    ]
    if counts["retract"]:
        parts.append(f"{counts['retract']} reclassified")
    parts.append(f"{counts['register']} actor{'s' if counts['register'] != 1 else ''} registered")
    parts.append(f"{done.unchanged} unchanged")
    if skipped:
        parts.append(f"{len(skipped)} skipped")
    if dry_run:
        for development, action in done.planned:
            summary = " ".join(development.summary.split())
            summary = summary if len(summary) <= 70 else summary[:69] + "\u2026"
            kind = getattr(development, "type", "")
            print(f"would {action:<8} {kind:<16} {development.id}  {development.occurred}  {summary}")
        say(f"dry run of {file}: would record {', '.join(parts)}; nothing written")
        return
    for dev_id in done.recorded:
        print(dev_id)
    say(f"imported {file}: {', '.join(parts)}")


def register(app: typer.Typer) -> None:
    importer = typer.Typer(
        name="import",
        help="Record developments from other tools' files (see `chronicle import acled --help`).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    importer.command("acled")(import_acled)
    app.add_typer(importer, name="import")
