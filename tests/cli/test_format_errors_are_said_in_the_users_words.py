"""Every way a line breaks the format is said in the user's words: one line naming the field, the value
given and what to write instead; the same in `append --file` and `validate`; exit 2, nothing written.

One case per entry of `domain.problems.MESSAGES`, so a new error type cannot arrive without its words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli
from pydantic import ValidationError

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, TYPES
from chronicle.domain.problems import MESSAGES

STATEMENT = {"type": "statement", "occurred": "2024-01-06", "summary": "ok", "by": "us", "text": "fine"}
STRIKE = {"type": "strike", "occurred": "2024-01-06", "summary": "ok", "by": "us"}
FIGURE = {"type": "figure_reported", "occurred": "2024-01-06", "summary": "ok", "actor": "us", "metric": "troops"}
CORRECTION = {"type": "correction", "occurred": "2024-01-06", "summary": "c", "target": "x", "reason": "r"}
ALL_TYPES = ", ".join(TYPES)

# error type: (the line, the one problem it has, in the user's words)
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "missing": (
        STATEMENT | {"sources": [{"title": "no publisher"}]},
        "sources[0].publisher: missing: this field is required",
    ),
    "extra_forbidden": (STATEMENT | {"summmary": "x"}, "summmary: unknown field; did you mean 'summary'?"),
    "string_type": (STATEMENT | {"summary": 5}, 'summary: 5 is not text: write it in quotes, "5"'),
    "string_too_short": (STATEMENT | {"summary": ""}, "summary: is empty: write at least one character"),
    "string_too_long": (STATEMENT | {"summary": "x" * 1001}, "summary: is 1001 characters long: at most 1000"),
    "string_pattern_mismatch": (
        STATEMENT | {"by": "Iran"},
        "by: 'Iran' is not an id (ids are lower-case letters, digits, - _ .); did you mean 'iran'?",
    ),
    "date_invalid": (
        STATEMENT | {"occurred": "5 January 2024"},
        "occurred: '5 January 2024' is not a date: use 2024-01-05",
    ),
    "date_type": (
        STATEMENT | {"occurred": 2024},
        'occurred: 2024 is not a date: write it in quotes, e.g. "2024-01-05"',
    ),
    "int_type": (STRIKE | {"deaths": "3"}, "deaths: '3' is not a whole number: write 3, without quotes"),
    "number_type": (FIGURE | {"value": "2500"}, "value: '2500' is not a number: write 2500, without quotes"),
    "bool_type": (
        STATEMENT | {"sources": [{"publisher": "p", "confidential": "yes"}]},
        "sources[0].confidential: 'yes' is not true or false: write true or false, without quotes",
    ),
    "greater_than_equal": (STRIKE | {"deaths": -1}, "deaths: -1 is too small: at least 0"),
    "less_than_equal": (STRIKE | {"deaths": 2**60}, f"deaths: {2**60} is too large: at most {2**53 - 1}"),
    "too_long": (STATEMENT | {"about": ["us"] * 1001}, "about: has 1001 items: at most 1000"),
    "too_short": (CORRECTION | {"changes": {}}, "changes: is empty: give at least 1 item"),
    "list_type": (STATEMENT | {"about": "us"}, "about: 'us' is not a list: write [\"us\"]"),
    "dict_type": (
        CORRECTION | {"changes": ["deaths"]},
        'changes: ["deaths"] is not an object: write {"field": value, ...}',
    ),
    "model_type": (
        STATEMENT | {"sources": ["Reuters"]},
        'sources[0]: \'Reuters\' is not a source: write {"publisher":"Reuters"}',
    ),
    "enum": (
        STATEMENT | {"confidence": "confimed"},
        "confidence: 'confimed' is not one of confirmed, reported, claimed, disputed; did you mean 'confirmed'?",
    ),
    "finite_number": (FIGURE | {"value": float("inf")}, "value: inf is not a finite number"),
    "value_error": (STATEMENT | {"summary": "a\x00b"}, "summary: contains a NUL character (U+0000)"),
    "union_tag_invalid": (
        STATEMENT | {"type": "statment"},
        f"type: unknown type 'statment': one of {ALL_TYPES}; did you mean 'statement'?",
    ),
    "union_tag_not_found": ({"occurred": "2024"}, f"type: missing field (one of {ALL_TYPES})"),
}

# Refused values that mean something else to a reader: each told apart.
MORE: dict[str, tuple[dict[str, Any], str]] = {
    "a date that does not exist": (
        STATEMENT | {"occurred": "2024-02-30"},
        "occurred: '2024-02-30' is not a date: no such day or month",
    ),
    "no date at all": (
        STATEMENT | {"occurred": "yesterday"},
        "occurred: 'yesterday' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY",
    ),
    "a month written out": (
        STATEMENT | {"occurred": "January 2024"},
        "occurred: 'January 2024' is not a date: use 2024-01",
    ),
    "a flag for a count": (STRIKE | {"deaths": True}, "deaths: true is not a whole number"),
    "a decimal count": (STRIKE | {"deaths": 2.0}, "deaths: 2.0 is not a whole number: write 2"),
    "an id with a slash": (
        STATEMENT | {"id": "a/b"},
        "id: 'a/b' is not an id (ids are lower-case letters, digits, - _ .); did you mean 'a-b'?",
    ),
    "a round of zero": (
        {"type": "talks_held", "occurred": "2024", "summary": "t", "negotiation": "n", "round": 0},
        "round: 0 is too small: at least 1",
    ),
    "a confidential source without an id": (
        STATEMENT | {"sources": [{"publisher": "p", "confidential": True}]},
        "sources[0]: a confidential source needs an id",
    ),
}


# JSON has no infinity: a line cannot carry one, a typed subcommand's option can.
IN_A_FILE = sorted(name for name in [*CASES, *MORE] if name != "finite_number")

TYPED = {
    "finite_number": ["figure_reported", "--actor", "us", "--metric", "troops", "--value", "inf"],
    # A registered actor's name stands for its id on the command line: this one names none.
    "string_pattern_mismatch": ["statement", "--by", "Nobody Here", "--text", "t"],
    "date_invalid": ["statement", "--by", "us", "--text", "t", "--occurred", "5 January 2024"],
}


# In a store, a registered actor's name stands for its id: these lines name none.
NO_SUCH_NAME = "by: 'Nobody Here' is not an id (ids are lower-case letters, digits, - _ .); did you mean 'nobody-here'?"
IN_A_STORE = {"string_pattern_mismatch": (STATEMENT | {"by": "Nobody Here"}, NO_SUCH_NAME)}


def _line(development: dict[str, Any]) -> str:
    return json.dumps(development) + "\n"


def test_every_error_type_in_the_table_has_its_case() -> None:
    assert set(CASES) == set(MESSAGES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_case_raises_the_error_type_it_is_named_for(kind: str) -> None:
    development, _ = CASES[kind]
    with pytest.raises(ValidationError) as raised:
        DEVELOPMENT_ADAPTER.validate_python(development)
    assert kind in {item["type"] for item in raised.value.errors()}


@pytest.mark.parametrize("name", IN_A_FILE)
def test_append_refuses_the_line_in_one_line_and_writes_nothing(story: Cli, name: str) -> None:
    development, message = IN_A_STORE.get(name) or CASES.get(name) or MORE[name]
    before = story.store.digest()
    result = story("append", "--file", "-", input=_line(development))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"chronicle: error: line 1: {message}\n")
    assert story.store.digest() == before


@pytest.mark.parametrize("name", IN_A_FILE)
def test_validate_says_the_same(tmp_path: Path, name: str) -> None:
    from helpers import StoreRef

    development, message = CASES.get(name) or MORE[name]
    path = tmp_path / "never.db"
    result = Cli(StoreRef("sqlite", f"sqlite:///{path}", path=path))("validate", "-", input=_line(development))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"chronicle: stdin: line 1: {message}"
    assert not path.exists()


@pytest.mark.parametrize("kind", sorted(TYPED))
def test_typed_subcommands_say_the_same(story: Cli, kind: str) -> None:
    _, message = CASES[kind]
    if kind in IN_A_STORE:
        message = IN_A_STORE[kind][1]
    args = TYPED[kind]
    if "--occurred" not in args:
        args = [*args, "--occurred", "2024-01-06"]
    before = story.store.digest()
    result = story("append", *args, "--summary", "s")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"chronicle: error: {message}\n")
    assert story.store.digest() == before


def test_a_typed_append_names_every_option_left_out_at_once(cli: Cli) -> None:
    cli.ok("init")
    before = cli.ok("log", "--json").stdout
    result = cli("append", "actor_registered", "--actor", "iq", "--name", "Iraq")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "chronicle: error: missing --occurred, --summary and --kind "
        "(`chronicle append actor-registered --help` shows an example)\n"
    )
    one = cli("append", "strike", "--by", "us", "--summary", "A strike")
    assert one.stderr.startswith("chronicle: error: missing --occurred (") and one.exit_code == 2
    assert cli.ok("log", "--json").stdout == before


def test_a_registration_whose_aliases_are_not_a_list_is_refused_in_one_line(story: Cli) -> None:
    # Names are learnt from each line before it is validated: a number where the aliases go must not
    # reach that step as a list.
    before = story.store.digest()
    line = {"type": "actor_registered", "occurred": "2024", "summary": "enters", "actor": "newcomer"}
    line |= {"name": "Newcomer", "kind": "person", "aliases": 9007199254740991}
    result = story("append", "--file", "-", input=json.dumps(line) + "\n")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "chronicle: error: line 1: aliases: 9007199254740991 is not a list: write [9007199254740991]"
    )
    assert story.store.digest() == before
