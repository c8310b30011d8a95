"""`chronicle append`: one typed subcommand per development type, or many from JSON Lines."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from chronicle.cli.common import (
    AsOpt,
    SigningKeyOpt,
    StoreOpt,
    bring_views_up_to_date,
    errors,
    fail,
    open_store,
    open_writing,
    progress_bar,
    say,
)
from chronicle.cli.streams import stdin_bytes
from chronicle.projections.gcpause import paused_gc

EXAMPLES = """
Examples:

\b
  chronicle append strike --occurred 2024-01-04 --by us --targets iran-aligned-groups \\
      --location Baghdad --killed militia-leader --summary "U.S. strike in Baghdad" --source Reuters
  chronicle append --file story.jsonl          # many, all or nothing
  cat story.jsonl | chronicle append --file -
"""

# click's UsageError (typer vendors click in recent versions): found without a private import.
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """A mistyped option or value is refused like any bad input: one line on stderr, exit 2."""
    try:
        yield
    except _UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # no arguments at all: the help, as before
            raise
        message: Any = error
        fail(message.format_message(), 2)


class _AppendGroup(TyperGroup):
    """The typed subcommands are built when asked for, so a process builds only the one it runs (and
    `--help` all of them): each means a pydantic model read and a typer signature turned into options."""

    def list_commands(self, ctx: Any) -> list[str]:
        from chronicle.domain.developments import TYPES

        return [*self.commands, *(kind for kind in TYPES if kind not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        # A type is spelt with underscores in files; a dash is as easy to type and reads as the same.
        name = cmd_name.replace("-", "_")
        if name not in self.commands:
            from chronicle.domain.developments import TYPES

            if name in TYPES:
                from chronicle.cli.typed import make_command

                self.commands[name] = make_command(name, TYPES[name], self.rich_markup_mode, record)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            from chronicle.domain.examples import types_like

            known = self.list_commands(ctx)
            close = types_like(args[0], known)
            hint = f"; did you mean {' or '.join(close)}?" if close else f"; one of: {', '.join(known)}"
            fail(f"no development type {args[0]!r}{hint}", 2)
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with _one_line_usage_errors():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_usage_errors():  # the typed subcommands parse their options in here
            return super().invoke(ctx)


app = typer.Typer(
    name="append",
    cls=_AppendGroup,
    help="Record developments: one with a typed subcommand, or many with --file." + EXAMPLES,
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)

AutoOpt = Annotated[
    bool,
    typer.Option("--auto-register", help="Register unknown actor ids as organizations (and say so)."),
]
FutureOpt = Annotated[
    bool,
    typer.Option(
        "--allow-future",
        help="Record a development that occurred, was reported or published after now (refused otherwise).",
    ),
]


def record(
    developments: list[Any], lines: list[int] | None, store: str | None, auto: bool, future: bool = False
) -> None:
    report(record_pages([developments], lines, store, auto, future))


def record_pages(
    pages: Iterable[list[Any]], lines: Sequence[int] | None, store: str | None, auto: bool, future: bool = False
) -> Any:
    """Record every page in one transaction; `lines` (filled as the pages are read) numbers the errors."""
    from chronicle.domain.rules import BatchError
    from chronicle.service.interchange import at_line

    with open_writing(store) as opened:
        try:
            return opened.append_pages(pages, auto_register=auto, allow_future=future)
        except BatchError as error:
            if lines is not None:
                raise at_line(error, lines) from None
            raise error.cause from None


def report(plan: Any) -> None:
    """The ids recorded (stdout) and what else happened (stderr)."""
    for note in plan.notes:
        say(note)
    for dev_id in plan.recorded:
        print(dev_id)
    for dev_id in plan.unchanged:
        print(dev_id)
    done = len(plan.recorded)
    say(f"recorded {done} development{'' if done == 1 else 's'}, {len(plan.unchanged)} already present")


@app.callback()
def append(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Option("--file", "-f", help="JSON Lines file of developments ('-' reads stdin).", metavar="FILE"),
    ] = None,
    auto_register: AutoOpt = False,
    allow_future: FutureOpt = False,
    max_errors: Annotated[
        str,  # text, parsed below: an int option would load typer's converters on every append
        typer.Option("--max-errors", metavar="N", help="With --file, describe at most N bad lines (default 20)."),
    ] = "20",
    as_: AsOpt = None,
    signing_key: SigningKeyOpt = None,
    store: StoreOpt = None,
) -> None:
    """Record developments: one with a typed subcommand, or many with --file."""
    if ctx.invoked_subcommand is not None:
        if file is not None:
            with errors():
                from chronicle.domain.errors import InvalidInput

                raise InvalidInput("use either --file or a typed subcommand, not both")
        ctx.obj = {"auto_register": auto_register, "allow_future": allow_future, "store": store}
        return
    if file is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    with errors(), paused_gc():
        from chronicle.cli.names import record_file_by_name

        if not max_errors.isdigit() or int(max_errors) < 1:
            from chronicle.domain.errors import InvalidInput

            raise InvalidInput(f"--max-errors {max_errors!r}: expected a whole number, at least 1")
        every_bad_line = partial(_say_every_bad_line, file, store, auto_register, allow_future, int(max_errors))
        plan = record_file_by_name(file, store, auto_register, allow_future, _record_file, every_bad_line)
    if plan.recorded:
        with errors():
            bring_views_up_to_date(store)
    report(plan)


def _record_file(
    file: str, store: str | None, auto_register: bool, allow_future: bool = False, prepare: Any = None
) -> Any:
    """Read, check and write the file a page at a time (a bar on a TTY, gone before the ids print)."""
    with ExitStack() as stack:
        from chronicle.domain.errors import InvalidInput, StoreError
        from chronicle.service.interchange import jsonl_pages

        try:
            stream = stdin_bytes() if file == "-" else stack.enter_context(Path(file).open("rb"))
        except OSError as error:
            raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
        lines = array("q")  # line numbers, for errors: 8 bytes a development
        size = None if file == "-" else Path(file).stat().st_size
        progress = stack.enter_context(progress_bar("recording")) if size else None

        def pages() -> Iterator[list[Any]]:
            # Read as the append goes: one page in memory, the whole file in one transaction.
            try:
                for page in jsonl_pages(stream, prepare=prepare):
                    lines.extend(number for number, _ in page)
                    yield [development for _, development in page]
                    if progress is not None and size:
                        progress(stream.tell(), size)
            except OSError as error:
                raise StoreError(f"cannot read {file}: {error.strerror or error}") from None
            if not lines:
                raise InvalidInput(f"{file}: no developments in the file")

        return record_pages(pages(), lines, store, auto_register, allow_future)


def _say_every_bad_line(file: str, store: str | None, auto_register: bool, allow_future: bool, max_errors: int) -> None:
    """A refused file is read once more with `validate`'s checks, so that every bad line is said (up to
    `max_errors`, then how many more), not only the first; one bad line keeps the refusal as it was."""
    from chronicle.domain.errors import ChronicleError
    from chronicle.domain.printable import one_line
    from chronicle.service.validation import validate as check

    if file != "-" and not Path(file).is_file():
        return
    try:
        with ExitStack() as stack:
            stream = stdin_bytes() if file == "-" else stack.enter_context(Path(file).open("rb"))
            opened = stack.enter_context(open_store(store))
            report = check(
                stream, opened, max_errors=max_errors, auto_register=auto_register, allow_future=allow_future
            )
    except (ChronicleError, OSError):
        return  # the first refusal still stands, and says enough
    if report.invalid_lines < 2:
        return
    for problem in report.problems:
        print(f"chronicle: error: {one_line(problem)}", file=sys.stderr)
    if report.unshown_lines:
        more = f"and {report.unshown_lines} more bad line{'s' if report.unshown_lines != 1 else ''}"
        print(f"chronicle: error: {more}", file=sys.stderr)
    raise typer.Exit(2)


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="append")
