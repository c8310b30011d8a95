"""A file in the v1 format written before the format's extensions appends and reads back as it did then.

The golden answers in tests/golden/v1 were written by the code of that time (see its README); a view may
only have gained the keys the extensions added, holding what they mean for such a file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import GOLDEN, Cli

from chronicle.exports import stamp

V1 = GOLDEN / "v1"
# Keys the extensions added to a negotiation's view and to each of its deadlines.
NEW_NEGOTIATION_KEYS = {"outcome", "ended_on", "ended_by"}
NEW_DEADLINE_KEYS = {"state", "superseded_by", "superseded_on"}

CASES = {
    "story": (("negotiation", "coalition-exit"), ("actor", "us"), None),
    "deal": (("negotiation", "ceasefire"), ("actor", "north"), "2019-12-01"),
}


def _golden(name: str) -> Any:
    return json.loads((V1 / name).read_text(encoding="utf-8"))


def _appended(cli: Cli, case: str) -> Cli:
    cli.ok("init")
    ids = cli.ok("append", "--file", str(V1 / f"{case}.jsonl")).stdout.split()
    written = [json.loads(line)["id"] for line in (V1 / f"{case}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == written
    return cli


def _show(cli: Cli, kind: str, ident: str, as_of: str | None) -> Any:
    """The view, less the echo of the times asked about (added to every view shown at a past time)."""
    view = cli.json("show", kind, ident, *(("--as-of", as_of) if as_of else ()))
    if as_of is not None:
        assert view.pop("times")["as_of"] == as_of
    return view


@pytest.mark.parametrize("case", list(CASES))
def test_the_file_appends_once_and_exports_byte_for_byte_as_before(cli: Cli, case: str) -> None:
    _appended(cli, case)
    exported = cli.ok("export", "--format", "jsonl").stdout.encode()
    # The export now ends with the head it was made from (a line of its own); the rest is as it was.
    assert stamp.find(exported) is not None
    assert stamp.without(exported) == (V1 / f"{case}.export.jsonl").read_bytes()
    before = cli.store.digest()
    again = cli.ok("append", "--file", str(V1 / f"{case}.jsonl"))
    assert "recorded 0 developments" in again.stderr
    assert cli.store.digest() == before


@pytest.mark.parametrize("case", list(CASES))
def test_the_log_reads_back_as_before(cli: Cli, case: str) -> None:
    _appended(cli, case)
    log = cli.jsonl("log", "--include-retracted")
    assert all(entry.pop("recorded") for entry in log)
    assert all(entry.pop("recorded_by") for entry in log)  # who recorded it: this run's, as `recorded` is
    golden = [json.loads(line) for line in (V1 / f"{case}.log.jsonl").read_text(encoding="utf-8").splitlines()]
    # Positions number the store's own events, and an agreement now also claims its milestones there:
    # they keep their order, not their numbers.
    assert _ranks([e.pop("log_position") for e in log]) == _ranks([e.pop("log_position") for e in golden])
    assert log == golden


def _ranks(positions: list[int]) -> list[int]:
    return [sorted(positions).index(p) for p in positions]


@pytest.mark.parametrize("case", list(CASES))
def test_the_views_read_back_as_before_with_only_the_new_keys_added(cli: Cli, case: str) -> None:
    _appended(cli, case)
    (_, negotiation), (_, actor), as_of = CASES[case]
    assert _show(cli, "actor", actor, as_of) == _golden(f"{case}.actor-{actor}.json")
    view = _show(cli, "negotiation", negotiation, as_of)
    assert {k: view.pop(k) for k in NEW_NEGOTIATION_KEYS} == dict.fromkeys(NEW_NEGOTIATION_KEYS)
    golden = _golden(f"{case}.negotiation.json")
    added = [{k: d.pop(k) for k in NEW_DEADLINE_KEYS} for d in view["deadlines"]]
    assert view == golden
    met = [d["completed"] is not None for d in golden["deadlines"]]
    assert added == [
        {"state": "met" if done else "lapsed", "superseded_by": None, "superseded_on": None} for done in met
    ]
