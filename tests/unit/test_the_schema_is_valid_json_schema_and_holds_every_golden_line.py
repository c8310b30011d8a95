"""`chronicle schema` is a valid JSON Schema, every golden line of the format validates against it, and
lines the format refuses are refused by the schema too."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from helpers import GOLDEN, STORIES

from chronicle.domain.schemas import interchange_schema

LINES = [
    pytest.param(json.loads(line), id=f"{path.name}:{n}")
    for path in sorted([*GOLDEN.rglob("*.jsonl"), *STORIES.glob("*.jsonl")])
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    if line.strip() and not path.name.endswith(".log.jsonl")  # `log --json` answers, not interchange lines
]


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = interchange_schema()
    cls = jsonschema.validators.validator_for(schema, default=None)
    assert cls is jsonschema.Draft202012Validator, schema.get("$schema")
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_the_cli_prints_the_schema_the_domain_declares() -> None:
    from typer.testing import CliRunner

    from chronicle.cli.main import app

    result = CliRunner().invoke(app, ["schema"], env={"NO_COLOR": "1"}, catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == interchange_schema()


def test_the_golden_lines_cover_the_extensions() -> None:
    lines = [p.values[0] for p in LINES]
    types = {line["type"] for line in lines}
    assert {"negotiation_ended", "agreement_extended", "negotiation_suspended", "negotiation_resumed"} <= types
    fields = {key for line in lines for key in line}
    assert {"until", "tags", "responds_to", "place", "by", "outcome", "supersedes"} <= fields
    assert len({p.id for p in LINES}) == len(LINES) > 40


@pytest.mark.parametrize("line", LINES)
def test_every_golden_line_validates(validator: Any, line: dict[str, Any]) -> None:
    validator.validate(line)


BAD = {
    "unknown outcome": {"outcome": "abandoned"},
    "latitude out of range": {"place": {"lat": 91, "lon": 0}},
    "longitude out of range": {"place": {"lat": 0, "lon": -180.5}},
    "tag not a slug": {"tags": ["Maritime Trade"]},
    "unknown field in a place": {"place": {"town": "Vienna"}},
    "a new field misspelt": {"responds-to": ["reply"]},
}


@pytest.mark.parametrize("case", list(BAD))
def test_lines_the_format_refuses_the_schema_refuses(validator: Any, case: str) -> None:
    ended = next(p.values[0] for p in LINES if p.values[0]["type"] == "negotiation_ended")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**ended, **BAD[case]})
