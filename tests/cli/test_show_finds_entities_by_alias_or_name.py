"""`show` takes an id, an alias or a name, in any case; ambiguity is an error naming the candidates."""

from __future__ import annotations

import json


def test_alias_and_name_resolve_case_insensitively(story):
    assert story.json("show", "actor", "Iraqi Government")["id"] == "iraq-government"
    assert story.json("show", "actor", "AL-SUDANI")["id"] == "mohammed-shia-al-sudani"
    assert story.json("show", "actor", "US")["id"] == "us"
    assert story.json("show", "negotiation", "ending the u.s.-led coalition mission in iraq")["id"] == (
        "coalition-exit"
    )


def test_ambiguous_alias_lists_the_candidates(story, tmp_path):
    extra = tmp_path / "more.jsonl"
    extra.write_text(
        json.dumps(
            {
                "type": "actor_registered",
                "occurred": "2024-01-05",
                "summary": "Another government also called Baghdad in some reports",
                "actor": "baghdad-province",
                "name": "Baghdad Provincial Council",
                "kind": "government",
                "aliases": ["Baghdad"],
            }
        )
        + "\n"
    )
    story.ok("append", "--file", str(extra))
    result = story("show", "actor", "baghdad")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr
    assert "baghdad-province" in result.stderr and "iraq-government" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_entity_is_a_clear_error(story):
    result = story("show", "actor", "atlantis")
    assert result.exit_code == 1
    assert result.stderr.strip() == "chronicle: error: no actor called 'atlantis' (see `chronicle actors`)"
    assert result.stdout == ""
