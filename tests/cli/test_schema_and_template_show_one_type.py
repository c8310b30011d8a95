"""`chronicle schema TYPE` and `chronicle template TYPE`: one type's schema and a complete example line
that validates against the demo story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import Cli

from chronicle.domain.developments import TYPES
from chronicle.domain.examples import EXAMPLE_NEEDS, EXAMPLES
from chronicle.domain.problems import RECORDED_BY_CHRONICLE

WRITABLE = [kind for kind in TYPES if kind not in RECORDED_BY_CHRONICLE]


def test_every_type_has_an_example_filling_in_every_field() -> None:
    assert set(EXAMPLES) == set(TYPES)
    for kind, model in TYPES.items():
        assert set(EXAMPLES[kind]) == set(model.model_fields), kind
        assert model.model_validate(EXAMPLES[kind]).model_dump(mode="json", exclude_unset=True) == EXAMPLES[kind], kind


@pytest.mark.parametrize("kind", WRITABLE)
def test_each_template_validates_and_appends_in_the_demo_story(revised_story: Cli, tmp_path: Path, kind: str) -> None:
    for needed in EXAMPLE_NEEDS.get(kind, ()):
        revised_story.ok("append", "--file", "-", input=revised_story.ok("template", needed).stdout)
    line = revised_story.ok("template", kind.replace("_", "-")).stdout
    assert line.endswith("\n") and line.count("\n") == 1  # one compact line, ready for `>> story.jsonl`
    path = tmp_path / "story.jsonl"
    path.write_text(line, encoding="utf-8")
    checked = revised_story("validate", str(path), "--store", revised_story.store.url)
    assert (checked.exit_code, checked.stderr) == (0, ""), checked.stderr
    assert revised_story.ok("append", "--file", str(path)).stdout == f"{EXAMPLES[kind]['id']}\n"


def test_schema_of_a_type_is_valid_on_its_own_and_its_example_passes_it(cli: Cli) -> None:
    from jsonschema import Draft202012Validator

    for kind in TYPES:
        schema = json.loads(cli.ok("schema", kind).stdout)
        Draft202012Validator.check_schema(schema)
        assert schema["properties"]["type"]["const"] == kind
        assert schema["examples"] == [EXAMPLES[kind]]
        template = json.loads(cli.ok("template", kind).stdout) if kind in WRITABLE else EXAMPLES[kind]
        assert template == EXAMPLES[kind]
        Draft202012Validator(schema).validate(template)


def test_type_names_take_dashes_or_underscores(cli: Cli) -> None:
    assert cli.ok("schema", "figure-reported").stdout == cli.ok("schema", "figure_reported").stdout
    assert cli.ok("template", "figure-reported").stdout == cli.ok("template", "figure_reported").stdout


def test_schema_without_a_type_is_the_whole_format(cli: Cli) -> None:
    from chronicle.domain.schemas import interchange_schema

    assert json.loads(cli.ok("schema").stdout) == interchange_schema()


@pytest.mark.parametrize("command", ["schema", "template"])
def test_an_unknown_type_is_one_line_with_the_closest_name(cli: Cli, command: str) -> None:
    result = cli(command, "figure-reportd")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "chronicle: error: no development type 'figure-reportd'; did you mean 'figure_reported'?\n"


def test_a_type_only_chronicle_records_has_a_schema_but_no_template(cli: Cli) -> None:
    assert json.loads(cli.ok("schema", "source-redacted").stdout)["examples"][0]["type"] == "source_redacted"
    result = cli("template", "source-redacted")
    assert result.exit_code == 2
    assert result.stderr == (
        "chronicle: error: no template: source_redacted is recorded only by `chronicle redact source`\n"
    )


def _help_example(cli: Cli, kind: str) -> list[str]:
    import shlex

    shown = cli.ok("append", kind, "--help").stdout
    _, found, rest = shown.partition("Example:\n\n")
    assert found, f"`chronicle append {kind} --help` shows no example"
    command = rest.split("\n\n", 1)[0].replace("\\\n", " ")
    return shlex.split(command, comments=True)


@pytest.mark.parametrize("kind", WRITABLE)
def test_each_typed_append_shows_an_example_that_records_in_the_demo_story(revised_story: Cli, kind: str) -> None:
    words = _help_example(revised_story, kind)
    assert words[:3] == ["chronicle", "append", kind.replace("_", "-")]
    recorded = revised_story.ok(*words[1:]).stdout.split()
    assert len(recorded) == 1
    shown = revised_story.json("show", "development", recorded[0])
    assert isinstance(shown, dict)
    assert json.dumps(shown).count(EXAMPLES[kind]["summary"]) >= 1


def test_the_typed_append_of_a_type_only_chronicle_records_points_to_its_command(cli: Cli) -> None:
    assert _help_example(cli, "source_redacted") == ["chronicle", "redact", "source", "baghdad-official"]


@pytest.mark.parametrize(
    "args, meant",
    [
        (("schema", "actor"), "'actor_registered'"),
        (("template", "figure"), "'figure_reported'"),
        (("append", "actor", "--name", "US"), "actor_registered"),
        (("append", "figure"), "figure_reported"),
    ],
)
def test_a_word_of_a_type_name_is_taken_for_that_type(cli: Cli, args: tuple[str, ...], meant: str) -> None:
    cli.ok("init")
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"chronicle: error: no development type {args[1]!r}; did you mean {meant}?\n"
