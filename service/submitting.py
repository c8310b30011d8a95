"""Record developments sent as one JSON document (an object or an array): checked whole, then appended
through the same `Store.append_pages` as `chronicle append`, all or nothing."""

from __future__ import annotations

from typing import Any

import orjson

from chronicle.domain.errors import InvalidInput
from chronicle.domain.rules import AppendPlan, BatchError
from chronicle.service.interchange import MAX_LINE_BYTES, PAGE, parse_development
from chronicle.service.store import Store

MAX_ITEMS = PAGE  # developments in one document: a form or a script, not a bulk import (`append --file` is)
MAX_BODY_BYTES = MAX_ITEMS * MAX_LINE_BYTES // 100  # 10 MB: a typical development is well under 1 kB


class TooLarge(InvalidInput):
    """A document over the limits `chronicle append` applies."""


def parse_document(raw: bytes) -> list[Any]:
    """The developments of a JSON object or array, or the first problem as one line."""
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge(f"body larger than {MAX_BODY_BYTES} bytes: use `chronicle append --file`")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"malformed JSON: {str(error).splitlines()[0]}") from None
    if isinstance(value, dict):
        return [parse_development(value)]
    if not isinstance(value, list):
        raise InvalidInput(f"expected a JSON object or array, got {type(value).__name__}")
    if not value:
        raise InvalidInput("no developments in the array")
    if len(value) > MAX_ITEMS:
        raise TooLarge(f"more than {MAX_ITEMS} developments: use `chronicle append --file`")
    found = []
    for number, item in enumerate(value, 1):
        if len(orjson.dumps(item)) > MAX_LINE_BYTES:
            raise TooLarge(f"item {number}: longer than {MAX_LINE_BYTES} bytes")
        found.append(parse_development(item, f"item {number}"))
    return found


def submit(store: Store, raw: bytes, *, auto_register: bool = False) -> AppendPlan:
    """Check and record a document; errors name the item (`item 2: ...`) when it is an array."""
    developments = parse_document(raw)
    try:
        return store.append(developments, auto_register=auto_register)
    except BatchError as error:
        if raw.lstrip().startswith(b"["):
            raise type(error.cause)(f"item {error.index + 1}: {error.cause}") from None
        raise error.cause from None
