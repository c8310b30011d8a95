"""An entity key reads and writes as the view tables and the log's streams store it: `kind:id`."""

import pytest

from chronicle.domain.events import actor_stream, development_stream, negotiation_stream
from chronicle.domain.keys import EntityKey


def test_a_key_is_its_kind_and_id_joined_by_a_colon():
    assert str(EntityKey.actor("us")) == "actor:us"
    assert str(EntityKey.negotiation("gaza-ceasefire")) == "negotiation:gaza-ceasefire"
    assert EntityKey.parse("actor:us") == EntityKey("actor", "us")
    assert EntityKey.parse("negotiation:a.b--c").id == "a.b--c"


def test_parsing_and_spelling_a_key_give_it_back_unchanged():
    for text in ("actor:x--drop-table-stored_events--", "negotiation:chronicle_chain", "development:0"):
        assert str(EntityKey.parse(text)) == text


def test_streams_are_spelled_as_keys():
    assert actor_stream("us") == "actor:us"
    assert negotiation_stream("talks") == "negotiation:talks"
    assert EntityKey.parse(development_stream("strike-1")) == EntityKey("development", "strike-1")


def test_text_without_a_kind_is_not_a_key():
    with pytest.raises(ValueError, match="not an entity key"):
        EntityKey.parse("us")
