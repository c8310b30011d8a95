"""`chronicle schema` and `chronicle template`: the interchange format, whole or one type, and an
example line of a type to edit."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.common import errors, print_json

TypeArg = Annotated[
    str,
    typer.Argument(metavar="TYPE", help="A development type, e.g. statement or figure-reported ('-' or '_')."),
]


def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="TYPE",
            help="Only this development type (e.g. figure-reported), with a complete example line.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the interchange format (one development per JSON Lines line).

    With TYPE, only that type's schema: valid on its own (with the $defs it needs), and with a complete
    example line under "examples".

    Examples:

    \b
      chronicle schema > chronicle.schema.json
      chronicle schema figure-reported
      chronicle schema statement | jq '.examples[0]'
    """
    if kind is None:
        from chronicle.domain.schemas import interchange_schema

        print_json(interchange_schema())
        return
    with errors():
        from chronicle.domain.examples import example, type_named
        from chronicle.domain.schemas import type_schema

        name = type_named(kind)
        print_json({**type_schema(name), "examples": [example(name)]})


def template(kind: TypeArg) -> None:
    """Print an example line of a development type, ready to edit and append.

    Every field is filled in, with values from the Iraq / U.S.-led coalition story of `chronicle demo`;
    change what you need and delete the optional fields you do not (`chronicle schema TYPE` says which).

    Examples:

    \b
      chronicle template statement >> story.jsonl     # then edit the new last line
      chronicle template figure-reported
      chronicle template talks-held | chronicle validate - -s sqlite:///iraq.db
    """
    with errors():
        import orjson

        from chronicle.domain.errors import InvalidInput
        from chronicle.domain.examples import example, type_named
        from chronicle.domain.problems import reserved

        name = type_named(kind)
        why = reserved(name)
        if why is not None:
            raise InvalidInput(f"no template: {why}")
        print(orjson.dumps(example(name)).decode())


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
    app.command("template")(template)
