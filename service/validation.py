"""Check a JSON Lines file against the interchange format, reporting every problem of every line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson
from pydantic import ValidationError

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, TYPES
from chronicle.domain.problems import no_type, problems_of, reserved, unknown_type
from chronicle.service.interchange import MAX_LINE_BYTES, MAX_LINES, bounded_lines

MAX_PROBLEMS_PER_LINE = 20


@dataclass
class Report:
    """What `validate` found: developments that pass, and one message per problem."""

    valid: int = 0
    invalid_lines: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.invalid_lines == 0 and self.valid > 0


def line_problems(value: Any) -> list[str]:
    """Every way a decoded JSON value breaks the format, each as `field: message`."""
    if not isinstance(value, dict):
        return [f"expected a JSON object, got {type(value).__name__}"]
    kind = value.get("type")
    if kind is None:
        return [no_type()]
    if not isinstance(kind, str) or kind not in TYPES:
        return [unknown_type(kind)]
    if refused := reserved(kind):
        return [refused]
    try:
        DEVELOPMENT_ADAPTER.validate_python(value)
    except ValidationError as error:
        return problems_of(error.errors(include_url=False), kind)
    return []


def validate(stream: IO[bytes]) -> Report:
    """Check every line; nothing is recorded anywhere."""
    report = Report()
    seen: dict[str, tuple[int, bytes]] = {}
    for number, raw in _lines(stream):
        problems: list[str]
        if number > MAX_LINES:
            report.invalid_lines += 1
            report.problems.append(f"line {number}: more than {MAX_LINES} lines: split the file")
            break
        if len(raw) > MAX_LINE_BYTES:
            problems = [f"longer than {MAX_LINE_BYTES} bytes"]
        else:
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                problems = [f"malformed JSON: {str(error).splitlines()[0]}"]
            else:
                problems = line_problems(value)
                if not problems:
                    problems = _duplicate(value, number, seen)
        if problems:
            report.invalid_lines += 1
            shown = problems[:MAX_PROBLEMS_PER_LINE]
            report.problems += [f"line {number}: {p}" for p in shown]
            if len(problems) > len(shown):
                report.problems.append(f"line {number}: ... and {len(problems) - len(shown)} more")
        else:
            report.valid += 1
    return report


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their numbers, read exactly as `append` reads them."""
    return ((number, body) for number, body in bounded_lines(stream) if body.strip())


def _duplicate(value: dict[str, Any], number: int, seen: dict[str, tuple[int, bytes]]) -> list[str]:
    """The same id twice with other content: `append` would refuse the file."""
    ident = value.get("id")
    if not isinstance(ident, str):
        return []
    development = DEVELOPMENT_ADAPTER.validate_python(value)
    digest = development.content_digest().encode()
    first = seen.setdefault(ident, (number, digest))
    if first[1] != digest:
        return [f"id: {ident!r} was used on line {first[0]} for other content"]
    return []
