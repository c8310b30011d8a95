"""`chronicle validate FILE --store URL`: every line checked as `append --file` would, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Cli

GOOD = {"type": "strike", "id": "s1", "occurred": "2024-01-04", "summary": "A strike", "by": "us"}


def _file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "story.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_with_a_store_every_line_is_checked_as_append_would_and_nothing_is_written(story: Cli, tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD | {"by": "nobody"}),
        json.dumps(
            {
                "type": "actor_registered",
                "id": "reg-x",
                "occurred": "2024-01-04",
                "summary": "X",
                "actor": "x",
                "name": "X",
                "kind": "state",
            }
        ),
        json.dumps(GOOD | {"id": "s2", "by": "x"}),  # x is registered on the line before
        json.dumps(
            {
                "type": "retraction",
                "id": "r1",
                "occurred": "2024-01-06",
                "summary": "No",
                "target": "no-such-development",
                "reason": "wrong",
            }
        ),
        json.dumps(
            {
                "type": "actor_registered",
                "id": "reg-us-again",
                "occurred": "2024-01-04",
                "summary": "again",
                "actor": "us",
                "name": "US",
                "kind": "state",
            }
        ),
    ]
    before = story.store.digest()
    result = story("validate", str(_file(tmp_path, lines)), "--store", story.store.url)
    assert result.exit_code == 2
    assert result.stdout == f"{tmp_path / 'story.jsonl'}: 2 valid developments, 3 invalid lines\n"
    assert [line.split(": ", 2)[2] for line in result.stderr.splitlines()] == [
        "line 1: unknown actor 'nobody' (register it first, or pass --auto-register)",
        "line 4: unknown development 'no-such-development'",
        "line 5: actor 'us' is already registered",
    ]
    assert story.store.digest() == before
    auto = story(
        "validate", str(tmp_path / "story.jsonl"), "-s", story.store.url, "--auto-register", "--max-errors", "1"
    )
    assert auto.exit_code == 2
    assert [line.split(": ", 2)[2] for line in auto.stderr.splitlines()] == [
        "line 4: unknown development 'no-such-development'",
        "and 1 more bad line",
    ]
    assert story.store.digest() == before
