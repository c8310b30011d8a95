"""A store whose views were built before the timeline kept reported times (views version 5, no
`reported` column) rebuilds them on first use, says so, and answers as before where no `reported` or
`published` is given."""

from __future__ import annotations

import json

from helpers import Cli

STORY = [
    {"type": "actor_registered", "id": "reg-a", "occurred": "2023-09-01", "summary": "A", "actor": "a",
     "name": "A", "kind": "state", "sources": [{"publisher": "AP"}]},
    {"type": "strike", "id": "strike", "occurred": "2023-10", "summary": "A strikes", "by": "a", "deaths": 3},
]  # fmt: skip
FIX = {"type": "correction", "id": "fix", "occurred": "2024", "summary": "5", "target": "strike",
       "changes": {"deaths": 5}, "reason": "r"}  # fmt: skip


def _as_before_this_change(cli: Cli) -> None:
    """The views as the previous version left them: its rules version, and no `reported` column."""
    cli.store.sql("UPDATE {s}chronicle_meta SET value = '5' WHERE key = 'views_version'")
    cli.store.sql("DROP INDEX IF EXISTS {s}view_timeline_reported")
    cli.store.sql("ALTER TABLE {s}view_timeline DROP COLUMN reported")


def test_an_old_store_rebuilds_its_views_once_and_answers_as_before(cli: Cli) -> None:
    cli.ok("init")
    cli.ok("append", "--file", "-", input="".join(json.dumps(row) + "\n" for row in STORY))
    first = max(str(e["recorded"]) for e in cli.jsonl("log"))
    cli.ok("append", "--file", "-", input=json.dumps(FIX) + "\n")
    asked = ("log", "--type", "strike", "--known-at", first)
    expected = {"now": cli.jsonl("log"), "then": cli.jsonl(*asked), "actor": cli.json("show", "actor", "a")}
    _as_before_this_change(cli)
    result = cli.ok("log", "--jsonl")
    from chronicle.projections.sql.catchup import VIEWS_VERSION

    assert f"views were built by other rules (version 5, now {VIEWS_VERSION}): rebuilding them" in result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected["now"]
    # No reported or published time: --known-at answers by record time, as it did.
    assert cli.jsonl(*asked) == expected["then"] and expected["then"][0]["deaths"] == 3
    assert cli.jsonl("log", "--type", "strike", "--recorded-at", first) == expected["then"]
    assert cli.json("show", "actor", "a") == expected["actor"]
    assert "rebuilding" not in cli.ok("log").stderr
