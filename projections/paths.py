"""Field paths: each value of a view's JSON (as `show --json` prints it) named by one path. Pure.

  - a plain field is its name: `name`, `status`, `strikes_carried_out`, `aliases` (a list of
    plain values is one value);
  - a field of a nested object is `object.field`: `committee.members`, `corroboration.name`;
    `first_development` and `last_development` are single values (`{"id", "occurred"}`);
  - an item of a keyed collection is `collection[key].field`, keyed by what identifies it:
    `figures[metric/scope]` (`figures[troops]` when there is no scope; a disputed figure adds
    `@development`: `figures[troops/iraq@d7]`), `positions[negotiation]`
    (an actor's) or `positions[actor]` (a negotiation's), `talks[development id]`,
    `deadlines[milestone]`; the identifying fields themselves are not repeated.
A path that is absent is null: a `before` of null means the value did not exist yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from chronicle.domain.keys import ACTOR_PREFIX
from chronicle.projections.fold import View

# -- field paths -----------------------------------------------------------------------------------


def _figure_key(item: dict[str, Any]) -> str:
    key = f"{item['metric']}/{item['scope']}" if item.get("scope") else str(item["metric"])
    return f"{key}@{item['development']}" if item.get("disputed") else key  # disputed ones stand side by side


# Lists of objects, each item named by a key; the fields making the key are not repeated.
_KEYED_LISTS: dict[str, tuple[Callable[[dict[str, Any]], str], tuple[str, ...]]] = {
    "figures": (_figure_key, ("metric", "scope")),
    "talks": (lambda item: str(item["development"]), ("development",)),
    "deadlines": (lambda item: str(item["milestone"]), ("milestone",)),
}
_KEYED_DICTS = ("positions",)
_SINGLE_VALUES = ("first_development", "last_development")


def flatten(view: View) -> dict[str, Any]:
    """Every value of a view by its field path, in the order `show --json` prints them."""
    return flatten_dump(view.model_dump(mode="json"))


def flatten_dump(dump: dict[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """`flatten` of a view's JSON, or of only the fields `names`."""
    out: dict[str, Any] = {}
    for name in dump if names is None else names:
        value = dump[name]
        if name in _KEYED_LISTS and isinstance(value, list):
            key_of, identity = _KEYED_LISTS[name]
            for item in value:
                prefix = f"{name}[{key_of(item)}]"
                out.update({f"{prefix}.{k}": v for k, v in item.items() if k not in identity})
        elif name in _KEYED_DICTS and isinstance(value, dict):
            for key, item in value.items():
                out.update({f"{name}[{key}].{k}": v for k, v in item.items()})
        elif isinstance(value, dict) and name not in _SINGLE_VALUES:
            out.update({f"{name}.{k}": v for k, v in value.items()})
        else:
            out[name] = value
    return out


# -- a view's fields, kept apart while it is folded ------------------------------------------------

# Read models that print these fields' keys sorted (`models.ActorView._sorted`); the JSON fold keeps
# them in the order their developments came.
_SORTED = {ACTOR_PREFIX: ("corroboration", "positions")}


def fields_of(
    key: str, view: dict[str, Any], skip: frozenset[str] = frozenset(), only: Iterable[str] | None = None
) -> dict[str, Any]:
    """Each field of a view's JSON object (or those in `only`) but those in `skip`, kept apart from the
    view: a plain value as it is, a list or an object as the bytes `show --json` prints for it (the fold
    goes on changing them in place)."""
    names = view.keys() if only is None else only
    fields = {}
    for name in names:
        if name not in skip:
            value = view[name]
            fields[name] = orjson.dumps(value) if isinstance(value, list | dict) else value
    for name in _SORTED.get(key[: key.index(":") + 1], ()):
        if name in fields:
            fields[name] = orjson.dumps(dict(sorted(view[name].items())))
    return fields


def differs(a: Any, b: Any) -> bool:
    return a != b or type(a) is not type(b)  # 1 and 1.0 print differently


def values_of(fields: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {n: orjson.loads(fields[n]) if isinstance(fields[n], bytes) else fields[n] for n in names}


def changed_items(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two views' JSON (of the same fields) with each keyed list cut to the items that differ, in their
    order: `changed_paths` of these is that of the whole views, without flattening every round of a long
    negotiation at each step that adds one."""
    before, after = dict(before), dict(after)
    for name in _KEYED_LISTS.keys() & before.keys() & after.keys():
        old, new = before[name], after[name]
        if not (isinstance(old, list) and isinstance(new, list)):
            continue
        key_of = _KEYED_LISTS[name][0]
        old_items, new_items = {key_of(i): i for i in old}, {key_of(i): i for i in new}
        if len(old_items) == len(old) and len(new_items) == len(new):  # each item named once
            before[name] = [i for k, i in old_items.items() if new_items.get(k) != i]
            after[name] = [i for k, i in new_items.items() if old_items.get(k) != i]
    return before, after


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Paths whose value differs, in the order of `after` then those only in `before`."""
    paths = [p for p, v in after.items() if p not in before or before[p] != v]
    paths += [p for p, v in before.items() if p not in after and v is not None]
    return [p for p in paths if before.get(p) != after.get(p)]


def top_field(path: str) -> str:
    cut = min((i for i in (path.find("."), path.find("[")) if i >= 0), default=len(path))
    return path[:cut]


def matches(path: str, wanted: str) -> bool:
    return path == wanted or path.startswith((f"{wanted}.", f"{wanted}["))


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}
