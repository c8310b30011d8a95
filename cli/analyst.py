"""`chronicle analyst add|revoke`: register or revoke an analyst's public key (each itself recorded)."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.common import AsOpt, StoreOpt, errors, open_writing, say

analyst_app = typer.Typer(name="analyst", help="Analysts' signing keys in the store.", no_args_is_help=True)


@analyst_app.command("add")
def analyst_add(
    name: Annotated[str, typer.Argument(help="The analyst's name (a slug), as they record with --as.")],
    public_key: Annotated[
        str, typer.Option("--public-key", metavar="FILE", help="Their public key (`chronicle key public`).")
    ],
    as_: AsOpt = None,
    store: StoreOpt = None,
) -> None:
    """Register NAME's public key: developments they sign from now on verify. Recorded, with who added it.

    Example:

    \b
      chronicle key public --key-file alice.key > alice.pub
      chronicle analyst add alice --public-key alice.pub
    """
    from chronicle.service import analysts

    with errors(), open_writing(store) as opened:
        key = analysts.add_analyst(opened, name, public_key)
    say(f"analyst {name} has key {key}")


@analyst_app.command("revoke")
def analyst_revoke(
    name: Annotated[str, typer.Argument(help="The analyst whose key to revoke.")],
    as_: AsOpt = None,
    store: StoreOpt = None,
) -> None:
    """Revoke NAME's key: what it signed before stays valid, anything it signs later does not. Recorded.

    Example:

    \b
      chronicle analyst revoke alice
    """
    from chronicle.service import analysts

    with errors(), open_writing(store) as opened:
        key = analysts.revoke_analyst(opened, name)
    say(f"revoked analyst {name}'s key {key}")


def register(app: typer.Typer) -> None:
    app.add_typer(analyst_app, name="analyst")
