"""Rows cut, inserted, duplicated or reordered in the log, and derived tables edited by hand, are integrity
failures (exit 3) named by position; only the writer extends the chain, and `verify` never writes."""

from __future__ import annotations

import json

import pytest
from helpers import LATER


def _row(store, stream: str, version: int = 1) -> tuple[int, str, bytes]:
    rows = store.sql(
        "SELECT {id}, topic, state FROM {events} WHERE originator_id = ? AND originator_version = ?", (stream, version)
    )
    position, topic, state = rows[0]
    return int(position), str(topic), bytes(state)


def _insert(store, stream: str, version: int, topic: str, state: bytes) -> int:
    store.sql(
        "INSERT INTO {events} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
        (stream, version, topic, state),
    )
    return int(store.sql("SELECT max({id}) FROM {events}")[0][0])


def tracking(store) -> str:
    """The tracking table's name: eventsourcing names it after the application on PostgreSQL."""
    return "{s}chronicle_tracking" if store.backend == "postgres" else "tracking"


def _last(store) -> int:
    return int(store.sql("SELECT max({id}) FROM {events}")[0][0])


def _forged_figure(store) -> tuple[int, str, bytes]:
    """A copy of a recorded figure, re-sealed under a new stream as a careful forger would."""
    from chronicle.service.mapper import seal

    _, topic, state = _row(store, "development:us-troops-iraq")
    body = json.loads(state)
    body.pop("sha256")
    body["development"] |= {"id": "forged-troops", "value": 25000, "summary": "25,000 troops"}
    payload = json.dumps(body, separators=(",", ":")).encode()
    return 1, topic, seal("development:forged-troops", 1, topic, payload)


def test_a_cut_log_is_named_as_lost_events_against_the_published_head(revised_story):
    store = revised_story.store
    published = revised_story.ok("verify", "--root").stdout.strip()
    head = int(published.split(":")[0])
    keep = head - 3
    # The careful truncation: log, chain and tracking all cut back, then the views rebuilt.
    store.sql("DELETE FROM {events} WHERE {id} > ?", (keep,))
    store.sql("DELETE FROM {s}chronicle_chain WHERE position > ?", (keep,))
    store.sql(f"UPDATE {tracking(store)} SET notification_id = ? WHERE notification_id > ?", (keep, keep))
    revised_story.ok("replay")
    result = revised_story("verify", "--against", published)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.strip() == (
        f"chronicle: error: the log has lost events since the head you published ({head} -> {keep})"
    )


def test_a_head_beyond_an_untouched_log_is_still_lost_events(story):
    """A head no log could have had is refused the same way: the published head is the user's evidence."""
    published = story.ok("verify", "--root").stdout.strip()
    position, digest = published.split(":")
    result = story("verify", "--against", f"{int(position) + 5}:{digest}")
    assert result.exit_code == 3
    assert f"({int(position) + 5} -> {position})" in result.stderr


def test_an_inserted_row_duplicating_a_development_is_named_not_crashed_on(revised_story):
    store = revised_story.store
    revised_story.ok("verify")
    _, topic, state = _row(store, "development:us-strike-baghdad")
    position = _insert(store, "development:us-strike-copy", 1, topic, state)
    result = revised_story("verify")
    assert result.exit_code == 3, result.stderr
    assert "UNIQUE" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"chronicle: error: position {position}: ")


def test_a_duplicated_event_is_named(revised_story):
    store = revised_story.store
    revised_story.ok("verify")
    _, topic, state = _row(store, "development:us-troops-syria")
    position = _insert(store, "development:us-troops-syria", 2, topic, state)
    result = revised_story("verify")
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[0].startswith(f"chronicle: error: position {position}: ")


def test_a_forged_row_with_a_recomputed_seal_is_never_chained_by_a_reader(revised_story):
    store = revised_story.store
    revised_story.ok("verify")
    chained = int(store.sql("SELECT max(position) FROM {s}chronicle_chain")[0][0])
    position = _insert(store, "development:forged-troops", *_forged_figure(store))
    shown = revised_story("log")
    assert shown.exit_code == 3, shown.stdout
    assert "25,000" not in shown.stdout
    assert f"position {position}: event is not in the chain" in shown.stderr
    result = revised_story("verify")
    assert result.exit_code == 3
    assert f"position {position}: event is not in the chain (inserted)" in result.stderr
    assert int(store.sql("SELECT max(position) FROM {s}chronicle_chain")[0][0]) == chained


def test_an_append_after_a_forged_row_does_not_chain_it(revised_story):
    store = revised_story.store
    revised_story.ok("verify")
    position = _insert(store, "development:forged-troops", *_forged_figure(store))
    line = {"type": "statement", "occurred": "2024-01-07", "summary": "s", "by": "us", "text": "t"}
    result = revised_story("append", "--file", "-", input=json.dumps(line) + "\n")
    assert result.exit_code == 3, result.stderr
    assert f"position {position}: event is not in the chain (inserted)" in result.stderr
    assert _last(store) == position


def test_the_writer_chains_in_the_appends_own_transaction(story):
    """No read happens between the append and the look at the chain: the append itself linked its events."""
    store = story.store
    story.ok("append", "--file", str(LATER))
    assert int(store.sql("SELECT max(position) FROM {s}chronicle_chain")[0][0]) == _last(store)


def test_a_retraction_cleared_in_the_timeline_is_caught(revised_story):
    store = revised_story.store
    revised_story.ok("log")
    store.sql("UPDATE {s}view_timeline SET retracted_by = NULL WHERE dev_id = ?", ("unverified-retaliation-claim",))
    result = revised_story("verify")
    assert result.exit_code == 3, result.stdout
    assert "timeline" in result.stderr and "unverified-retaliation-claim" in result.stderr


def test_a_deleted_entity_index_row_is_caught(revised_story):
    store = revised_story.store
    revised_story.ok("log")
    store.sql(
        "DELETE FROM {s}view_entity_index WHERE entity = ? AND position = (SELECT min(position) FROM "
        "{s}view_entity_index WHERE entity = ?)",
        ("actor:us", "actor:us"),
    )
    result = revised_story("verify")
    assert result.exit_code == 3, result.stdout
    assert "entity index" in result.stderr and "actor:us" in result.stderr


def test_verify_writes_nothing_while_it_checks(revised_story):
    store = revised_story.store
    revised_story.ok("log")
    before = store.digest()
    revised_story.ok("verify")
    assert store.digest() == before


@pytest.mark.parametrize("table", ["chronicle_chain", "chronicle_source_keys"])
def test_losing_a_table_that_is_not_derived_is_an_integrity_failure(revised_story, table):
    store = revised_story.store
    revised_story.ok("verify")
    store.sql(f"DROP TABLE {{s}}{table}")
    result = revised_story("log")
    assert result.exit_code == 3, result.stderr
    assert table.removeprefix("chronicle_").replace("_", " ") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_store_from_before_the_writer_chained_is_linked_once_then_only_by_writers(revised_story):
    store = revised_story.store
    store.sql("DELETE FROM {s}chronicle_meta WHERE key = 'chain'")
    store.sql("DELETE FROM {s}chronicle_chain WHERE position > 20")
    revised_story.ok("verify")  # the first read links the backlog and hands the chain to the writer
    assert store.sql("SELECT value FROM {s}chronicle_meta WHERE key = 'chain'") == [("writer",)]
    position = _insert(store, "development:forged-troops", *_forged_figure(store))
    result = revised_story("log")
    assert result.exit_code == 3
    assert f"position {position}: event is not in the chain" in result.stderr


def test_a_store_larger_than_a_page_verifies(cli):
    """The index and the timeline are compared a page at a time: rows of one position may straddle two."""
    from storygen import registrations, strikes

    cli.ok("init")
    lines = [*registrations("p", 5), *strikes("p", 1_200, 5)]
    cli.ok("append", "--file", "-", input="".join(json.dumps(line) + "\n" for line in lines))
    assert cli.ok("verify").stdout.startswith("OK: ")
