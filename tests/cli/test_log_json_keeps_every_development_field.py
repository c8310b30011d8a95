"""`log --json` adds the log's own fields without hiding any of the development's."""

from __future__ import annotations


def test_a_position_taken_keeps_its_stance_beside_the_log_position(story):
    entry = next(e for e in story.jsonl("log") if e["id"] == "iraq-position")
    assert entry["position"] == "demands"
    assert isinstance(entry["log_position"], int) and entry["log_position"] > 0
    assert entry["recorded"].endswith("+00:00")
    assert entry["corrected_by"] == [] and entry["retracted_by"] is None


def test_recorded_terminal_escapes_are_shown_not_obeyed(story):
    hostile = "Statement \x1b]0;pwned\x07 with \x1b[31mred\x1b[0m text"
    import json

    line = json.dumps({"type": "statement", "occurred": "2024-01-06", "summary": hostile, "by": "us", "text": hostile})
    story.ok("append", "--file", "-", input=line + "\n")
    for args in (("log",), ("replay", "--play"), ("history", "actor", "us")):
        out = story.ok(*args).stdout
        assert "\x1b" not in out and "\x07" not in out, args
    assert "Statement \\x1b]0;pwned\\x07 with" in story.ok("log").stdout


def test_each_entry_says_when_it_became_public_beside_any_reported_time_given(story):
    import json

    line = {"type": "statement", "id": "late-word", "occurred": "2024-01-06", "summary": "Word comes late"}
    line |= {"by": "us", "text": "Late.", "reported": "2024-01-09", "sources": [{"publisher": "AP"}]}
    story.ok("append", "--file", "-", input=json.dumps(line) + "\n")
    entries = {e["id"]: e for e in story.jsonl("log")}
    assert entries["late-word"]["reported"] == "2024-01-09"  # as given, in the development's own words
    assert entries["late-word"]["reported_at"].startswith("2024-01-09T23:59:59")  # a date counts from its end
    # Reuters' report of 5 January dates the strike's.
    assert entries["us-strike-baghdad"]["reported_at"].startswith("2024-01-05T23:59:59")
    assert [e["id"] for e in story.jsonl("log", "--known-at", "2024-01-08")].count("late-word") == 0
