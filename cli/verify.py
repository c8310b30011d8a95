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
            from chronicle.integrity.heads import parse_head

            check = verifying.verify_against(opened, parse_head(against, label="--against"), say=say)
            if json:
                print_json(check.as_json())
            if not check.ok:
                fail(check.message, check.exit_code)
            if not json:
                print(check.message)
            return
        with progress_bar("verifying the log and views") as progress:
            report = verifying.verify(opened, say=say, progress=progress)
        from chronicle.service.analysts import check_signatures

        signed = check_signatures(opened)
        report.problems.extend(signed.problems)
        for note in signed.notes:
            say(note)
        if json:
            print_json(
                {
                    "ok": report.ok,
                    "events": report.events,
                    "developments": report.developments,
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
                f"OK: {report.developments} developments ({report.events} stored events) verified; "
                "views match the log; "
                f"head {report.head_position}:{report.head_hash}"
            )


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
