"""What corrections changed in a development, said beside its summary when they left the summary as it
was: no line shows a headline that contradicts its number. Pure, on JSON objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

# Fields whose change is already visible where a summary is shown, or is not a fact of the story.
_UNMARKED = frozenset({"summary", "sources", "confidence", "id", "type"})
MAX_SHOWN = 60


def changed_fields(original: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The fields whose value differs between a development as recorded and as now believed, in order."""
    names = dict.fromkeys([*original, *current])
    return [name for name in names if original.get(name) != current.get(name)]


def shown(value: Any) -> str:
    """A value as a reader sees it beside a summary: numbers grouped by thousands, text as written."""
    if isinstance(value, bool) or value is None:
        return orjson.dumps(value).decode()
    if isinstance(value, int | float):
        return f"{value:,}"
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def correction_note(original: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    """` [corrected: value 2,500 -> 2,600]` when corrections changed facts but not the summary; else ""."""
    changed = changed_fields(original, current)
    if not changed or "summary" in changed:
        return ""
    marked = [name for name in changed if name not in _UNMARKED]
    if not marked:
        return ""
    parts = [f"{name} {shown(original.get(name))} -> {shown(current.get(name))}" for name in marked]
    return f" [corrected: {'; '.join(parts)}]"


def with_note(summary: str, original: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    """The summary as a text output shows it: with `correction_note` beside it."""
    return summary + correction_note(original, current)
