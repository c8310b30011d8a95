"""`chronicle validate`: check a JSON Lines file against the interchange format."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from chronicle.cli.common import errors, open_store
from chronicle.cli.streams import stdin_bytes
from chronicle.domain.printable import one_line, printable


def validate(
    file: Annotated[str, typer.Argument(metavar="FILE", help="JSON Lines file of developments; '-' reads stdin.")],
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            "-s",
            metavar="URL",
            help="Also check every line as `append --file` would against this store: references, ids, "
            "corrections. Without it only the file is checked, and what it names but does not hold is "
            "taken on trust.",
        ),
    ] = None,
    max_errors: Annotated[
        int, typer.Option("--max-errors", metavar="N", min=1, help="Describe at most N bad lines.")
    ] = 20,
    auto_register: Annotated[
        bool, typer.Option("--auto-register", help="Check as `append --auto-register` would.")
    ] = False,
    allow_future: Annotated[
        bool, typer.Option("--allow-future", help="Check as `append --allow-future` would.")
    ] = False,
) -> None:
    """Check a JSON Lines file as `append --file` would, every line, writing nothing.

    Prints each problem as `line N: field: message` on stderr (for the first --max-errors bad lines,
    then how many more) and a count on stdout; exits 0 when every line would be recorded, 2 otherwise.

    Examples:

    \b
      chronicle validate story.jsonl
      chronicle validate story.jsonl --store sqlite:///iraq.db --max-errors 5
      chronicle export --format jsonl | chronicle validate -
    """
    with errors():
        from chronicle.domain.errors import InvalidInput, StoreError
        from chronicle.service.validation import validate as check

        with ExitStack() as stack:
            try:
                stream = stdin_bytes() if file == "-" else stack.enter_context(Path(file).open("rb"))
            except OSError as error:
                raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
            opened = stack.enter_context(open_store(store)) if store is not None else None
            report = check(
                stream, opened, max_errors=max_errors, auto_register=auto_register, allow_future=allow_future
            )
        name = "stdin" if file == "-" else file
        for note in report.notes:
            print(f"chronicle: {printable(name)}: {one_line(note)}", file=sys.stderr)
        for problem in report.problems:
            print(f"chronicle: {printable(name)}: {one_line(problem)}", file=sys.stderr)
        if report.unshown_lines:
            more = f"and {report.unshown_lines} more bad line{'s' if report.unshown_lines != 1 else ''}"
            print(f"chronicle: {printable(name)}: {more}", file=sys.stderr)
        valid = f"{report.valid} valid development{'s' if report.valid != 1 else ''}"
        if report.invalid_lines:
            lines = f"{report.invalid_lines} invalid line{'s' if report.invalid_lines != 1 else ''}"
            print(f"{name}: {valid}, {lines}")
            raise typer.Exit(2)
        if not report.valid:
            raise InvalidInput(f"{name}: no developments in the file")
        print(f"{name}: {valid}")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
