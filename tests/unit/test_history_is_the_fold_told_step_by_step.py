"""`history` folds an entity's developments over their JSON objects and names what each one changed. For
any story, with corrections and retractions, every change in effect is exactly the difference between
the typed fold of the developments before it and of those up to it, and the state at the end is the
typed fold of them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from hypothesis import given, settings
from storygen import stories

from chronicle.projections.belief import believe, believe_data
from chronicle.projections.fold import fold, touched
from chronicle.projections.history import history_of
from chronicle.projections.paths import changed_paths, flatten
from chronicle.service.interchange import parse_development

START = datetime(2024, 2, 1, tzinfo=UTC)


def _recorded(batches: list[list[dict[str, Any]]]) -> list[tuple[Any, int, datetime]]:
    rows = [row for batch in batches for row in batch]
    return [(parse_development(row), n, START + timedelta(seconds=n)) for n, row in enumerate(rows, 1)]


def _as_stored(recorded: list[tuple[Any, int, datetime]]) -> list[dict[str, Any]]:
    """The rows a store hands the audit: each body as the log holds it, in record order."""
    return [
        {
            "original": orjson.loads(orjson.dumps(d.model_dump(mode="json"))),
            "position": position,
            "recorded": when.isoformat(timespec="microseconds"),
            "recorded_by": "alice",
        }
        for d, position, when in recorded
    ]


@settings(max_examples=120, deadline=None)
@given(batches=stories())
def test_each_change_in_effect_is_the_fold_before_it_against_the_fold_after_it(batches):
    recorded = _recorded(batches)
    typed = believe(recorded)
    entries = believe_data(_as_stored(recorded))
    keys = sorted({k for e in typed.values() if e.counts for k in touched(e.current)})
    for key in keys:
        steps = sorted(
            (e.step() for e in typed.values() if e.counts and key in touched(e.current)), key=lambda s: s.key
        )
        changes, view = history_of(key, entries.values())
        assert view.model_dump_json() == fold(key, steps).model_dump_json()
        for n, step in enumerate(steps):
            before, after = flatten(fold(key, steps[:n])), flatten(fold(key, steps[: n + 1]))
            expected = [(p, before.get(p), after.get(p)) for p in changed_paths(before, after)]
            told = [
                (c.field, c.before, c.after)
                for c in changes
                if c.in_effect and c.development.position == step.position and c.before != c.after
            ]
            assert told == expected, (key, step.development.id)
        assert all(c.development.recorded_by == "alice" for c in changes)
