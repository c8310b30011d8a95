"""Every kind of bad input: one line on stderr, exit 2 (input) or 1 (runtime), no traceback, store unchanged."""

from __future__ import annotations

import json

import pytest

GOOD = {"type": "statement", "occurred": "2024-01-06", "summary": "ok", "by": "us", "text": "fine"}


def _jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


CASES = {
    "unknown type": (_jsonl(GOOD, {**GOOD, "type": "invasion"}), "line 2: type: unknown type 'invasion': one of "),
    "unknown field": (_jsonl({**GOOD, "mood": "tense"}), "line 1: mood: unknown field"),
    "wrong date": (
        _jsonl(GOOD, GOOD | {"occurred": "2024-13-01", "summary": "x"}),
        "line 2: occurred: '2024-13-01' is not a date: no such day or month",
    ),
    "missing reference": (
        _jsonl({**GOOD, "by": "nobody"}),
        "line 1: unknown actor 'nobody' (register it first, or pass --auto-register)",
    ),
    "missing negotiation": (
        _jsonl({"type": "talks_held", "occurred": "2024-02", "summary": "t", "negotiation": "nope"}),
        "line 1: unknown negotiation 'nope' (open it first with negotiation_opened)",
    ),
    "malformed json": (_jsonl(GOOD) + '{"type": "statement",\n', "line 2: malformed JSON: "),
    "not an object": ("[1, 2]\n", "line 1: expected a JSON object, got list"),
    "missing type": (_jsonl({"occurred": "2024"}), "line 1: type: missing field (one of "),
    "wrong field type": (_jsonl({**GOOD, "about": "us"}), "line 1: about: 'us' is not a list: write [\"us\"]"),
    "id with a slash": (
        _jsonl({**GOOD, "id": "a/b"}),
        "line 1: id: 'a/b' is not an id (ids are lower-case letters, digits, - _ .); did you mean 'a-b'?",
    ),
    "correction of unknown development": (
        _jsonl(
            {
                "type": "correction",
                "occurred": "2024",
                "summary": "c",
                "target": "ghost",
                "changes": {"x": 1},
                "reason": "r",
            }
        ),
        "line 1: unknown development 'ghost'",
    ),
    "correction naming an unknown field": (
        _jsonl(
            {
                "type": "correction",
                "occurred": "2024",
                "summary": "c",
                "target": "us-strike-baghdad",
                "changes": {"colour": 1},
                "reason": "r",
            }
        ),
        "line 1: a correction names unknown field(s) of strike: colour",
    ),
    "correction of an identity field": (
        _jsonl(
            {
                "type": "correction",
                "occurred": "2024",
                "summary": "c",
                "target": "reg-us",
                "changes": {"actor": "usa"},
                "reason": "r",
            }
        ),
        "line 1: a correction cannot change actor",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_refused_whole_with_its_line_number(story, case):
    text, message = CASES[case]
    before = story.store.digest()
    result = story("append", "--file", "-", input=text)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"chronicle: error: {message}"), lines[0]
    assert "Traceback" not in result.stderr
    assert story.store.digest() == before


def test_bad_typed_append_is_refused(story):
    before = story.store.digest()
    result = story("append", "statement", "--occurred", "yesterday", "--summary", "s", "--by", "us", "--text", "t")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "chronicle: error: occurred: 'yesterday' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY"
    )
    assert story.store.digest() == before


def test_retracting_twice_is_refused(story):
    retract = {
        "type": "retraction",
        "occurred": "2024-01-06",
        "summary": "r",
        "target": "us-troops-syria",
        "reason": "wrong",
    }
    story.ok("append", "--file", "-", input=_jsonl(retract))
    before = story.store.digest()
    result = story("append", "--file", "-", input=_jsonl({**retract, "summary": "again"}))
    assert result.exit_code == 2
    assert "already retracted" in result.stderr
    assert story.store.digest() == before


def test_store_not_initialised(cli):
    result = cli("log")
    assert result.exit_code == 1
    assert "run `chronicle init`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    before = cli.store.digest()
    assert cli("append", "--file", "-", input=_jsonl(GOOD)).exit_code == 1
    assert cli.store.digest() == before


def test_unreadable_store_file(tmp_path):
    from helpers import Cli, StoreRef

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    cli = Cli(StoreRef("sqlite", f"sqlite:///{junk}", path=junk))
    result = cli("actors")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"chronicle: error: store file {junk} is unreadable")
    assert junk.read_bytes() == b"this is not a database" * 100


def test_missing_input_file(story):
    result = story("append", "--file", "/no/such/file.jsonl")
    assert result.exit_code == 1
    assert result.stderr.strip() == "chronicle: error: cannot read /no/such/file.jsonl: No such file or directory"


def test_until_before_since(story):
    result = story("log", "--since", "2024-02-01", "--until", "2024-01-01")
    assert result.exit_code == 2
    assert result.stderr.strip() == "chronicle: error: --until 2024-01-01 is before --since 2024-02-01"
