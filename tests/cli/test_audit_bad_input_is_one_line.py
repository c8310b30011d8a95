"""Audit commands refuse bad input with one line on stderr: exit 2 for input, 1 for what is not found."""

from __future__ import annotations

import pytest

CASES = {
    "history of an unknown actor": (
        ("history", "actor", "nobody"),
        1,
        "no actor called 'nobody' (see `chronicle actors`)",
    ),
    "blame of an unknown negotiation": (
        ("blame", "negotiation", "peace"),
        1,
        "no negotiation called 'peace' (see `chronicle negotiations`)",
    ),
    "diff of an unknown actor": (
        ("diff", "actor", "nobody", "--from", "2024-01-01", "--to", "2024-01-02"),
        1,
        "no actor called 'nobody' (see `chronicle actors`)",
    ),
    "history before the actor entered the story": (
        ("history", "actor", "us", "--as-of", "2024-01-03"),
        1,
        "actor 'us' was not yet in the story as of 2024-01-03",
    ),
    "blame of an unknown field": (
        ("blame", "actor", "us", "colour"),
        2,
        "unknown field 'colour': one of id, registered, name, kind, aliases,",
    ),
    "blame of a missing value": (
        ("blame", "actor", "us", "figures[troops/mars]"),
        1,
        "actor:us has no value at 'figures[troops/mars]'",
    ),
    "bad as-of date": (("history", "actor", "us", "--as-of", "2024-02-30"), 2, "--as-of: invalid date '2024-02-30'"),
    "bad known-at": (("blame", "actor", "us", "--known-at", "noon"), 2, "--known-at: invalid timestamp 'noon'"),
    "to before from": (
        ("diff", "actor", "us", "--from", "2024-01-05", "--to", "2024-01-04"),
        2,
        "--to 2024-01-04 is before --from 2024-01-05",
    ),
    "known-to before known-from": (
        ("diff", "--known-from", "2024-01-05T12:00", "--known-to", "2024-01-05T11:00"),
        2,
        "--known-to 2024-01-05T11:00:00.000000+00:00 is before --known-from 2024-01-05T12:00:00.000000+00:00",
    ),
    "from without to": (("diff", "actor", "us", "--from", "2024-01-05"), 2, "--from and --to go together"),
    "no points": (("diff", "actor", "us"), 2, "give --from/--to (valid time), --known-from/--known-to (reported time)"),
    "kind without name": (
        ("diff", "actor", "--from", "2024-01-01", "--to", "2024-01-02"),
        2,
        "diff actor: name the actor",
    ),
    "as-of with a valid-time diff": (
        ("diff", "--from", "2024-01-01", "--to", "2024-01-02", "--as-of", "2024-01-03"),
        2,
        "--as-of pins valid time",
    ),
    "known-at with a record-time diff": (
        ("diff", "--known-from", "2024-01-01", "--known-to", "2024-01-02", "--known-at", "2024-01-03"),
        2,
        "--known-at pins reported time",
    ),
    "bad diff date": (("diff", "--from", "2024-1-1", "--to", "2024-01-02"), 2, "--from: invalid date '2024-1-1'"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_audit_input_is_one_line(revised_story, case):
    args, code, message = CASES[case]
    revised_story.ok("log")  # reads catch the views up: from here on, nothing may change
    before = revised_story.store.digest()
    result = revised_story(*args)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"chronicle: error: {message}"), lines[0]
    assert revised_story.store.digest() == before


def test_audit_commands_need_a_store(cli):
    for args in (("history", "actor", "us"), ("sources",), ("diff", "--from", "2024-01-01", "--to", "2024-01-02")):
        result = cli(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith("chronicle: error: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
