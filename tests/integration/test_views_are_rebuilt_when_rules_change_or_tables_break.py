"""Views heal themselves: a changed rules version, dropped tables or corrupted rows trigger a rebuild."""

from __future__ import annotations


def test_a_changed_views_version_rebuilds_and_says_so(story):
    expected = story.json("show", "actor", "us")
    story.store.sql("UPDATE {s}chronicle_meta SET value = '0' WHERE key = 'views_version'")
    result = story.ok("show", "actor", "us", "--json")
    assert "views were built by other rules (version 0, now" in result.stderr
    import json

    assert json.loads(result.stdout) == expected
    assert "rebuilding" not in story.ok("show", "actor", "us").stderr


def test_dropped_view_tables_are_rebuilt_automatically(story):
    expected = story.json("actors")
    story.store.sql("DROP TABLE {s}view_entities")
    story.store.sql("DROP TABLE {s}view_timeline")
    result = story.ok("actors", "--json")
    assert "rebuilding" in result.stderr
    import json

    assert json.loads(result.stdout) == expected


def test_a_corrupted_view_row_is_rebuilt_automatically(story):
    expected = story.json("show", "actor", "us")
    story.store.sql("UPDATE {s}view_entities SET state = '{not json' WHERE entity = 'actor:us'")
    result = story.ok("show", "actor", "us", "--json")
    assert "views are damaged" in result.stderr
    import json

    assert json.loads(result.stdout) == expected


def test_replay_rebuilds_the_same_views_and_reports_a_summary(story):
    before = {
        "actors": story.json("actors"),
        "negotiations": story.json("negotiations"),
        "log": story.jsonl("log", "--include-retracted"),
    }
    result = story.ok("replay")
    assert result.stdout.startswith("rebuilt every view from 18 developments in ")
    assert result.stdout.rstrip().endswith("developments/s)")
    after = {
        "actors": story.json("actors"),
        "negotiations": story.json("negotiations"),
        "log": story.jsonl("log", "--include-retracted"),
    }
    assert after == before
    summary = story.json("replay")
    assert summary["events"] == 18
    assert summary["events_per_second"] > 0
