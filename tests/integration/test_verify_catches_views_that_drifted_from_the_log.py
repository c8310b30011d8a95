"""`verify` compares every view with a fresh fold of the log: a view edited, deleted or invented is caught."""

from __future__ import annotations

import json


def _state(story, entity: str) -> dict:
    story.ok("actors")  # the views are built by the first read
    return json.loads(story.store.sql("SELECT state FROM {s}view_entities WHERE entity = ?", (entity,))[0][0])


def _failed_report(story) -> dict:
    result = story("verify", "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["ok"] is False
    return report


def test_an_edited_view_is_caught(revised_story):
    state = _state(revised_story, "actor:us")
    state["name"] = "Someone Else"
    revised_story.store.sql("UPDATE {s}view_entities SET state = ? WHERE entity = ?", (json.dumps(state), "actor:us"))
    result = revised_story("verify")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == ["chronicle: error: view actor:us: differs from a fresh fold of the log"]


def test_a_deleted_view_is_caught(revised_story):
    revised_story.ok("actors")
    revised_story.store.sql("DELETE FROM {s}view_entities WHERE entity = ?", ("negotiation:coalition-exit",))
    result = revised_story("verify")
    assert result.exit_code == 3
    assert "view negotiation:coalition-exit: missing from the projection" in result.stderr


def test_an_invented_view_is_caught_but_an_empty_one_is_not(revised_story):
    state = _state(revised_story, "actor:us")
    for entity, developments in (("actor:nobody", 3), ("actor:forgotten", 0)):
        invented = {**state, "id": entity.partition(":")[2], "developments": developments}
        revised_story.store.sql(
            "INSERT INTO {s}view_entities (entity, kind, registered, names, state, facts, last_start, last_position)"
            " VALUES (?, 'actor', 0, '[]', ?, '{}', '', 0)",
            (entity, json.dumps(invented, separators=(",", ":"))),
        )
    report = _failed_report(revised_story)
    assert report["problems"] == ["view actor:nobody: in the projection but not in the log"]


def test_problems_in_many_views_are_reported_in_entity_order(revised_story):
    revised_story.ok("actors")
    for entity in ("negotiation:coalition-exit", "actor:us", "actor:iraq-government"):
        revised_story.store.sql("DELETE FROM {s}view_entities WHERE entity = ?", (entity,))
    report = _failed_report(revised_story)
    assert report["problems"] == [
        "view actor:iraq-government: missing from the projection",
        "view actor:us: missing from the projection",
        "view negotiation:coalition-exit: missing from the projection",
    ]
