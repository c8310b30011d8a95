"""Audit commands: history, blame, diff, sources. Each parses its flags, asks once, and renders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

import typer

from chronicle.cli.common import (
    AsOfOpt,
    JsonlOpt,
    JsonOpt,
    KnownAtOpt,
    RecordedAtOpt,
    StoreOpt,
    errors,
    one_json_form,
    open_store,
    parse_date,
    parse_instant,
    print_json,
    print_jsonl,
    say,
)
from chronicle.cli.read import Kind

KindArg = Annotated[Kind, typer.Argument(help="actor or negotiation")]
AllOpt = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Show bookkeeping too: corroboration.*, developments, first/last_development, registered_in, "
        "opened_in, and the development and sources count of each figure, position and committee.",
    ),
]
NameArg = Annotated[str, typer.Argument(help="Its id, an alias or its name (any case).")]


def _console() -> Any:
    from chronicle.cli.render import safe_console

    return safe_console()


def _value(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode()


def _sources(names: list[str]) -> str:
    return ", ".join(names) if names else "no source"


def history(
    kind: KindArg,
    name: NameArg,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    recorded_at: RecordedAtOpt = None,
    all_: AllOpt = False,
    json: JsonOpt = False,
    jsonl: JsonlOpt = False,
    store: StoreOpt = None,
) -> None:
    """Every change to an entity's state, in story order: field, before -> after, and the development
    that caused it (with its sources, and any correction or retraction recorded since).

    Retracted developments are listed too, marked: their changes are not in effect.

    Examples:

    \b
      chronicle history actor us
      chronicle history negotiation coalition-exit --known-at 2024-01-05T18:00 --json
      chronicle history actor us --jsonl | grep deaths     # one change per line
    """
    with errors():
        one_json_form(json, jsonl)
        from chronicle.cli.render import revision_mark
        from chronicle.service import auditing

        day = parse_date(as_of, "--as-of")
        moment = parse_instant(known_at, "--known-at")
        held = parse_instant(recorded_at, "--recorded-at")
        with open_store(store) as opened:
            changes = auditing.history(
                opened, kind.value, name, as_of=day, known_at=moment, recorded_at=held, bookkeeping=all_, say=say
            )
        if json:
            print_json([change.as_json() for change in changes])
            return
        if jsonl:
            print_jsonl(change.as_json() for change in changes)
            return
        from chronicle.cli.render import styled_lines

        styled_lines(_console(), _history_lines(changes, revision_mark))


def _history_lines(changes: Iterable[Any], revision_mark: Any) -> Iterator[tuple[str | None, str]]:
    from chronicle.cli.render import escape

    shown = None
    for change in changes:
        d = change.development
        if d.id != shown:
            shown = d.id
            mark = revision_mark(change.corrected_by, change.retracted_by, retracted_note=": not in effect")
            yield (
                f"[bold]{escape(d.occurred)}[/bold]  {escape(d.id)} ({d.type}){escape(mark)}",
                f"{d.occurred}  {d.id} ({d.type}){mark}",
            )
            summary = f"{d.summary} · recorded {d.recorded} by {d.recorded_by} · {_sources(d.sources)}"
            yield f"  [dim]{escape(summary)}[/dim]", f"  {summary}"
        line = f"    {change.field}: {_value(change.before)} -> {_value(change.after)}"
        if change.as_recorded != change.after:
            line += f"  (as first recorded: {_value(change.as_recorded)})"
        yield None, line


def blame(
    kind: KindArg,
    name: NameArg,
    field: Annotated[
        str | None,
        typer.Argument(help="Only this field or what is under it, e.g. figures or positions[coalition-exit]."),
    ] = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    recorded_at: RecordedAtOpt = None,
    all_: AllOpt = False,
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """For each current value of an entity, the development (and its sources) that set it.

    A value no development set is the default ("-").

    Examples:

    \b
      chronicle blame actor us
      chronicle blame actor us figures --json
    """
    with errors():
        from chronicle.service import auditing

        day = parse_date(as_of, "--as-of")
        moment = parse_instant(known_at, "--known-at")
        held = parse_instant(recorded_at, "--recorded-at")
        with open_store(store) as opened:
            lines = auditing.blame(
                opened,
                kind.value,
                name,
                field,
                as_of=day,
                known_at=moment,
                recorded_at=held,
                bookkeeping=all_ or field is not None,
                say=say,
            )
        if json:
            print_json([line.as_json() for line in lines])
            return
        _console().lines(_blame_lines(lines))


def _blame_lines(lines: list[Any]) -> Iterator[str]:
    width = max((len(line.field) for line in lines), default=0)
    for line in lines:
        c, d = line.change, line.setter
        if c is None or d is None:
            who = "-"
        else:
            who = f"{d.id} ({d.occurred}; {_sources(d.sources)}; recorded by {d.recorded_by} {d.recorded[:16]}Z)"
            if line.credited is not None:
                who += f" correcting {c.development.id}"
            elif c.corrected_by:
                who += f" corrected by {', '.join(c.corrected_by)}"
        yield f"{line.field:<{width}}  {_value(line.value)}  <- {who}"


def diff(
    kind: Annotated[Kind | None, typer.Argument(help="actor or negotiation; omit for every entity")] = None,
    name: Annotated[str | None, typer.Argument(help="Its id, an alias or its name.")] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Valid time: the world as of DATE...", metavar="DATE")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="...compared with the world as of DATE.", metavar="DATE")
    ] = None,
    known_from: Annotated[
        str | None,
        typer.Option("--known-from", help="Reported time: what was known at TIMESTAMP...", metavar="TIMESTAMP"),
    ] = None,
    known_to: Annotated[
        str | None,
        typer.Option("--known-to", help="...compared with what was known at TIMESTAMP.", metavar="TIMESTAMP"),
    ] = None,
    recorded_from: Annotated[
        str | None,
        typer.Option("--recorded-from", help="Record time: what this store held at TIMESTAMP...", metavar="TIMESTAMP"),
    ] = None,
    recorded_to: Annotated[
        str | None,
        typer.Option("--recorded-to", help="...compared with what it held at TIMESTAMP.", metavar="TIMESTAMP"),
    ] = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    recorded_at: RecordedAtOpt = None,
    all_: AllOpt = False,
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """What changed between two points, field by field: valid time (--from/--to), reported time
    (--known-from/--known-to), record time (--recorded-from/--recorded-to), or several. --known-at and
    --recorded-at pin those times for a diff along the others, and --as-of pins valid time. Without an
    entity, every entity that changed.

    Examples:

    \b
      chronicle diff actor us --from 2024-01-01 --to 2024-01-31
      chronicle diff actor us --known-from 2024-01-05T12:00 --known-to 2024-01-06
      chronicle diff --from 2024-01-01 --to 2024-02-01 --json
    """
    with errors():
        from chronicle.domain.errors import InvalidInput
        from chronicle.service import auditing, comparing

        if kind is not None and name is None:
            raise InvalidInput(f"diff {kind.value}: name the {kind.value} (or give neither kind nor name)")
        a, b = comparing.points(
            parse_date(from_, "--from"),
            parse_date(to, "--to"),
            parse_instant(known_from, "--known-from"),
            parse_instant(known_to, "--known-to"),
            parse_date(as_of, "--as-of"),
            parse_instant(known_at, "--known-at"),
            recorded_from=parse_instant(recorded_from, "--recorded-from"),
            recorded_to=parse_instant(recorded_to, "--recorded-to"),
            recorded_at=parse_instant(recorded_at, "--recorded-at"),
            spell=comparing.as_flag,
        )
        with open_store(store) as opened:
            found = auditing.diff(opened, kind.value if kind else None, name, a, b, bookkeeping=all_, say=say)
        if json:
            body: dict[str, Any] = {"from": a.as_json(), "to": b.as_json()}
            if kind is None:
                body["entities"] = [d.as_json() for d in found]
            else:
                body.update(found[0].as_json())
            print_json(body)
            return
        _render_diff(a, b, found, every=kind is None)


def _render_diff(a: Any, b: Any, found: Iterable[Any], *, every: bool) -> None:
    from chronicle.cli.render import styled_lines

    styled_lines(_console(), _diff_lines(a, b, found, every=every))


def _diff_lines(a: Any, b: Any, found: Iterable[Any], *, every: bool) -> Iterator[tuple[str | None, str]]:
    from chronicle.cli.render import escape

    yield None, f"{a.describe()} -> {b.describe()}"
    count = 0
    for d in found:
        count += 1
        presence = ""
        if d.registered == (False, True):
            presence = " (enters the story)"
        elif d.registered == (True, False):
            presence = " (leaves the story)"
        yield f"[bold]{escape(d.entity)}[/bold]{presence}", f"{d.entity}{presence}"
        if not d.changes:
            yield None, "    no change"
        for c in d.changes:
            yield None, f"    {c.field}: {_value(c.before)} -> {_value(c.after)}"
        for label, ids in (("added", d.added), ("removed", d.removed), ("revised", d.revised)):
            if ids:
                yield None, f"  developments {label}: {', '.join(ids)}"
    if every and not count:
        yield None, "no entity changed"


def sources(json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Publishers, with how many developments each supports; developments resting on a single source
    or none are flagged. Retracted developments are left out.

    Examples:

    \b
      chronicle sources
      chronicle sources --json | jq '.no_source[].id'
    """
    with errors():
        from chronicle.service import auditing

        with open_store(store) as opened:
            report = auditing.sources(opened, say=say)
        if json:
            print_json(report.as_json())
            return
        _console().lines(_source_lines(report))


def _source_lines(report: Any) -> Iterator[str]:
    yield f"{report.developments} developments in effect (retracted ones left out)"
    width = max((len(p) for p, _ in report.publishers), default=9)
    for publisher, count in report.publishers:
        yield f"  {publisher:<{width}}  {count}"
    for label, flagged in (
        ("resting on a single source", report.single_source),
        ("with no source", report.no_source),
    ):
        yield f"{len(flagged)} {label}"
        for s in flagged:
            yield f"  {s.occurred:<10}  {s.id}  ({s.type}; {_sources(s.sources)})  {s.summary}"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("history")(history)
    app.command("blame")(blame)
    app.command("diff")(diff)
    app.command("sources")(sources)
