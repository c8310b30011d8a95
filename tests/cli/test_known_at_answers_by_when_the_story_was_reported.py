"""The harbour story, typed in today from wire reports, asked what the world knew on each day.

Sitting 1 (today): North and South register (reported 2 Jan 2024); Reuters reports at 14:30 UTC on 5 Jan
that North struck the harbour on 4 Jan, killing 3 (AP carried it the next day); North's border troops are
put at 2,500, reported at 09:00 Paris time on 5 Jan.
Sitting 2 (moments later): AP reports on 7 Jan (a date: from the end of that day) that the strike killed
5, and says so in the summary; on 8 Jan at 10:00 UTC the troop figure is corrected to 2,600, summary left
as it was.

`--known-at` answers by those reported times; `--recorded-at` by when this store got each line.
"""

from __future__ import annotations

import json

import pytest
from helpers import Cli

SITTING_1 = [
    {
        "type": "actor_registered",
        "id": "reg-north",
        "occurred": "2024-01-01",
        "summary": "North enters",
        "actor": "north",
        "name": "North",
        "kind": "state",
        "sources": [{"publisher": "Reuters", "published": "2024-01-02"}],
    },
    {
        "type": "actor_registered",
        "id": "reg-south",
        "occurred": "2024-01-01",
        "summary": "South enters",
        "actor": "south",
        "name": "South",
        "kind": "state",
        "sources": [{"publisher": "Reuters", "published": "2024-01-02"}],
    },
    {
        "type": "strike",
        "id": "strike-harbour",
        "occurred": "2024-01-04",
        "summary": "North's strike on the harbour killed 3",
        "by": "north",
        "targets": ["south"],
        "deaths": 3,
        "sources": [
            {"publisher": "AP", "published": "2024-01-06"},
            {"publisher": "Reuters", "published": "2024-01-05T14:30Z"},
        ],
    },
    {
        "type": "figure_reported",
        "id": "troops-border",
        "occurred": "2024-01-05",
        "summary": "North has 2,500 troops at the border",
        "actor": "north",
        "metric": "troops",
        "scope": "border",
        "value": 2500,
        "reported": "2024-01-05T09:00+01:00",
        "sources": [{"publisher": "Reuters"}],
    },
]
SITTING_2 = [
    {
        "type": "correction",
        "id": "toll-revised",
        "occurred": "2024-01-07",
        "summary": "The harbour toll is revised to 5",
        "target": "strike-harbour",
        "changes": {"deaths": 5, "summary": "North's strike on the harbour killed 5"},
        "reason": "Two more bodies were found",
        "sources": [{"publisher": "AP", "published": "2024-01-07"}],
    },
    {
        "type": "correction",
        "id": "troops-revised",
        "occurred": "2024-01-08",
        "summary": "North's troops were 2,600",
        "target": "troops-border",
        "changes": {"value": 2600},
        "reason": "Reuters corrected its count",
        "reported": "2024-01-08T10:00Z",
        "sources": [{"publisher": "Reuters"}],
    },
]


def _jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


class Harbour:
    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        cli.ok("init")
        cli.ok("append", "--file", "-", input=_jsonl(SITTING_1))
        self.sitting_1 = max(str(e["recorded"]) for e in cli.jsonl("log"))
        cli.ok("append", "--file", "-", input=_jsonl(SITTING_2))

    def deaths(self, *flags: str) -> list[int]:
        return [int(str(e["deaths"])) for e in self.cli.jsonl("log", "--type", "strike", *flags)]

    def troops(self, *flags: str) -> list[object]:
        north = self.cli.json("show", "actor", "north", *flags)
        assert isinstance(north, dict)
        return [f["value"] for f in north["figures"]]

    def ids(self, *flags: str) -> list[str]:
        return [str(e["id"]) for e in self.cli.jsonl("log", *flags)]


@pytest.fixture
def harbour(cli: Cli) -> Harbour:
    return Harbour(cli)


def test_before_the_strike_was_reported_it_is_not_known(harbour: Harbour) -> None:
    assert harbour.ids("--known-at", "2024-01-05T14:29Z") == ["reg-north", "reg-south", "troops-border"]
    north = harbour.cli.json("show", "actor", "north", "--known-at", "2024-01-05T14:29Z")
    assert isinstance(north, dict)
    assert north["strikes_carried_out"] == 0


def test_from_the_first_report_the_strike_is_known_as_first_told(harbour: Harbour) -> None:
    assert harbour.deaths("--known-at", "2024-01-05T14:30Z") == [3]
    north = harbour.cli.json("show", "actor", "north", "--known-at", "2024-01-05T15:00Z")
    assert isinstance(north, dict)
    assert north["strikes_carried_out"] == 1


def test_a_correction_reported_two_days_later_is_believed_only_from_then(harbour: Harbour) -> None:
    # AP's correction is dated 7 Jan: a date counts from the end of that day.
    assert harbour.deaths("--known-at", "2024-01-07T12:00Z") == [3]
    assert harbour.deaths("--known-at", "2024-01-07") == [5]
    assert harbour.deaths() == [5]


def test_a_figure_reported_in_another_offset_counts_from_that_instant(harbour: Harbour) -> None:
    # 09:00 in Paris (+01:00) is 08:00 UTC.
    assert harbour.troops("--known-at", "2024-01-05T07:59Z") == []
    assert harbour.troops("--known-at", "2024-01-05T08:00Z") == [2500]
    assert harbour.troops("--known-at", "2024-01-08T09:59Z") == [2500]
    assert harbour.troops("--known-at", "2024-01-08T10:00Z") == [2600]


def test_the_reported_time_of_a_strike_is_its_earliest_source(harbour: Harbour) -> None:
    # Reuters (14:30 on 5 Jan) came before AP (6 Jan), whatever order the sources are listed in.
    assert harbour.ids("--type", "strike", "--known-at", "2024-01-05T20:00Z") == ["strike-harbour"]


def test_recorded_at_answers_by_what_this_store_held(harbour: Harbour) -> None:
    # Everything was reported long before it was typed in: only the record time holds the corrections back.
    assert harbour.deaths("--recorded-at", harbour.sitting_1) == [3]
    assert harbour.troops("--recorded-at", harbour.sitting_1) == [2500]
    assert harbour.deaths("--recorded-at", "2099-01-01T00:00Z") == [5]


def test_both_times_together(harbour: Harbour) -> None:
    # Reported by 8 Jan, among what the store held after the first sitting: no correction yet.
    assert harbour.deaths("--known-at", "2024-01-08", "--recorded-at", harbour.sitting_1) == [3]
    # Everything recorded, as reported by midday on 5 Jan: the strike was not yet told.
    now = "2099-01-01T00:00Z"
    assert harbour.deaths("--known-at", "2024-01-05T12:00Z", "--recorded-at", now) == []
    assert harbour.troops("--known-at", "2024-01-08T10:00Z", "--recorded-at", now) == [2600]


def test_recorded_at_before_the_store_existed_answers_empty(harbour: Harbour) -> None:
    assert harbour.ids("--recorded-at", "2020-01-01") == []
    assert harbour.cli.json("actors", "--recorded-at", "2020-01-01") == []


def test_json_names_the_times_it_answered_by(harbour: Harbour) -> None:
    north = harbour.cli.json("show", "actor", "north", "--known-at", "2024-01-06", "--recorded-at", harbour.sitting_1)
    assert isinstance(north, dict)
    assert north["times"] == {
        "as_of": None,
        "known_at": "2024-01-06T23:59:59.999999+00:00",
        "known_by": "reported",
        "recorded_at": harbour.sitting_1,
    }
    assert "times" not in harbour.cli.json("show", "actor", "north")  # type: ignore[operator]


def test_an_actor_registered_automatically_is_known_when_its_first_mention_was(cli: Cli) -> None:
    cli.ok("init")
    cli.ok("append", "--file", "-", input=_jsonl(SITTING_1[:2]))
    strike = {
        "type": "strike",
        "id": "strike-by-newcomer",
        "occurred": "2024-01-09",
        "summary": "A newcomer strikes South",
        "by": "newcomer",
        "targets": ["south"],
        "sources": [{"publisher": "AP", "published": "2024-01-10"}],
    }
    cli.ok("append", "--auto-register", "--file", "-", input=_jsonl([strike]))
    newcomer = cli.json("show", "actor", "newcomer", "--known-at", "2024-01-11")
    assert isinstance(newcomer, dict)
    assert newcomer["strikes_carried_out"] == 1
    assert cli("show", "actor", "newcomer", "--known-at", "2024-01-10T12:00Z").exit_code == 1


def test_history_and_blame_answer_by_reported_time_too(harbour: Harbour) -> None:
    changes = harbour.cli.json("history", "actor", "north", "--known-at", "2024-01-06")
    assert isinstance(changes, list)
    assert "strike-harbour" in {c["development"]["id"] for c in changes}
    assert not any(c["corrected_by"] for c in changes)  # neither correction had been reported
    (blamed,) = harbour.cli.json("blame", "actor", "north", "figures[troops/border].value", "--known-at", "2024-01-06")  # type: ignore[misc]
    assert blamed["value"] == 2500
    assert blamed["development"]["id"] == "troops-border"


def test_blame_credits_a_corrected_figure_to_the_correction(harbour: Harbour) -> None:
    (now,) = harbour.cli.json("blame", "actor", "north", "figures[troops/border].value")  # type: ignore[misc]
    assert now["value"] == 2600
    assert now["development"]["id"] == "troops-revised"
    assert now["development"]["occurred"] == "2024-01-08"
    assert now["corrects"] == "troops-border"
    (scope,) = harbour.cli.json("blame", "actor", "north", "figures[troops/border].as_of")  # type: ignore[misc]
    assert scope["development"]["id"] == "troops-border"  # a field the correction left stays with the original


def test_text_marks_a_figure_the_correction_changed_beside_the_summary(harbour: Harbour) -> None:
    text = harbour.cli.ok("log", "--actor", "north", "--type", "figure_reported").stdout
    assert "North has 2,500 troops at the border [corrected: value 2,500 -> 2,600]" in text
    strike = harbour.cli.ok("log", "--type", "strike").stdout
    assert "North's strike on the harbour killed 5  [corrected by toll-revised]" in strike  # its summary was corrected


def test_show_development_tells_its_three_times_and_its_revisions(harbour: Harbour) -> None:
    shown = harbour.cli.json("show", "development", "strike-harbour")
    assert isinstance(shown, dict)
    assert shown["believed"]["deaths"] == 5 and shown["recorded"]["deaths"] == 3
    assert shown["times"]["reported"] == "2024-01-05T14:30:00.000000+00:00"
    assert shown["times"]["reported_from"] == "published"
    assert shown["times"]["reported_after_recorded"] is False
    (revision,) = shown["revisions"]
    assert (revision["id"], revision["reason"], revision["known"]) == (
        "toll-revised",
        "Two more bodies were found",
        True,
    )
    assert {c["entity"] for c in shown["changed"]} == {"actor:north", "actor:south"}
    then = harbour.cli.json("show", "development", "strike-harbour", "--known-at", "2024-01-06")
    assert isinstance(then, dict)
    assert then["believed"]["deaths"] == 3 and then["revisions"][0]["known"] is False
    assert harbour.cli("show", "development", "strike-harbour", "--known-at", "2024-01-05T12:00Z").exit_code == 1
    assert harbour.cli("show", "development", "no-such-thing").exit_code == 1


def test_history_and_blame_hide_bookkeeping_unless_all(harbour: Harbour) -> None:
    def fields(*args: str) -> set[str]:
        return {str(c["field"]).split(".")[0].split("[")[0] for c in harbour.cli.json(*args)}  # type: ignore[union-attr]

    bookkeeping = {"developments", "first_development", "last_development", "registered_in", "corroboration"}
    assert not fields("history", "actor", "north") & bookkeeping
    assert not fields("blame", "actor", "north") & bookkeeping
    assert fields("history", "actor", "north", "--all") >= bookkeeping
    assert "strikes_carried_out" in fields("blame", "actor", "north")


def test_play_as_reported_tells_the_story_in_the_order_the_world_heard_it(harbour: Harbour) -> None:
    steps = harbour.cli.jsonl("replay", "--play", "--as-reported")
    assert [s["development"]["id"] for s in steps] == [
        "reg-north",
        "reg-south",
        "troops-border",
        "strike-harbour",
        "toll-revised",
        "troops-revised",
    ]
    fix = steps[-1]
    assert fix["reported"] == "2024-01-08T10:00:00.000000+00:00"
    assert {"entity": "actor:north", "field": "figures[troops/border].value", "before": 2500, "after": 2600} in fix[
        "changes"
    ]
    text = harbour.cli.ok("replay", "--play", "--as-reported").stdout
    assert "correction of troops-border [corrected: value 2,500 -> 2,600]" in text
    hindsight = harbour.cli.jsonl("replay", "--play")
    assert "troops-revised" not in [s["development"]["id"] for s in hindsight]  # the default play stays
