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
    sign: Annotated[
        str | None,
        typer.Option(
            "--sign", metavar="KEY_FILE", help="With --root: print the head as one signed JSON line (your signing key)."
        ),
    ] = None,
    export: Annotated[
        str | None,
        typer.Option(
            "--export", metavar="FILE", help="Prove an export file is what the store gave at the head it embeds."
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
      chronicle verify --root --sign alice.key > head.json   # a head anyone can check was yours
      chronicle verify --against head.json         # the history, and the head's signature
      chronicle verify --export story.html         # the page is what the story held at its head
    """
    from chronicle.service import verifying

    if export is not None:
        _verify_export(export, json=json, store=store)
        return
    if sign is not None and not root:
        fail("--sign signs the head: give it with --root", 2)
    with errors(), open_store(store) as opened:
        if root:
            position, digest = verifying.root(opened, say=say)
            if sign is not None:
                import orjson

                from chronicle.service.analysts import signed_head

                print(orjson.dumps(signed_head(position, digest, sign)).decode())
                return
            if json:
                print_json({"position": position, "hash": digest})
            else:
                print(f"{position}:{digest}")
            return
        if against is not None:
            from chronicle.integrity.heads import parse_head

            head_text = _head_text(against)
            if head_text.startswith("{"):
                from chronicle.service.analysts import check_head_signature, parse_signed_head

                statement = parse_signed_head(head_text, "--against")
                check_head_signature(opened, statement)
                head_text = f"{statement['position']}:{statement['hash']}"
            check = verifying.verify_against(opened, parse_head(head_text, label="--against"), say=say)
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


def _head_text(against: str) -> str:
    """`--against` as given: a head, a signed head's JSON line, or a file holding either."""
    from pathlib import Path

    from chronicle.domain.errors import InvalidInput

    text = against.strip()
    if text.startswith("{") or ":" in text:
        return text
    path = Path(text)
    if not path.is_file():
        raise InvalidInput(f"--against {against!r}: expected POSITION:HASH, a signed head, or a file holding one")
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {against}: {getattr(error, 'strerror', None) or error}") from None


def _verify_export(name: str, *, json: bool, store: str | None) -> None:
    """Re-export the file's format as of its embedded head, with its coordinates, and compare bytes."""
    from pathlib import Path

    from chronicle.domain.errors import InvalidInput
    from chronicle.service import provenance

    with errors():
        from chronicle.exports.stamp import SIDE_SUFFIX, find

        try:
            data = Path(name).read_bytes()
            beside = Path(name + SIDE_SUFFIX)
            side = beside.read_bytes() if find(data) is None and beside.is_file() else None
        except OSError as error:
            raise InvalidInput(f"cannot read {name}: {error.strerror or error}") from None
        provenance.read_stamp(data, label=name, side=side)  # no head: refused before the store is opened
        with open_store(store) as opened:
            check = provenance.verify_export(opened, data, label=name, say=say, side=side)
        if json:
            print_json(check.as_json())
        if not check.ok:
            fail(f"{name} is not the {check.stamp.format} export of head {check.stamp.position}: {check.difference}", 3)
        if not json:
            print(provenance.confirmation(name, check))


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
