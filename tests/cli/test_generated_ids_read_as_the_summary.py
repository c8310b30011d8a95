"""A development appended without an id gets one that reads: its type, date and the first words of its
summary, with a digest of its content only when another development already holds that id."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import Cli


def _line(**fields: object) -> str:
    base: dict[str, object] = {"type": "statement", "occurred": "2024-01-06", "by": "us", "text": "No comment."}
    return json.dumps(base | fields) + "\n"


def test_an_appended_development_without_an_id_is_named_after_its_summary(story: Cli) -> None:
    line = _line(summary="Washington says it has no plans to withdraw troops from Iraq")
    ident = story.ok("append", "--file", "-", input=line).stdout.strip()
    assert ident == "statement-2024-01-06-washington-says-it-has-no-plans"
    assert story.json("show", "development", ident)


def test_appending_the_same_line_again_is_recognised_as_already_present(story: Cli) -> None:
    line = _line(summary="Washington comments")
    first = story.ok("append", "--file", "-", input=line).stdout
    before = story.store.digest()
    again = story.ok("append", "--file", "-", input=line)
    assert again.stdout == first
    assert "recorded 0 developments, 1 already present" in again.stderr
    assert story.store.digest() == before


def test_other_content_under_the_same_summary_gets_a_digest_suffix_that_is_stable(story: Cli) -> None:
    story.ok("append", "--file", "-", input=_line(summary="Washington comments"))
    other = _line(summary="Washington comments", text="Later, more.")
    suffixed = story.ok("append", "--file", "-", input=other).stdout.strip()
    assert re.fullmatch(r"statement-2024-01-06-washington-comments-[0-9a-f]{8}", suffixed)
    before = story.store.digest()
    assert story.ok("append", "--file", "-", input=other).stdout.strip() == suffixed
    assert story.store.digest() == before


def test_two_lines_of_one_file_with_one_summary_get_two_ids_and_validate_agrees(story: Cli, tmp_path: Path) -> None:
    path = tmp_path / "story.jsonl"
    lines = [
        _line(summary="Talks resume"),
        _line(summary="Talks resume", text="Other words."),
        _line(summary="Talks resume"),
    ]
    path.write_text("".join(lines), encoding="utf-8")
    checked = story("validate", str(path), "--store", story.store.url)
    assert (checked.exit_code, checked.stdout) == (0, f"{path}: 3 valid developments\n")
    result = story.ok("append", "--file", str(path))
    first, second, third = result.stdout.split()
    assert first == third == "statement-2024-01-06-talks-resume"
    assert second.startswith("statement-2024-01-06-talks-resume-")
    assert "recorded 2 developments, 1 already present" in result.stderr


def test_an_id_taken_on_an_earlier_page_of_a_big_file_is_not_given_to_other_content(cli: Cli, tmp_path: Path) -> None:
    from chronicle.service.interchange import PAGE

    cli.ok("init")
    register = {"type": "actor_registered", "id": "reg-us", "occurred": "2024-01-04", "summary": "US"}
    lines = [json.dumps(register | {"actor": "us", "name": "US", "kind": "state"}) + "\n"]
    lines += [_line(summary="Filler", text=f"Line {n}.", occurred="2024-01-05") for n in range(PAGE - 2)]
    lines += [_line(summary="Talks resume")]  # the last line of the first page
    lines += [*([_line(summary="Filler", text="x")] * 2), _line(summary="Talks resume", text="On the next page.")]
    path = tmp_path / "big.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    printed = cli.ok("append", "--file", str(path)).stdout.split()
    talks = [i for i in printed if "talks-resume" in i]
    assert len(talks) == 2 and len(set(talks)) == 2
    assert len(set(printed)) == len(lines) - 1  # the repeated filler line is one development


def test_a_development_stored_under_a_digest_id_of_before_is_still_recognised(story: Cli) -> None:
    from chronicle.domain.developments import DEVELOPMENT_ADAPTER

    line = _line(summary="Washington comments")
    legacy = DEVELOPMENT_ADAPTER.validate_json(line).generated_ids().legacy
    story.ok("append", "--file", "-", input=json.dumps(json.loads(line) | {"id": legacy}) + "\n")
    before = story.store.digest()
    again = story.ok("append", "--file", "-", input=line)
    assert again.stdout.strip() == legacy
    assert story.store.digest() == before
