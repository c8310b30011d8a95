"""`chronicle init`: create a store."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli import common
from chronicle.cli.common import AsOpt, KeyFileOpt, StoreOpt, errors, open_writing, say


def init(
    store: StoreOpt = None,
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Encrypt events and views at rest (AES-GCM); needs a key.")
    ] = False,
    key_file: KeyFileOpt = None,
    grant_read: Annotated[
        list[str] | None,
        typer.Option("--grant-read", metavar="ROLE", help="PostgreSQL: let ROLE run every read command, never append."),
    ] = None,
    grant_write: Annotated[
        list[str] | None,
        typer.Option("--grant-write", metavar="ROLE", help="PostgreSQL: let ROLE read, append and project."),
    ] = None,
    require_signatures: Annotated[
        bool,
        typer.Option("--require-signatures", help="Refuse every unsigned append from now on (recorded)."),
    ] = False,
    as_: AsOpt = None,
) -> None:
    """Create a store (idempotent: an existing store is left as it is).

    Examples:

    \b
      chronicle init                              # the default SQLite file
      chronicle init --store sqlite:///iraq.db
      chronicle key new > key && chmod 600 key && chronicle init --encrypt --key-file key
      chronicle init --store postgresql://chronicle@localhost/newsroom?schema=iraq
      chronicle init --store postgresql://chronicle@localhost/newsroom?schema=iraq --grant-read desk
    """
    if key_file:
        common.KEY_FILE[0] = key_file
    with errors():
        from chronicle.service import grants

        readers = [grants.check_role(r, "--grant-read") for r in grant_read or []]
        writers = [grants.check_role(w, "--grant-write") for w in grant_write or []]
        if readers or writers:
            from chronicle.service.settings import resolve_store

            grants.require_postgres(resolve_store(store, common.KEY_FILE[0]))  # before a SQLite file is made
        with open_writing(store, create=True, encrypt=encrypt) as opened:
            if opened.made_directory is not None:
                say(f"created directory {opened.made_directory}")
            state = "encrypted " if opened.app.mapper.cipher is not None else ""
            say(f"{state}store ready at {opened.settings.describe()}")
            for line in grants.grant(opened, readers=readers, writers=writers) if readers or writers else []:
                say(line)
            if require_signatures:
                from chronicle.service.analysts import require_signatures as require

                require(opened)
                say("this store refuses unsigned appends")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
