"""`chronicle verify`: prove nobody rewrote the log, and that every view matches it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from chronicle.cli.common import JsonOpt, StoreOpt, errors, fail, open_store, print_json, progress_bar, say


def verify(
    root: Annotated[bool, typer.Option("--root", help="Print the current head as POSITION:HASH (publish it).")] = False,
    against: Annotated[
        str | None,
        typer.Option(
            "--against", metavar="POSITION:HASH", help="Prove the history up to a published head is unchanged."
        ),
    ] = None,
    json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Check the whole log and every view; exit 3 on any integrity failure.

    Every event carries a SHA-256 of its content; the log is chained in store order; every view is
    compared with a fresh fold of the log. Publish `--root` somewhere the store's admins cannot edit
    (a newsletter, a tweet, another server): `--against` then catches even an edit whose author
    recomputed every hash.

    Examples:

    \b
      chronicle verify
      chronicle verify --root                      # e.g. 212:9f2c…
      chronicle verify --against 212:9f2c…
    """
    with errors(), open_store(store) as opened:
        if root:
            position, digest = opened.root(say=say)
            if json:
                print_json({"position": position, "hash": digest})
            else:
                print(f"{position}:{digest}")
            return
        if against is not None:
            position_text, sep, expected = against.partition(":")
            if not sep or not position_text.isdigit() or len(expected) != 64:
                from chronicle.domain.errors import InvalidInput

                raise InvalidInput(f"--against {against!r}: expected POSITION:HASH (a 64-digit hex hash)")
            position = int(position_text)
            head_position, _ = opened.root(say=say)
            if position > head_position:
                from chronicle.domain.errors import InvalidInput

                raise InvalidInput(f"position {position} is beyond the current head {head_position}")
            actual, count = opened.history_hash(position)
            matches = actual == expected.lower()
            if json:
                print_json(
                    {"position": position, "expected": expected, "actual": actual, "events": count, "ok": matches}
                )
            if not matches:
                fail(f"history up to position {position} differs from the published head {position}:{expected}", 3)
            if not json:
                print(
                    f"OK: the {count} events up to position {position} are unchanged since {position}:{expected[:12]}…"
                )
            return
        with progress_bar("verifying the log and views") as progress:
            report = opened.verify(say=say, progress=progress)
        if json:
            print_json(
                {
                    "ok": report.ok,
                    "events": report.events,
                    "head": {"position": report.head_position, "hash": report.head_hash},
                    "problems": report.problems,
                }
            )
        if not report.ok:
            print(f"chronicle: error: {report.problems[0]}", file=sys.stderr)
            for problem in report.problems[1:]:
                say(problem)
            raise typer.Exit(3)
        if not json:
            print(
                f"OK: {report.events} events verified; views match the log; "
                f"head {report.head_position}:{report.head_hash}"
            )


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
