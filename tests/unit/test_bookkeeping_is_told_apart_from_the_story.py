"""history, blame and diff show the story's facts; counts and pointers to developments wait for --all."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chronicle.projections.history import is_bookkeeping

FACTS = [
    "status",
    "figures[troops/iraq].value",
    "figures[troops/iraq].as_of",
    "positions[iraq-government].position",
    "positions[iraq-government].text",
    "committee.members",
    "strikes_carried_out",
    "sources_named",
]
BOOKKEEPING = [
    "developments",
    "first_development",
    "registered_in",
    "opened_in",
    "corroboration.name",
    "figures[troops/iraq].development",
    "figures[troops/iraq].sources",
    "positions[iraq-government].sources",
    "committee.development",
]


def test_the_storys_facts_are_shown_and_bookkeeping_is_not() -> None:
    assert [f for f in FACTS if is_bookkeeping(f)] == []
    assert [f for f in BOOKKEEPING if not is_bookkeeping(f)] == []


@given(st.sampled_from(["figures", "positions", "committee", "terms"]), st.from_regex(r"[a-z/-]{1,12}", fullmatch=True))
def test_every_nested_pointer_and_count_is_bookkeeping(field: str, key: str) -> None:
    assert is_bookkeeping(f"{field}[{key}].development") and is_bookkeeping(f"{field}[{key}].sources")
    assert not is_bookkeeping(f"{field}[{key}].value")
