"""`chronicle redact source ID`: forget a confidential source for good, keeping history verifiable."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from chronicle.cli.common import AsOpt, SigningKeyOpt, StoreOpt, errors, open_writing, say

redact_app = typer.Typer(name="redact", help="Destroy what a confidential source revealed.", no_args_is_help=True)


@redact_app.command("source")
def redact_source(
    source: Annotated[str, typer.Argument(help="The confidential source's id.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (recorded in the log; say no secret here).", metavar="TEXT")
    ],
    as_: AsOpt = None,
    signing_key: SigningKeyOpt = None,
    store: StoreOpt = None,
) -> None:
    """Destroy a confidential source's key: it reads as [redacted] everywhere, for good.

    The developments it supported stay in the log with their other fields; a `source_redacted` event
    records who/why/when. `verify` still passes: no recorded byte changes.

    Example:

      chronicle redact source informant-7 --reason "source asked to be protected"
    """
    with errors(), open_writing(store) as opened:
        from chronicle.service.redacting import redact_source as redact

        redaction = redact(opened, source, reason, date.today().isoformat())
        say(f"source {source!r} redacted; its key is destroyed")
        print(redaction)


def register(app: typer.Typer) -> None:
    app.add_typer(redact_app, name="redact")
