"""Every way output reaches a terminal (text, tables, messages, errors) escapes control characters: a hostile
name, summary, publisher or JSON key can neither drive the terminal nor forge a line."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ESC = "\x1b[2J"
FAKE = "\nFAKE LINE: "
HOSTILE = [
    {
        "type": "actor_registered",
        "id": "reg-x",
        "occurred": "2024-01-01",
        "summary": f"X{ESC}{FAKE}summary",
        "actor": "x",
        "name": f"Ev{ESC}il{FAKE}name",
        "kind": "state",
        "aliases": [f"al{ESC}\rFAKE LINE: alias"],
    },
    {
        "type": "negotiation_opened",
        "id": "neg",
        "occurred": "2024-01-01",
        "summary": f"N{FAKE}n",
        "negotiation": "n",
        "title": f"T{ESC}{FAKE}title",
        "parties": ["x"],
        "subject": f"S{FAKE}subject",
        "sources": [{"publisher": f"Pub{ESC}{FAKE}publisher", "title": f"t{FAKE}t"}],
    },
    {
        "type": "statement",
        "id": "st",
        "occurred": "2024-01-02",
        "summary": f"said\rFAKE LINE: cr{ESC}",
        "by": "x",
        "text": f"t{FAKE}text\x07",
        "about": ["n"],
        "sources": [{"publisher": f"Pub{ESC}{FAKE}publisher"}],
    },
    {
        "type": "figure_reported",
        "id": "fig",
        "occurred": "2024-01-03",
        "summary": f"f{FAKE}f",
        "actor": "x",
        "metric": "troops",
        "value": 5,
        "scope": "iraq",
    },
    {
        "type": "correction",
        "id": "fix",
        "occurred": "2024-01-04",
        "summary": f"c{ESC}{FAKE}c",
        "target": "fig",
        "changes": {"value": 6, "summary": f"g{FAKE}corrected"},
        "reason": f"r{FAKE}reason",
    },
    {
        "type": "retraction",
        "id": "ret",
        "occurred": "2024-01-05",
        "summary": f"r{FAKE}r",
        "target": "st",
        "reason": f"because{ESC}{FAKE}retracted",
    },
]
COMMANDS = [
    ("actors",),
    ("negotiations",),
    ("log",),
    ("log", "-S", "FAKE"),
    ("show", "actor", "x"),
    ("show", "negotiation", "n"),
    ("show", "actor", "x", "--as-of", "2024-01-03"),
    ("history", "actor", "x"),
    ("history", "negotiation", "n"),
    ("blame", "actor", "x"),
    ("diff", "--from", "2024-01-01", "--to", "2024-01-06"),
    ("sources",),
    ("replay", "--play"),
    ("replay", "--play", "--negotiation", "n"),
]


def _jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def _clean(text: str) -> list[str]:
    """What is wrong with `text` as terminal output: control characters, or a forged line."""
    wrong = []
    body = text[:-1] if text.endswith("\n") else text
    controls = sorted({f"{ord(ch):#04x}" for ch in body if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) < 0xA0})
    if controls:
        wrong.append(f"control characters {controls}")
    forged = [line for line in text.split("\n") if line.lstrip().startswith("FAKE LINE")]
    if forged:
        wrong.append(f"forged lines {forged}")
    return wrong


@pytest.fixture
def hostile(cli):
    cli.ok("init")
    cli.ok("append", "--file", "-", input=_jsonl(*HOSTILE))
    return cli


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_hostile_text_is_escaped_in_every_text_output(hostile, command):
    result = hostile(*command)
    assert result.exit_code == 0, result.stderr
    assert _clean(result.stdout) == [], result.stdout
    assert _clean(result.stderr) == [], result.stderr


def test_the_escaped_text_is_still_readable(hostile):
    out = hostile.ok("show", "actor", "x").stdout
    assert "Ev\\x1b[2Jil\\nFAKE LINE: name" in out


def test_json_output_keeps_the_text_exactly(hostile):
    assert hostile.json("show", "actor", "x")["name"] == f"Ev{ESC}il{FAKE}name"


HOSTILE_KEY = {
    "type": "statement",
    "occurred": "2024-01-06",
    "summary": "s",
    "by": "x",
    "text": "t",
    f"{ESC}{FAKE}unknown field": 1,
}


def test_append_and_validate_report_a_hostile_key_the_same_way(hostile):
    line = _jsonl(HOSTILE_KEY)
    appended = hostile("append", "--file", "-", input=line)
    validated = hostile("validate", "-", input=line)
    assert appended.exit_code == validated.exit_code == 2
    assert _clean(appended.stderr) == [] and _clean(validated.stderr) == []
    expected = "line 1: \\x1b[2J\\nFAKE LINE: unknown field: unknown field"
    assert appended.stderr.strip() == f"chronicle: error: {expected}"
    assert validated.stderr.splitlines()[0] == f"chronicle: stdin: {expected}"


def test_a_hostile_id_in_a_not_found_message_is_escaped(hostile):
    result = hostile("show", "actor", f"nobody{ESC}{FAKE}x")
    assert result.exit_code == 1
    assert _clean(result.stderr) == []


def test_validate_counts_lines_rightly_after_an_over_long_line(hostile):
    from chronicle.service.interchange import MAX_LINE_BYTES

    good = json.dumps({"type": "statement", "occurred": "2024-01-06", "summary": "s", "by": "x", "text": "t"})
    bad = json.dumps({"type": "statement", "occurred": "2024-13-06", "summary": "s", "by": "x", "text": "t"})
    long = json.dumps(
        {"type": "statement", "occurred": "2024-01-06", "summary": "s" * (MAX_LINE_BYTES + 10), "by": "x", "text": "t"}
    )
    result = hostile("validate", "-", input=f"{good}\n{long}\n{good}\n{bad}\n")
    assert result.exit_code == 2
    numbers = [int(m) for m in re.findall(r"line (\d+):", result.stderr)]
    assert numbers == [2, 4], result.stderr


SAFE = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
NASTY = st.text(
    alphabet=st.sampled_from(
        ["\x1b", "\n", "\r", "\x07", "\x00", "\x7f", "\x9b", "\t", "a", "[", "2", "J", "é", "\u2028"]
    ),
    min_size=1,
    max_size=12,
)


@SAFE
@given(key=NASTY, value=NASTY)
def test_no_control_character_reaches_stderr_from_append_or_validate(hostile, key, value):
    line = (
        json.dumps({"type": "statement", "occurred": value, "summary": "s", "by": value, "text": "t", key: value})
        + "\n"
    )
    for command in (("append", "--file", "-"), ("validate", "-"), ("import", "acled", "-")):
        result = hostile(*command, input=line)
        assert result.exit_code != 0
        assert _clean(result.stderr) == [], (command, result.stderr)
    typed = hostile("append", "statement", "--occurred", value, "--by", value, "--summary", "s", "--text", "t")
    assert typed.exit_code == 2
    assert _clean(typed.stderr) == [], typed.stderr
