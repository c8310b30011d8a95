"""Appending: typed subcommands, files and stdin, all or nothing, idempotent ids, auto-registration."""

from __future__ import annotations

import json

from helpers import SEED


def _line(**fields: object) -> str:
    return json.dumps(fields) + "\n"


def test_typed_subcommand_records_one_development_and_prints_its_id(story):
    result = story.ok(
        "append",
        "strike",
        "--id",
        "second-strike",
        "--occurred",
        "2024-01-10",
        "--summary",
        "Another U.S. strike",
        "--by",
        "us",
        "--targets",
        "iran-aligned-groups",
        "--location",
        "Baghdad",
        "--deaths",
        "3",
        "--source",
        "Reuters",
        "--author",
        "Ahmed Rasheed",
        "--url",
        "https://example.org/r",
    )
    assert result.stdout == "second-strike\n"
    us = story.json("show", "actor", "us")
    assert us["strikes_carried_out"] == 2
    entry = next(e for e in story.jsonl("log") if e["id"] == "second-strike")
    assert entry["deaths"] == 3
    assert entry["sources"] == [
        {
            "publisher": "Reuters",
            "url": "https://example.org/r",
            "title": None,
            "authors": ["Ahmed Rasheed"],
            "published": None,
            "id": None,
            "confidential": False,
            "sealed": None,
        }
    ]


def test_every_type_has_a_subcommand_with_help(cli):
    from chronicle.domain.developments import TYPES

    for kind in TYPES:
        result = cli.ok("append", kind, "--help")
        assert "--occurred" in result.stdout and "--summary" in result.stdout


def test_correction_and_agreement_subcommands_take_structured_flags(story):
    story.ok(
        "append",
        "correction",
        "--id",
        "fix-toll",
        "--occurred",
        "2024-01-06",
        "--summary",
        "Toll revised",
        "--target",
        "us-strike-baghdad",
        "--set",
        "deaths=4",
        "--reason",
        "hospital figures",
    )
    assert next(e for e in story.jsonl("log") if e["id"] == "us-strike-baghdad")["deaths"] == 4
    story.ok(
        "append",
        "agreement_reached",
        "--occurred",
        "2024-09-27",
        "--summary",
        "Deal",
        "--negotiation",
        "coalition-exit",
        "--terms",
        "Mission ends",
        "--deadline",
        "federal Iraq@2025-09-30",
        "--deadline",
        "Kurdistan@2026-09-30",
    )
    talks = story.json("show", "negotiation", "coalition-exit")
    assert [(d["milestone"], d["due"]) for d in talks["deadlines"]] == [
        ("federal Iraq", "2025-09-30"),
        ("Kurdistan", "2026-09-30"),
    ]


def test_file_from_stdin_records_all_and_prints_each_id(cli):
    cli.ok("init")
    result = cli.ok("append", "--file", "-", input=SEED.read_text())
    ids = result.stdout.split()
    assert len(ids) == len(SEED.read_text().splitlines())
    assert ids[0] == "reg-us"


def test_same_id_same_content_is_a_no_op(story):
    before = story.store.digest()
    result = story.ok("append", "--file", str(SEED))
    assert result.stderr.endswith(" already present\n") and "recorded 0 developments" in result.stderr
    assert story.store.digest() == before


def test_same_id_other_content_is_refused(story):
    before = story.store.digest()
    line = SEED.read_text().splitlines()[-1].replace("900", "901")
    result = story("append", "--file", "-", input=line + "\n")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "chronicle: error: line 1: development 'us-troops-syria' was recorded before with other content"
    )
    assert story.store.digest() == before


def test_generated_ids_are_stable_so_reimporting_is_a_no_op(story):
    line = _line(type="statement", occurred="2024-01-06", summary="Washington comments", by="us", text="No comment.")
    first = story.ok("append", "--file", "-", input=line).stdout.strip()
    assert first.startswith("statement-2024-01-06-")
    before = story.store.digest()
    again = story.ok("append", "--file", "-", input=line).stdout.strip()
    assert again == first
    assert story.store.digest() == before


def test_unknown_actor_is_refused_unless_auto_registered(story):
    line = _line(
        type="attack", occurred="2024-01-07", summary="Rockets at a base", by="kataib-hezbollah", targets=["us"]
    )
    before = story.store.digest()
    refused = story("append", "--file", "-", input=line)
    assert refused.exit_code == 2
    assert "unknown actor 'kataib-hezbollah'" in refused.stderr
    assert story.store.digest() == before
    accepted = story.ok("append", "--auto-register", "--file", "-", input=line)
    assert "registered unknown actor 'kataib-hezbollah' as an organization" in accepted.stderr
    actor = story.json("show", "actor", "kataib-hezbollah")
    assert actor["kind"] == "organization"
    assert actor["attacks_carried_out"] == 1


def test_registering_an_actor_twice_is_refused(story):
    line = _line(type="actor_registered", occurred="2024-01-06", summary="again", actor="us", name="USA", kind="state")
    result = story("append", "--file", "-", input=line)
    assert result.exit_code == 2
    assert "actor 'us' is already registered" in result.stderr


def test_a_batch_may_register_an_actor_and_use_it_in_a_later_line(cli):
    cli.ok("init")
    lines = _line(type="actor_registered", occurred="2024", summary="x", actor="a", name="A", kind="state")
    lines += _line(type="strike", occurred="2024-02", summary="a strikes", by="a")
    cli.ok("append", "--file", "-", input=lines)
    assert cli.json("show", "actor", "a")["strikes_carried_out"] == 1


def test_a_typed_figure_keeps_a_whole_number_whole_and_a_fraction_a_fraction(story):
    story.ok("append", "figure-reported", "--id", "troops-kuwait", "--actor", "us", "--metric", "troops",
             "--scope", "kuwait", "--value", "2500", "--occurred", "2024-01-06", "--summary", "2,500 in Kuwait")  # fmt: skip
    story.ok("append", "figure-reported", "--id", "share", "--actor", "us", "--metric", "share",
             "--value", "2.5", "--occurred", "2024-01-06", "--summary", "2.5 percent")  # fmt: skip
    values = {e["id"]: e["value"] for e in story.jsonl("log", "--type", "figure_reported")}
    assert values["troops-kuwait"] == 2500 and isinstance(values["troops-kuwait"], int)
    assert values["share"] == 2.5
    shown = story.ok("show", "actor", "us").stdout
    assert "troops in kuwait      2,500 as of" in shown and "2,500.0" not in shown
