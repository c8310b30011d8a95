"""Names where ids are asked resolve the same on standard input and in `validate --store` as in a file."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Cli

LINE = {"type": "statement", "occurred": "2024-01-06", "summary": "Tehran speaks", "by": "Iran", "text": "t"}
LINE |= {"id": "tehran-speaks", "about": ["U.S."]}


def test_a_name_on_standard_input_resolves_to_its_actor(story: Cli) -> None:
    result = story.ok("append", "--file", "-", input=json.dumps(LINE) + "\n")
    assert result.stdout.strip() == "tehran-speaks"
    assert "line 1: by: 'Iran' is the actor 'iran'" in result.stderr
    entry = next(e for e in story.jsonl("log") if e["id"] == "tehran-speaks")
    assert (entry["by"], entry["about"]) == ("iran", ["us"])


def test_validate_against_the_store_resolves_names_and_writes_nothing(story: Cli, tmp_path: Path) -> None:
    path = tmp_path / "names.jsonl"
    path.write_text(json.dumps(LINE) + "\n" + json.dumps({**LINE, "id": "other", "by": "Irn"}) + "\n")
    before = story.store.digest()
    result = story("validate", str(path), "--store", story.store.url)
    assert result.exit_code == 2
    assert result.stdout == f"{path}: 1 valid development, 1 invalid line\n"
    assert f"{path}: line 1: by: 'Iran' is the actor 'iran'" in result.stderr
    assert "line 2: by: no actor called 'Irn'; did you mean" in result.stderr
    assert story.store.digest() == before
