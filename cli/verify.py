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
    from chronicle.service import verifying

    with errors(), open_store(store) as opened:
        if root:
            position, digest = verifying.root(opened, say=say)
            if json:
                print_json({"position": position, "hash": digest})
            else:
                print(f"{position}:{digest}")
            return
        if against is not None:
            from chronicle.domain.errors import InvalidInput

            try:
                position, expected = verifying.parse_head(against)
            except InvalidInput as error:
                raise InvalidInput(f"--against {error}") from None
            check = verifying.verify_against(opened, position, expected, say=say)
            if json:
                print_json(
                    {
                        "position": position,
                        "expected": expected,
                        "actual": check.actual,
                        "events": check.events,
                        "ok": check.ok,
                    }
                )
            if not check.ok:
                fail(f"history up to position {position} differs from the published head {position}:{expected}", 3)
            if not json:
                print(
                    f"OK: the {check.events} events up to position {position} are unchanged "
                    f"since {position}:{expected[:12]}…"
                )
            return
        with progress_bar("verifying the log and views") as progress:
            report = verifying.verify(opened, say=say, progress=progress)
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
