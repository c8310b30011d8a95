"""Ids generated for developments without one: read from the summary, valid ids, one per content."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.domain.developments import DEVELOPMENT_ADAPTER, Development
from chronicle.domain.revisions import DevelopmentState
from chronicle.domain.rules import assign_ids

ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")  # the format's Slug


class Held:
    """A lookup over developments already recorded, by id."""

    def __init__(self, developments: Sequence[Development] = ()) -> None:
        self.held = {d.id: DevelopmentState(1, d, d.content_digest(), d) for d in developments if d.id}

    def developments(self, ids: Sequence[str]) -> dict[str, DevelopmentState]:
        return {i: self.held[i] for i in ids if i in self.held}

    def existing_actors(self, ids: Sequence[str]) -> set[str]:
        return set()

    def existing_negotiations(self, ids: Sequence[str]) -> set[str]:
        return set()

    def existing_milestones(self, streams: Sequence[str]) -> set[str]:
        return set()


def _statement(summary: str, text: str = "No comment.", occurred: str = "2024-01-06") -> Development:
    line = {"type": "statement", "occurred": occurred, "summary": summary, "by": "us", "text": text}
    return DEVELOPMENT_ADAPTER.validate_python(line)


def test_an_id_reads_as_type_date_and_the_first_words_of_the_summary() -> None:
    [given_id] = assign_ids([_statement("Washington says the strike answered attacks on U.S. personnel")], Held())
    assert given_id.id == "statement-2024-01-06-washington-says-the-strike-answered"


def test_accents_are_dropped_and_a_summary_without_latin_letters_falls_back_to_a_digest() -> None:
    [accented, arabic] = assign_ids([_statement("Réunion à Bagdad"), _statement("اجتماع في بغداد")], Held())
    assert accented.id == "statement-2024-01-06-reunion-a-bagdad"
    assert arabic.id == arabic.generated_ids().legacy
    assert re.fullmatch(r"statement-2024-01-06-[0-9a-f]{12}", arabic.id or "")


def test_other_content_under_a_held_id_gets_a_digest_suffix_and_the_same_content_keeps_its_id() -> None:
    first, other = _statement("Washington comments"), _statement("Washington comments", text="Later, more.")
    [recorded] = assign_ids([first], Held())
    store = Held([recorded])
    again, suffixed = assign_ids([first, other], store)
    assert again.id == recorded.id == "statement-2024-01-06-washington-comments"
    assert re.fullmatch(r"statement-2024-01-06-washington-comments-[0-9a-f]{8}", suffixed.id or "")
    [suffixed_again] = assign_ids([other], Held([recorded, suffixed]))
    assert suffixed_again.id == suffixed.id


def test_a_development_recorded_under_the_digest_id_of_before_keeps_it() -> None:
    development = _statement("Washington comments")
    legacy = development.with_id(development.generated_ids().legacy)
    [again] = assign_ids([development], Held([legacy]))
    assert again.id == legacy.id


def test_an_id_written_out_later_in_the_batch_is_not_generated_for_other_content() -> None:
    written = _statement("Other words", text="Written out.").model_copy(
        update={"id": "statement-2024-01-06-washington-comments"}
    )
    generated, kept = assign_ids([_statement("Washington comments"), written], Held())
    assert kept.id == "statement-2024-01-06-washington-comments"
    assert generated.id != kept.id and (generated.id or "").startswith(f"{kept.id}-")


_summaries = st.one_of(
    st.sampled_from(["Washington comments", "Baghdad talks resume", "Réunion à Bagdad", "بغداد", "!!!", "U.S."]),
    st.text(min_size=1, max_size=300).filter(lambda t: "\x00" not in t),
)
_occurred = st.one_of(st.dates().map(str), st.integers(1, 9999).map(lambda y: f"{y:04d}"))
_lines = st.lists(
    st.tuples(_summaries, st.sampled_from(["No comment.", "More later.", "x" * 500]), _occurred), max_size=25
)


@settings(max_examples=200, deadline=None)
@given(recorded=_lines, batch=_lines, repeats=st.integers(0, 5))
def test_generated_ids_are_valid_ids_one_per_content_and_stable_over_appends(
    recorded: list[tuple[str, str, str]], batch: list[tuple[str, str, str]], repeats: int
) -> None:
    before = assign_ids([_statement(*line) for line in recorded], Held())
    developments = [_statement(*line) for line in batch] + [_statement(*line) for line in recorded[:repeats]]
    store = Held(before)
    after = assign_ids(developments, store)
    owner: dict[str, str] = {}
    for development in [*before, *after]:
        assert development.id is not None and ID.match(development.id), development.id
        # one content per id: within each batch, and the second against what the first recorded
        assert owner.setdefault(development.id or "", development.content_digest()) == development.content_digest()
    by_content = {d.content_digest(): d.id for d in before}
    for development in after:  # what was recorded before keeps its id when appended again
        assert by_content.setdefault(development.content_digest(), development.id) == development.id
