"""`chronicle validate`: check a JSON Lines file against the interchange format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from chronicle.cli.common import errors
from chronicle.cli.streams import stdin_bytes
from chronicle.domain.printable import one_line, printable


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
            report = check(stdin_bytes())
        else:
            try:
                with Path(file).open("rb") as stream:
                    report = check(stream)
            except OSError as error:
                raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
        name = "stdin" if file == "-" else file
        for problem in report.problems:
            print(f"chronicle: {printable(name)}: {one_line(problem)}", file=sys.stderr)
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
