"""`replay --play` walks the story in order and names what each development changed."""

from __future__ import annotations


def test_play_shows_each_development_and_its_changes(revised_story):
    steps = revised_story.jsonl("replay", "--play")
    ids = [s["development"]["id"] for s in steps]
    assert "unverified-retaliation-claim" not in ids  # retracted: it no longer counts
    assert ids.index("attacks-on-us-personnel") < ids.index("us-strike-baghdad")  # 2024-01 starts first
    committee = next(s for s in steps if s["development"]["id"] == "withdrawal-committee")
    status = [c for c in committee["changes"] if c["entity"] == "negotiation:coalition-exit" and c["field"] == "status"]
    assert status == [
        {"entity": "negotiation:coalition-exit", "field": "status", "before": "opened", "after": "committee_formed"}
    ]
    strike = next(s for s in steps if s["development"]["id"] == "us-strike-baghdad")
    assert strike["development"]["deaths"] == 2  # as corrected
    killed = [c for c in strike["changes"] if c["entity"] == "actor:militia-leader" and c["field"] == "status"]
    assert killed == [{"entity": "actor:militia-leader", "field": "status", "before": "active", "after": "killed"}]


def test_play_can_focus_on_one_negotiation_and_a_date_range(revised_story):
    steps = revised_story.jsonl("replay", "--play", "--negotiation", "coalition-exit", "--since", "2024-01-05")
    assert [s["development"]["id"] for s in steps] == [
        "coalition-exit-opened",
        "groups-demand-exit",
        "groups-position",
        "withdrawal-committee",
        "iraq-position",
    ]
    text = revised_story.ok("replay", "--play", "--actor", "militia leader killed in baghdad").stdout
    assert "actor:militia-leader  status: active -> killed" in text


def test_play_text_writes_values_as_every_other_command_does(revised_story):
    text = revised_story.ok("replay", "--play", "--actor", "us").stdout
    assert "    actor:us  registered: false -> true\n" in text
    assert "    actor:us  aliases: [] -> [U.S., USA, Washington]\n" in text
    assert "True" not in text and "False" not in text and "{'" not in text  # no Python spellings


def test_play_rejects_bad_ranges_and_unknown_entities(revised_story):
    result = revised_story("replay", "--play", "--since", "2024-02-01", "--until", "2024-01-01")
    assert result.exit_code == 2
    assert result.stderr.strip() == "chronicle: error: --until 2024-01-01 is before --since 2024-02-01"
    result = revised_story("replay", "--play", "--actor", "nobody")
    assert result.exit_code == 1
    assert "no actor called 'nobody'" in result.stderr


def test_focus_and_since_only_choose_steps_never_change_what_a_step_says(revised_story):
    everything = {s["position"]: s for s in revised_story.jsonl("replay", "--play")}
    focuses = [("--actor", a["id"]) for a in revised_story.json("actors")]
    focuses += [("--negotiation", n["id"]) for n in revised_story.json("negotiations")]
    compared = 0
    for focus in [(), *focuses]:
        for since in ((), ("--since", "2024-01-05")):
            steps = revised_story.jsonl("replay", "--play", *focus, *since)
            assert all(step == everything[step["position"]] for step in steps), (focus, since)
            compared += len(steps)
    assert compared > 3 * len(everything)


def test_a_focused_play_is_the_whole_play_cut_to_the_steps_touching_its_focus(revised_story):
    # A focused play reads only what the focus's neighbours need: it must still show the same steps with
    # the same changes (of every entity they touch) as the whole story's play.
    from chronicle.projections.fold import touched
    from chronicle.service.interchange import parse_development

    whole = revised_story.jsonl("replay", "--play")
    for kind, ident in (("actor", "us"), ("actor", "militia-leader"), ("negotiation", "coalition-exit")):
        key = f"{kind}:{ident}"
        expected = [s for s in whole if key in touched(parse_development(s["development"]))]
        assert expected and revised_story.jsonl("replay", "--play", f"--{kind}", ident) == expected, key


def test_a_play_ends_where_show_stands_competing_claims_and_all(cli):
    """Each value a play last set is the one `show` gives: two sources' figures for one day stand side
    by side in the play as in `show`, and neither overwrites the other."""
    from helpers import GOLDEN

    from chronicle.projections.paths import flatten_dump

    cli.ok("init")
    cli.ok("append", "--file", str(GOLDEN / "moves.jsonl"))
    last: dict[str, dict[str, object]] = {}
    for step in cli.jsonl("replay", "--play"):
        for change in step["changes"]:
            last.setdefault(change["entity"], {})[change["field"]] = change["after"]
    assert "figures[stock-kg@stock-by-b].value" in last["actor:party-b"]
    for entity, played in last.items():
        kind, _, ident = entity.partition(":")
        shown = flatten_dump(cli.json("show", kind, ident))
        assert {path: shown.get(path) for path in played} == played, entity
