"""`append --file` reads, checks and writes a long file a page at a time, in one transaction: later pages
see what earlier pages recorded, and a bad line anywhere leaves the store exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

from storygen import registrations, strikes, write_jsonl

from chronicle.service.interchange import PAGE

LONG = 2 * PAGE + 500  # three pages of strikes


def _correction(target: str) -> dict[str, object]:
    return {
        "type": "correction",
        "id": f"fix-{target}",
        "occurred": "2024-06-01",
        "summary": "The toll was revised",
        "target": target,
        "changes": {"deaths": 4},
        "reason": "hospital figures",
    }


def test_a_correction_pages_after_its_target_applies(cli, tmp_path: Path):
    cli.ok("init")
    rows = [*registrations("p", 10), *strikes("p", LONG, 10), _correction("p-strike-3")]
    result = cli.ok("append", "--file", str(write_jsonl(tmp_path / "long.jsonl", rows)))
    assert len(result.stdout.split()) == len(rows)
    strike = next(e for e in cli.jsonl("log", "--type", "strike") if e["id"] == "p-strike-3")
    assert (strike["deaths"], strike["corrected_by"]) == (4, ["fix-p-strike-3"])


def test_a_bad_last_line_pages_in_leaves_no_trace_and_is_named(story, tmp_path: Path):
    before = story.store.digest()
    rows = [*registrations("q", 10), *strikes("q", LONG, 10)]
    path = write_jsonl(tmp_path / "bad-at-the-end.jsonl", rows)
    with path.open("a") as out:
        out.write(json.dumps(_correction("no-such-development")) + "\n")
    result = story("append", "--file", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"chronicle: error: line {len(rows) + 1}: unknown development 'no-such-development'\n"
    assert story.store.digest() == before


def test_malformed_json_pages_in_leaves_no_trace(story, tmp_path: Path):
    before = story.store.digest()
    path = write_jsonl(tmp_path / "torn.jsonl", [*registrations("r", 10), *strikes("r", LONG, 10)])
    with path.open("a") as out:
        out.write('{"type": "strike", "id": \n')
    result = story("append", "--file", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"chronicle: error: line {10 + LONG + 1}: malformed JSON")
    assert story.store.digest() == before


def _statement(n: int, by: str) -> dict[str, object]:
    return {"type": "statement", "id": f"said-{n}", "occurred": "2024-03-01", "summary": "said", "by": by, "text": "t"}


def test_an_unknown_actor_named_on_several_pages_is_registered_once(cli, tmp_path: Path):
    cli.ok("init")
    rows = [*registrations("a", 5), _statement(0, "newcomer"), *strikes("a", LONG, 5), _statement(1, "newcomer")]
    result = cli.ok("append", "--auto-register", "--file", str(write_jsonl(tmp_path / "auto.jsonl", rows)))
    assert result.stderr.count("registered unknown actor 'newcomer'") == 1
    assert cli.json("show", "actor", "newcomer")["developments"] == 3  # its registration and both statements


def test_a_development_repeated_pages_apart_is_recorded_once_or_refused_if_it_differs(story, tmp_path: Path):
    rows = [*registrations("r", 5), _statement(7, "us"), *strikes("r", LONG, 5), _statement(7, "us")]
    result = story.ok("append", "--file", str(write_jsonl(tmp_path / "twice.jsonl", rows)))
    assert result.stdout.split().count("said-7") == 2  # recorded, then reported unchanged
    assert result.stderr.splitlines()[-1].endswith(", 1 already present")
    before = story.store.digest()
    changed = {**_statement(8, "us"), "text": "other words"}
    rows = [_statement(8, "us"), *strikes("s", LONG, 5, start=0), changed]
    rows = [*registrations("s", 5), *rows]
    result = story("append", "--file", str(write_jsonl(tmp_path / "conflict.jsonl", rows)))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"chronicle: error: line {len(rows)}: development 'said-8' was recorded before")
    assert story.store.digest() == before
