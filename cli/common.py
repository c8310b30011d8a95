"""Options every command shares, opening the store, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from chronicle.domain.printable import one_line

if TYPE_CHECKING:
    from chronicle.service.store import Store

STORE_HELP = (
    "Store URL: sqlite:///relative.db, sqlite:////absolute.db, a plain file path, or "
    "postgresql://USER@HOST/DB (with :PASSWORD, :PORT or ?schema=NAME if needed). "
    "Default: $CHRONICLE_STORE, else ~/.local/share/chronicle/chronicle.db."
)
StoreOpt = Annotated[
    str | None,
    typer.Option("--store", "-s", metavar="URL", help=STORE_HELP, envvar="CHRONICLE_STORE", show_envvar=True),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help="Print JSON Lines (one JSON object per line, as they come) instead of text.")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="State of the world as of this date (YYYY-MM-DD).", metavar="DATE"),
]
ActorOpt = Annotated[
    str | None,
    typer.Option(help="Only developments touching this actor (id, alias or name).", metavar="ACTOR"),
]
NegotiationOpt = Annotated[
    str | None, typer.Option(help="Only developments of this negotiation.", metavar="NEGOTIATION")
]
KnownAtOpt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="As reported by then: developments, corrections and retractions count from their `reported`, "
        "else their sources' earliest `published`, else when recorded (ISO 8601; UTC if no offset; a date, "
        "here and in `reported`/`published`, means the end of that day).",
        metavar="TIMESTAMP",
    ),
]
RecordedAtOpt = Annotated[
    str | None,
    typer.Option(
        "--recorded-at",
        help="Only what this store held at that moment (ISO 8601; UTC if no offset; a date = end of day).",
        metavar="TIMESTAMP",
    ),
]


def say(message: str) -> None:
    """A message for the person (stderr), never data."""
    print(f"chronicle: {message}", file=sys.stderr)


def fail(message: str, code: int) -> NoReturn:
    print(f"chronicle: error: {one_line(message)}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def errors() -> Iterator[None]:
    """Map every domain error to one line on stderr and its exit code; never a traceback."""
    from chronicle.cli.streams import OutputFailed, settle_stdout
    from chronicle.domain.errors import ChronicleError

    try:
        yield
    except OutputFailed as error:
        settle_stdout(error)  # said once, and what is left of the output dropped
        raise typer.Exit(1) from None
    except ChronicleError as error:
        fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        quiet_closed_pipe()
        raise typer.Exit(0) from None


def quiet_closed_pipe() -> None:
    """The reader stopped (`| head`) with what it wanted: later writes and the exit flush go nowhere."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


KeyFileOpt = Annotated[
    str | None,
    typer.Option(
        "--key-file",
        metavar="FILE",
        envvar="CHRONICLE_KEY_FILE",
        help="File (mode 0600) holding the key of an encrypted store; else $CHRONICLE_KEY.",
    ),
]
KEY_FILE: list[str | None] = [None]  # set by the top-level --key-file option
# `--as` and `--signing-key` as given to a command that writes (either may come before a subcommand).
WRITER: dict[str, str | None] = {"as": None, "signing_key": None}


def _remember(name: str) -> Any:
    def callback(value: str | None) -> str | None:
        if value is not None:
            WRITER[name] = value
        return value

    return callback


AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        callback=_remember("as"),
        help="Record as this analyst (a slug). Default: $CHRONICLE_ANALYST, else the database role "
        "(PostgreSQL), else your user name.",
    ),
]
SigningKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--signing-key",
        metavar="FILE",
        callback=_remember("signing_key"),
        help="Sign what is recorded with this key (mode 0600; `chronicle key new --signing`). "
        "Default: $CHRONICLE_SIGNING_KEY.",
    ),
]


def open_store(store: str | None, *, create: bool = False, encrypt: bool = False) -> Store:
    from chronicle.service.settings import resolve_store
    from chronicle.service.store import Store

    return Store.open(resolve_store(store, KEY_FILE[0]), create=create, encrypt=encrypt)


def bring_views_up_to_date(store: str | None) -> None:
    """After a bulk write, project what it recorded (a bar on a TTY), so the next read finds the views
    ready instead of projecting the whole write itself."""
    with open_store(store) as opened, progress_bar("projecting") as progress:
        opened.refresh(say=say, progress=progress)


def open_writing(store: str | None, *, create: bool = False, encrypt: bool = False) -> Store:
    """`open_store` for a command that writes: who writes, and their key, checked before the store opens."""
    from chronicle.service.signing import resolve_writer

    writer = resolve_writer(WRITER["as"], WRITER["signing_key"])
    opened = open_store(store, create=create, encrypt=encrypt)
    opened.app.writer = writer
    return opened


def parse_date(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    from chronicle.domain.dates import parse_day
    from chronicle.domain.errors import InvalidInput

    try:
        return parse_day(text)
    except ValueError as error:
        raise InvalidInput(f"{flag}: {error}") from None


def parse_instant(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    from chronicle.domain.dates import parse_instant as parse
    from chronicle.domain.errors import InvalidInput

    try:
        return parse(text)
    except ValueError as error:
        raise InvalidInput(f"{flag}: {error}") from None


def is_tty() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def print_json(value: Any) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def one_json_form(json: bool, jsonl: bool) -> None:
    from chronicle.domain.errors import InvalidInput

    if json and jsonl:
        raise InvalidInput("use --json (one document) or --jsonl (one line per item), not both")


def print_json_array(values: Any) -> None:
    """One JSON array, written item by item: a whole store's log never sits in memory at once."""
    import orjson

    out = sys.stdout
    first = True
    for value in values:
        out.write(("[\n  " if first else ",\n  ") + orjson.dumps(value).decode())
        first = False
    out.write("[]\n" if first else "\n]\n")


def print_jsonl(values: Any) -> None:
    import orjson

    out = sys.stdout
    for value in values:
        out.write(orjson.dumps(value).decode() + "\n")


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A progress callback: a rich bar on a TTY, nothing otherwise (scripts read stdout)."""
    if not is_tty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        f"[progress.description]{label}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,  # results printed meanwhile stay on stdout, not the bar's stderr
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def suggesting_group() -> type:
    """A command group that answers an unknown command with the nearest one (click names none)."""
    from typer.core import TyperGroup

    class SuggestingGroup(TyperGroup):
        def resolve_command(self, ctx: Any, args: list[str]) -> Any:
            if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
                import difflib

                close = difflib.get_close_matches(args[0], self.list_commands(ctx), n=1)
                if close:
                    fail(f"no command {args[0]!r}; did you mean {close[0]}? (see `{ctx.command_path} --help`)", 2)
            return super().resolve_command(ctx, args)

    return SuggestingGroup
