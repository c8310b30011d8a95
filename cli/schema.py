"""`chronicle schema`: the JSON Schema of the interchange format."""

from __future__ import annotations

import typer

from chronicle.cli.common import print_json


def schema() -> None:
    """Print the JSON Schema of the interchange format (one development per JSON Lines line).

    Example:

      chronicle schema > chronicle.schema.json
    """
    from chronicle.domain.developments import interchange_schema

    print_json(interchange_schema())


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
