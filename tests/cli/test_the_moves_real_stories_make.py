"""A second story, a deal with fixed-length terms: renewed twice, suspended and left by one party, then
reopened; with a span, tags, a reply and two sources' competing figures for the same day."""

from __future__ import annotations

import json
from typing import Any

import pytest


def _jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def _reg(actor: str, kind: str) -> dict[str, Any]:
    return {
        "type": "actor_registered",
        "id": f"reg-{actor}",
        "occurred": "2015-01",
        "summary": f"{actor} enters",
        "actor": actor,
        "name": actor.title(),
        "kind": kind,
    }


DEAL = "nuclear-deal"
STORY = [
    _reg("party-a", "state"),
    _reg("party-b", "state"),
    _reg("mediator", "organization"),
    {
        "type": "negotiation_opened",
        "id": "opened",
        "occurred": "2015-03",
        "summary": "talks open",
        "negotiation": DEAL,
        "title": "Nuclear deal",
        "parties": ["party-a", "party-b"],
        "subject": "enrichment limits for sanctions relief",
    },
    {
        "type": "agreement_reached",
        "id": "deal",
        "occurred": "2015-07-14",
        "summary": "deal signed, first term of six months",
        "negotiation": DEAL,
        "terms": "limits for relief",
        "deadlines": [{"milestone": "term 1 ends", "due": "2016-01-14"}],
    },
    {
        "type": "agreement_extended",
        "id": "renewal-1",
        "occurred": "2016-01-10",
        "summary": "renewed for six months",
        "negotiation": DEAL,
        "deadlines": [{"milestone": "term 2 ends", "due": "2016-07-14"}],
        "supersedes": ["term 1 ends"],
    },
    {
        "type": "agreement_extended",
        "id": "renewal-2",
        "occurred": "2016-07-10",
        "until": "2017-01-14",
        "summary": "renewed again, the last term",
        "negotiation": DEAL,
        "terms": "limits for relief, inspections added",
        "deadlines": [{"milestone": "term 3 ends", "due": "2017-01-14"}],
        "supersedes": ["Term 2 Ends"],
        "tags": ["renewal", "inspections"],
    },
    {
        "type": "figure_reported",
        "id": "stock-by-b",
        "occurred": "2016-08-01",
        "summary": "party-b gives its stock",
        "actor": "party-b",
        "metric": "stock-kg",
        "value": 300,
        "sources": [{"publisher": "Party B news agency"}],
    },
    {
        "type": "figure_reported",
        "id": "stock-by-mediator",
        "occurred": "2016-08-01",
        "summary": "the mediator's inspectors give another",
        "actor": "party-b",
        "metric": "stock-kg",
        "value": 410,
        "sources": [{"publisher": "Mediator report"}, {"publisher": "Wire"}],
    },
    {
        "type": "negotiation_suspended",
        "id": "suspended",
        "occurred": "2016-09-01",
        "summary": "party-a suspends its part",
        "negotiation": DEAL,
        "by": "party-a",
        "reason": "alleged breach",
    },
    {
        "type": "negotiation_resumed",
        "id": "resumed",
        "occurred": "2016-10-01",
        "summary": "party-a comes back",
        "negotiation": DEAL,
        "by": "party-a",
    },
    {
        "type": "negotiation_ended",
        "id": "withdrawal",
        "occurred": "2016-11-08",
        "summary": "party-a leaves the deal",
        "negotiation": DEAL,
        "by": "party-a",
        "outcome": "withdrawn",
        "text": "we are out",
        "tags": ["withdrawal"],
    },
    {
        "type": "statement",
        "id": "reply",
        "occurred": "2016-11-09",
        "summary": "party-b answers",
        "by": "party-b",
        "text": "we keep to the terms",
        "about": [DEAL],
        "responds_to": ["withdrawal"],
    },
    {
        "type": "negotiation_resumed",
        "id": "reopened",
        "occurred": "2017-03-01",
        "summary": "talks reopen",
        "negotiation": DEAL,
    },
]


@pytest.fixture
def deal(cli: Any) -> Any:
    cli.ok("init")
    cli.ok("append", "--file", "-", input=_jsonl(*STORY))
    return cli


def _deadlines(view: dict[str, Any]) -> dict[str, str]:
    return {d["milestone"]: d["state"] for d in view["deadlines"]}


def test_renewals_supersede_earlier_terms_and_the_last_lapses_after_the_withdrawal(deal):
    after = deal.json("show", "negotiation", DEAL, "--as-of", "2017-02-15")
    assert (after["status"], after["outcome"], after["ended_by"], after["ended_on"]) == (
        "ended",
        "withdrawn",
        "party-a",
        "2016-11-08",
    )
    assert _deadlines(after) == {"term 1 ends": "superseded", "term 2 ends": "superseded", "term 3 ends": "lapsed"}
    assert after["terms"] == "limits for relief, inspections added"
    during = deal.json("show", "negotiation", DEAL, "--as-of", "2016-12-01")
    assert _deadlines(during)["term 3 ends"] == "pending"
    first = deal.json("show", "negotiation", DEAL, "--as-of", "2015-12-01")
    assert _deadlines(first) == {"term 1 ends": "pending"}
    text = deal.ok("show", "negotiation", DEAL, "--as-of", "2017-02-15").stdout
    assert "ended: withdrawn on 2016-11-08 by party-a" in text
    assert "superseded on 2016-01-10 by renewal-1" in text
    assert "due 2017-01-14, lapsed" in text


def test_an_ended_negotiation_is_reopened_by_a_later_resumption(deal):
    now = deal.json("show", "negotiation", DEAL)
    assert (now["status"], now["outcome"], now["ended_by"]) == ("agreed", None, None)
    suspended = deal.json("show", "negotiation", DEAL, "--as-of", "2016-09-15")
    assert (suspended["status"], suspended["status_before_suspension"]) == ("suspended", "agreed")


def test_a_withdrawal_shows_in_that_actors_log_and_view(deal):
    mine = [e["id"] for e in deal.jsonl("log", "--actor", "party-a")]
    assert mine == ["reg-party-a", "opened", "suspended", "resumed", "withdrawal"]
    assert deal.json("show", "actor", "party-a")["last_development"]["id"] == "withdrawal"
    assert "by party-a" in deal.ok("log", "--actor", "party-a").stdout


def test_a_span_is_ongoing_when_the_date_asked_falls_inside_it(deal):
    inside = {e["id"]: e for e in deal.jsonl("log", "--as-of", "2016-12-01")}
    assert inside["renewal-2"]["ongoing"] is True
    assert "ongoing" not in inside["renewal-1"]
    after = {e["id"]: e for e in deal.jsonl("log", "--as-of", "2017-02-01")}
    assert "ongoing" not in after["renewal-2"]
    assert "until 2017-01-14 (ongoing)" in deal.ok("log", "--as-of", "2016-12-01").stdout


def test_competing_figures_for_the_same_day_stand_side_by_side(deal):
    figures = deal.json("show", "actor", "party-b")["figures"]
    assert [(f["value"], f["sources"], f["disputed"]) for f in figures] == [(410, 2, True), (300, 1, True)]
    later = {
        "type": "figure_reported",
        "id": "stock-later",
        "occurred": "2016-09-01",
        "summary": "a later count",
        "actor": "party-b",
        "metric": "stock-kg",
        "value": 350,
    }
    deal.ok("append", "--file", "-", input=_jsonl(later))
    (figure,) = deal.json("show", "actor", "party-b")["figures"]
    assert (figure["value"], "disputed" in figure) == (350, False)


def test_tags_filter_the_log_and_replies_name_what_they_answer(deal):
    assert [e["id"] for e in deal.jsonl("log", "--tag", "renewal")] == ["renewal-2"]
    assert [e["id"] for e in deal.jsonl("log", "--tag", "renewal", "--tag", "inspections")] == ["renewal-2"]
    assert deal.jsonl("log", "--tag", "renewal", "--tag", "withdrawal") == []
    (reply,) = [e for e in deal.jsonl("log", "--actor", "party-b") if e["id"] == "reply"]
    assert reply["responds_to"] == ["withdrawal"]
    assert "answers withdrawal" in deal.ok("log", "--type", "statement").stdout


BAD = {
    "unknown outcome": (
        {**STORY[11], "id": "x", "outcome": "abandoned"},
        "outcome: 'abandoned' is not one of concluded, expired, withdrawn, collapsed",
    ),
    "supersedes an unknown milestone": (
        {**STORY[5], "id": "x", "supersedes": ["term 9 ends"]},
        "supersedes: negotiation 'nuclear-deal' has no milestone 'term 9 ends' to supersede",
    ),
    "until before occurred": (
        {**STORY[13], "id": "x", "until": "2016-11"},
        "until: '2016-11' is before occurred '2017-03-01'",
    ),
    "latitude out of range": (
        {**STORY[13], "id": "x", "place": {"lat": 91, "lon": 0}},
        "place.lat: 91 is too large: at most 90",
    ),
    "longitude out of range": (
        {**STORY[13], "id": "x", "place": {"lat": 0, "lon": -180.5}},
        "place.lon: -180.5 is too small: at least -180",
    ),
    "unknown country": (
        {**STORY[13], "id": "x", "place": {"country": "XY"}},
        "place.country: unknown country code 'XY'",
    ),
    "answers an unknown development": (
        {**STORY[13], "id": "x", "responds_to": ["ghost"]},
        "responds_to: unknown development 'ghost'",
    ),
    "answers itself": ({**STORY[13], "id": "x", "responds_to": ["x"]}, "responds_to: 'x' cannot answer itself"),
    "tag not a slug": ({**STORY[13], "id": "x", "tags": ["Maritime Trade"]}, "tags[0]: 'Maritime Trade' is not an id"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_moves_are_refused_with_the_line_and_the_field(deal, case):
    bad, message = BAD[case]
    good = {**STORY[13], "id": "fine", "summary": "a fine line first"}
    before = deal.store.digest()
    result = deal("append", "--file", "-", input=_jsonl(good, bad))
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"chronicle: error: line 2: {message}"), line
    assert deal.store.digest() == before


def test_an_acled_import_keeps_coordinates_and_maps_to_the_actors_of_the_story(story, tmp_path):
    from helpers import DATA

    nujaba = {**_reg("nujaba", "armed_group"), "name": "Nujaba movement", "aliases": ["Harakat al-Nujaba"]}
    story.ok("append", "--file", "-", input=_jsonl(nujaba))
    names = tmp_path / "acled-names.json"
    names.write_text(
        json.dumps(
            {"Military Forces of the United States (2021-)": "us", "Government of Iraq (2022-)": "iraq-government"}
        )
    )
    done = story.ok("import", "acled", str(DATA / "acled_sample.csv"), "--actor-map", str(names))
    assert "acled-actor-military-forces-of-the-united-states-2021" not in done.stdout.split()
    assert "acled-actor-harakat-al-nujaba" not in done.stdout.split()
    log = {e["id"]: e for e in story.jsonl("log")}
    assert (log["irq30001"]["by"], log["irq30001"]["targets"]) == ("us", ["nujaba"])  # by the map; by an alias
    assert log["irq30007"]["by"] == "iraq-government"
    mine = [e["id"] for e in story.jsonl("log", "--actor", "us")]
    assert {"us-strike-baghdad", "irq30001", "irq30003", "irq30010"} <= set(mine)
    assert log["irq30001"]["place"]["lat"] == 33.3378 and log["irq30001"]["place"]["lon"] == 44.4326
    baghdad = [e["id"] for e in story.jsonl("log", "--near", "33.3378,44.4326", "--km", "1")]
    assert baghdad == ["irq30001"]
    assert len(story.jsonl("log", "--country", "IRQ")) == 12


def test_exports_draw_only_open_deadlines_as_pending(deal):
    notes = deal.ok("export", "--format", "markdown", "--as-of", "2017-02-15").stdout
    deadlines = [line for line in notes.splitlines() if line.startswith("- Deadline:")]
    assert deadlines == [
        "- Deadline: term 1 ends, due 2016-01-14, superseded by renewal-1",
        "- Deadline: term 2 ends, due 2016-07-14, superseded by renewal-2",
        "- Deadline: term 3 ends, due 2017-01-14, lapsed",
    ]
    page = deal.ok("export", "--format", "html", "--as-of", "2017-02-15").stdout
    assert page.count('"deadline superseded"') == 2 and page.count('"deadline lapsed"') == 1
    assert '"deadline pending"' not in page
    earlier = deal.ok("export", "--format", "html", "--as-of", "2015-12-01").stdout
    assert earlier.count('"deadline pending"') == 1


def test_a_span_is_drawn_as_a_range_in_the_page_and_in_timelinejs(deal):
    page = deal.ok("export", "--format", "html").stdout
    data = json.loads(page.split('<script type="application/json" id="chronicle-data">', 1)[1].split("</script>")[0])
    renewal = next(item for item in data["items"] if item["id"] == "renewal-2")
    assert (renewal["type"], renewal["start"], renewal["end"]) == ("range", "2016-07-10", "2017-01-15")
    events = {e["unique_id"]: e for e in json.loads(deal.ok("export", "--format", "timelinejs").stdout)["events"]}
    assert events["renewal-2"]["end_date"] == {"year": 2017, "month": 1, "day": 14}
    assert "end_date" not in events["renewal-1"]
