"""Play a story back: each development in story order, and what it changed in the entities it touched."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from chronicle.domain.developments import Development
from chronicle.projections.fold import Facts, touched_data
from chronicle.projections.paths import (
    FieldChange,
    changed_items,
    changed_paths,
    differs,
    fields_of,
    flatten_dump,
    values_of,
)
from chronicle.projections.plainfold import Data, PlainStep, apply_data, interval_end, new_view_data
from chronicle.projections.sql import reads
from chronicle.projections.sql.views import Cursor, ViewStore
from chronicle.projections.stored import parse_development

PAGE = 1000
_NOISE = {"developments", "first_development", "last_development"}


@dataclass(frozen=True)
class PlayStep:
    position: int
    recorded: str
    development: Development
    changes: dict[str, list[FieldChange]]

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "recorded": self.recorded,
            "development": self.development.model_dump(mode="json"),
            "changes": [
                {"entity": key, **change.as_json()} for key, changes in self.changes.items() for change in changes
            ],
        }


def play(
    store: ViewStore,
    c: Cursor,
    *,
    focus: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[PlayStep]:
    """Every step of the story (or those touching `focus`, within [since, until]) with its changes.

    A step shown names the entities it touches, and their states need every development of theirs
    before it; no other entity is ever shown. So with a focus only the developments touching the focus's
    neighbours are read and folded (an entity's index lists every development that touched it)."""
    views: dict[str, Data] = {}  # each entity's JSON object, folded as a rebuild folds (`plainfold`)
    facts: dict[str, Facts] = {}
    kept: dict[str, dict[str, Any]] = {}  # a view's fields (`fields_of`), kept while it is unchanged since
    wanted = None if focus is None else reads.neighbours(store, c, focus)
    last_day = None if until is None else until.isoformat()
    for row in reads.counting_in_story_order(store, c, PAGE):
        if last_day is not None and str(row["occ_start"]) > last_day:
            return
        if wanted is not None and wanted.isdisjoint(orjson.loads(row["entities"])):
            continue
        development = row["current"]
        keys = touched_data(development)
        position = int(row["position"])
        step = PlainStep.at(development, position)
        shown = (focus is None or focus in keys) and (since is None or interval_end(development["occurred"]) >= since)
        changes: dict[str, list[FieldChange]] = {}
        for key in keys:
            if wanted is not None and key not in wanted:
                continue  # never shown: a step shown touches the focus, so only its neighbours
            view = views.get(key)
            if view is None:
                view = views[key] = new_view_data(key)
                facts[key] = {}
            if not shown:  # still folded, for the steps shown later; not compared (most of the cost)
                apply_data(view, step, facts[key])
                kept.pop(key, None)
                continue
            before = kept.pop(key, None) or fields_of(key, view)
            apply_data(view, step, facts[key])
            after = kept[key] = fields_of(key, view)
            # The same field paths as `history`, of the fields that changed (a busy actor's figures are
            # not flattened at every step); bookkeeping that changes at every step is not news.
            names = [n for n in after if n not in _NOISE and differs(after[n], before[n])]
            cut_before, cut_after = changed_items(values_of(before, names), values_of(after, names))
            flat_before, flat_after = flatten_dump(cut_before), flatten_dump(cut_after)
            found = [
                FieldChange(path, flat_before.get(path), flat_after.get(path))
                for path in changed_paths(flat_before, flat_after)
            ]
            if found and view["registered"]:  # an id that names no registered entity is not news
                changes[key] = found
        if shown:
            yield PlayStep(position, row["recorded"], parse_development(development), changes)
