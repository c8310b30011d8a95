"""`chronicle append`: one typed subcommand per development type, or many from JSON Lines."""

from __future__ import annotations

import inspect
import sys
import types
import typing
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
                self.commands[name] = _make_command(name, TYPES[name], self.rich_markup_mode)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            import difflib

            known = self.list_commands(ctx)
            close = difflib.get_close_matches(args[0].replace("-", "_"), known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; one of: {', '.join(known)}"
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
        int, typer.Option("--max-errors", metavar="N", min=1, help="With --file, describe at most N bad lines.")
    ] = 20,
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

        every_bad_line = partial(_say_every_bad_line, file, store, auto_register, allow_future, max_errors)
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


# -- one subcommand per type, generated from the interchange models ---------------------------

_COMMON_SKIP = {"type", "sources", "changes", "deadlines"}


def _option_type(annotation: Any) -> tuple[Any, bool]:
    """The CLI type for a model field, and whether the option repeats."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _option_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        bare = {typing.get_args(a)[0] if typing.get_origin(a) is Annotated else a for a in args}
        if bare == {int, float}:
            return float, False
        return _option_type(args[0])
    if origin is list:
        return list[str], True
    if annotation in (int, float):
        return annotation, False
    return str, False


def _choices(annotation: Any) -> list[str] | None:
    """The allowed values of an enum-typed field, if it is one."""
    import enum

    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(member.value) for member in annotation]
    return None


def _metavar(name: str, cli_type: Any, choices: list[str] | None) -> str:
    if choices:
        return name.upper()
    if name in ("occurred", "as_of", "published", "due"):
        return "DATE"
    if cli_type in (int, float):
        return "N"
    if name in ("summary", "text", "reason", "mandate", "terms", "outcome", "subject", "stated_reason"):
        return "TEXT"
    return "ID" if name not in ("name", "title", "location", "metric", "milestone", "aliases") else "TEXT"


def _make_command(kind: str, model: Any, markup: Any) -> Any:
    params = []
    for name, info in model.model_fields.items():
        if name in _COMMON_SKIP:
            continue
        cli_type, repeats = _option_type(info.annotation)
        flag = "--" + name.replace("_", "-")
        notes = [(info.description or "").strip()]
        if repeats:
            notes.append("repeat for several")
        choices = _choices(info.annotation)
        if choices:
            default = info.default.value if hasattr(info.default, "value") else None
            named = [f"{c} (default)" if c == default else c for c in choices]
            notes.append("one of " + ", ".join(named))
        if info.is_required():
            notes.append("required")
        help_text = "; ".join(n for n in notes if n) or None
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    cli_type | None, typer.Option(flag, help=help_text, metavar=_metavar(name, cli_type, choices))
                ],
            )
        )
    extra = {
        "source": (
            list[str] | None,
            typer.Option("--source", metavar="PUBLISHER", help="Publisher of a source; repeat for several."),
        ),
        "url": (str | None, typer.Option("--url", help="URL of the (first) source.", metavar="URL")),
        "title": (str | None, typer.Option("--title-of-source", help="Title of the (first) source.", metavar="TEXT")),
        "author": (
            list[str] | None,
            typer.Option("--author", metavar="NAME", help="Author of the (first) source; repeat."),
        ),
        "published": (
            str | None,
            typer.Option("--published", help="When the (first) source was published.", metavar="DATE"),
        ),
    }
    if kind == "correction":
        extra["set_"] = (
            list[str] | None,
            typer.Option(
                "--set", metavar="FIELD=VALUE", help="FIELD=VALUE to change (VALUE as JSON if it parses); repeat."
            ),
        )
    if kind == "agreement_reached":
        extra["deadline"] = (
            list[str] | None,
            typer.Option("--deadline", metavar="MILESTONE@DATE", help="MILESTONE@YYYY-MM-DD; repeat for several."),
        )
    for name, (annotation, option) in extra.items():
        if name in model.model_fields and name not in _COMMON_SKIP:
            continue
        params.append(
            inspect.Parameter(
                f"x_{name}",
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[annotation, option],
            )
        )

    for name, annotation in (("w_as", AsOpt), ("w_signing_key", SigningKeyOpt)):  # given after the type too
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation))

    def command(ctx: typer.Context, **values: Any) -> None:
        from chronicle.cli.names import record_one

        values.pop("w_as", None)
        values.pop("w_signing_key", None)

        with errors():
            record_one(_body(kind, values), ctx.obj, record)

    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context), *params]
    )
    from typer.main import get_command_from_info
    from typer.models import CommandInfo

    doc = (model.__doc__ or kind).strip().splitlines()[0] + "\n\nExample:\n\n\b\n" + example_invocation(kind)
    info = CommandInfo(kind, callback=command, help=doc, rich_help_panel="Development types", no_args_is_help=True)
    return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=markup)


def _shell_word(text: str) -> str:
    """`text` as one shell word: bare when plain, else in double quotes (an apostrophe stays readable)."""
    import re

    if re.fullmatch(r"[A-Za-z0-9@%+=:,./_-]+", text):
        return text
    return '"' + re.sub(r'(["$`\\])', r"\\\1", text) + '"'


def example_invocation(kind: str, width: int = 74) -> str:
    """The typed append of `kind`'s example line (`chronicle template`), its required options and its first
    source, as help shows it: lines of at most `width` characters, continued with a backslash."""
    from chronicle.domain.developments import TYPES
    from chronicle.domain.examples import example
    from chronicle.domain.problems import RECORDED_BY_CHRONICLE

    line = example(kind)
    if kind in RECORDED_BY_CHRONICLE:
        return f"  {RECORDED_BY_CHRONICLE[kind]} {line['source']}    # recorded only by this command"
    words = ["chronicle", "append", kind.replace("_", "-")]
    for name, info in TYPES[kind].model_fields.items():
        if name in ("occurred", "summary") or (info.is_required() and name not in _COMMON_SKIP):
            words.append(f"--{name.replace('_', '-')} {_shell_word(str(line[name]))}")
    for field, value in line.get("changes", {}).items():
        import orjson

        shown = value if isinstance(value, str) else orjson.dumps(value).decode()  # as --set reads it back
        words.append(f"--set {_shell_word(field + '=' + shown)}")
    for deadline in line.get("deadlines", []) if kind == "agreement_reached" else []:
        words.append(f"--deadline {_shell_word(deadline['milestone'] + '@' + deadline['due'])}")
    words.append(f"--source {_shell_word(line['sources'][0]['publisher'])}")
    lines = ["  " + words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) + 2 > width:
            lines[-1] += " \\"
            lines.append("      " + word)
        else:
            lines[-1] += " " + word
    return "\n".join(lines)


def _body(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    import orjson

    from chronicle.domain.errors import InvalidInput

    body: dict[str, Any] = {"type": kind}
    for name, value in values.items():
        if name.startswith("x_") or value is None or value == []:
            continue
        body[name] = value
    publishers = values.get("x_source") or []
    if publishers:
        sources: list[dict[str, Any]] = [{"publisher": p} for p in publishers]
        first = sources[0]
        for key, field in (("url", "x_url"), ("title", "x_title"), ("published", "x_published")):
            if values.get(field):
                first[key] = values[field]
        if values.get("x_author"):
            first["authors"] = values["x_author"]
        body["sources"] = sources
    elif any(values.get(f) for f in ("x_url", "x_title", "x_author", "x_published")):
        raise InvalidInput("--url, --title-of-source, --author and --published need --source PUBLISHER")
    if kind == "correction":
        changes: dict[str, Any] = {}
        for item in values.get("x_set_") or []:
            field, sep, raw = item.partition("=")
            if not sep or not field:
                raise InvalidInput(f"--set {item!r}: expected FIELD=VALUE")
            try:
                changes[field] = orjson.loads(raw)
            except orjson.JSONDecodeError:
                changes[field] = raw
        body["changes"] = changes
    if kind == "agreement_reached":
        deadlines = []
        for item in values.get("x_deadline") or []:
            milestone, sep, due = item.rpartition("@")
            if not sep or not milestone:
                raise InvalidInput(f"--deadline {item!r}: expected MILESTONE@YYYY-MM-DD")
            deadlines.append({"milestone": milestone, "due": due})
        body["deadlines"] = deadlines
    return body


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="append")
