"""`chronicle`: the command-line entry point. Commands parse, call the service once, and render."""

from __future__ import annotations

import os
import sys
import typing

import typer

from chronicle.cli import (
    analyst,
    append,
    audit,
    common,
    demo,
    export,
    import_,
    init,
    key,
    migrate,
    project,
    read,
    redact,
    replay,
    schema,
    serve,
    validate,
    verify,
)
from chronicle.cli.coercion import defer_unset_options
from chronicle.cli.common import KeyFileOpt, suggesting_group

defer_unset_options()

app = typer.Typer(
    name="chronicle",
    cls=suggesting_group(),
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
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Every command module adds its commands to `app`, in the order `--help` lists them.
append.register(app)
read.register(app)
replay.register(app)
project.register(app)
audit.register(app)
verify.register(app)
migrate.register(app)
import_.register(app)
validate.register(app)
export.register(app)
redact.register(app)
init.register(app)
key.register(app)
analyst.register(app)
schema.register(app)
demo.register(app)
serve.register(app)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"chronicle {version('chronicle')}")
        raise typer.Exit()


@app.callback()
def _options(
    key_file: KeyFileOpt = None,
    _version: typing.Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Chronicle: an event-sourced timeline of a developing story."""
    common.KEY_FILE[0] = key_file
    common.WRITER.update({"as": None, "signing_key": None})


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

    from chronicle.cli.streams import OutputFailed, guard_stdout, settle_stdout

    guard_stdout()
    command = get_command(_named(app, _arguments_after_root_options(sys.argv[1:])))
    try:
        code = command.main(prog_name="chronicle", standalone_mode=False)
        settle_stdout()  # a closed pipe shows here, not at exit, where it could not be caught
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
        common.quiet_closed_pipe()
        code = 0
    except OutputFailed as error:
        settle_stdout(error)
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
    if not settle_stdout():
        code = code or 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
