"""Exchange with other tools: `import acled`, `validate` and `export`.

Thin: parse, call the service once, write. Heavy modules (csv, matplotlib, the exporters) are imported
inside the commands so that `chronicle` starts fast.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from chronicle.cli.common import (
    ActorOpt,
    AsOfOpt,
    KnownAtOpt,
    NegotiationOpt,
    StoreOpt,
    errors,
    open_store,
    parse_date,
    parse_instant,
    progress_bar,
    say,
)


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    timelinejs = "timelinejs"
    html = "html"
    png = "png"
    svg = "svg"


_SUFFIXES = {
    ".jsonl": Format.jsonl,
    ".ndjson": Format.jsonl,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".json": Format.timelinejs,
    ".html": Format.html,
    ".htm": Format.html,
    ".png": Format.png,
    ".svg": Format.svg,
}
_BINARY = (Format.png,)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    importer = typer.Typer(
        name="import",
        help="Record developments from other tools' files (see `chronicle import acled --help`).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    importer.command("acled")(import_acled)
    app.add_typer(importer, name="import")
    app.command("validate")(validate)
    app.command("export")(export)


# -- import acled ---------------------------------------------------------------------------------


def import_acled(
    file: Annotated[str, typer.Argument(metavar="FILE.csv", help="An ACLED export (CSV); '-' reads stdin.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be recorded; write nothing.")
    ] = False,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Skip bad rows (each listed on stderr) instead of refusing the file."),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Record the events of an ACLED export as developments (all or nothing).

    Each row becomes a strike, attack or statement whose id is the row's event_id_cnty (lower-cased):
    re-importing an updated export records a correction for every row whose content changed and does
    nothing for unchanged rows. Actors are registered with ids derived from their names and a kind
    from their inter code (1 state forces: military; 2-4 rebels and militias: armed_group; 5-8
    rioters, protesters, civilians, others: organization). Battles and explosions are strikes when
    actor1 is state forces, else attacks; violence against civilians and riots are attacks; protests
    and strategic developments are statements. time_precision 1/2/3 gives a day/month/year date;
    notes become the summary, source the sources, fatalities the deaths.

    A bad row is reported with its line number and the whole file is refused; with --skip-bad it is
    skipped and listed on stderr.

    Examples:

    \b
      chronicle import acled acled-iraq-2024.csv --dry-run
      chronicle import acled acled-iraq-2024.csv --skip-bad
    """
    with errors(), ExitStack() as stack:
        from chronicle.domain.errors import InvalidInput
        from chronicle.service import acled

        # Two passes, holding no more than a page of rows: the first checks every row and finds the
        # earliest naming each actor; the second plans and records page by page in one transaction.
        source = stack.enter_context(_acled_source(file))
        with source() as (stream, where), progress_bar("checking ACLED rows") as progress:
            tick = (lambda: progress(*where())) if progress is not None else None
            found = acled.scan(acled.read_csv(stream), skip_bad=skip_bad, progress=tick)
        if not found.rows and not found.skipped:
            raise InvalidInput(f"{file}: no rows after the header")
        done = acled.Imported()
        if found.rows:
            with open_store(store) as opened, opened.writing(rollback=dry_run) as session, source() as (stream, _):
                rows = acled.good_rows(acled.read_csv(stream), found.bad)
                pages = iter(lambda: list(islice(rows, 1000)), [])
                done = acled.import_pages(session, pages, found.first, skip_bad=skip_bad, keep=dry_run)
        skipped = [*found.skipped, *done.skipped]
        for problem in sorted(skipped, key=_line_of):
            say(f"skipped {problem}")
        if skipped and not done.counts and not done.unchanged:
            raise InvalidInput(f"{file}: no row could be imported ({len(skipped)} skipped)")
        _report(file, done, skipped, dry_run=dry_run)


def _line_of(problem: str) -> int:
    head = problem.removeprefix("line ").partition(":")[0]
    return int(head) if head.isdigit() else 0


Pass = tuple[Any, Callable[[], tuple[int, int]]]  # a text stream over the export, and (bytes read, size)


@contextmanager
def _acled_source(file: str) -> Iterator[Callable[[], AbstractContextManager[Pass]]]:
    """Something to open the export again for each pass: the file, or stdin copied aside (spooled to
    disk past 64 MB)."""
    import io
    import tempfile

    from chronicle.domain.errors import StoreError

    with ExitStack() as stack:
        if file == "-":
            binary: Any = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=64 * 2**20))
            shutil.copyfileobj(sys.stdin.buffer, binary)
        else:
            try:
                binary = stack.enter_context(Path(file).open("rb"))
            except OSError as error:
                raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
        size = binary.seek(0, io.SEEK_END)

        @contextmanager
        def reopened() -> Iterator[Pass]:
            binary.seek(0)
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                yield text, lambda: (binary.tell(), size)
            finally:
                text.detach()  # the bytes stay open for the next pass

        yield reopened


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


# -- validate -------------------------------------------------------------------------------------


def validate(
    file: Annotated[str, typer.Argument(metavar="FILE", help="JSON Lines file of developments; '-' reads stdin.")],
) -> None:
    """Check a JSON Lines file against the interchange format, every line, writing nothing.

    Prints each problem as `line N: field: message` on stderr and a count on stdout; exits 0 when
    every line is a valid development, 2 otherwise.

    Examples:

    \b
      chronicle validate story.jsonl
      chronicle export --format jsonl | chronicle validate -
    """
    with errors():
        from chronicle.domain.errors import InvalidInput, StoreError
        from chronicle.service.validation import validate as check

        if file == "-":
            report = check(sys.stdin.buffer)
        else:
            try:
                with Path(file).open("rb") as stream:
                    report = check(stream)
            except OSError as error:
                raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
        name = "stdin" if file == "-" else file
        for problem in report.problems:
            print(f"chronicle: {name}: {problem}", file=sys.stderr)
        valid = f"{report.valid} valid development{'s' if report.valid != 1 else ''}"
        if report.invalid_lines:
            lines = f"{report.invalid_lines} invalid line{'s' if report.invalid_lines != 1 else ''}"
            print(f"{name}: {valid}, {lines}")
            raise typer.Exit(2)
        if not report.valid:
            raise InvalidInput(f"{name}: no developments in the file")
        print(f"{name}: {valid}")


# -- export ---------------------------------------------------------------------------------------


def export(
    format_: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="jsonl (interchange format, re-importable), csv, markdown, timelinejs (TimelineJS3 JSON), "
            "html (self-contained interactive timeline), png or svg (static chart). "
            "Default: from the output file's extension.",
            case_sensitive=False,
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE", help="Where to write ('-', the default, is stdout).")
    ] = "-",
    actor: ActorOpt = None,
    negotiation: NegotiationOpt = None,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    title: Annotated[
        str | None,
        typer.Option(help="Title of the page, chart or document (not used by jsonl and csv).", metavar="TEXT"),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Export the story: re-importable JSON Lines, tables, TimelineJS, an HTML timeline, a chart.

    jsonl holds every development as first recorded, corrections and retractions included, in record
    order: `chronicle append --file` into an empty store rebuilds the same story. The other formats
    show the story as believed (corrections applied, retractions marked), in story order.

    Examples:

    \b
      chronicle export -o story.html                     # open it in a browser: no network needed
      chronicle export --format csv --actor us > us.csv
      chronicle export --format jsonl --known-at 2024-01-05T18:00 -o then.jsonl
      chronicle export --format svg --negotiation coalition-exit -o talks.svg
    """
    with errors():
        from chronicle.domain.errors import InvalidInput

        fmt = format_
        if fmt is None and output != "-":
            fmt = _SUFFIXES.get(Path(output).suffix.lower())
        if fmt is None:
            raise InvalidInput(
                "pass --format (jsonl, csv, markdown, timelinejs, html, png or svg), "
                "or an --output file with a known extension"
            )
        if output == "-" and fmt in _BINARY and sys.stdout.isatty():
            raise InvalidInput(f"refusing to write {fmt.value} to a terminal: pass -o FILE or redirect")
        from chronicle.service.exporting import Selection, export

        selection = Selection(
            actor=actor,
            negotiation=negotiation,
            as_of=parse_date(as_of, "--as-of"),
            known_at=parse_instant(known_at, "--known-at"),
            title=title,
        )
        with open_store(store) as opened:
            size = _write(output, lambda out: export(fmt.value, opened, selection, out, say=say))
        if output != "-":
            say(f"wrote {fmt.value} to {output} ({_size(size)})")


def _size(n: int) -> str:
    return f"{n} bytes" if n < 10_000 else f"{n // 1000} kB"


def _write(output: str, produce: Callable[[BinaryIO], None]) -> int:
    """Write all or nothing: a failed export leaves no partial file behind. Returns the bytes written."""
    from chronicle.domain.errors import StoreError

    if output == "-":
        sys.stdout.flush()
        produce(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return 0
    path = Path(output)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            produce(out)
            size = out.tell()
        os.replace(temporary, path)
    except OSError as error:
        raise StoreError(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)  # gone already once it replaced the file
    return size
