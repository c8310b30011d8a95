"""`append --file` refuses a file with bad lines whole and, like `validate`, names every bad line (the first
twenty, or `--max-errors`, then how many more), not only the first; nothing is written."""

from __future__ import annotations

import json

from helpers import Cli

GOOD = {"type": "strike", "occurred": "2024-01-04", "summary": "A strike", "by": "us"}


def _lines(bad: int, good: int = 1) -> str:
    lines = [GOOD | {"id": f"good-{n}"} for n in range(good)]
    lines += [GOOD | {"id": f"bad-{n}", "deaths": -1} for n in range(bad)]
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_thirty_bad_lines_name_twenty_then_say_how_many_more(story: Cli) -> None:
    before = story.store.digest()
    result = story("append", "--file", "-", input=_lines(30))
    assert (result.exit_code, result.stdout) == (2, "")
    said = result.stderr.splitlines()
    assert said == [
        *(f"chronicle: error: line {n}: deaths: -1 is too small: at least 0" for n in range(2, 22)),
        "chronicle: error: and 10 more bad lines",
    ]
    assert story.store.digest() == before


def test_max_errors_sets_how_many_are_named(story: Cli) -> None:
    before = story.store.digest()
    result = story("append", "--max-errors", "2", "--file", "-", input=_lines(3, good=0))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "chronicle: error: line 1: deaths: -1 is too small: at least 0",
        "chronicle: error: line 2: deaths: -1 is too small: at least 0",
        "chronicle: error: and 1 more bad line",
    ]
    assert story.store.digest() == before


def test_bad_lines_of_every_kind_are_named_in_order(story: Cli) -> None:
    text = _lines(0) + "{not json\n" + json.dumps(GOOD | {"by": "nobody-at-all"}) + "\n"
    before = story.store.digest()
    result = story("append", "--file", "-", input=text)
    assert result.exit_code == 2
    said = result.stderr.splitlines()
    assert [line.split(": ")[2] for line in said] == ["line 2", "line 3"]
    assert "nobody-at-all" in said[1]
    assert story.store.digest() == before


def test_one_bad_line_is_refused_in_one_line_as_before(story: Cli) -> None:
    result = story("append", "--file", "-", input=_lines(1))
    assert result.stderr == "chronicle: error: line 2: deaths: -1 is too small: at least 0\n"


def test_a_max_errors_that_is_not_a_count_is_refused(story: Cli) -> None:
    before = story.store.digest()
    result = story("append", "--max-errors", "many", "--file", "-", input=_lines(0))
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "chronicle: error: --max-errors 'many': expected a whole number, at least 1\n",
    )
    assert story.store.digest() == before
