"""A development's body as recorded is stored once, in its event: the timeline keeps only the body a
correction made of it, and readers still see both, after catching up and after a rebuild."""

from __future__ import annotations

import json


def _view_text(store) -> str:
    rows = [
        *store.sql("SELECT * FROM {s}view_timeline"),
        *store.sql("SELECT * FROM {s}view_entities"),
    ]
    return "\n".join(str(value) for row in rows for value in row)


def _bodies_as_recorded(revised_story) -> dict[str, dict[str, object]]:
    exported = revised_story.ok("export", "--format", "jsonl").stdout.split("\n")
    developments = (json.loads(line) for line in exported if line and not line.startswith('{"chronicle_export"'))
    return {d["id"]: d for d in developments if d["type"] not in ("correction", "retraction")}


def test_the_views_hold_no_copy_of_a_body_as_recorded(revised_story, store):
    recorded = _bodies_as_recorded(revised_story)
    for rebuilt in (False, True):
        if rebuilt:
            revised_story.ok("replay")
        text = _view_text(store)
        for ident, development in recorded.items():
            assert f'"summary":{json.dumps(development["summary"])}' not in text or ident == "us-strike-baghdad", ident
        # the one corrected development keeps its body as corrected, and only that one
        bodies = store.sql("SELECT dev_id, current FROM {s}view_timeline WHERE current IS NOT NULL")
        assert [dev_id for dev_id, _ in bodies] == ["us-strike-baghdad"]
        assert json.loads(bodies[0][1])["deaths"] == 2


def test_readers_see_each_body_as_recorded_and_as_corrected(revised_story):
    log = {entry["id"]: entry for entry in revised_story.jsonl("log")}
    recorded = _bodies_as_recorded(revised_story)
    assert recorded["us-strike-baghdad"]["deaths"] == 1  # the export gives bodies as first recorded
    assert log["us-strike-baghdad"]["deaths"] == 2  # the log, as corrected
    for ident, development in recorded.items():
        if ident in log and ident != "us-strike-baghdad":
            assert log[ident]["summary"] == development["summary"]
    revised_story.ok("replay")
    assert {entry["id"]: entry for entry in revised_story.jsonl("log")} == log
