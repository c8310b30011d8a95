"""The border-truce story, recorded in three sittings, and every audit answer written out by hand.

Sitting 1 (T1): Alphaland and the Bravo Brigades register (Sep 2023); the truce talks open; Alpha strikes
Bravo in October 2023 (month precision: it counts from 31 Oct) killing 3; AP puts Alpha's border troops
at 1,000 as of 1 Oct (reported 20 Oct); Bravo demands Alpha withdraw (2 Nov); a Bravo channel claims an
ambush on Alpha (5 Nov); Bravo raided Alpha twice "in 2023" (year precision, no source).
Sitting 2 (T2): the troop figure is corrected to 1,100 and the strike's toll to 5 (both corrections dated
2024, long after what they correct); troops reported at 1,200 on 15 Nov; a first round of talks (20 Nov).
Sitting 3 (T3): the ambush claim is retracted; the raids are dated more precisely, June 2023.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from helpers import Cli

REUTERS = {"publisher": "Reuters"}
AP = {"publisher": "AP"}
ALJ = {"publisher": "Al Jazeera"}

SITTING_1 = [
    {
        "type": "actor_registered",
        "id": "reg-alpha",
        "occurred": "2023-09-01",
        "summary": "Alphaland enters",
        "actor": "alpha",
        "name": "Alphaland",
        "kind": "state",
        "sources": [REUTERS],
    },
    {
        "type": "actor_registered",
        "id": "reg-bravo",
        "occurred": "2023-09-01",
        "summary": "Bravo enters",
        "actor": "bravo",
        "name": "Bravo Brigades",
        "kind": "armed_group",
        "sources": [REUTERS, AP],
    },
    {
        "type": "negotiation_opened",
        "id": "truce-opened",
        "occurred": "2023-09-10",
        "summary": "Truce talks open",
        "negotiation": "truce",
        "title": "Border truce",
        "parties": ["alpha", "bravo"],
        "subject": "A truce on the border",
        "sources": [REUTERS],
    },
    {
        "type": "strike",
        "id": "strike-october",
        "occurred": "2023-10",
        "summary": "Alpha strikes Bravo",
        "by": "alpha",
        "targets": ["bravo"],
        "deaths": 3,
        "sources": [REUTERS, AP],
    },
    {
        "type": "figure_reported",
        "id": "troops-early",
        "occurred": "2023-10-20",
        "summary": "Alpha has 1,000 troops",
        "actor": "alpha",
        "metric": "troops",
        "scope": "border",
        "value": 1000,
        "as_of": "2023-10-01",
        "sources": [AP],
    },
    {
        "type": "position_taken",
        "id": "bravo-demands",
        "occurred": "2023-11-02",
        "summary": "Bravo demands",
        "actor": "bravo",
        "negotiation": "truce",
        "position": "demands",
        "text": "Alpha must withdraw",
        "sources": [AP],
    },
    {
        "type": "attack",
        "id": "claim-ambush",
        "occurred": "2023-11-05",
        "summary": "Bravo claims an ambush",
        "by": "bravo",
        "targets": ["alpha"],
        "confidence": "claimed",
        "sources": [{"publisher": "Bravo channel"}],
    },
    {
        "type": "attack",
        "id": "raids-2023",
        "occurred": "2023",
        "summary": "Bravo raided Alpha twice",
        "by": "bravo",
        "targets": ["alpha"],
        "count": 2,
    },
]
SITTING_2 = [
    {
        "type": "correction",
        "id": "troops-fix",
        "occurred": "2024-03-01",
        "summary": "Troops were 1,100",
        "target": "troops-early",
        "changes": {"value": 1100},
        "reason": "AP corrected its count",
        "sources": [AP, {"publisher": "ap "}],
    },
    {
        "type": "correction",
        "id": "strike-toll",
        "occurred": "2024-02-01",
        "summary": "Toll revised to 5",
        "target": "strike-october",
        "changes": {"deaths": 5},
        "reason": "More bodies found",
        "sources": [REUTERS],
    },
    {
        "type": "figure_reported",
        "id": "troops-november",
        "occurred": "2023-11-15",
        "summary": "1,200 troops",
        "actor": "alpha",
        "metric": "troops",
        "scope": "border",
        "value": 1200,
        "sources": [REUTERS, AP],
    },
    {
        "type": "talks_held",
        "id": "talks-1",
        "occurred": "2023-11-20",
        "summary": "First round",
        "negotiation": "truce",
        "round": 1,
        "parties": ["alpha", "bravo"],
        "outcome": "No agreement",
        "sources": [REUTERS, ALJ],
    },
]
SITTING_3 = [
    {
        "type": "retraction",
        "id": "ambush-retracted",
        "occurred": "2023-12-01",
        "summary": "Ambush claim withdrawn",
        "target": "claim-ambush",
        "reason": "The channel deleted it",
    },
    {
        "type": "correction",
        "id": "raids-dated",
        "occurred": "2024-01-15",
        "summary": "Raids were in June",
        "target": "raids-2023",
        "changes": {"occurred": "2023-06"},
        "reason": "Better dating",
        "sources": [AP, ALJ],
    },
]


class Story:
    """The recorded story, and the three moments at which each sitting ended."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        cli.ok("init")
        for sitting, analyst in ((SITTING_1, "alice"), (SITTING_2, "alice"), (SITTING_3, "bob")):
            cli.ok("append", "--as", analyst, "--file", "-", input="\n".join(json.dumps(d) for d in sitting) + "\n")
        recorded = {e["id"]: str(e["recorded"]) for e in cli.jsonl("log", "--include-retracted")}
        self.recorded = recorded
        self.t1, self.t2, self.t3 = recorded["raids-2023"], recorded["talks-1"], recorded["raids-dated"]
        assert self.t1 < recorded["troops-fix"] and self.t2 < recorded["ambush-retracted"]

    def show(self, kind: str, name: str, *flags: str) -> dict[str, Any]:
        found = self.cli.json("show", kind, name, *flags)
        assert isinstance(found, dict)
        return found

    def log_ids(self, *flags: str) -> list[str]:
        return [str(e["id"]) for e in self.cli.jsonl("log", *flags)]


def just_before(moment: str) -> str:
    return (datetime.fromisoformat(moment) - timedelta(microseconds=1)).isoformat()


@pytest.fixture
def truce(cli: Cli) -> Story:
    return Story(cli)


def troops(view: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(f["scope"], f["value"], f["as_of"], f["development"], f["sources"]) for f in view["figures"]]


# -- --as-of: a development counts once its interval (or its figure's as_of) has ended -----------------


def test_a_month_development_counts_from_the_last_day_of_the_month(truce: Story) -> None:
    assert truce.show("actor", "alpha", "--as-of", "2023-10-30")["strikes_carried_out"] == 0
    assert truce.show("actor", "alpha", "--as-of", "2023-10-31")["strikes_carried_out"] == 1
    assert truce.show("actor", "bravo", "--as-of", "2023-10-31")["strikes_suffered"] == 1


def test_a_year_development_counts_from_the_last_day_of_the_year(truce: Story) -> None:
    # As known at T2 the raids were dated "2023": they count from 31 Dec 2023 (the ambush, 5 Nov, before).
    at_t2 = ("--known-at", truce.t2)
    assert truce.show("actor", "alpha", "--as-of", "2023-12-30", *at_t2)["attacks_suffered"] == 1
    assert truce.show("actor", "alpha", "--as-of", "2023-12-31", *at_t2)["attacks_suffered"] == 3
    assert truce.show("actor", "bravo", "--as-of", "2023-12-31", *at_t2)["attacks_carried_out"] == 3


def test_a_figure_counts_from_its_own_as_of_date(truce: Story) -> None:
    # Reported on 20 Oct, as of 1 Oct: it counts from 1 Oct.
    assert troops(truce.show("actor", "alpha", "--as-of", "2023-09-30")) == []
    assert troops(truce.show("actor", "alpha", "--as-of", "2023-10-01")) == [
        ("border", 1100, "2023-10-01", "troops-early", 1)
    ]
    assert troops(truce.show("actor", "alpha", "--as-of", "2023-11-14")) == [
        ("border", 1100, "2023-10-01", "troops-early", 1)
    ]
    assert troops(truce.show("actor", "alpha", "--as-of", "2023-11-15")) == [
        ("border", 1200, "2023-11-15", "troops-november", 2)
    ]


def test_an_entity_is_not_in_the_story_before_its_registration_counts(truce: Story) -> None:
    result = truce.cli("show", "actor", "alpha", "--as-of", "2023-08-31")
    assert result.exit_code == 1
    assert result.stderr.strip() == "chronicle: error: actor 'alpha' was not yet in the story as of 2023-08-31"
    assert truce.cli.json("actors", "--as-of", "2023-08-31") == []
    assert [a["id"] for a in truce.cli.json("actors", "--as-of", "2023-09-01")] == ["alpha", "bravo"]


def test_negotiation_state_as_of_a_date(truce: Story) -> None:
    before = truce.show("negotiation", "truce", "--as-of", "2023-11-19")
    after = truce.show("negotiation", "truce", "--as-of", "2023-11-20")
    assert (before["status"], before["rounds"], list(before["positions"])) == ("opened", 0, ["bravo"])
    assert (after["status"], after["rounds"], after["talks"][0]["development"]) == ("in_talks", 1, "talks-1")


# -- --known-at: only what had been recorded by then ----------------------------------------------


def test_known_at_ignores_developments_and_corrections_recorded_later(truce: Story) -> None:
    at_t1 = truce.show("actor", "alpha", "--known-at", truce.t1)
    assert troops(at_t1) == [("border", 1000, "2023-10-01", "troops-early", 1)]
    assert at_t1["attacks_suffered"] == 3  # the ambush, not yet retracted, and the raids
    assert at_t1["last_development"] == {"id": "claim-ambush", "occurred": "2023-11-05"}
    now = truce.show("actor", "alpha")
    assert troops(now) == [("border", 1200, "2023-11-15", "troops-november", 2)]
    assert now["attacks_suffered"] == 2


def test_known_at_includes_what_was_recorded_at_that_very_instant(truce: Story) -> None:
    fixed = truce.recorded["troops-fix"]
    flags = ("--as-of", "2023-10-31")
    assert troops(truce.show("actor", "alpha", *flags, "--known-at", fixed))[0][1] == 1100
    assert troops(truce.show("actor", "alpha", *flags, "--known-at", just_before(fixed)))[0][1] == 1000


def test_known_at_takes_a_date_as_the_end_of_that_day_and_an_offset(truce: Story) -> None:
    moment = datetime.fromisoformat(truce.t3)
    day = moment.date().isoformat()
    assert truce.show("actor", "alpha", "--known-at", day)["attacks_suffered"] == 2
    in_paris = moment.astimezone(datetime.now().astimezone().tzinfo).isoformat()
    assert truce.show("actor", "alpha", "--known-at", in_paris)["attacks_suffered"] == 2
    naive_utc = datetime.fromisoformat(truce.t2).replace(tzinfo=None).isoformat()
    assert truce.show("actor", "alpha", "--known-at", naive_utc)["attacks_suffered"] == 3


def test_a_correction_applies_at_every_as_of_where_its_target_counts(truce: Story) -> None:
    # troops-fix is dated 2024-03-01, but it changes what we believe about 1 Oct 2023.
    assert troops(truce.show("actor", "alpha", "--as-of", "2023-10-01"))[0][1] == 1100
    # raids-dated (2024-01-15) moves the raids to June 2023: they now count from 30 June.
    assert truce.log_ids("--type", "attack", "--as-of", "2023-06-29") == []
    assert truce.log_ids("--type", "attack", "--as-of", "2023-06-30") == ["raids-2023"]
    assert truce.show("actor", "alpha", "--as-of", "2023-09-01")["attacks_suffered"] == 2
    assert truce.show("actor", "alpha", "--as-of", "2023-09-01", "--known-at", truce.t2)["attacks_suffered"] == 0


def test_both_axes_what_we_believed_at_t_about_the_world_at_d(truce: Story) -> None:
    both = truce.show("actor", "alpha", "--as-of", "2023-10-31", "--known-at", truce.t1)
    assert troops(both) == [("border", 1000, "2023-10-01", "troops-early", 1)]
    assert (both["strikes_carried_out"], both["attacks_suffered"]) == (1, 0)
    negotiation = truce.show("negotiation", "truce", "--as-of", "2023-12-31", "--known-at", truce.t1)
    assert (negotiation["status"], negotiation["rounds"]) == ("opened", 0)


def test_log_shows_corrections_as_believed_then_and_now(truce: Story) -> None:
    (now,) = truce.cli.jsonl("log", "--type", "strike", "--as-of", "2023-10-31")
    assert (now["deaths"], now["corrected_by"]) == (5, ["strike-toll"])
    (then,) = truce.cli.jsonl("log", "--type", "strike", "--known-at", truce.t1)
    assert (then["deaths"], then["corrected_by"]) == (3, [])


def test_log_hides_retracted_developments_unless_asked_or_not_yet_retracted(truce: Story) -> None:
    assert truce.log_ids("--type", "attack") == ["raids-2023"]
    shown = truce.cli.jsonl("log", "--type", "attack", "--include-retracted")
    assert [(e["id"], e["retracted_by"]) for e in shown] == [
        ("raids-2023", None),
        ("claim-ambush", "ambush-retracted"),
    ]
    then = truce.cli.jsonl("log", "--type", "attack", "--known-at", truce.t2)
    assert [(e["id"], e["occurred"], e["retracted_by"]) for e in then] == [
        ("raids-2023", "2023", None),
        ("claim-ambush", "2023-11-05", None),
    ]


def test_log_since_until_lists_developments_whose_interval_overlaps(truce: Story) -> None:
    window = ("--since", "2023-10-15", "--until", "2023-10-16")
    assert truce.log_ids(*window) == ["strike-october"]  # troops-early happened on 20 Oct
    # Known at T1 the raids were dated "2023": they overlap too, and sort first (interval start).
    assert truce.log_ids(*window, "--known-at", truce.t1) == ["raids-2023", "strike-october"]
    assert truce.log_ids("--since", "2023-10-31", "--until", "2023-10-31") == ["strike-october"]
    assert truce.log_ids("--since", "2023-11-01", "--until", "2023-11-02") == ["bravo-demands"]
    assert truce.log_ids("--until", "2023-09-30", "--known-at", truce.t1) == [
        "raids-2023",
        "reg-alpha",
        "reg-bravo",
        "truce-opened",
    ]
    assert truce.log_ids("--since", "2023-06-15", "--until", "2023-06-15") == ["raids-2023"]


# -- log -S ------------------------------------------------------------------------------------------


def test_log_search_looks_in_summaries_statements_and_sources(truce: Story) -> None:
    assert truce.log_ids("-S", "AL JAZEERA") == ["talks-1", "raids-dated"]  # a publisher, any case
    assert truce.log_ids("-S", "must withdraw") == ["bravo-demands"]  # a position's text
    assert truce.log_ids("-S", "twice") == ["raids-2023"]  # a summary
    assert truce.log_ids("-S", "ambush") == ["ambush-retracted"]  # the retracted claim is hidden...
    assert truce.log_ids("-S", "ambush", "--include-retracted") == ["claim-ambush", "ambush-retracted"]
    assert truce.log_ids("-S", "summary") == []  # field names are not text
    assert truce.log_ids("-S", "nowhere to be found") == []


# -- corroboration ----------------------------------------------------------------------------------


def test_every_actor_fact_carries_its_number_of_independent_sources(truce: Story) -> None:
    alpha = truce.show("actor", "alpha")
    assert alpha["corroboration"] == {
        "attacks_suffered": 0,  # the raids have no source (the weakest development counted)
        "name": 1,
        "kind": 1,
        "aliases": 1,
        "aligned_with": 1,
        "part_of": 1,
        "strikes_carried_out": 2,
    }
    assert [f["sources"] for f in alpha["figures"]] == [2]
    bravo = truce.show("actor", "bravo")
    assert bravo["corroboration"] == {
        "attacks_carried_out": 0,
        "name": 2,
        "kind": 2,
        "aliases": 2,
        "aligned_with": 2,
        "part_of": 2,
        "strikes_suffered": 2,
    }
    assert bravo["positions"]["truce"]["sources"] == 1
    before_raids = truce.show("actor", "bravo", "--as-of", "2023-11-30", "--known-at", truce.t2)
    assert (before_raids["attacks_carried_out"], before_raids["corroboration"]["attacks_carried_out"]) == (1, 1)


def test_a_killing_is_corroborated_by_the_development_that_reports_it(cli: Cli) -> None:
    cli.ok("init")
    lines = [
        {
            "type": "actor_registered",
            "id": "reg-x",
            "occurred": "2024-01-01",
            "summary": "x",
            "actor": "x",
            "name": "X",
            "kind": "person",
        },
        {
            "type": "actor_registered",
            "id": "reg-y",
            "occurred": "2024-01-01",
            "summary": "y",
            "actor": "y",
            "name": "Y",
            "kind": "state",
            "sources": [REUTERS],
        },
        {
            "type": "strike",
            "id": "kill-x",
            "occurred": "2024-01-02",
            "summary": "x killed",
            "by": "y",
            "targets": ["x"],
            "killed": ["x"],
            "sources": [REUTERS, AP, ALJ, {"publisher": " reuters"}],
        },
    ]
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in lines))
    x = cli.json("show", "actor", "x")
    assert isinstance(x, dict)
    assert (x["status"], x["killed_in"]) == ("killed", "kill-x")
    assert x["corroboration"] == {
        "name": 0,
        "kind": 0,
        "aliases": 0,
        "aligned_with": 0,
        "part_of": 0,
        "strikes_suffered": 3,
        "status": 3,
        "killed_on": 3,
        "killed_in": 3,
    }


# -- history ----------------------------------------------------------------------------------------

# Every change to alpha as believed now, in story order: (development, field, before, after).
ALPHA_HISTORY = [
    ("raids-2023", "attacks_suffered", 0, 2),
    ("raids-2023", "developments", 0, 1),
    ("raids-2023", "first_development", None, {"id": "raids-2023", "occurred": "2023-06"}),
    ("raids-2023", "last_development", None, {"id": "raids-2023", "occurred": "2023-06"}),
    ("raids-2023", "corroboration.attacks_suffered", None, 0),
    ("reg-alpha", "registered", False, True),
    ("reg-alpha", "name", None, "Alphaland"),
    ("reg-alpha", "kind", None, "state"),
    ("reg-alpha", "developments", 1, 2),
    (
        "reg-alpha",
        "last_development",
        {"id": "raids-2023", "occurred": "2023-06"},
        {"id": "reg-alpha", "occurred": "2023-09-01"},
    ),
    ("reg-alpha", "registered_in", None, "reg-alpha"),
    ("reg-alpha", "corroboration.aliases", None, 1),
    ("reg-alpha", "corroboration.aligned_with", None, 1),
    ("reg-alpha", "corroboration.kind", None, 1),
    ("reg-alpha", "corroboration.name", None, 1),
    ("reg-alpha", "corroboration.part_of", None, 1),
    ("truce-opened", "developments", 2, 3),
    (
        "truce-opened",
        "last_development",
        {"id": "reg-alpha", "occurred": "2023-09-01"},
        {"id": "truce-opened", "occurred": "2023-09-10"},
    ),
    ("strike-october", "strikes_carried_out", 0, 1),
    ("strike-october", "developments", 3, 4),
    (
        "strike-october",
        "last_development",
        {"id": "truce-opened", "occurred": "2023-09-10"},
        {"id": "strike-october", "occurred": "2023-10"},
    ),
    ("strike-october", "corroboration.strikes_carried_out", None, 2),
    ("troops-early", "figures[troops/border].value", None, 1100),
    ("troops-early", "figures[troops/border].as_of", None, "2023-10-01"),
    ("troops-early", "figures[troops/border].development", None, "troops-early"),
    ("troops-early", "figures[troops/border].sources", None, 1),
    ("troops-early", "developments", 4, 5),
    (
        "troops-early",
        "last_development",
        {"id": "strike-october", "occurred": "2023-10"},
        {"id": "troops-early", "occurred": "2023-10-20"},
    ),
    # Retracted: listed with what it would have changed; the next `before` ignores it.
    ("claim-ambush", "attacks_suffered", 2, 3),
    ("claim-ambush", "developments", 5, 6),
    (
        "claim-ambush",
        "last_development",
        {"id": "troops-early", "occurred": "2023-10-20"},
        {"id": "claim-ambush", "occurred": "2023-11-05"},
    ),
    ("troops-november", "figures[troops/border].value", 1100, 1200),
    ("troops-november", "figures[troops/border].as_of", "2023-10-01", "2023-11-15"),
    ("troops-november", "figures[troops/border].development", "troops-early", "troops-november"),
    ("troops-november", "figures[troops/border].sources", 1, 2),
    ("troops-november", "developments", 5, 6),
    (
        "troops-november",
        "last_development",
        {"id": "troops-early", "occurred": "2023-10-20"},
        {"id": "troops-november", "occurred": "2023-11-15"},
    ),
    ("talks-1", "developments", 6, 7),
    (
        "talks-1",
        "last_development",
        {"id": "troops-november", "occurred": "2023-11-15"},
        {"id": "talks-1", "occurred": "2023-11-20"},
    ),
]


def steps(changes: Any) -> list[tuple[Any, ...]]:
    return [(c["development"]["id"], c["field"], c["before"], c["after"]) for c in changes]


def by_field(changes: Any, dev_id: str, field: str) -> dict[str, Any]:
    (found,) = [c for c in changes if c["development"]["id"] == dev_id and c["field"] == field]
    return dict(found)


def test_history_lists_every_change_in_story_order(truce: Story) -> None:
    changes = truce.cli.json("history", "actor", "alpha", "--all")
    assert steps(changes) == ALPHA_HISTORY
    # The development behind a change, as believed now, with when it was recorded and its sources.
    assert by_field(changes, "strike-october", "strikes_carried_out")["development"] == {
        "id": "strike-october",
        "type": "strike",
        "occurred": "2023-10",
        "recorded": truce.recorded["strike-october"],
        "recorded_by": "alice",
        "position": by_field(changes, "strike-october", "strikes_carried_out")["development"]["position"],
        "summary": "Alpha strikes Bravo",
        "confidence": "reported",
        "sources": ["AP", "Reuters"],
    }


def test_history_marks_what_later_corrections_and_retractions_changed(truce: Story) -> None:
    changes = truce.cli.json("history", "actor", "alpha", "--all")
    value = by_field(changes, "troops-early", "figures[troops/border].value")
    assert (value["after"], value["as_recorded"], value["corrected_by"], value["in_effect"]) == (
        1100,
        1000,
        ["troops-fix"],
        True,
    )
    first = by_field(changes, "raids-2023", "first_development")
    assert (first["as_recorded"], first["corrected_by"]) == ({"id": "raids-2023", "occurred": "2023"}, ["raids-dated"])
    strike = by_field(changes, "strike-october", "strikes_carried_out")
    assert (strike["corrected_by"], strike["as_recorded"]) == (["strike-toll"], 1)  # deaths are not a field
    ambush = [c for c in changes if c["development"]["id"] == "claim-ambush"]
    assert {(c["in_effect"], c["retracted_by"]) for c in ambush} == {(False, "ambush-retracted")}
    assert all(c["in_effect"] and c["retracted_by"] is None for c in changes if c not in ambush)


def test_history_known_at_shows_what_we_believed_then(truce: Story) -> None:
    changes = truce.cli.json("history", "actor", "alpha", "--all", "--known-at", truce.t1)
    facts = [s for s in steps(changes) if s[1] not in ("developments", "last_development")]
    assert facts == [
        ("raids-2023", "attacks_suffered", 0, 2),
        ("raids-2023", "first_development", None, {"id": "raids-2023", "occurred": "2023"}),
        ("raids-2023", "corroboration.attacks_suffered", None, 0),
        ("reg-alpha", "registered", False, True),
        ("reg-alpha", "name", None, "Alphaland"),
        ("reg-alpha", "kind", None, "state"),
        ("reg-alpha", "registered_in", None, "reg-alpha"),
        ("reg-alpha", "corroboration.aliases", None, 1),
        ("reg-alpha", "corroboration.aligned_with", None, 1),
        ("reg-alpha", "corroboration.kind", None, 1),
        ("reg-alpha", "corroboration.name", None, 1),
        ("reg-alpha", "corroboration.part_of", None, 1),
        ("strike-october", "strikes_carried_out", 0, 1),
        ("strike-october", "corroboration.strikes_carried_out", None, 2),
        ("troops-early", "figures[troops/border].value", None, 1000),
        ("troops-early", "figures[troops/border].as_of", None, "2023-10-01"),
        ("troops-early", "figures[troops/border].development", None, "troops-early"),
        ("troops-early", "figures[troops/border].sources", None, 1),
        ("claim-ambush", "attacks_suffered", 2, 3),
    ]
    assert all(c["in_effect"] and not c["corrected_by"] and c["retracted_by"] is None for c in changes)


def test_history_as_of_stops_at_that_date(truce: Story) -> None:
    changes = truce.cli.json("history", "negotiation", "truce", "--all", "--as-of", "2023-11-19")
    assert [s for s in steps(changes) if s[1] not in ("developments", "last_development")] == [
        ("truce-opened", "registered", False, True),
        ("truce-opened", "title", None, "Border truce"),
        ("truce-opened", "subject", None, "A truce on the border"),
        ("truce-opened", "parties", [], ["alpha", "bravo"]),
        ("truce-opened", "first_development", None, {"id": "truce-opened", "occurred": "2023-09-10"}),
        ("truce-opened", "opened_in", None, "truce-opened"),
        ("bravo-demands", "positions[bravo].position", None, "demands"),
        ("bravo-demands", "positions[bravo].text", None, "Alpha must withdraw"),
        ("bravo-demands", "positions[bravo].occurred", None, "2023-11-02"),
        ("bravo-demands", "positions[bravo].development", None, "bravo-demands"),
        ("bravo-demands", "positions[bravo].sources", None, 1),
    ]


def test_history_replayed_gives_the_state_show_prints(truce: Story) -> None:
    for kind, name, flags in (
        ("actor", "alpha", ()),
        ("actor", "bravo", ("--known-at", truce.t2)),
        ("negotiation", "truce", ("--as-of", "2023-11-20")),
        ("actor", "alpha", ("--as-of", "2023-10-31", "--known-at", truce.t1)),
    ):
        state: dict[str, Any] = {}
        for change in truce.cli.json("history", kind, name, "--all", *flags):  # type: ignore[union-attr]
            if change["in_effect"]:
                state[change["field"]] = change["after"]
        blamed = {b["field"]: b["value"] for b in truce.cli.json("blame", kind, name, "--all", *flags)}  # type: ignore[union-attr]
        assert {f: v for f, v in state.items() if v is not None} == {
            f: v for f, v in blamed.items() if f in state and v is not None
        }
        shown = truce.show(kind, name, *flags)
        assert shown["developments"] == state["developments"]
        assert shown["last_development"] == state["last_development"]


def test_history_text_names_each_development_once_with_its_marks(truce: Story) -> None:
    out = truce.cli.ok("history", "actor", "alpha").stdout
    assert out.count("claim-ambush (attack)  [RETRACTED by ambush-retracted: not in effect]") == 1
    assert "troops-early (figure_reported)  [corrected by troops-fix]" in out
    assert "    figures[troops/border].value: null -> 1100  (as first recorded: 1000)" in out
    assert "    attacks_suffered: 0 -> 2" in out


# -- blame ------------------------------------------------------------------------------------------


def blamed(lines: Any) -> list[tuple[Any, ...]]:
    return [(b["field"], b["value"], b["development"] and b["development"]["id"]) for b in lines]


def test_blame_names_the_development_that_set_each_current_value(truce: Story) -> None:
    assert blamed(truce.cli.json("blame", "actor", "alpha", "--all")) == [
        ("id", "alpha", None),
        ("registered", True, "reg-alpha"),
        ("name", "Alphaland", "reg-alpha"),
        ("kind", "state", "reg-alpha"),
        ("aliases", [], None),
        ("aligned_with", [], None),
        ("part_of", None, None),
        ("status", "active", None),
        ("killed_on", None, None),
        ("killed_in", None, None),
        ("figures[troops/border].value", 1200, "troops-november"),
        ("figures[troops/border].as_of", "2023-11-15", "troops-november"),
        ("figures[troops/border].development", "troops-november", "troops-november"),
        ("figures[troops/border].sources", 2, "troops-november"),
        ("strikes_carried_out", 1, "strike-october"),
        ("strikes_suffered", 0, None),
        ("attacks_carried_out", 0, None),
        ("attacks_suffered", 2, "raids-2023"),
        ("developments", 7, "talks-1"),
        # The raids' date as believed now was set by the correction that dated them.
        ("first_development", {"id": "raids-2023", "occurred": "2023-06"}, "raids-dated"),
        ("last_development", {"id": "talks-1", "occurred": "2023-11-20"}, "talks-1"),
        ("registered_in", "reg-alpha", "reg-alpha"),
        ("corroboration.aliases", 1, "reg-alpha"),
        ("corroboration.aligned_with", 1, "reg-alpha"),
        ("corroboration.attacks_suffered", 0, "raids-2023"),
        ("corroboration.kind", 1, "reg-alpha"),
        ("corroboration.name", 1, "reg-alpha"),
        ("corroboration.part_of", 1, "reg-alpha"),
        ("corroboration.strikes_carried_out", 2, "strike-october"),
    ]


def test_blame_of_one_field_at_a_point_in_both_times(truce: Story) -> None:
    (now,) = truce.cli.json("blame", "actor", "alpha", "figures[troops/border].value", "--as-of", "2023-11-14")
    # The value as believed now is the correction's: credited to it, its date and its sources.
    assert (now["value"], now["development"]["id"], now["corrected_by"], now["as_recorded"]) == (
        1100,
        "troops-fix",
        ["troops-fix"],
        1000,
    )
    assert now["corrects"] == "troops-early"
    assert now["development"]["occurred"] == "2024-03-01"
    assert now["development"]["sources"] == ["AP"]
    (then,) = truce.cli.json(
        "blame", "actor", "alpha", "figures[troops/border].value", "--as-of", "2023-11-14", "--known-at", truce.t1
    )
    assert (then["value"], then["development"]["id"], then["corrected_by"], then["as_recorded"]) == (
        1000,
        "troops-early",
        [],
        1000,
    )
    assert blamed(truce.cli.json("blame", "negotiation", "Border truce", "positions")) == [
        ("positions[bravo].position", "demands", "bravo-demands"),
        ("positions[bravo].text", "Alpha must withdraw", "bravo-demands"),
        ("positions[bravo].occurred", "2023-11-02", "bravo-demands"),
        ("positions[bravo].development", "bravo-demands", "bravo-demands"),
        ("positions[bravo].sources", 1, "bravo-demands"),
    ]
    assert blamed(truce.cli.json("blame", "negotiation", "truce", "talks")) == [
        ("talks[talks-1].round", 1, "talks-1"),
        ("talks[talks-1].occurred", "2023-11-20", "talks-1"),
        ("talks[talks-1].parties", ["alpha", "bravo"], "talks-1"),
        ("talks[talks-1].outcome", "No agreement", "talks-1"),
    ]


def test_blame_text_is_one_line_per_value(truce: Story) -> None:
    out = truce.cli.ok("blame", "actor", "alpha", "figures").stdout.splitlines()
    recorded = truce.recorded["troops-november"][:16]
    assert out[0].split() == [
        "figures[troops/border].value",
        "1200",
        "<-",
        "troops-november",
        "(2023-11-15;",
        "AP,",
        "Reuters;",
        "recorded",
        "by",
        "alice",
        f"{recorded}Z)",
    ]
    assert len(out) == 4


# -- diff -------------------------------------------------------------------------------------------


def changed(d: Any) -> list[tuple[Any, ...]]:
    return [(c["field"], c["before"], c["after"]) for c in d["changes"]]


ALPHA_OCT30_TO_NOV15 = [
    ("figures[troops/border].value", 1100, 1200),
    ("figures[troops/border].as_of", "2023-10-01", "2023-11-15"),
    ("figures[troops/border].development", "troops-early", "troops-november"),
    ("figures[troops/border].sources", 1, 2),
    ("strikes_carried_out", 0, 1),
    ("developments", 4, 6),
    (
        "last_development",
        {"id": "troops-early", "occurred": "2023-10-20"},
        {"id": "troops-november", "occurred": "2023-11-15"},
    ),
    ("corroboration.strikes_carried_out", None, 2),
]


def test_diff_between_two_dates_field_by_field(truce: Story) -> None:
    d = truce.cli.json("diff", "actor", "alpha", "--from", "2023-10-30", "--to", "2023-11-15", "--all")
    assert isinstance(d, dict)
    assert d["from"] == {"as_of": "2023-10-30", "known_at": None}
    assert d["to"] == {"as_of": "2023-11-15", "known_at": None}
    assert (d["entity"], d["kind"], d["id"], d["in_story"]) == (
        "actor:alpha",
        "actor",
        "alpha",
        {"from": True, "to": True},
    )
    assert changed(d) == ALPHA_OCT30_TO_NOV15
    assert d["developments"] == {"added": ["strike-october", "troops-november"], "removed": [], "revised": []}


def test_diff_shows_the_storys_facts_and_keeps_bookkeeping_for_all(truce: Story) -> None:
    every = truce.cli.json("diff", "actor", "alpha", "--known-from", truce.t1, "--known-to", truce.t3, "--all")
    facts = truce.cli.json("diff", "actor", "alpha", "--known-from", truce.t1, "--known-to", truce.t3)
    assert isinstance(every, dict) and isinstance(facts, dict)
    assert changed(facts) == [
        ("figures[troops/border].value", 1000, 1200),
        ("figures[troops/border].as_of", "2023-10-01", "2023-11-15"),
        ("attacks_suffered", 3, 2),
    ]
    assert [c for c in changed(every) if c in changed(facts)] == changed(facts)
    assert len(changed(every)) > len(changed(facts))
    assert facts["developments"] == every["developments"]  # which developments account for it stays whole
    text = truce.cli.ok("diff", "actor", "alpha", "--known-from", truce.t1, "--known-to", truce.t3).stdout
    assert "corroboration" not in text and "last_development" not in text and "].development" not in text


def test_diff_between_two_record_times_shows_corrections_and_retractions(truce: Story) -> None:
    d = truce.cli.json("diff", "actor", "alpha", "--known-from", truce.t1, "--known-to", truce.t3, "--all")
    assert isinstance(d, dict)
    assert changed(d) == [
        ("figures[troops/border].value", 1000, 1200),
        ("figures[troops/border].as_of", "2023-10-01", "2023-11-15"),
        ("figures[troops/border].development", "troops-early", "troops-november"),
        ("figures[troops/border].sources", 1, 2),
        ("attacks_suffered", 3, 2),
        ("developments", 6, 7),
        ("first_development", {"id": "raids-2023", "occurred": "2023"}, {"id": "raids-2023", "occurred": "2023-06"}),
        (
            "last_development",
            {"id": "claim-ambush", "occurred": "2023-11-05"},
            {"id": "talks-1", "occurred": "2023-11-20"},
        ),
    ]
    assert d["developments"] == {
        "added": ["troops-november", "talks-1"],
        "removed": ["claim-ambush"],
        "revised": ["raids-2023", "strike-october", "troops-early"],
    }
    # Pinned to one date, only the correction of the troop figure is left.
    pinned = truce.cli.json(
        "diff", "actor", "alpha", "--known-from", truce.t1, "--known-to", truce.t2, "--as-of", "2023-10-31"
    )
    assert isinstance(pinned, dict)
    assert changed(pinned) == [("figures[troops/border].value", 1000, 1100)]
    assert pinned["developments"] == {"added": [], "removed": [], "revised": ["strike-october", "troops-early"]}


def test_diff_of_the_whole_store_lists_each_entity_that_changed(truce: Story) -> None:
    d = truce.cli.json("diff", "--from", "2023-10-30", "--to", "2023-11-15", "--all")
    assert isinstance(d, dict)
    assert [e["entity"] for e in d["entities"]] == ["actor:alpha", "actor:bravo", "negotiation:truce"]
    alpha, bravo, negotiation = d["entities"]
    assert changed(alpha) == ALPHA_OCT30_TO_NOV15
    assert changed(bravo) == [
        ("positions[truce].position", None, "demands"),
        ("positions[truce].text", None, "Alpha must withdraw"),
        ("positions[truce].occurred", None, "2023-11-02"),
        ("positions[truce].development", None, "bravo-demands"),
        ("positions[truce].sources", None, 1),
        ("strikes_suffered", 0, 1),
        ("developments", 3, 5),
        (
            "last_development",
            {"id": "truce-opened", "occurred": "2023-09-10"},
            {"id": "bravo-demands", "occurred": "2023-11-02"},
        ),
        ("corroboration.strikes_suffered", None, 2),
    ]
    assert [f for f, _, _ in changed(negotiation)] == [
        "positions[bravo].position",
        "positions[bravo].text",
        "positions[bravo].occurred",
        "positions[bravo].development",
        "positions[bravo].sources",
        "developments",
        "last_development",
    ]
    assert truce.cli.json("diff", "--from", "2024-01-01", "--to", "2024-06-01")["entities"] == []  # type: ignore[index]
    entering = truce.cli.json("diff", "--from", "2023-08-31", "--to", "2023-09-01")
    assert [(e["entity"], e["in_story"]) for e in entering["entities"]] == [  # type: ignore[index]
        ("actor:alpha", {"from": False, "to": True}),
        ("actor:bravo", {"from": False, "to": True}),
    ]


def test_store_wide_diff_finds_exactly_what_diffing_every_entity_finds(truce: Story) -> None:
    """The index pre-selection never misses an entity (compared with diffing all of them)."""
    from chronicle.projections import audit
    from chronicle.service.settings import resolve_store
    from chronicle.service.store import Store

    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text)

    # Dates around each interval's end, a figure's as_of and the raids' dating before and after correction.
    days = ("2023-06-29", "2023-09-30", "2023-10-10", "2023-10-30", "2023-11-15", "2023-12-30", "2023-12-31")
    dates = [None, *(datetime.fromisoformat(d).date() for d in days)]
    times = [None, moment(truce.t1), moment(truce.t2)]
    pairs = [
        (audit.Point(a, t), audit.Point(b, u))
        for a in dates
        for b in dates
        for t in times
        for u in times
        if (a is None or b is None or a <= b) and (t is None or u is None or t <= u)
    ]
    with Store.open(resolve_store(truce.cli.store.url)) as opened:

        def every(views: Any, c: Any) -> list[tuple[Any, ...]]:
            keys = [r["entity"] for r in views.rows(c, "SELECT entity FROM {s}view_entities ORDER BY entity")]
            out = []
            for a, b in pairs:
                quick = [(d.entity, d.changes) for d in audit.diff_all(views, c, a, b)]
                full = [audit.diff(views, c, *k.split(":", 1), a, b) for k in keys]
                slow = [(d.entity, d.changes) for d in full if d.changes and any(d.registered)]
                out.append((a, b, sorted(quick), sorted(slow)))
            return out

        results = opened.query(every)
    assert any(quick for _, _, quick, _ in results)
    for a, b, quick, slow in results:
        assert quick == slow, (a, b)


# -- sources ----------------------------------------------------------------------------------------


def test_sources_counts_publishers_and_flags_thin_developments(truce: Story) -> None:
    report = truce.cli.json("sources")
    assert isinstance(report, dict)
    assert report["developments"] == 13  # every development but the retracted claim
    assert report["publishers"] == [
        {"publisher": "AP", "developments": 7},
        {"publisher": "Reuters", "developments": 7},
        {"publisher": "Al Jazeera", "developments": 2},
    ]
    assert [(d["id"], d["sources"]) for d in report["single_source"]] == [
        ("reg-alpha", ["Reuters"]),
        ("truce-opened", ["Reuters"]),
        ("troops-early", ["AP"]),
        ("bravo-demands", ["AP"]),
        ("strike-toll", ["Reuters"]),
        ("troops-fix", ["AP"]),  # "AP" and "ap " are one source
    ]
    assert [(d["id"], d["type"], d["occurred"]) for d in report["no_source"]] == [
        ("raids-2023", "attack", "2023-06"),
        ("ambush-retracted", "retraction", "2023-12-01"),
    ]
    text = truce.cli.ok("sources").stdout
    assert "6 resting on a single source" in text and "2 with no source" in text


def test_a_correction_that_moves_a_development_to_another_entity(cli: Cli) -> None:
    """A strike first reported against y turns out to have hit z: y's history keeps it, not in effect."""
    cli.ok("init")
    first = [
        {
            "type": "actor_registered",
            "id": f"reg-{a}",
            "occurred": "2024-01-01",
            "summary": a,
            "actor": a,
            "name": a.upper(),
            "kind": "state",
        }
        for a in ("x", "y", "z")
    ]
    first.append(
        {
            "type": "strike",
            "id": "strike",
            "occurred": "2024-01-02",
            "summary": "x strikes",
            "by": "x",
            "targets": ["y"],
            "sources": [REUTERS],
        }
    )
    later = [
        {
            "type": "correction",
            "id": "retarget",
            "occurred": "2024-01-09",
            "summary": "it was z",
            "target": "strike",
            "changes": {"targets": ["z"]},
            "reason": "misreported",
        }
    ]
    for batch in (first, later):
        cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in batch))
    z = [c for c in cli.json("history", "actor", "z", "--all") if c["development"]["id"] == "strike"]  # type: ignore[union-attr]
    assert [(c["field"], c["before"], c["after"], c["as_recorded"], c["in_effect"]) for c in z] == [
        ("strikes_suffered", 0, 1, 0, True),
        ("developments", 1, 2, 1, True),
        (
            "last_development",
            {"id": "reg-z", "occurred": "2024-01-01"},
            {"id": "strike", "occurred": "2024-01-02"},
            {"id": "reg-z", "occurred": "2024-01-01"},
            True,
        ),
        ("corroboration.strikes_suffered", None, 1, None, True),
    ]
    y = [c for c in cli.json("history", "actor", "y", "--all") if c["development"]["id"] == "strike"]  # type: ignore[union-attr]
    assert [(c["field"], c["before"], c["after"], c["as_recorded"], c["in_effect"], c["corrected_by"]) for c in y] == [
        ("strikes_suffered", 0, 0, 1, False, ["retarget"]),
        ("developments", 1, 1, 2, False, ["retarget"]),
        (
            "last_development",
            {"id": "reg-y", "occurred": "2024-01-01"},
            {"id": "reg-y", "occurred": "2024-01-01"},
            {"id": "strike", "occurred": "2024-01-02"},
            False,
            ["retarget"],
        ),
        ("corroboration.strikes_suffered", None, None, 1, False, ["retarget"]),
    ]
    recorded = {e["id"]: str(e["recorded"]) for e in cli.jsonl("log")}
    moved = cli.json("diff", "--known-from", recorded["strike"], "--known-to", recorded["retarget"], "--all")
    assert isinstance(moved, dict)
    assert [(e["entity"], changed(e), e["developments"]) for e in moved["entities"]] == [
        (
            "actor:y",
            [
                ("strikes_suffered", 1, 0),
                ("developments", 2, 1),
                (
                    "last_development",
                    {"id": "strike", "occurred": "2024-01-02"},
                    {"id": "reg-y", "occurred": "2024-01-01"},
                ),
                ("corroboration.strikes_suffered", 1, None),
            ],
            {"added": [], "removed": ["strike"], "revised": []},
        ),
        (
            "actor:z",
            [
                ("strikes_suffered", 0, 1),
                ("developments", 1, 2),
                (
                    "last_development",
                    {"id": "reg-z", "occurred": "2024-01-01"},
                    {"id": "strike", "occurred": "2024-01-02"},
                ),
                ("corroboration.strikes_suffered", None, 1),
            ],
            {"added": ["strike"], "removed": [], "revised": []},
        ),
    ]


def test_a_figure_reported_later_about_an_earlier_date_changes_nothing(cli: Cli) -> None:
    """Story order is by occurrence, but the latest `as_of` wins: history and blame agree with show."""
    cli.ok("init")
    lines = [
        {
            "type": "actor_registered",
            "id": "reg-x",
            "occurred": "2024-01-01",
            "summary": "x",
            "actor": "x",
            "name": "X",
            "kind": "state",
        },
        {
            "type": "figure_reported",
            "id": "fig-feb",
            "occurred": "2024-02-01",
            "summary": "10 in Feb",
            "actor": "x",
            "metric": "troops",
            "value": 10,
            "sources": [AP],
        },
        {
            "type": "figure_reported",
            "id": "fig-jan",
            "occurred": "2024-03-01",
            "summary": "5 in Jan (said in Mar)",
            "actor": "x",
            "metric": "troops",
            "value": 5,
            "as_of": "2024-01-15",
            "sources": [REUTERS],
        },
    ]
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in lines))
    changes = cli.json("history", "actor", "x", "--all")
    assert [(c["field"], c["before"], c["after"]) for c in changes if c["development"]["id"] == "fig-jan"] == [  # type: ignore[union-attr]
        ("developments", 2, 3),
        ("last_development", {"id": "fig-feb", "occurred": "2024-02-01"}, {"id": "fig-jan", "occurred": "2024-03-01"}),
    ]
    assert blamed(cli.json("blame", "actor", "x", "figures[troops].value")) == [
        ("figures[troops].value", 10, "fig-feb")
    ]
    shown = cli.json("show", "actor", "x")
    assert [(f["value"], f["development"]) for f in shown["figures"]] == [(10, "fig-feb")]  # type: ignore[index]


def test_sources_count_a_development_as_corrected(cli: Cli) -> None:
    """A correction that adds a source moves its target off the single-source list."""
    cli.ok("init")
    lines = [
        {
            "type": "actor_registered",
            "id": "reg-x",
            "occurred": "2024-01-01",
            "summary": "x",
            "actor": "x",
            "name": "X",
            "kind": "state",
            "sources": [AP],
        },
        {
            "type": "statement",
            "id": "said",
            "occurred": "2024-01-02",
            "summary": "x said",
            "by": "x",
            "text": "words",
            "sources": [AP],
        },
        {
            "type": "correction",
            "id": "more-sources",
            "occurred": "2024-01-03",
            "summary": "Reuters too",
            "target": "said",
            "changes": {"sources": [AP, REUTERS], "occurred": "2024-01-01"},
            "reason": "r",
            "sources": [AP],
        },
    ]
    cli.ok("append", "--file", "-", input="\n".join(json.dumps(d) for d in lines))
    report = cli.json("sources")
    assert report["publishers"] == [  # type: ignore[index]
        {"publisher": "AP", "developments": 3},
        {"publisher": "Reuters", "developments": 1},
    ]
    assert [d["id"] for d in report["single_source"]] == ["reg-x", "more-sources"]  # type: ignore[index]
    assert report["no_source"] == []  # type: ignore[index]
