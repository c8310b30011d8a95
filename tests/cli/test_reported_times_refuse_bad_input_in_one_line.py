"""A `reported` or `published` time that is malformed, has no offset, or lies in the future is refused:
one line on stderr, exit 2, nothing written. `--allow-future` lets a future date through on purpose."""

from __future__ import annotations

import json

import pytest
from helpers import Cli

GOOD = {"type": "statement", "occurred": "2024-01-06", "summary": "ok", "by": "us", "text": "fine"}
NO_OFFSET = "time '2024-01-05T14:30' has no offset: add Z (UTC) or +HH:MM"
EXPECTED = "expected YYYY-MM-DD or an ISO 8601 date-time with offset, e.g. 2024-01-05T14:30Z"


def _jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


CASES = {
    "reported in words": (
        _jsonl(GOOD | {"reported": "last tuesday"}),
        f"line 1: reported: invalid time 'last tuesday': {EXPECTED}",
    ),
    "reported without an offset": (_jsonl(GOOD | {"reported": "2024-01-05T14:30"}), f"line 1: reported: {NO_OFFSET}"),
    "reported on no such day": (
        _jsonl(GOOD, GOOD | {"summary": "two", "reported": "2024-02-30T10:00Z"}),
        "line 2: reported: invalid time '2024-02-30T10:00Z': no such day or time",
    ),
    "published without an offset": (
        _jsonl(GOOD | {"sources": [{"publisher": "AP", "published": "2024-01-05T14:30"}]}),
        f"line 1: sources[0].published: {NO_OFFSET}",
    ),
    "reported in the future": (
        _jsonl(GOOD | {"reported": "2999-01-05T10:00Z"}),
        "line 1: reported 2999-01-05T10:00Z is in the future (pass --allow-future if that is meant)",
    ),
    "occurred in the future": (
        _jsonl(GOOD, GOOD | {"summary": "later", "occurred": "2999"}),
        "line 2: occurred 2999 is in the future (pass --allow-future if that is meant)",
    ),
    "published in the future": (
        _jsonl(GOOD | {"sources": [{"publisher": "AP", "published": "2999-01-01"}]}),
        "line 1: published 2999-01-01 is in the future (pass --allow-future if that is meant)",
    ),
    "a correction that changes when its target was reported": (
        _jsonl(
            {
                "type": "correction",
                "occurred": "2024-01-06",
                "summary": "c",
                "target": "us-strike-baghdad",
                "changes": {"reported": "2024-01-04"},
                "reason": "r",
            }
        ),
        "line 1: a correction cannot change reported",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_time_is_refused_whole_with_its_line(story: Cli, case: str) -> None:
    text, message = CASES[case]
    before = story.store.digest()
    result = story("append", "--file", "-", input=text)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"chronicle: error: {message}\n"
    assert story.store.digest() == before


def test_allow_future_records_a_date_in_the_future_on_purpose(story: Cli) -> None:
    planned = GOOD | {"id": "planned", "occurred": "2999-06", "reported": "2999-01-01T00:00Z"}
    story.ok("append", "--allow-future", "--file", "-", input=_jsonl(planned))
    assert "planned" in [e["id"] for e in story.jsonl("log", "--type", "statement")]


def test_a_typed_append_in_the_future_is_refused_too(story: Cli) -> None:
    before = story.store.digest()
    args = ("statement", "--occurred", "2024-01-06", "--summary", "s", "--by", "us", "--text", "t")
    result = story("append", *args, "--reported", "2999-01-01")
    assert result.exit_code == 2
    assert result.stderr == (
        "chronicle: error: reported 2999-01-01 is in the future (pass --allow-future if that is meant)\n"
    )
    assert story.store.digest() == before
    story.ok("append", *args, "--reported", "2024-01-06T09:00Z")


def test_today_is_not_the_future(story: Cli) -> None:
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    story.ok("append", "--file", "-", input=_jsonl(GOOD | {"occurred": today, "reported": today}))


@pytest.mark.parametrize(
    "flags, message",
    [
        (("--recorded-at", "yesterday"), "--recorded-at: invalid timestamp 'yesterday'"),
        (("--known-at", "2024-13-01"), "--known-at: invalid timestamp '2024-13-01'"),
    ],
)
def test_a_bad_time_flag_is_one_line(story: Cli, flags: tuple[str, ...], message: str) -> None:
    for command in (("log",), ("show", "actor", "us"), ("actors",), ("history", "actor", "us")):
        result = story(*command, *flags)
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr.startswith(f"chronicle: error: {message}"), (command, result.stderr)
        assert len(result.stderr.splitlines()) == 1
