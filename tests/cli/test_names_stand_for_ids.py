"""Where an actor or negotiation id is asked, a registered name or alias stands for it (said on stderr);
a name of two is refused naming both, a near miss with the nearest; nothing is written when refused."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Cli

TWO_BAGHDADS = {
    "type": "actor_registered",
    "id": "reg-baghdad-city",
    "occurred": "2024-01-04",
    "summary": "The city of Baghdad",
    "actor": "baghdad-city",
    "name": "Baghdad city",
    "kind": "organization",
    "aliases": ["Baghdad"],  # the seed's government of Iraq answers to it too
}


def _file(tmp_path: Path, *lines: dict[str, object]) -> Path:
    path = tmp_path / "story.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_typed_option_takes_a_name_or_alias_and_says_which_id_it_means(story: Cli) -> None:
    result = story.ok(
        "append",
        "strike",
        "--occurred",
        "2024-01-06",
        "--by",
        "Washington",
        "--targets",
        "Iran-backed militias",
        "--summary",
        "A strike",
        "--id",
        "s-named",
    )
    assert result.stdout == "s-named\n"
    assert result.stderr.splitlines() == [
        "chronicle: by: 'Washington' is the actor 'us'",
        "chronicle: targets: 'Iran-backed militias' is the actor 'iran-aligned-groups'",
        "chronicle: recorded 1 development, 0 already present",
    ]
    shown = story.json("show", "development", "s-named")
    assert isinstance(shown, dict)
    assert (shown["believed"]["by"], shown["believed"]["targets"]) == ("us", ["iran-aligned-groups"])


def test_a_file_takes_names_including_those_its_earlier_lines_register(story: Cli, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        {"type": "statement", "id": "st", "occurred": "2024-01-06", "summary": "s", "by": "al-Sudani", "text": "t"},
        {
            "type": "actor_registered",
            "id": "reg-kh",
            "occurred": "2024-01-06",
            "summary": "KH",
            "actor": "kh",
            "name": "Kataib Hezbollah",
            "kind": "armed_group",
        },
        {
            "type": "strike",
            "id": "sk",
            "occurred": "2024-01-07",
            "summary": "s",
            "by": "Kataib Hezbollah",
            "targets": ["U.S."],
        },
    )
    result = story.ok("append", "--file", str(path))
    assert result.stdout == "st\nreg-kh\nsk\n"
    assert result.stderr.splitlines() == [
        "chronicle: line 1: by: 'al-Sudani' is the actor 'mohammed-shia-al-sudani'",
        "chronicle: line 3: by: 'Kataib Hezbollah' is the actor 'kh'",
        "chronicle: line 3: targets: 'U.S.' is the actor 'us'",
        "chronicle: recorded 3 developments, 0 already present",
    ]


def test_a_name_of_two_actors_is_refused_naming_both(story: Cli, tmp_path: Path) -> None:
    story.ok("append", "--file", str(_file(tmp_path, TWO_BAGHDADS)))
    before = story.store.digest()
    result = story(
        "append", "statement", "--occurred", "2024-01-06", "--by", "Baghdad", "--text", "t", "--summary", "s"
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "chronicle: error: by: 'Baghdad' is ambiguous: it could be the actor 'baghdad-city' "
        "and the actor 'iraq-government'\n"
    )
    in_a_file = story(
        "append",
        "--file",
        str(
            _file(
                tmp_path, {"type": "statement", "occurred": "2024-01-06", "summary": "s", "by": "Baghdad", "text": "t"}
            )
        ),
    )
    assert in_a_file.exit_code == 2
    assert in_a_file.stderr == (
        "chronicle: error: line 1: by: 'Baghdad' is ambiguous: it could be the actor 'baghdad-city' "
        "and the actor 'iraq-government'\n"
    )
    assert story.store.digest() == before


def test_a_near_miss_is_refused_with_the_nearest(story: Cli, tmp_path: Path) -> None:
    before = story.store.digest()
    typed = story("append", "statement", "--occurred", "2024-01-06", "--by", "Irann", "--text", "t", "--summary", "s")
    assert (typed.exit_code, typed.stderr) == (
        2,
        "chronicle: error: by: no actor called 'Irann'; did you mean 'iran'?\n",
    )
    line = {"type": "statement", "occurred": "2024-01-06", "summary": "s", "by": "pentagn", "text": "t"}
    in_a_file = story("append", "--file", str(_file(tmp_path, line)))
    assert (in_a_file.exit_code, in_a_file.stderr) == (
        2,
        "chronicle: error: line 1: by: no actor called 'pentagn'; did you mean 'pentagon'?\n",
    )
    assert story.store.digest() == before
    show = story("show", "actor", "Irann")
    assert (show.exit_code, show.stderr) == (
        1,
        "chronicle: error: no actor called 'Irann'; did you mean 'iran'? (see `chronicle actors`)\n",
    )


def test_an_unknown_command_is_answered_with_the_nearest(tmp_path: Path) -> None:
    from helpers import run_chronicle

    result = run_chronicle("lgo", store_url=f"sqlite:///{tmp_path / 'never.db'}")
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr == b"chronicle: error: no command 'lgo'; did you mean log? (see `chronicle --help`)\n"
    assert not (tmp_path / "never.db").exists()
