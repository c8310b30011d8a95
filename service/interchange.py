"""Read developments from JSON Lines with precise, numbered errors; write them back out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

import orjson
from pydantic import ValidationError

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, TYPES, Development
from chronicle.domain.errors import InvalidInput
from chronicle.domain.problems import no_type, reserved, unknown_type
from chronicle.domain.rules import BatchError, describe_validation_error
from chronicle.exports.stamp import is_stamp_line

MAX_LINE_BYTES = 1_000_000  # one line, not counting its line end
MAX_FILE_BYTES = 1_000_000_000  # a whole file or stdin; 1M typical developments are about 420 MB
MAX_LINES = 5_000_000
PAGE = 1000  # developments checked and written at a time by `append --file`


def parse_development(value: Any, where: str = "") -> Development:
    """One development from a decoded JSON value, or an InvalidInput naming the problem."""
    prefix = f"{where}: " if where else ""
    if not isinstance(value, dict):
        raise InvalidInput(f"{prefix}expected a JSON object, got {type(value).__name__}")
    kind = value.get("type")
    if kind is None:
        raise InvalidInput(f"{prefix}{no_type()}")
    if not isinstance(kind, str) or kind not in TYPES:
        raise InvalidInput(f"{prefix}{unknown_type(kind)}")
    if refused := reserved(kind):
        raise InvalidInput(f"{prefix}{refused}")
    try:
        return TYPES[kind].model_validate(value)  # the one type named: the others' schemas stay unbuilt
    except ValidationError:
        pass
    try:  # refused: worded from the union, whose complaints name the type as every other refusal does
        return DEVELOPMENT_ADAPTER.validate_python(value)
    except ValidationError as error:
        raise InvalidInput(f"{prefix}{describe_validation_error(error)}") from None


def bounded_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Every line with its number and without its line end, never reading more than one line's limit at
    a time: an endless line (`/dev/zero`) or a huge file is cut after at most MAX_LINE_BYTES (the body
    then exceeds the limit) or refused after MAX_FILE_BYTES, not read into memory whole."""
    total = 0
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 2):
        number += 1
        total += len(raw)
        if total > MAX_FILE_BYTES:
            raise InvalidInput(f"input larger than {MAX_FILE_BYTES} bytes: split it into several files")
        # A line without its end was cut at the limit (or is the last): its body is all of it.
        yield number, raw.removesuffix(b"\r\n") if raw.endswith(b"\r\n") else raw.removesuffix(b"\n")
        if not raw.endswith(b"\n") and len(raw) == MAX_LINE_BYTES + 2:
            # Cut at the limit: the rest of the line is skipped, else it would count as lines of its own.
            # Only a reader that goes on past the long line (`validate`) reads that far.
            while rest := stream.readline(MAX_LINE_BYTES + 2):
                total += len(rest)
                if rest.endswith(b"\n") or total > MAX_FILE_BYTES:
                    break


def read_jsonl(stream: IO[bytes]) -> tuple[list[Development], list[int]]:
    """Every development in a JSON Lines stream, with its line number; the first bad line raises."""
    developments: list[Development] = []
    lines: list[int] = []
    for page in jsonl_pages(stream):
        for number, development in page:
            developments.append(development)
            lines.append(number)
    return developments, lines


def jsonl_pages(
    stream: IO[bytes], size: int = PAGE, prepare: Callable[[Any, str], Any] | None = None
) -> Iterator[list[tuple[int, Development]]]:
    """The developments of a JSON Lines stream, `size` at a time, with their line numbers; the first bad
    line raises when its page is read. `prepare` may rewrite each decoded line first (names to ids)."""
    page: list[tuple[int, Development]] = []
    for number, body in bounded_lines(stream):
        if number > MAX_LINES:
            raise InvalidInput(f"more than {MAX_LINES} lines: split the file")
        if len(body) > MAX_LINE_BYTES:
            raise InvalidInput(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
        if not body.strip():
            continue
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise InvalidInput(f"line {number}: {_json_problem(body, error)}") from None
        if is_stamp_line(value):
            continue  # the head an export was made from: about the file, not a development in it
        if prepare is not None:
            try:
                value = prepare(value, f"line {number}")
            except InvalidInput as error:
                raise type(error)(f"line {number}: {error}") from None
        page.append((number, parse_development(value, f"line {number}")))
        if len(page) >= size:
            yield page
            page = []
    if page:
        yield page


def _json_problem(raw: bytes, error: orjson.JSONDecodeError) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"not valid UTF-8 (byte 0x{raw[bad.start]:02x} at column {bad.start + 1})"
    return f"malformed JSON: {str(error).splitlines()[0]}"


def at_line(error: BatchError, lines: Sequence[int]) -> InvalidInput:
    """Re-raise a batch error with the file's line number."""
    line = lines[error.index] if error.index < len(lines) else error.index + 1
    return type(error.cause)(f"line {line}: {error.cause}")


def dump_jsonl(developments: Iterable[Development]) -> Iterable[bytes]:
    for development in developments:
        yield orjson.dumps(development.model_dump(mode="json", exclude_none=True)) + b"\n"
