"""A rebuild of a large log folds in a second process, which hands back the negotiations that heard of a
development out of story order, to be refolded from the timeline. In an encrypted store (whose timeline,
and the folder's spill, are encrypted) the views come out as the catch-up left them, and as a rebuild
folded in one process makes them."""

from __future__ import annotations

import json

import pytest
from helpers import LATER, SEED


def _talks(ident: str, occurred: str, round_: int, outcome: str) -> dict[str, object]:
    return {
        "type": "talks_held",
        "id": ident,
        "occurred": occurred,
        "summary": f"Round {round_} of the coalition talks",
        "negotiation": "coalition-exit",
        "parties": ["iraq-government", "us"],
        "round": round_,
        "outcome": outcome,
        "sources": [{"publisher": "Reuters", "title": f"Coalition talks, round {round_}", "published": occurred}],
    }


@pytest.fixture
def encrypted_story(cli, tmp_path, monkeypatch):
    from chronicle.service.settings import new_key

    monkeypatch.setenv("CHRONICLE_KEY", new_key())
    cli.ok("init", "--encrypt")
    cli.ok("append", "--file", str(SEED))
    # The second round is reported first: the negotiation hears of the first one out of story order.
    later_first = tmp_path / "talks.jsonl"
    later_first.write_text(
        "\n".join(
            json.dumps(t)
            for t in (
                _talks("talks-round-2", "2024-02-10", 2, "Deadlines discussed"),
                _talks("talks-round-1", "2024-01-27", 1, "Talks open in Baghdad"),
            )
        )
        + "\n"
    )
    cli.ok("append", "--file", str(later_first))
    cli.ok("append", "--file", str(LATER))  # a correction and a retraction
    return cli


def test_a_negotiation_told_out_of_order_is_rebuilt_alike_folded_apart_or_here(encrypted_story, monkeypatch):
    from chronicle.projections.sql import catchup, rebuilding

    caught_up = encrypted_story.json("show", "negotiation", "coalition-exit")
    assert [t["round"] for t in caught_up["talks"]] == [1, 2]
    everything = encrypted_story.json("actors"), encrypted_story.json("negotiations")

    refolded: list[str] = []
    real_from_timeline = rebuilding.Rebuilder.from_timeline  # every refold in story order, whenever it comes

    def noted(self, c, key):
        refolded.append(key)
        return real_from_timeline(self, c, key)

    monkeypatch.setattr(rebuilding.Rebuilder, "from_timeline", noted)
    monkeypatch.setattr(catchup, "APART_FROM", 0)
    assert "rebuilt every view" in encrypted_story.ok("replay").stdout
    assert refolded == ["negotiation:coalition-exit"]
    assert encrypted_story.json("show", "negotiation", "coalition-exit") == caught_up
    assert (encrypted_story.json("actors"), encrypted_story.json("negotiations")) == everything

    monkeypatch.setattr(catchup, "APART_FROM", 10**9)  # folded here
    assert "rebuilt every view" in encrypted_story.ok("replay").stdout
    assert refolded == ["negotiation:coalition-exit"] * 2
    assert encrypted_story.json("show", "negotiation", "coalition-exit") == caught_up
    assert (encrypted_story.json("actors"), encrypted_story.json("negotiations")) == everything
