"""`export --format jsonl` then `append --file` into an empty store rebuilds every projection."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import DATA, PG_URL, SEED, Cli, StoreRef

from chronicle.exports import stamp
from chronicle.service.interchange import parse_development

SAMPLE = DATA / "acled_sample.csv"


@pytest.fixture
def empty(store: StoreRef, tmp_path: Path) -> Iterator[Cli]:
    """A second, initialised, empty store on the same backend as `store`."""
    if store.path is not None:
        path = tmp_path / "copy.db"
        other = StoreRef("sqlite", f"sqlite:///{path}", path=path)
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        other = StoreRef("postgres", f"{PG_URL}?schema={schema}", schema=schema)
    cli = Cli(other)
    cli.ok("init")
    yield cli
    if other.schema:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{other.schema}" CASCADE')


def _projections(cli: Cli) -> dict[str, object]:
    log = cli.jsonl("log", "--include-retracted")
    for entry in log:
        recorded = entry.pop("recorded")
        # A development with no reported or published time became public when recorded: each store's own.
        if entry["reported_at"] == recorded:
            entry.pop("reported_at")
    return {"actors": cli.json("actors"), "negotiations": cli.json("negotiations"), "log": log}


def _round_trip(source: Cli, target: Cli, tmp_path: Path) -> bytes:
    exported = tmp_path / "story.jsonl"
    source.ok("export", "--format", "jsonl", "-o", str(exported))
    target.ok("append", "--file", str(exported))
    assert _projections(target) == _projections(source)
    again = tmp_path / "again.jsonl"
    target.ok("export", "-o", str(again))
    # Each store has its own head (the chain covers record times): the developments are the same.
    assert stamp.without(again.read_bytes()) == stamp.without(exported.read_bytes())
    return stamp.without(exported.read_bytes())


def test_the_demo_story_with_its_correction_and_retraction_round_trips(
    revised_story: Cli, empty: Cli, tmp_path: Path
) -> None:
    lines = [json.loads(line) for line in _round_trip(revised_story, empty, tmp_path).splitlines()]
    ids = [line["id"] for line in lines]
    assert ids[-2:] == ["strike-toll-revised", "retaliation-claim-retracted"]  # record order
    strike = next(line for line in lines if line["id"] == "us-strike-baghdad")
    assert strike["deaths"] == 1  # as first recorded; the correction travels beside it
    assert empty.json("show", "actor", "militia-leader")["status"] == "killed"  # type: ignore[index]


def test_an_acled_import_with_corrections_and_reclassification_round_trips(
    cli: Cli, empty: Cli, tmp_path: Path
) -> None:
    cli.ok("init")
    cli.ok("import", "acled", str(SAMPLE))
    text = SAMPLE.read_text(encoding="utf-8")
    changed = text.replace('"On 7 January 2024, Iraqi F-16s', '"On 7 January 2024, Iraqi jets').replace(
        "Battles,Armed clash", "Violence against civilians,Attack"
    )
    assert changed != text
    updated = tmp_path / "updated.csv"
    updated.write_text(changed, encoding="utf-8")
    assert cli.ok("import", "acled", str(updated)).stdout.split() == [
        "irq30004-acled-reclassified",
        "irq30004-attack",
        "irq30005-acled-rev1",
    ]
    _round_trip(cli, empty, tmp_path)


def test_an_export_narrowed_to_an_actor_brings_what_it_needs_to_import_cleanly(
    revised_story: Cli, empty: Cli, tmp_path: Path
) -> None:
    exported = tmp_path / "pentagon.jsonl"
    revised_story.ok("export", "--format", "jsonl", "--actor", "pentagon", "-o", str(exported))
    ids = [json.loads(line)["id"] for line in stamp.without(exported.read_bytes()).splitlines()]
    assert ids == [
        "reg-us",  # the Pentagon is part of the U.S.
        "reg-pentagon",
        "reg-iran",  # the groups the statement is about are aligned with Iran
        "reg-iran-aligned-groups",
        "pentagon-answered-attacks",
    ]
    empty.ok("append", "--file", str(exported))  # no --auto-register needed
    shown = empty.json("show", "actor", "pentagon")
    assert shown["part_of"] == "us" and shown["developments"] == 2  # type: ignore[index]


def test_an_export_as_recorded_at_a_time_leaves_out_what_was_recorded_later(revised_story: Cli, tmp_path: Path) -> None:
    recorded = {e["id"]: e["recorded"] for e in revised_story.jsonl("log", "--include-retracted")}
    before = datetime.fromisoformat(str(recorded["unverified-retaliation-claim"])) - timedelta(microseconds=1)
    exported = tmp_path / "then.jsonl"
    revised_story.ok("export", "--format", "jsonl", "--recorded-at", before.isoformat(), "-o", str(exported))
    seed = SEED.read_text()
    assert [parse_development(json.loads(line)) for line in stamp.without(exported.read_bytes()).splitlines()] == [
        parse_development(json.loads(line)) for line in seed.splitlines() if line.strip()
    ]


def test_validate_accepts_what_export_writes(revised_story: Cli) -> None:
    exported = revised_story.ok("export", "--format", "jsonl").stdout
    result = revised_story.ok("validate", "-", input=exported)
    assert result.stdout == "stdin: 21 valid developments\n"


def test_an_encrypted_store_exports_its_story_in_clear_and_it_round_trips(
    cli: Cli, empty: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chronicle.service.settings import new_key

    monkeypatch.setenv("CHRONICLE_KEY", new_key())
    assert "encrypted store ready" in cli.ok("init", "--encrypt").stderr
    cli.ok("append", "--file", str(SEED))
    cli.ok("import", "acled", str(SAMPLE))
    exported = _round_trip(cli, empty, tmp_path)
    assert b"Iraq moves to end U.S.-led coalition mission" in exported
