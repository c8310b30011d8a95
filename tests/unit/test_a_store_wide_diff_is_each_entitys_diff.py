"""A store-wide `diff` between two dates reads the story once, in story order, for every entity at once.
For any story, with corrections and retractions, and any two dates, it finds exactly the entities whose
own `diff` changes, with the same changes and the same developments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from storygen import stories

from chronicle.projections.belief import believe_data
from chronicle.projections.diffing import Point, diff_entries, diff_story
from chronicle.projections.fold import touched_data
from chronicle.service.interchange import parse_development

START = datetime(2024, 2, 1, tzinfo=UTC)
DAYS = st.one_of(st.none(), st.dates(date(2022, 12, 25), date(2024, 3, 1)))


def _entries(batches: list[list[dict[str, Any]]]) -> dict[str, Any]:
    rows = [row for batch in batches for row in batch]
    return believe_data(
        {
            "original": orjson.loads(orjson.dumps(parse_development(row).model_dump(mode="json"))),
            "position": n,
            "recorded": (START + timedelta(seconds=n)).isoformat(timespec="microseconds"),
        }
        for n, row in enumerate(rows, 1)
    )


@settings(max_examples=150, deadline=None)
@given(batches=stories(), days=st.lists(DAYS, min_size=2, max_size=2))
def test_the_story_read_once_finds_each_entitys_own_diff(batches, days):
    first, second = sorted(days, key=lambda d: d or date.max)
    a, b = Point(first), Point(second)
    entries = _entries(batches)
    counting = sorted((e for e in entries.values() if e.counts), key=lambda e: e.story_key)
    keys = {k for e in counting for k in touched_data(e.current)} | {"actor:nobody"}
    rows = [{"current": e.current, "position": e.position} for e in counting]
    together = diff_story(rows, keys, a, b)
    for key in sorted(keys):
        alone = diff_entries(key, entries, entries, a, b)
        if not alone.changes:
            assert key not in together or not together[key].changes, key
            continue
        assert together[key].as_json() == alone.as_json(), key
