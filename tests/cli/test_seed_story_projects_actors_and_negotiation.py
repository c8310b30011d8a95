"""The seed report, recorded from the CLI, reads back as the state of its actors and negotiation."""

from __future__ import annotations


def test_us_has_2500_troops_in_iraq_and_900_in_syria(story):
    us = story.json("show", "actor", "us")
    figures = {(f["metric"], f["scope"]): f for f in us["figures"]}
    assert figures[("troops", "iraq")]["value"] == 2500
    assert figures[("troops", "syria")]["value"] == 900
    assert figures[("troops", "iraq")]["development"] == "us-troops-iraq"
    assert figures[("troops", "iraq")]["as_of"] == "2024-01-05"


def test_strike_counts_for_striker_and_target(story):
    us = story.json("show", "actor", "us")
    groups = story.json("show", "actor", "iran-aligned-groups")
    assert us["strikes_carried_out"] == 1
    assert groups["strikes_suffered"] == 1
    assert groups["attacks_carried_out"] == 1
    assert us["attacks_suffered"] == 1


def test_militia_leader_named_in_killed_is_killed_with_date(story):
    leader = story.json("show", "actor", "militia-leader")
    assert leader["status"] == "killed"
    assert leader["killed_on"] == "2024-01-04"
    assert leader["killed_in"] == "us-strike-baghdad"
    assert story.json("show", "actor", "us")["status"] == "active"


def test_actor_identity_and_first_and_last_development(story):
    sudani = story.json("show", "actor", "mohammed-shia-al-sudani")
    assert sudani["name"] == "Mohammed Shia al-Sudani"
    assert sudani["kind"] == "person"
    assert sudani["part_of"] == "iraq-government"
    assert sudani["first_development"] == {"id": "reg-al-sudani", "occurred": "2024-01-04"}
    assert sudani["last_development"] == {"id": "withdrawal-committee", "occurred": "2024-01-05"}


def test_positions_are_kept_per_negotiation_on_the_actor(story):
    iraq = story.json("show", "actor", "iraq-government")
    assert iraq["positions"]["coalition-exit"]["position"] == "demands"


def test_negotiation_has_committee_parties_and_positions(story):
    talks = story.json("show", "negotiation", "coalition-exit")
    assert talks["status"] == "committee_formed"
    assert talks["parties"] == ["iraq-government", "us", "us-led-coalition"]
    assert talks["committee"]["convened_by"] == "mohammed-shia-al-sudani"
    assert talks["committee"]["members"] == ["iraq-government", "us-led-coalition"]
    assert talks["committee"]["formed"] == "2024-01-05"
    assert set(talks["positions"]) == {"iran-aligned-groups", "iraq-government"}
    assert talks["rounds"] == 0
    assert talks["first_development"]["id"] == "coalition-exit-opened"


def test_actors_and_negotiations_list_every_entity_with_its_id(story):
    actors = story.json("actors")
    assert [a["id"] for a in actors] == sorted(
        [
            "us",
            "pentagon",
            "iraq-government",
            "mohammed-shia-al-sudani",
            "us-led-coalition",
            "iran",
            "iran-aligned-groups",
            "militia-leader",
        ]
    )
    negotiations = story.json("negotiations")
    assert [n["id"] for n in negotiations] == ["coalition-exit"]


def test_text_output_names_the_facts(story):
    out = story.ok("show", "actor", "us").stdout
    assert "United States" in out
    assert "2,500" in out
    out = story.ok("show", "negotiation", "coalition-exit").stdout
    assert "committee_formed" in out
    assert "mohammed-shia-al-sudani" in out
