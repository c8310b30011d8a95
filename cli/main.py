"""`chronicle`: the command-line entry point. Commands parse, call the service once, and render."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from chronicle.cli import append as append_cmd
from chronicle.cli import common, read
from chronicle.cli.common import KeyFileOpt, StoreOpt, errors, open_store, print_json, say

app = typer.Typer(
    name="chronicle",
    help=(
        "Chronicle: an event-sourced timeline of a developing story.\n\n"
        "Record developments as immutable events; read back every actor and negotiation; replay and "
        "audit how the story's state changed.\n\n"
        "Examples:\n\n"
        "\b\n"  # click prints a paragraph that starts with \b as written, never rewrapped
        "  chronicle demo                       # a demo store from the seed report\n"
        "  chronicle init --store sqlite:///iraq.db\n"
        "  chronicle append --file story.jsonl\n"
        "  chronicle log --actor us --json\n"
        "  chronicle show actor us --as-of 2024-01-10"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(append_cmd.app, name="append")
app.command("log")(read.log)
app.command("show")(read.show)
app.command("actors")(read.actors)
app.command("negotiations")(read.negotiations)

# Command groups that live in their own modules; each adds its commands to `app`.
for _module in ("replay", "audit", "integrity", "transfer", "exchange", "redact"):
    __import__(f"chronicle.cli.{_module}", fromlist=["register"]).register(app)


@app.callback()
def _options(key_file: KeyFileOpt = None) -> None:
    """Chronicle: an event-sourced timeline of a developing story."""
    common.KEY_FILE[0] = key_file


@app.command()
def init(
    store: StoreOpt = None,
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Encrypt events and views at rest (AES-GCM); needs a key.")
    ] = False,
    key_file: KeyFileOpt = None,
) -> None:
    """Create a store (idempotent: an existing store is left as it is).

    Examples:

    \b
      chronicle init                              # the default SQLite file
      chronicle init --store sqlite:///iraq.db
      chronicle key new > key && chmod 600 key && chronicle init --encrypt --key-file key
      chronicle init --store postgresql://chronicle@localhost/newsroom?schema=iraq
    """
    if key_file:
        common.KEY_FILE[0] = key_file
    with errors(), open_store(store, create=True, encrypt=encrypt) as opened:
        state = "encrypted " if opened.app.mapper.cipher is not None else ""
        say(f"{state}store ready at {opened.settings.describe()}")


key_app = typer.Typer(name="key", help="Keys for encrypted stores.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("new")
def key_new() -> None:
    """Print a fresh 256-bit key on stdout, for your secret manager (it is never printed again).

    Example:

      chronicle key new > chronicle.key && chmod 600 chronicle.key
    """
    from chronicle.service.settings import new_key

    print(new_key())


@app.command()
def schema() -> None:
    """Print the JSON Schema of the interchange format (one development per JSON Lines line).

    Example:

      chronicle schema > chronicle.schema.json
    """
    from chronicle.domain.developments import interchange_schema

    print_json(interchange_schema())


@app.command()
def demo(
    store: Annotated[
        str | None,
        typer.Option("--store", "-s", help="Where to build the demo store.", show_default=True, metavar="URL"),
    ] = "chronicle-demo.db",
) -> None:
    """Build a demo store from the seed report (Reuters, 5 Jan 2024) and print what it shows.

    Records the report's developments, then a later correction and a retraction, and prints the
    timeline, the actors, the negotiation, and what was believed before the correction.

    Example:

      chronicle demo && chronicle log --store chronicle-demo.db
    """
    from chronicle.cli import demo as demo_module

    with errors():
        demo_module.run(store)


def _named(typer_app: typer.Typer, args: list[str]) -> typer.Typer:
    """A shallow copy of `typer_app` holding only the command (or group) that `args` begin with, and in a
    group only the subcommand after it; `typer_app` itself if `args` name none of them.

    typer turns every command's signature into click parameters each time the CLI starts (36 commands,
    most of the in-process work of a single append) and a process runs one. Help of the whole CLI or of
    a group, and "No such command", come from the whole tree, so they read as always."""
    import copy

    from typer.main import get_command_name

    if not args or args[0].startswith("-"):
        return typer_app
    commands = [
        c
        for c in typer_app.registered_commands
        if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == args[0]
    ]
    groups = [copy.copy(g) for g in typer_app.registered_groups if g.name == args[0]]
    if not commands and not groups:
        return typer_app
    for group in groups:
        if isinstance(group.typer_instance, typer.Typer):
            group.typer_instance = _named(group.typer_instance, args[1:])
    slim = copy.copy(typer_app)
    slim.registered_commands, slim.registered_groups = commands, groups
    return slim


def _arguments_after_root_options(argv: list[str]) -> list[str]:
    """`argv` from the command name on, past the root's own options (`--key-file FILE`)."""
    if argv[:1] == ["--key-file"]:
        return _arguments_after_root_options(argv[2:])
    if argv[:1] and argv[0].startswith("--key-file="):
        return _arguments_after_root_options(argv[1:])
    return argv


def main() -> None:
    """Console entry point: usage errors as one line, domain errors as one line, never a traceback."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    from typer.exceptions import Abort
    from typer.main import get_command

    command = get_command(_named(app, _arguments_after_root_options(sys.argv[1:])))
    try:
        code = command.main(prog_name="chronicle", standalone_mode=False)
    except NoArgsIsHelpError as error:
        print(error.ctx.get_help() if error.ctx else error.format_message())
        code = 2
    except UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        message = " ".join(error.format_message().split())
        print(f"chronicle: error: {message}{hint}", file=sys.stderr)
        code = 2
    except ClickException as error:
        print(f"chronicle: error: {error.format_message()}", file=sys.stderr)
        code = error.exit_code
    except (Abort, KeyboardInterrupt):
        print("chronicle: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        sys.stderr.close()
        code = 1
    except Exception as error:  # the last line of defence: one line, never a traceback
        if os.environ.get("CHRONICLE_DEBUG"):
            raise
        detail = str(error).strip().splitlines()
        print(
            f"chronicle: internal error: {type(error).__name__}: {detail[0] if detail else ''} "
            "(set CHRONICLE_DEBUG=1 for details)",
            file=sys.stderr,
        )
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
