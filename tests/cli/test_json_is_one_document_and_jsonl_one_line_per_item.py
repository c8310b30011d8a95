"""`--json` prints one JSON document on every read command; `--jsonl` streams one object per line."""

from __future__ import annotations

import json

import pytest
from helpers import Cli

READS = [
    ["log"],
    ["log", "--actor", "us"],
    ["show", "actor", "us"],
    ["show", "negotiation", "coalition-exit"],
    ["show", "development", "reg-us"],
    ["actors"],
    ["negotiations"],
    ["replay"],
    ["replay", "--play"],
    ["history", "actor", "us"],
    ["blame", "actor", "us"],
    ["diff", "--from", "2024-01-01", "--to", "2024-02-01"],
    ["sources"],
    ["verify"],
]
STREAMS = [["log"], ["replay", "--play"], ["history", "negotiation", "coalition-exit"]]


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_json_parses_whole_as_one_document(story: Cli, args: list[str]) -> None:
    document = json.loads(story.ok(*args, "--json").stdout)
    assert isinstance(document, dict | list) and document


@pytest.mark.parametrize("args", STREAMS, ids=" ".join)
def test_jsonl_holds_the_same_items_one_per_line(story: Cli, args: list[str]) -> None:
    lines = story.ok(*args, "--jsonl").stdout.split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    assert [json.loads(line) for line in lines[:-1]] == json.loads(story.ok(*args, "--json").stdout)


def test_an_empty_answer_is_an_empty_array(story: Cli) -> None:
    assert json.loads(story.ok("log", "--search", "no development says this", "--json").stdout) == []
    assert story.ok("log", "--search", "no development says this", "--jsonl").stdout == ""


@pytest.mark.parametrize("args", [["log"], ["replay", "--play"], ["history", "actor", "us"]], ids=" ".join)
def test_json_and_jsonl_together_are_refused(story: Cli, args: list[str]) -> None:
    before = story.store.digest()
    result = story(*args, "--json", "--jsonl")
    assert (result.exit_code, result.stderr) == (
        2,
        "chronicle: error: use --json (one document) or --jsonl (one line per item), not both\n",
    )
    assert result.stdout == "" and story.store.digest() == before


def test_jsonl_without_play_is_refused(story: Cli) -> None:
    before = story.store.digest()
    result = story("replay", "--jsonl")
    assert result.exit_code == 2 and "go with --play" in result.stderr
    assert story.store.digest() == before
