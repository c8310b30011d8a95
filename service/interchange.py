"""Read developments from JSON Lines with precise, numbered errors; write them back out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

import orjson
from chronicle.domain.developments import DEVELOPMENT_ADAPTER, Development
from chronicle.domain.errors import InvalidInput
from chronicle.domain.rules import BatchError, describe_validation_error
from pydantic import ValidationError

MAX_LINE_BYTES = 1_000_000
MAX_LINES = 5_000_000


def parse_development(value: Any, where: str = "") -> Development:
    """One development from a decoded JSON value, or an InvalidInput naming the problem."""
    prefix = f"{where}: " if where else ""
    if not isinstance(value, dict):
        raise InvalidInput(f"{prefix}expected a JSON object, got {type(value).__name__}")
    if "type" not in value:
        raise InvalidInput(f"{prefix}missing field 'type'")
    try:
        return DEVELOPMENT_ADAPTER.validate_python(value)
    except ValidationError as error:
        raise InvalidInput(f"{prefix}{describe_validation_error(error)}") from None


def read_jsonl(stream: IO[bytes]) -> tuple[list[Development], list[int]]:
    """Every development in a JSON Lines stream, with its line number; the first bad line raises."""
    developments: list[Development] = []
    lines: list[int] = []
    for number, raw in enumerate(stream, start=1):
        if number > MAX_LINES:
            raise InvalidInput(f"more than {MAX_LINES} lines: split the file")
        if len(raw) > MAX_LINE_BYTES:
            raise InvalidInput(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
        if not raw.strip():
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise InvalidInput(f"line {number}: malformed JSON: {str(error).splitlines()[0]}") from None
        developments.append(parse_development(value, f"line {number}"))
        lines.append(number)
    return developments, lines


def at_line(error: BatchError, lines: list[int]) -> InvalidInput:
    """Re-raise a batch error with the file's line number."""
    line = lines[error.index] if error.index < len(lines) else error.index + 1
    return type(error.cause)(f"line {line}: {error.cause}")


def dump_jsonl(developments: Iterable[Development]) -> Iterable[bytes]:
    for development in developments:
        yield orjson.dumps(development.model_dump(mode="json", exclude_none=True)) + b"\n"
