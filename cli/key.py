"""`chronicle key new|public`: a fresh key for an encrypted store, or an analyst's signing key."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from chronicle.cli.common import errors

key_app = typer.Typer(name="key", help="Keys for encrypted stores and for signing.", no_args_is_help=True)


@key_app.command("new")
def key_new(
    signing: Annotated[
        bool, typer.Option("--signing", help="An Ed25519 signing key for an analyst, not a store key.")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Whose signing key it is (with --signing).")
    ] = None,
) -> None:
    """Print a fresh key on stdout, for your secret manager (it is never printed again).

    Without --signing: a 256-bit key for an encrypted store. With --signing: an Ed25519 private key
    (its fingerprint on stderr); give its public half to `chronicle analyst add`.

    Examples:

    \b
      chronicle key new > chronicle.key && chmod 600 chronicle.key
      (umask 077; chronicle key new --signing --name alice > alice.key)
    """
    with errors():
        from chronicle.domain.errors import InvalidInput

        if not signing:
            if name is not None:
                raise InvalidInput("--name names a signing key: add --signing")
            from chronicle.service.settings import new_key

            print(new_key())
            return
        if name is None:
            raise InvalidInput("a signing key needs --name NAME (the analyst it is for)")
        from chronicle.service.signing import signing_key_text

        text, fingerprint = signing_key_text(name)
        sys.stdout.write(text)
        print(f"chronicle: signing key for {name}, fingerprint {fingerprint}", file=sys.stderr)


@key_app.command("public")
def key_public(
    key_file: Annotated[str, typer.Option("--key-file", metavar="FILE", help="A signing key (mode 0600).")],
) -> None:
    """Print the public half of a signing key, for `chronicle analyst add`.

    Example:

    \b
      chronicle key public --key-file alice.key > alice.pub
    """
    with errors():
        from chronicle.service.signing import public_key_text

        sys.stdout.write(public_key_text(key_file))


def register(app: typer.Typer) -> None:
    app.add_typer(key_app, name="key")
