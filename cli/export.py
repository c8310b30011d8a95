"""`chronicle export`: the story as JSON Lines, tables, TimelineJS, an HTML timeline or a chart.

Heavy modules (csv, matplotlib, the exporters) are imported inside the command so that `chronicle`
starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from chronicle.cli.common import (
    ActorOpt,
    AsOfOpt,
    KnownAtOpt,
    NegotiationOpt,
    RecordedAtOpt,
    StoreOpt,
    errors,
    open_store,
    parse_date,
    parse_instant,
    say,
)

if TYPE_CHECKING:
    from chronicle.exports.stamp import Stamp


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    timelinejs = "timelinejs"
    html = "html"
    png = "png"
    svg = "svg"
    geojson = "geojson"


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
    ".geojson": Format.geojson,
}
_BINARY = (Format.png,)


def export(
    format_: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="jsonl (interchange format, re-importable), csv, markdown, timelinejs (TimelineJS3 JSON), "
            "html (self-contained interactive timeline), png or svg (static chart), "
            "geojson (a map layer: one point per placed development). "
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
    recorded_at: RecordedAtOpt = None,
    title: Annotated[
        str | None,
        typer.Option(help="Title of the page, chart or document (not used by jsonl and csv).", metavar="TEXT"),
    ] = None,
    figure: Annotated[
        str | None,
        typer.Option(
            "--figure",
            metavar="METRIC[:SCOPE]",
            help="With png or svg: chart this figure over time, one line for each actor reporting it "
            "(e.g. troops:iraq), instead of the timeline.",
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Export the story: re-importable JSON Lines, tables, TimelineJS, an HTML timeline, a chart.

    jsonl holds every development as first recorded, corrections and retractions included, in record
    order: `chronicle append --file` into an empty store rebuilds the same story. The other formats
    show the story as believed (corrections applied, retractions marked), in story order. jsonl, csv
    and geojson export a story of any size; html, markdown, timelinejs, png and svg at most 5,000
    developments (narrow a larger one, or browse it with `chronicle serve`).

    -o onto an existing file replaces it whole (never half-written); onto a symlink, writes the file it
    names and keeps the link; onto a FIFO or a device, writes to it in place; a directory is refused.

    Examples:

    \b
      chronicle export -o story.html                     # open it in a browser: no network needed
      chronicle export --format csv --actor us > us.csv
      chronicle export --format jsonl --known-at 2024-01-05T18:00 -o then.jsonl
      chronicle export --format svg --negotiation coalition-exit -o talks.svg
      chronicle export -o story.geojson                  # open it in QGIS or geojson.io
      chronicle export --figure troops:iraq -o troops.png  # U.S. troops in Iraq over time
    """
    with errors():
        from chronicle.domain.errors import InvalidInput

        fmt = format_
        if fmt is None and output != "-":
            fmt = _SUFFIXES.get(Path(output).suffix.lower())
        if fmt is None:
            raise InvalidInput(
                "pass --format (jsonl, csv, markdown, timelinejs, html, png, svg or geojson), "
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
            recorded_at=parse_instant(recorded_at, "--recorded-at"),
            figure=figure,
        )
        stamps = []
        with open_store(store) as opened:
            size = _write(output, lambda out: stamps.append(export(fmt.value, opened, selection, out, say=say)))
        if output != "-":
            say(f"wrote {fmt.value} to {output} ({_size(size)})")
        if fmt is Format.csv and output != "-" and size >= 0:
            _write_side_file(output, stamps[0])


def _write_side_file(output: str, stamp: Stamp) -> None:
    """CSV has no room for its head: it goes beside the file, for `verify --export`."""
    from chronicle.exports.stamp import SIDE_SUFFIX, side_file

    target = Path(output).resolve() if Path(output).is_symlink() else Path(output)
    beside = str(target) + SIDE_SUFFIX
    body = side_file(stamp)

    def produce(out: BinaryIO) -> None:
        out.write(body)

    _write(beside, produce)
    say(f"wrote its head {stamp.position}:{stamp.hash[:12]}… to {beside} (for chronicle verify --export)")


def _size(n: int) -> str:
    if n < 0:
        return "written in place"
    return f"{n} bytes" if n < 10_000 else f"{n // 1000} kB"


def _write(output: str, produce: Callable[[BinaryIO], None]) -> int:
    """Write all or nothing: a failed export leaves no partial file behind. Returns the bytes written
    (-1 when unknown: written to a FIFO or a device).

    A regular file is replaced whole, by a temporary file renamed over it; a symlink is written through
    (the file it names is replaced, the link kept); a FIFO or a device is written to in place, never
    replaced; a directory is refused."""
    from chronicle.domain.errors import InvalidInput, StoreError

    if output == "-":
        sys.stdout.flush()
        produce(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return 0
    path = Path(output)
    if path.is_dir():
        raise InvalidInput(f"cannot write {output}: it is a directory")
    target = path.resolve() if path.is_symlink() else path
    try:
        if target.exists() and not target.is_file():
            with target.open("wb") as out:
                produce(out)
            return -1
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as out:
                produce(out)
                size = out.tell()
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)  # gone already once it replaced the file
    except OSError as error:
        raise StoreError(f"cannot write {output}: {error.strerror or error}") from None
    return size


def register(app: typer.Typer) -> None:
    app.command("export")(export)
