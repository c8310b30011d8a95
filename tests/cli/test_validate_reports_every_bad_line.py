"""`chronicle validate FILE`: pydantic's precise errors for every bad line, a count, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SEED, Cli, StoreRef

GOOD = {"type": "strike", "id": "s1", "occurred": "2024-01-04", "summary": "A strike", "by": "us"}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """validate needs no store: run it where none exists (and check none appears)."""
    path = tmp_path / "never.db"
    return Cli(StoreRef("sqlite", f"sqlite:///{path}", path=path))


def _file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "story.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_valid_file_passes_with_a_count(cli: Cli) -> None:
    result = cli.ok("validate", str(SEED))
    assert result.stdout == f"{SEED}: 18 valid developments\n"
    assert result.stderr == ""


def test_every_problem_of_every_bad_line_is_reported_and_the_exit_is_2(cli: Cli, tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        json.dumps(GOOD | {"id": "s2", "deaths": -1, "colour": "red", "occurred": "2024-02-30"}),
        "{not json",
        json.dumps({"type": "parade", "occurred": "2024-01-04"}),
        "",
        json.dumps(GOOD | {"sources": [{"title": "no publisher"}]}),
        json.dumps([1, 2]),
        json.dumps(GOOD | {"summary": "same id, other content"}),
    ]
    result = cli("validate", str(_file(tmp_path, lines)))
    assert result.exit_code == 2
    assert result.stdout == f"{tmp_path / 'story.jsonl'}: 1 valid development, 6 invalid lines\n"
    problems = [line.split(": ", 2)[2] for line in result.stderr.splitlines()]
    assert problems[3].startswith("line 3: malformed JSON: ")  # the JSON parser's own words follow
    assert problems[:3] + problems[4:] == [
        "line 2: occurred: '2024-02-30' is not a date: no such day or month",
        "line 2: deaths: -1 is too small: at least 0",
        "line 2: colour: unknown field",
        "line 4: type: unknown type 'parade': one of actor_registered, strike, attack, statement, "
        "figure_reported, negotiation_opened, committee_formed, talks_held, position_taken, "
        "agreement_reached, milestone_completed, negotiation_suspended, negotiation_resumed, "
        "correction, retraction, source_redacted, agreement_extended, negotiation_ended",
        "line 6: sources[0].publisher: missing: this field is required",
        "line 7: expected a JSON object, got list",
        "line 8: id: 's1' was used on line 1 for other content",
    ]


def test_validate_reads_stdin_and_never_touches_a_store(cli: Cli) -> None:
    result = cli.ok("validate", "-", input=SEED.read_bytes())
    assert result.stdout == "stdin: 18 valid developments\n"
    assert cli.store.digest() == "absent"
    empty = cli("validate", "-", input=b"\n\n")
    assert empty.exit_code == 2 and empty.stderr == "chronicle: error: stdin: no developments in the file\n"
    missing = cli("validate", "/nonexistent/story.jsonl")
    assert missing.exit_code == 1 and "cannot read /nonexistent/story.jsonl" in missing.stderr


def test_without_a_store_names_the_file_does_not_hold_are_taken_on_trust(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", str(_file(tmp_path, [json.dumps(GOOD | {"by": "nobody"})])), store=False)
    assert result.exit_code == 0 and result.stdout.endswith(": 1 valid development\n")


def test_thirty_bad_lines_describe_twenty_then_say_how_many_more(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, [json.dumps(GOOD | {"id": f"s{n}", "deaths": -1}) for n in range(30)])
    result = cli("validate", str(path), store=False)
    assert result.exit_code == 2
    said = result.stderr.splitlines()
    assert len(said) == 21
    assert said[-1] == f"chronicle: {path}: and 10 more bad lines"
    assert said[19] == f"chronicle: {path}: line 20: deaths: -1 is too small: at least 0"
    five = cli("validate", str(path), "--max-errors", "5", store=False).stderr.splitlines()
    assert len(five) == 6 and five[-1].endswith(": and 25 more bad lines")
    assert cli.store.digest() == "absent"
