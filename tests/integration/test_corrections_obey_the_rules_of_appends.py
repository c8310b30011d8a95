"""A correction obeys the rules of an append: every reference it sets must exist, types are strict, and a
redaction marker is written only by `chronicle redact source`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chronicle.domain.developments import TYPES

SOURCE = [{"publisher": "Reuters"}]

# One development of every type that refers to something, all resting on the same two actors and one
# negotiation, so each reference field can be pointed at an id nobody registered.
BASE: list[dict[str, Any]] = [
    {
        "type": "actor_registered",
        "id": "reg-a",
        "occurred": "2024-01-01",
        "summary": "A",
        "actor": "a",
        "name": "A",
        "kind": "state",
    },
    {
        "type": "actor_registered",
        "id": "reg-b",
        "occurred": "2024-01-01",
        "summary": "B",
        "actor": "b",
        "name": "B",
        "kind": "state",
        "aligned_with": ["a"],
        "part_of": "a",
    },
    {
        "type": "negotiation_opened",
        "id": "talks",
        "occurred": "2024-01-02",
        "summary": "Talks",
        "negotiation": "n",
        "title": "N",
        "parties": ["a", "b"],
        "subject": "s",
    },
]
SAMPLES: dict[str, dict[str, Any]] = {
    "actor_registered": {"actor": "c", "name": "C", "kind": "person", "aligned_with": ["a"], "part_of": "a"},
    "strike": {"by": "a", "targets": ["b"], "killed": ["b"]},
    "attack": {"by": "a", "targets": ["b"], "killed": ["b"]},
    "statement": {"by": "a", "text": "t", "about": ["b"]},
    "figure_reported": {"actor": "a", "metric": "troops", "value": 1},
    "negotiation_opened": {"negotiation": "m", "title": "M", "parties": ["a"], "subject": "s"},
    "committee_formed": {"negotiation": "n", "convened_by": "a", "members": ["b"], "mandate": "m"},
    "talks_held": {"negotiation": "n", "parties": ["a", "b"]},
    "position_taken": {"negotiation": "n", "actor": "a", "position": "demands", "text": "t"},
    "agreement_reached": {"negotiation": "n", "terms": "t"},
    "milestone_completed": {"negotiation": "n", "milestone": "m"},
    "negotiation_suspended": {"negotiation": "n"},
    "negotiation_resumed": {"negotiation": "n", "by": "a"},
    "agreement_extended": {"negotiation": "n", "deadlines": [{"milestone": "renewal", "due": "2024-06"}]},
    "negotiation_ended": {"negotiation": "n", "by": "a", "outcome": "withdrawn", "text": "t"},
}


def _sample(kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "id": f"sample-{kind.replace('_', '-')}",
        "occurred": "2024-01-03",
        "summary": kind,
        **SAMPLES[kind],
    }


def _reference_fields() -> list[tuple[str, str]]:
    cases = []
    for kind, cls in TYPES.items():
        for name in (*cls.actor_fields, *cls.negotiation_fields, *cls.either_fields):
            cases.append((kind, name))
    return cases


REFERENCE_FIELDS = _reference_fields()


def _ghost(kind: str, name: str) -> str | list[str]:
    single = TYPES[kind].model_fields[name].annotation
    return ["ghost"] if "list" in str(single) else "ghost"


def _jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def test_every_type_that_can_refer_to_something_is_sampled():
    assert set(SAMPLES) == set(TYPES) - {"correction", "retraction", "source_redacted"}
    assert {kind for kind, _ in REFERENCE_FIELDS} <= set(SAMPLES)
    assert len(REFERENCE_FIELDS) >= 20


@pytest.fixture
def every_type(cli):
    cli.ok("init")
    cli.ok("append", "--file", "-", input=_jsonl(*BASE, *(_sample(kind) for kind in SAMPLES)))
    return cli


@pytest.mark.parametrize(("kind", "name"), REFERENCE_FIELDS, ids=[f"{k}.{n}" for k, n in REFERENCE_FIELDS])
def test_an_append_naming_an_unknown_id_is_refused(every_type, kind, name):
    before = every_type.store.digest()
    fresh = {field: "fresh" for field in TYPES[kind].identity_fields}  # else it would clash, not dangle
    line = _sample(kind) | fresh | {"id": "new-one", name: _ghost(kind, name)}
    result = every_type("append", "--file", "-", input=_jsonl(line))
    assert result.exit_code == 2, result.stderr
    assert "'ghost'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert every_type.store.digest() == before


@pytest.mark.parametrize(("kind", "name"), REFERENCE_FIELDS, ids=[f"{k}.{n}" for k, n in REFERENCE_FIELDS])
def test_a_correction_naming_an_unknown_id_is_refused(every_type, kind, name):
    if name in TYPES[kind].identity_fields:
        pytest.skip("an identity field cannot be corrected at all")
    target = _sample(kind)["id"]
    before = every_type.store.digest()
    correction = {
        "type": "correction",
        "id": "bad-correction",
        "occurred": "2024-01-04",
        "summary": "c",
        "target": target,
        "changes": {name: _ghost(kind, name)},
        "reason": "r",
    }
    result = every_type("append", "--file", "-", input=_jsonl(correction))
    assert result.exit_code == 2, f"recorded: {result.stderr}"
    assert result.stderr.startswith("chronicle: error: line 1: ")
    assert "'ghost'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert every_type.store.digest() == before


def test_a_correction_may_name_an_actor_registered_earlier_in_the_same_file(every_type):
    lines = [
        {
            "type": "actor_registered",
            "id": "reg-d",
            "occurred": "2024-01-04",
            "summary": "D",
            "actor": "d",
            "name": "D",
            "kind": "state",
        },
        {
            "type": "correction",
            "id": "fix-by",
            "occurred": "2024-01-04",
            "summary": "c",
            "target": "sample-strike",
            "changes": {"by": "d"},
            "reason": "r",
        },
    ]
    every_type.ok("append", "--file", "-", input=_jsonl(*lines))
    assert every_type.json("show", "actor", "d")["id"] == "d"


def test_a_correction_with_auto_register_registers_the_actor_it_names(every_type):
    line = {
        "type": "correction",
        "id": "fix-by",
        "occurred": "2024-01-04",
        "summary": "c",
        "target": "sample-strike",
        "changes": {"by": "newcomer"},
        "reason": "r",
    }
    every_type.ok("append", "--auto-register", "--file", "-", input=_jsonl(line))
    assert every_type.json("show", "actor", "newcomer")["id"] == "newcomer"


def test_a_hand_written_redaction_marker_is_refused(story):
    before = story.store.digest()
    line = {
        "type": "source_redacted",
        "occurred": "2024-01-06",
        "summary": "forged",
        "source": "informant-7",
        "reason": "r",
    }
    result = story("append", "--file", "-", input=_jsonl(line))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "chronicle: error: line 1: source_redacted is recorded only by `chronicle redact source`"
    )
    assert story.store.digest() == before
    validated = story("validate", "-", input=_jsonl(line))
    assert validated.exit_code == 2 and "chronicle redact source" in validated.stderr


STRICT = {
    "deaths: true": ("strike", {"by": "a", "deaths": True}, "deaths: true is not a whole number"),
    "deaths: '3'": ("strike", {"by": "a", "deaths": "3"}, "deaths: '3' is not a whole number: write 3, without quotes"),
    "deaths: 2.0": ("strike", {"by": "a", "deaths": 2.0}, "deaths: 2.0 is not a whole number: write 2"),
    "value: '2500'": (
        "figure_reported",
        {"actor": "a", "metric": "troops", "value": "2500"},
        "value: '2500' is not a number: write 2500, without quotes",
    ),
    "value: true": (
        "figure_reported",
        {"actor": "a", "metric": "troops", "value": True},
        "value: true is not a number",
    ),
    "confidential: 'yes'": (
        "statement",
        {"by": "a", "text": "t", "sources": [{"publisher": "X", "id": "x", "confidential": "yes"}]},
        "sources[0].confidential: 'yes' is not true or false: write true or false, without quotes",
    ),
    "round: '2'": (
        "talks_held",
        {"negotiation": "n", "round": "2"},
        "round: '2' is not a whole number: write 2, without quotes",
    ),
    "summary: 5": (
        "statement",
        {"by": "a", "text": "t", "summary": 5},
        'summary: 5 is not text: write it in quotes, "5"',
    ),
}


@pytest.mark.parametrize("case", list(STRICT))
def test_lax_types_are_refused_in_the_users_words(every_type, case):
    kind, fields, message = STRICT[case]
    line = {"type": kind, "id": "lax", "occurred": "2024-01-05", "summary": "lax"} | fields
    before = every_type.store.digest()
    result = every_type("append", "--file", "-", input=_jsonl(line))
    assert result.exit_code == 2, f"recorded: {case}"
    assert result.stderr.strip() == f"chronicle: error: line 1: {message}"
    assert every_type.store.digest() == before
    checked = every_type("validate", "-", input=_jsonl(line))
    assert checked.exit_code == 2 and message in checked.stderr


def test_a_correction_with_a_lax_type_is_refused(every_type):
    line = {
        "type": "correction",
        "id": "lax",
        "occurred": "2024-01-05",
        "summary": "c",
        "target": "sample-strike",
        "changes": {"deaths": "3"},
        "reason": "r",
    }
    result = every_type("append", "--file", "-", input=_jsonl(line))
    assert result.exit_code == 2
    assert "deaths: '3' is not a whole number: write 3, without quotes" in result.stderr


def test_a_float_figure_and_a_date_string_still_pass(every_type):
    line = {
        "type": "figure_reported",
        "id": "share",
        "occurred": "2024-01-05",
        "summary": "s",
        "actor": "a",
        "metric": "share",
        "value": 0.25,
        "as_of": "2024-01",
    }
    every_type.ok("append", "--file", "-", input=_jsonl(line))
