"""The typed subcommands of `chronicle append`, one per development type, generated from the
interchange models: their options, their help with an example, and the body they make."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chronicle.cli.common import AsOpt, SigningKeyOpt, errors

if TYPE_CHECKING:
    from pydantic import BaseModel

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


def make_command(kind: str, model: Any, markup: Any, record: Callable[..., None]) -> Any:
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
            body = _whole_numbers(model, _body(kind, values))
            _all_required_given(kind, model, body)
            record_one(body, ctx.obj, record)

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


def _whole_numbers(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """A number field that takes a whole number or a fraction is read as a float on the command line;
    `--value 2500` stays the whole number 2500, as it would be in a file."""
    for name, info in model.model_fields.items():
        value = body.get(name)
        if isinstance(value, float) and value.is_integer() and int in _number_types(info.annotation):
            body[name] = int(value)
    return body


def _number_types(annotation: Any) -> set[Any]:
    """The bare types a field's annotation admits (`Annotated` and None taken off)."""
    if typing.get_origin(annotation) is Annotated:
        return _number_types(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return {t for a in typing.get_args(annotation) if a is not type(None) for t in _number_types(a)}
    return {annotation}


def _all_required_given(kind: str, model: type[BaseModel], body: dict[str, Any]) -> None:
    """Name every required option left out at once, rather than one per try."""
    from chronicle.domain.errors import InvalidInput

    missing = [
        f"--{name.replace('_', '-')}"
        for name, info in model.model_fields.items()
        if info.is_required() and name not in body
    ]
    if missing:
        listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + f" and {missing[-1]}"
        raise InvalidInput(f"missing {listed} (`chronicle append {kind.replace('_', '-')} --help` shows an example)")


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
