"""`chronicle migrate`: copy a whole store between SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from chronicle.cli.common import KEY_FILE, JsonOpt, errors, print_json, progress_bar, say


def migrate(
    source: Annotated[str, typer.Option("--from", metavar="URL", help="The store to copy (left unchanged).")],
    target: Annotated[str, typer.Option("--to", metavar="URL", help="A new, empty store to copy into.")],
    json: JsonOpt = False,
) -> None:
    """Copy a whole store (every event, in order, with its chain hashes) and verify the copy.

    Examples:

    \b
      chronicle migrate --from sqlite:///iraq.db --to postgresql://chronicle@db/newsroom?schema=iraq
      chronicle migrate --from postgresql://chronicle@db/newsroom --to sqlite:///backup.db
    """
    from chronicle.service.migrate import migrate as run
    from chronicle.service.settings import parse_store_url, resolve_key
    from chronicle.service.store import Store

    with errors():
        source_settings, target_settings = parse_store_url(source), parse_store_url(target)
        if source_settings == target_settings:
            from chronicle.domain.errors import InvalidInput

            raise InvalidInput("--from and --to name the same store")
        # An encrypted store is copied as its bytes: the copy is encrypted with the same key.
        key = resolve_key(KEY_FILE[0])
        source_settings, target_settings = replace(source_settings, key=key), replace(target_settings, key=key)
        with (
            Store.open(source_settings) as src,
            Store.open(target_settings, create=True, encrypt=src.app.mapper.cipher is not None) as dst,
            progress_bar("copying events") as progress,
        ):
            result = run(src, dst, progress)
        if json:
            print_json({"events": result.events, "head": {"position": result.head_position, "hash": result.head_hash}})
        else:
            say(f"copied and verified {result.events} events into {target_settings.describe()}")
            print(f"{result.head_position}:{result.head_hash}")


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
