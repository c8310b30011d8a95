"""Check a JSON Lines file against the interchange format, reporting every problem of every line."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, TYPES, Development
from chronicle.domain.errors import InvalidInput, UnknownReference
from chronicle.domain.problems import no_type, problems_of, reserved, unknown_type
from chronicle.domain.revisions import DevelopmentState
from chronicle.domain.rules import check_each
from chronicle.exports.stamp import KEY as STAMP_KEY
from chronicle.exports.stamp import is_stamp_line
from chronicle.service.failures import translate
from chronicle.service.interchange import MAX_LINE_BYTES, MAX_LINES, bounded_lines
from chronicle.service.writing import utc_now

if TYPE_CHECKING:
    from chronicle.service.store import Store

MAX_PROBLEMS_PER_LINE = 20
MAX_BAD_LINES = 20


@dataclass
class Report:
    """What `validate` found: developments that pass, and one message per problem."""

    valid: int = 0
    invalid_lines: int = 0
    problems: list[str] = field(default_factory=list)
    unshown_lines: int = 0  # bad lines past `max_errors`, counted but not described
    notes: list[str] = field(default_factory=list)  # names resolved to ids, as `append` says them

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


def validate(
    stream: IO[bytes],
    store: Store | None = None,
    *,
    max_errors: int = MAX_BAD_LINES,
    auto_register: bool = False,
    allow_future: bool = False,
) -> Report:
    """Check every line by the format, then by the rules of an append against `store` and the lines
    before it (without a store, references to what the file does not hold are taken on trust); nothing
    is recorded anywhere. Problems are described for the first `max_errors` bad lines."""
    found: dict[int, list[str]] = {}
    passed: list[tuple[int, Development]] = []
    seen: dict[str, tuple[int, bytes]] = {}
    resolver = _resolver(store, auto_register)
    for number, raw in _lines(stream):
        if number > MAX_LINES:
            found[number] = [f"more than {MAX_LINES} lines: split the file"]
            break
        try:
            raw = _named(raw, number, resolver)
        except InvalidInput as unresolved:
            found[number] = [str(unresolved)]
            continue
        problems = _format_problems(raw)
        if not problems:
            development = DEVELOPMENT_ADAPTER.validate_python(orjson.loads(raw))
            problems = _duplicate(development, number, seen)
            if not problems:
                passed.append((number, development))
        if problems:
            found[number] = problems
    lookup: Any = store.app if store is not None else _Nothing()
    with translate(store.settings) if store is not None else nullcontext():
        refused = check_each(
            [d for _, d in passed], lookup, auto_register=auto_register, allow_future=allow_future, now=utc_now
        )
    for index, error in refused:
        if store is None and isinstance(error, UnknownReference):
            continue
        found[passed[index][0]] = [str(error)]
    report = Report(valid=sum(1 for number, _ in passed if number not in found), invalid_lines=len(found))
    report.notes = resolver.notes if resolver is not None else []
    for shown, number in enumerate(sorted(found)):
        if shown >= max_errors:
            report.unshown_lines = len(found) - max_errors
            break
        problems = found[number]
        report.problems += [f"line {number}: {p}" for p in problems[:MAX_PROBLEMS_PER_LINE]]
        if len(problems) > MAX_PROBLEMS_PER_LINE:
            report.problems.append(f"line {number}: ... and {len(problems) - MAX_PROBLEMS_PER_LINE} more")
    return report


def _resolver(store: Store | None, auto_register: bool) -> Any:
    """Names where ids are asked resolve against the store, as in `append --file`; without one, not at all."""
    if store is None:
        return None
    from chronicle.service.naming import Resolver, names_in_store

    return Resolver(names_in_store(store), auto_register=auto_register)


def _named(raw: bytes, number: int, resolver: Any) -> bytes:
    """The line with the names in its referring fields replaced by ids (unchanged when none is a name)."""
    if resolver is None or len(raw) > MAX_LINE_BYTES:
        return raw
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    if not isinstance(value, dict) or not isinstance(value.get("type"), str) or value["type"] not in TYPES:
        return raw
    resolved = resolver(value, f"line {number}")
    return raw if resolved == value else orjson.dumps(resolved)


def stamp_line(body: bytes) -> bool:
    """Whether a line is an export's embedded head (`exports.stamp`): data about the file, not a development."""
    if not body.startswith(b'{"' + STAMP_KEY.encode()):
        return False
    try:
        return is_stamp_line(orjson.loads(body))
    except orjson.JSONDecodeError:
        return False


def _format_problems(raw: bytes) -> list[str]:
    if len(raw) > MAX_LINE_BYTES:
        return [f"longer than {MAX_LINE_BYTES} bytes"]
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return [f"malformed JSON: {str(error).splitlines()[0]}"]
    return line_problems(value)


class _Nothing:
    """The lookup of no store: the file alone is checked."""

    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]:
        return {}

    def existing_actors(self, ids: Sequence[str]) -> set[str]:
        return set()

    def existing_negotiations(self, ids: Sequence[str]) -> set[str]:
        return set()


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their numbers, read exactly as `append` reads them (an export's stamp skipped)."""
    return ((number, body) for number, body in bounded_lines(stream) if body.strip() and not stamp_line(body))


def _duplicate(development: Development, number: int, seen: dict[str, tuple[int, bytes]]) -> list[str]:
    """The same id twice with other content: `append` would refuse the file."""
    ident = development.id
    if ident is None:
        return []
    digest = development.content_digest().encode()
    first = seen.setdefault(ident, (number, digest))
    if first[1] != digest:
        return [f"id: {ident!r} was used on line {first[0]} for other content"]
    return []
