"""Names where `append` asks for ids: a refused development is tried once more with the names and
aliases in its referring fields resolved to ids, so a valid one costs no lookup of names."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from chronicle.cli.common import open_store, say


def record_one(body: dict[str, Any], options: dict[str, Any], record: Callable[..., None]) -> None:
    """Record one development from the command line; if refused while a referring field is set, resolve
    its names and try once more, saying each resolution on stderr."""
    from chronicle.domain.errors import InvalidInput
    from chronicle.service.interchange import parse_development
    from chronicle.service.naming import names_in_store, referring_fields, resolve_references

    store, auto, future = options["store"], options["auto_register"], options["allow_future"]
    try:
        record([parse_development(body)], None, store, auto, future)
        return
    except InvalidInput as refused:
        if not any(body.get(name) for name, _ in referring_fields(body["type"])):
            raise
        with open_store(store) as opened:
            labels = names_in_store(opened)
        notes: list[str] = []
        resolved = resolve_references(body, labels, auto_register=auto, say=notes.append)
        if resolved == body:
            raise refused from None
    for note in notes:
        say(note)
    record([parse_development(resolved)], None, store, auto, future)


def record_file_by_name(
    file: str,
    store: str | None,
    auto_register: bool,
    allow_future: bool,
    record_file: Callable[..., Any],
    on_refusal: Callable[[], None] | None = None,
) -> Any:
    """Record the file; if refused, try once more with names resolved, line by line; the first refusal
    stands when resolving changed nothing, after `on_refusal` has had the file to read again. Standard
    input is kept aside as it is read, to be read again."""
    from chronicle.cli.streams import kept_stdin
    from chronicle.domain.errors import InvalidInput

    with kept_stdin() if file == "-" else nullcontext():
        try:
            return _record_by_name(file, store, auto_register, allow_future, record_file)
        except InvalidInput:
            if on_refusal is not None:
                on_refusal()
            raise


def _record_by_name(
    file: str, store: str | None, auto_register: bool, allow_future: bool, record_file: Callable[..., Any]
) -> Any:
    from chronicle.domain.errors import InvalidInput
    from chronicle.service.naming import Resolver, names_in_store

    try:
        return record_file(file, store, auto_register, allow_future)
    except InvalidInput as refused:
        if file != "-" and not Path(file).is_file():
            raise
        with open_store(store) as opened:
            resolver = Resolver(names_in_store(opened), auto_register=auto_register)
        try:
            plan = record_file(file, store, auto_register, allow_future, resolver)
        except InvalidInput:
            if not resolver.notes and not resolver.refused:
                raise refused from None
            raise
    plan.notes[:0] = resolver.notes
    return plan
