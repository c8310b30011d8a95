"""`chronicle key new`: a fresh key for an encrypted store."""

from __future__ import annotations

import typer

key_app = typer.Typer(name="key", help="Keys for encrypted stores.", no_args_is_help=True)


@key_app.command("new")
def key_new() -> None:
    """Print a fresh 256-bit key on stdout, for your secret manager (it is never printed again).

    Example:

      chronicle key new > chronicle.key && chmod 600 chronicle.key
    """
    from chronicle.service.settings import new_key

    print(new_key())


def register(app: typer.Typer) -> None:
    app.add_typer(key_app, name="key")
