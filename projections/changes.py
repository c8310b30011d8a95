"""Field-level differences between two states of a read model, as dotted paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

# Bookkeeping that changes with every development; a change there is not news.
_NOISE = {"developments", "first_development", "last_development"}


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {"field": self.path, "before": self.before, "after": self.after}


def _item_key(item: dict[str, Any], index: int) -> str:
    if "metric" in item:
        return f"{item['metric']}/{item.get('scope') or '-'}"
    if "milestone" in item:
        return str(item["milestone"])
    if "round" in item and "development" in item:
        return str(item["development"])
    return str(index)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a JSON value by path: `figures.troops/iraq.value`, `committee.members`."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat |= flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return flat
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        flat = {}
        for index, item in enumerate(value):
            flat |= flatten(item, f"{prefix}.{_item_key(item, index)}")
        return flat
    return {prefix: value}


def diff(before: BaseModel | None, after: BaseModel | None, *, noise: bool = False) -> list[Change]:
    """What changed from `before` to `after` (either may be absent), path by path, in path order."""
    old = flatten(before.model_dump(mode="json")) if before is not None else {}
    new = flatten(after.model_dump(mode="json")) if after is not None else {}
    changes = []
    for path in sorted(old.keys() | new.keys()):
        if not noise and path.split(".")[0] in _NOISE:
            continue
        if old.get(path) != new.get(path):
            changes.append(Change(path, old.get(path), new.get(path)))
    return changes
