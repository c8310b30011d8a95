"""`verify` proves nobody rewrote the log: edits, deletions, swaps, and even consistent rewrites."""

from __future__ import annotations

import json

import pytest


def _row(store, dev_stream: str) -> tuple[int, bytes]:
    rows = store.sql(
        "SELECT {id}, state FROM {events} WHERE originator_id = ? AND originator_version = 1", (dev_stream,)
    )
    position, state = rows[0]
    return int(position), bytes(state)


def test_an_untouched_store_verifies_and_publishes_its_head(revised_story):
    result = revised_story.ok("verify")
    assert result.stdout.startswith("OK: ")
    head = revised_story.ok("verify", "--root").stdout.strip()
    position, digest = head.split(":")
    assert int(position) > 0 and len(digest) == 64
    assert revised_story.ok("verify", "--against", head).stdout.startswith("OK:")
    report = revised_story.json("verify")
    assert report["ok"] is True and report["problems"] == []


def test_the_published_head_covers_every_event_even_when_the_views_are_rebuilt_first(story):
    """A read that first rebuilds the views (here: new rules) must still chain what came in since."""
    story.ok("verify", "--root")  # chains the seed report
    story.store.sql("UPDATE {s}chronicle_meta SET value = '0' WHERE key = 'views_version'")
    # One development: a single append leaves projecting (and chaining) to the next read.
    story.ok(
        "append",
        "statement",
        "--occurred",
        "2024-01-06",
        "--by",
        "us",
        "--summary",
        "The U.S. stays",
        "--text",
        "We stay.",
    )
    last = story.store.sql("SELECT max({id}) FROM {events}")[0][0]
    result = story.ok("verify", "--root")
    assert "rebuilding" in result.stderr
    assert result.stdout.split(":")[0] == str(last)
    assert story.json("verify")["head"]["position"] == last


def test_an_edited_event_is_caught_at_its_position(revised_story):
    store = revised_story.store
    revised_story.ok("verify")  # chains everything
    position, state = _row(store, "development:us-strike-baghdad")
    store.sql("UPDATE {events} SET state = ? WHERE {id} = ?", (state.replace(b"Baghdad", b"Basra_"), position))
    result = revised_story("verify")
    assert result.exit_code == 3
    first = result.stderr.splitlines()[0]
    assert first == (
        f"chronicle: error: position {position}: event development:us-strike-baghdad v1 "
        "does not match its SHA-256 (edited)"
    )


def test_a_deleted_event_is_caught(revised_story):
    store = revised_story.store
    revised_story.ok("verify")
    position, _ = _row(store, "development:us-troops-syria")
    store.sql("DELETE FROM {events} WHERE {id} = ?", (position,))
    result = revised_story("verify")
    assert result.exit_code == 3
    assert f"position {position}: event is missing from the log (deleted)" in result.stderr


def test_two_swapped_events_are_caught(revised_story):
    store = revised_story.store
    revised_story.ok("verify")
    a, state_a = _row(store, "development:us-troops-iraq")
    b, state_b = _row(store, "development:us-troops-syria")
    store.sql("UPDATE {events} SET originator_id = ?, state = ? WHERE {id} = ?", ("tmp:swap", state_b, a))
    store.sql(
        "UPDATE {events} SET originator_id = ?, state = ? WHERE {id} = ?", ("development:us-troops-iraq", state_a, b)
    )
    store.sql("UPDATE {events} SET originator_id = ? WHERE {id} = ?", ("development:us-troops-syria", a))
    result = revised_story("verify")
    assert result.exit_code == 3
    assert f"position {min(a, b)}:" in result.stderr.splitlines()[0]


def test_a_consistent_rewrite_is_caught_against_a_published_head(revised_story):
    """The attacker recomputes the event's own hash and the whole chain: only a published head catches it."""
    from chronicle.integrity.chain import GENESIS, link
    from chronicle.service.mapper import seal

    store = revised_story.store
    published = revised_story.ok("verify", "--root").stdout.strip()
    position, state = _row(store, "development:us-strike-baghdad")
    body = json.loads(state)
    body.pop("sha256")
    body["development"]["deaths"] = 7
    topic = store.sql("SELECT topic FROM {events} WHERE {id} = ?", (position,))[0][0]
    payload = json.dumps(body, separators=(",", ":")).encode()
    store.sql(
        "UPDATE {events} SET state = ? WHERE {id} = ?",
        (seal("development:us-strike-baghdad", 1, topic, payload), position),
    )
    # Recompute the chain table from the rewritten log, as a careful attacker would.
    from eventsourcing.persistence import Notification

    rows = store.sql("SELECT {id}, originator_id, originator_version, topic, state FROM {events} ORDER BY {id}")
    previous = GENESIS
    for n, oid, version, t, st in rows:
        previous = link(
            previous,
            Notification(id=int(n), originator_id=oid, originator_version=int(version), topic=t, state=bytes(st)),
        )
        store.sql("UPDATE {s}chronicle_chain SET hash = ? WHERE position = ?", (previous, int(n)))
    result = revised_story("verify", "--against", published)
    assert result.exit_code == 3
    head_position = published.split(":")[0]
    assert result.stderr.strip() == (
        f"chronicle: error: history up to position {head_position} differs from the published head {published}"
    )


@pytest.mark.parametrize("bad", ["12", "x:y", "5:abc", "-1:" + "0" * 64])
def test_a_malformed_head_is_a_usage_error(revised_story, bad):
    result = revised_story("verify", "--against", bad)
    assert result.exit_code == 2
    assert "expected POSITION:HASH" in result.stderr
