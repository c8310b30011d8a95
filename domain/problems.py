"""One wording for every way a line breaks the interchange format, whichever command read it.

`append`, `validate`, `import` and the typed subcommands all describe pydantic's findings here, so a
field is named the same way everywhere (`sources[0].publisher`). The text may hold a hostile JSON key:
it is escaped where it is shown (`domain.printable`), never dropped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def where(loc: Sequence[Any], kind: Any, *, key_last: bool = False) -> str:
    """A pydantic location as a field path: the type's tag and the tags of plain unions left out."""
    parts = list(loc)
    if parts and isinstance(kind, str) and parts[0] == kind:
        parts = parts[1:]  # pydantic names the union member first: drop the tag, it is the type
    text = ""
    for index, part in enumerate(parts):
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isidentifier() or (key_last and index == len(parts) - 1):
            text += f".{part}" if text else str(part)
    return text


def problem(item: Mapping[str, Any], kind: Any) -> str:
    """One of pydantic's findings as `field: message`."""
    unknown = item["type"] == "extra_forbidden"
    at = where(tuple(item["loc"]), kind, key_last=unknown)
    message = "unknown field" if unknown else str(item["msg"])
    return f"{at}: {message}" if at else message


# Types only Chronicle itself records, with the command that does: a file line of one would forge it.
RECORDED_BY_CHRONICLE = {"source_redacted": "chronicle redact source"}


def reserved(kind: Any) -> str | None:
    """Why a line of this type may not come from a file, or None."""
    command = RECORDED_BY_CHRONICLE.get(kind) if isinstance(kind, str) else None
    return None if command is None else f"{kind} is recorded only by `{command}`"
